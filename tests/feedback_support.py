"""A feedback sink the tests can read: the newest turns and feedback in memory (production stores
them with chatbot/store/storage.py, or nothing at all with storage off)."""
from __future__ import annotations

import threading
from collections import OrderedDict

from chatbot.store.feedback import RATINGS, FeedbackRecord, TurnRecord


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
