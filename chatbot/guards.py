"""Guards for one turn of the answer pipeline, as pure functions (no model, no I/O, stdlib only).

The import point for the pipeline; the pieces live in chatbot/input_guard.py (hygiene, injection,
language), chatbot/pii.py, chatbot/routing.py and chatbot/grounding.py. Order in pipeline.answer:

    text = clean_input(question)                   # strip control / invisible characters
    if (msg := check_length(text)): ...            # kind "too long" / "empty" message, stop
    red = redact_pii(text)                          # from here on only red.text is used or logged
    if red.warn: route "warn_pii" (red.kinds says what; phones/emails are only redacted)
    decision = classify(red.text)                   # RouteDecision(route, reason, calculator)
    signals = injection_signals(red.text)           # for flags and logs
    prompt gets neutralize(red.text); answer gets grounding_check(answer, sources)

Run the tables: `python -m pytest tests/test_guards.py tests/test_pii.py tests/test_grounding.py`.
"""
from __future__ import annotations

from chatbot.grounding import Fact, Grounding, extract_facts, grounding_check
from chatbot.input_guard import check_length, clean_input, detect_language, injection_signals, neutralize
from chatbot.pii import PLACEHOLDERS, WARN_KINDS, PiiMatch, Redaction, find_pii, pii_echo, redact_pii
from chatbot.routing import RouteDecision, classify

__all__ = ["PLACEHOLDERS", "Fact", "Grounding", "PiiMatch", "Redaction", "RouteDecision", "WARN_KINDS", "check_length",
           "classify", "clean_input", "detect_language", "extract_facts", "find_pii", "grounding_check",
           "injection_signals", "neutralize", "pii_echo", "redact_pii"]
