"""A per-client sliding-window rate limit (requests per minute), in memory.

One process serves the app, so a dict of recent request times per client is enough; keys are the
client's address as `http_limits.client_address` reads it (the peer, or a trusted proxy's hop).
"""
from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable


class RateLimiter:
    def __init__(self, per_minute: int, window_s: float = 60.0, clock: Callable[[], float] = time.monotonic):
        if per_minute < 1:
            raise ValueError(f"per_minute must be at least 1, got {per_minute}")
        self.per_minute, self.window_s, self.clock = per_minute, window_s, clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()  # feedback handlers run in worker threads, chat in the event loop
        self._calls = 0

    def allow(self, key: str) -> bool:
        """Count one request for `key`; False when it is over the limit (the refused one is not counted)."""
        now = self.clock()
        with self._lock:
            self._calls += 1
            if self._calls % 1000 == 0:
                self._forget_idle(now)
            times = self._seen.setdefault(key, deque())
            while times and now - times[0] >= self.window_s:
                times.popleft()
            if len(times) >= self.per_minute:
                return False
            times.append(now)
            return True

    def _forget_idle(self, now: float) -> None:
        """Drop clients idle for a whole window, so a public server's memory does not grow forever."""
        for key in [k for k, t in self._seen.items() if not t or now - t[-1] >= self.window_s]:
            del self._seen[key]
