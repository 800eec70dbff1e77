"""Guards for one turn of the answer pipeline, as pure functions (no model, no I/O, stdlib only).

The import point for the pipeline; the pieces live in chatbot/guards/input.py (hygiene, injection,
language), chatbot/guards/pii.py, chatbot/guards/routing.py and chatbot/guards/grounding.py. Order in pipeline.answer:

    text = clean_input(question)                   # strip control / invisible characters
    if (msg := check_length(text)): ...            # kind "too long" / "empty" message, stop
    red = redact_pii(text)                          # from here on only red.text is used or logged
    if red.warn: route "warn_pii" (red.kinds says what; phones/emails are only redacted)
    decision = classify(red.text)                   # RouteDecision(route, reason, calculator)
    signals = injection_signals(red.text)           # for flags and logs
    prompt gets neutralize(red.text); answer gets grounding_check(answer, sources)

Run the tables: `python -m pytest tests/test_guards_input_and_routing.py tests/test_guards_pii.py tests/test_guards_grounding.py`.
"""
from __future__ import annotations

from chatbot.guards.grounding import Fact, Grounding, extract_facts, grounding_check
from chatbot.guards.input import check_length, clean_input, injection_signals, neutralize
from chatbot.guards.pii import PLACEHOLDERS, WARN_KINDS, PiiMatch, Redaction, find_pii, pii_echo, redact_pii
from chatbot.guards.routing import RouteDecision, asks_about_aid, classify, crisis_certain

__all__ = ["asks_about_aid", "crisis_certain", "PLACEHOLDERS", "Fact", "Grounding", "PiiMatch", "Redaction", "RouteDecision", "WARN_KINDS", "check_length",
           "classify", "clean_input", "extract_facts", "find_pii", "grounding_check",
           "injection_signals", "neutralize", "pii_echo", "redact_pii"]
