"""Where the UI sends each answered turn and the user's feedback on it.

`FeedbackSink` is the interface; the storage layer (chatbot/store/storage.py) provides it (Store,
or NullStore with storage off). Callers pass already-redacted text: the UI redacts PII before calling.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Protocol

from chatbot.answers import Answer

RATINGS = ("up", "down")
MAX_COMMENT_CHARS = 500


def new_turn_id() -> str:
    """A random id per answer: it links feedback to the turn without identifying the user."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class TurnRecord:
    turn_id: str
    question: str  # PII-redacted
    answer: Answer
    session_id: str
    school: str | None
    lang: str
    at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


@dataclass(frozen=True)
class FeedbackRecord:
    turn_id: str
    rating: str | None  # "up", "down" or None (the comment came without a rating)
    comment: str | None  # PII-redacted, at most MAX_COMMENT_CHARS
    at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


class FeedbackSink(Protocol):
    def start_turn(self, turn_id: str, question: str, session_id: str = "", school: str | None = None,
                   lang: str = "en", model: str | None = None) -> None:
        """Before generation, so a crash mid-answer leaves the turn marked incomplete, not missing."""

    def fail_turn(self, turn_id: str) -> None:
        """The answer broke; the user saw an error message."""

    def record_turn(self, turn: TurnRecord) -> None:
        """The finished turn (completes the started one); committed before the user sees the answer."""

    def record_feedback(self, turn_id: str, rating: str | None, comment: str | None = None) -> None:
        """A later call for the same turn replaces the earlier one (a comment follows the thumb)."""
