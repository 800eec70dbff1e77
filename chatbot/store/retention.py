"""The retention job: deletes stored turns older than CHATBOT_RETENTION_DAYS (default 180).

    job = RetentionJob(store).start()   # at app start-up; purges at once, then every 6 hours
    job.stop()                          # at shutdown (it is a daemon thread, so a crash never waits on it)

Run one purge by hand: `python -c "from chatbot.store.storage import open_store; print(open_store().purge(180))"`.
"""
from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from chatbot.store.config import storage_config

if TYPE_CHECKING:
    from chatbot.store.storage import NullStore, Store

log = logging.getLogger("chatbot.store.storage")


class RetentionJob:
    """A daemon thread that runs `store.purge(days)` at start and then every `interval_s`."""

    def __init__(self, store: Store | NullStore, days: int | None = None, interval_s: float = 6 * 3600):
        if days is None:
            days = (store.config or storage_config()).retention_days
        self.store, self.days, self.interval_s = store, days, interval_s
        self.runs, self.deleted = 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retention", daemon=True)

    def start(self) -> RetentionJob:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.deleted += self.store.purge(self.days)
            except Exception:  # a locked or unreachable database must not kill the job: try next time
                log.exception("retention purge failed")
            self.runs += 1
            self._stop.wait(self.interval_s)
