"""Conversation history: trim it to a token budget, and turn follow-ups into searchable queries.

Follow-ups ("what about for grad school?", "and the year after?", "y para 2026-27?") carry too little
on their own for retrieval, so `follow_up_query` prefixes the previous user question. We do this with
rules rather than asking the model to rewrite the question: the tiny default model rewrites badly, and
a rule is predictable and testable.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Callable

from chatbot import award_year as ay

# Openers and references that mean "this continues the last question".
_FOLLOW_UP = re.compile(
    r"^(and|also|what about|how about|what if|and if|same|ok(ay)?|so|but|then|y|¿?y si|¿?y para|¿?y (el|la|los|las)|"
    r"¿?qué pasa con|¿?y qué|¿?y cuánto|entonces|pero)\b"
    r"|\b(that|this|it|those|these|them|the same|instead|eso|esto|esa|ese|lo mismo)\b",
    re.I,
)
MAX_FOLLOW_UP_WORDS = 12


def is_follow_up(text: str, history: list[dict]) -> bool:
    if not any(m["role"] == "user" for m in history):
        return False
    words = text.split()
    return len(words) <= MAX_FOLLOW_UP_WORDS and bool(_FOLLOW_UP.search(text.strip()))


def follow_up_query(text: str, history: list[dict], today: date) -> tuple[str, str | None]:
    """(query for retrieval, award year the user named in THIS message or None).

    The year named in the new message wins over any year in the earlier question, so it is returned
    separately and passed to the retriever explicitly.
    """
    named = ay.years_in_text(text, today)
    year = named[0] if named else None
    if not is_follow_up(text, history):
        return text, year
    previous = next(m["content"] for m in reversed(history) if m["role"] == "user")
    if year is None:
        earlier = ay.years_in_text(previous, today)
        year = earlier[0] if earlier else None
    return f"{previous} {text}", year


def trim_history(history: list[dict], count_tokens: Callable[[str], int], budget: int) -> list[dict]:
    """Keep the latest turns that fit in `budget` tokens (whole messages, newest first)."""
    kept: list[dict] = []
    used = 0
    for message in reversed(history):
        cost = count_tokens(message["content"]) + 4  # role tags and separators
        if used + cost > budget:
            break
        kept.append(message)
        used += cost
    kept.reverse()
    # A history must not start with an assistant turn cut loose from its question.
    while kept and kept[0]["role"] == "assistant":
        kept.pop(0)
    return kept
