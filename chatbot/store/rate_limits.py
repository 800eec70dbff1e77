"""A rate limit that every app replica shares, kept in the conversation store's database.

    limiter = SharedRateLimiter(store.engine, per_minute=20)
    limiter.allow(client_address)   # -> False when this client asked too often, on any replica

One row per client and minute (`rate_hits`), counted with one upsert per question. The limit is a
sliding window estimated from two fixed minutes (this minute's count plus the last minute's,
weighted by how much of it is still inside the window), so a burst at a minute's edge is not allowed
twice. A refused question is counted too: a client that keeps hammering stays refused. Clients are
stored as a hash of their address, never the address, and rows older than two minutes are deleted.
If the database does not answer, `fallback` decides (the replica's own in-memory limiter; without
one, the question is let through): a database outage must not turn every student away. Logged.
"""
from __future__ import annotations

import hashlib
import logging
import time
from typing import Callable

from sqlalchemy import MetaData, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from chatbot.store.schema import define_rate_table

log = logging.getLogger("chatbot.store.rate_limits")


def client_hash(address: str) -> str:
    return hashlib.sha256(f"finaid-rate:{address}".encode()).hexdigest()[:32]


class SharedRateLimiter:
    def __init__(self, engine: Engine, per_minute: int, fallback=None, clock: Callable[[], float] = time.time):
        if per_minute < 1:
            raise ValueError(f"per_minute must be at least 1, got {per_minute}")
        self.engine, self.per_minute, self.clock = engine, per_minute, clock
        self.table = define_rate_table(MetaData())
        self.fallback = fallback  # anything with allow(key): used only while the database does not answer
        self._insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        self._calls = 0

    def allow(self, key: str) -> bool:
        now = self.clock()
        minute, into = divmod(now, 60)
        minute, client, t = int(minute), client_hash(key), self.table
        try:
            with self.engine.begin() as conn:
                upsert = self._insert(t).values(client=client, minute=minute, hits=1)
                upsert = upsert.on_conflict_do_update(index_elements=[t.c.client, t.c.minute],
                                                      set_={"hits": t.c.hits + 1}).returning(t.c.hits)
                hits = conn.execute(upsert).scalar_one()
                before = conn.execute(select(t.c.hits).where(t.c.client == client, t.c.minute == minute - 1)).scalar() or 0
                self._calls += 1
                if self._calls % 500 == 0:
                    conn.execute(delete(t).where(t.c.minute < minute - 1))
        except SQLAlchemyError as exc:
            log.warning("shared rate limit unavailable (%s); this replica's own limit decides", type(exc).__name__)
            return self.fallback.allow(key) if self.fallback is not None else True
        # This minute's hits include the one just counted: allowed while the window holds <= limit.
        return hits + before * (1 - into / 60) <= self.per_minute
