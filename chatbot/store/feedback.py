"""Where the UI sends each answered turn and the user's feedback on it.

`FeedbackSink` is the interface; the storage layer (chatbot/store/storage.py) provides the durable one.
`MemoryFeedbackSink` keeps the most recent records in memory (the default until storage is wired
in, and what the tests read). Callers pass already-redacted text: the UI redacts PII before calling.
"""
from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
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


class MemoryFeedbackSink:
    """The newest `limit` turns and feedback, in memory: lost on restart, bounded on a public server."""

    def __init__(self, limit: int = 1000):
        self.limit = limit
        self.turns: OrderedDict[str, TurnRecord] = OrderedDict()
        self.feedback: OrderedDict[str, FeedbackRecord] = OrderedDict()
        self._lock = threading.Lock()

    def start_turn(self, *args, **kwargs) -> None:
        """Nothing: memory keeps finished turns only (it does not survive a crash anyway)."""

    def fail_turn(self, turn_id: str) -> None: ...

    def record_turn(self, turn: TurnRecord) -> None:
        with self._lock:
            self._put(self.turns, turn.turn_id, turn)

    def record_feedback(self, turn_id: str, rating: str | None, comment: str | None = None) -> None:
        if rating is not None and rating not in RATINGS:
            raise ValueError(f"rating must be one of {RATINGS} or None, got {rating!r}")
        with self._lock:
            self._put(self.feedback, turn_id, FeedbackRecord(turn_id, rating, comment))

    def _put(self, table: OrderedDict, key: str, value) -> None:
        table.pop(key, None)
        table[key] = value
        while len(table) > self.limit:
            table.popitem(last=False)
