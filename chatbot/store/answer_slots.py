"""A limit on answers in progress that every app replica shares, kept in the conversation store's database.

    slots = SharedAnswerSlots(store.engine, size=64, hold_s=300)
    slot = slots.acquire()      # None: `size` answers are already in progress on the replicas together
    ...                         # answer the question
    slots.release(slot)

Each replica's own queue (`queue_size`) bounds what one process holds; with N replicas behind a proxy
that is N x queue_size people, more than the model servers behind them may serve in time. This bounds
the sum: one row per answer in progress (`answer_slots`), counted and inserted in one transaction
that PostgreSQL serializes with an advisory lock (SQLite serializes writers itself), so two replicas
cannot both take the last slot. A row holds a random id and an expiry, nothing about the user; a
replica that crashes mid-answer leaves rows that lapse after `hold_s` (longer than any answer may run).
If the database does not answer, the question is let through and the outage logged: an outage must
not turn every student away (each replica's own queue still bounds it).
"""
from __future__ import annotations

import logging
import secrets
import time
from typing import Callable

from sqlalchemy import MetaData, delete, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from chatbot.store.schema import define_slot_table

log = logging.getLogger("chatbot.store.answer_slots")
LOCK_KEY = 0x6A15  # the advisory lock taking a slot is serialized on (PostgreSQL)
UNCOUNTED = "unlimited"  # the slot handed out while the database is down (nothing to release)


class SharedAnswerSlots:
    def __init__(self, engine: Engine, size: int, hold_s: float, clock: Callable[[], float] = time.time):
        if size < 1 or hold_s <= 0:
            raise ValueError(f"size must be at least 1 and hold_s positive, got {size}, {hold_s}")
        self.engine, self.size, self.hold_s, self.clock = engine, size, hold_s, clock
        self.table = define_slot_table(MetaData())

    def acquire(self) -> str | None:
        """A slot id, or None when `size` answers are in progress across the replicas."""
        now, t = self.clock(), self.table
        slot = secrets.token_hex(16)
        try:
            with self.engine.begin() as conn:
                if self.engine.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
                conn.execute(delete(t).where(t.c.expires < now))
                if conn.execute(select(func.count()).select_from(t)).scalar_one() >= self.size:
                    return None
                conn.execute(insert(t).values(slot=slot, expires=now + self.hold_s))
        except SQLAlchemyError as exc:
            log.warning("shared answer slots unavailable (%s); this replica's own queue decides", type(exc).__name__)
            return UNCOUNTED
        return slot

    def release(self, slot: str | None) -> None:
        if slot in (None, UNCOUNTED):
            return
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(self.table).where(self.table.c.slot == slot))
        except SQLAlchemyError as exc:  # the row lapses after hold_s
            log.warning("could not release an answer slot (%s)", type(exc).__name__)

    def in_progress(self) -> int:
        with self.engine.connect() as conn:
            t = self.table
            return conn.execute(select(func.count()).select_from(t).where(t.c.expires >= self.clock())).scalar_one()
