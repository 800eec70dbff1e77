"""SharedAnswerSlots on a real database (SQLite; PostgreSQL too when configured): two instances on
two engines are two app replicas."""
from __future__ import annotations

import threading

from sqlalchemy import create_engine

from chatbot.store.answer_slots import UNCOUNTED, SharedAnswerSlots
from tests.storage_support import Clock, db_url, make_store  # noqa: F401 (fixtures)


def test_two_replicas_share_one_limit_and_a_released_slot_is_free_again(make_store):
    clock = Clock(1_800_000_000.0)
    a, b = (SharedAnswerSlots(make_store().engine, 2, hold_s=60, clock=clock) for _ in range(2))
    first, second = a.acquire(), b.acquire()
    assert first and second and a.acquire() is None and b.acquire() is None
    assert a.in_progress() == 2
    b.release(first)  # any replica's release frees it for all
    assert a.acquire() is not None


def test_a_crashed_replica_s_slots_lapse(make_store):
    clock = Clock(1_800_000_000.0)
    slots = SharedAnswerSlots(make_store().engine, 1, hold_s=60, clock=clock)
    assert slots.acquire() and slots.acquire() is None   # never released: its replica died
    clock.now += 61
    assert slots.acquire() is not None


def test_racing_replicas_never_take_more_than_the_limit(make_store):
    store = make_store()
    replicas = [SharedAnswerSlots(store.engine, 3, hold_s=60) for _ in range(8)]
    got: list = []
    threads = [threading.Thread(target=lambda r=r: got.append(r.acquire())) for r in replicas]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(g is not None for g in got) == 3


def test_without_the_database_the_question_is_let_through(tmp_path):
    dead = create_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")  # cannot be opened
    slots = SharedAnswerSlots(dead, 1, hold_s=60)
    assert slots.acquire() == UNCOUNTED and slots.acquire() == UNCOUNTED
    slots.release(UNCOUNTED)  # nothing to release, no error
