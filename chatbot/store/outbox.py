"""Writes that wait out a database outage instead of being lost: `RetryingSink(store)`.

    sink = RetryingSink(open_store())    # what app.py hands the web layer
    sink.start_turn(...)                  # written now; if the database is unreachable, kept in order
    sink.pending                          # writes waiting for the database (0 when all is well)

A write that fails because the database is unreachable or locked (SQLAlchemy's OperationalError,
InterfaceError) is kept in an in-memory outbox, in order, and retried every `retry_s` seconds by one
background thread until the database answers; while anything waits, new writes queue behind it, so a
turn's 'started' row, its answer and its feedback still land in that order. The student gets the
answer either way (the web layer never waits on the outbox). Other errors (a bad turn id, feedback on
a turn that does not exist) are the caller's and propagate as before. The outbox holds `max_pending`
writes; past that, and at shutdown with the database still gone, what cannot be kept is counted and
logged, never dropped without a trace. It lives in memory: a crash during an outage loses what waits.
"""
from __future__ import annotations

import logging
import threading
from collections import deque

from sqlalchemy.exc import InterfaceError, OperationalError

log = logging.getLogger("chatbot.store.outbox")
TRANSIENT = (OperationalError, InterfaceError)
_WRITES = ("start_turn", "finish_turn", "fail_turn", "record_turn", "record_feedback")


class RetryingSink:
    def __init__(self, store, retry_s: float = 2.0, max_pending: int = 10_000):
        self.store, self.retry_s, self.max_pending = store, retry_s, max_pending
        self._queue: deque[tuple[str, tuple, dict]] = deque()
        self._lock, self._wake, self._closed = threading.Lock(), threading.Event(), False
        self.dropped = 0
        self._thread = threading.Thread(target=self._retry_loop, name="store-outbox", daemon=True)
        self._thread.start()

    def __getattr__(self, name):  # reads, purge, close's helpers: straight to the store
        if name in _WRITES:
            return lambda *args, **kwargs: self._write(name, args, kwargs)
        return getattr(self.store, name)

    @property
    def pending(self) -> int:
        return len(self._queue)

    def _write(self, name: str, args: tuple, kwargs: dict) -> None:
        with self._lock:
            queued = bool(self._queue)
            if queued:  # keep the order: behind what already waits
                self._keep(name, args, kwargs)
        if queued:
            return
        try:
            getattr(self.store, name)(*args, **kwargs)
        except TRANSIENT as exc:
            log.warning("database unavailable (%s); keeping the write to retry", type(exc).__name__)
            with self._lock:
                self._keep(name, args, kwargs)
            self._wake.set()

    def _keep(self, name, args, kwargs) -> None:  # holding the lock
        if len(self._queue) >= self.max_pending:
            self.dropped += 1
            log.error("outbox full (%d writes waiting): a %s write is lost (%d so far)",
                      len(self._queue), name, self.dropped)
            return
        self._queue.append((name, args, kwargs))

    def flush(self) -> bool:
        """Write what waits, in order; stops at the first transient failure. True when empty."""
        while True:
            with self._lock:
                if not self._queue:
                    return True
                name, args, kwargs = self._queue[0]
            try:
                getattr(self.store, name)(*args, **kwargs)
            except TRANSIENT:
                return False
            except Exception:  # can never succeed (e.g. feedback on a turn purged meanwhile)
                log.exception("a kept %s write failed for good", name)
            with self._lock:
                self._queue.popleft()
            if not self._queue:
                log.warning("database back: every kept write is stored")

    def _retry_loop(self) -> None:
        while not self._closed:
            self._wake.wait(self.retry_s)
            self._wake.clear()
            if self._queue:
                self.flush()

    def close(self) -> None:
        self._closed = True
        self._wake.set()
        self._thread.join(timeout=30)
        if not self.flush():
            log.error("shutting down with %d writes the database never took", self.pending)
        self.store.close()
