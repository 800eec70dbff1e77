"""RetryingSink against a real SQLite file that another connection holds locked (the database
"unavailable for a while"): nothing acknowledged is lost, and the order of a turn's writes holds."""
from __future__ import annotations

import sqlite3
import time

import pytest

from chatbot.answers import Answer
from chatbot.store import storage
from chatbot.store.feedback import TurnRecord, new_turn_id
from chatbot.store.outbox import RetryingSink


@pytest.fixture
def locked_db(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 100)  # fail fast instead of waiting 10 s per write
    path = tmp_path / "chat.db"
    store = storage.Store(f"sqlite:///{path}")
    sink = RetryingSink(store, retry_s=0.05)
    yield sink, store, path
    sink.close()


def _wait_until_empty(sink, seconds=20.0):
    deadline = time.monotonic() + seconds
    while sink.pending and time.monotonic() < deadline:
        time.sleep(0.05)
    return sink.pending


def test_writes_during_an_outage_wait_in_order_and_land_when_the_database_is_back(locked_db):
    sink, store, path = locked_db
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    turns = [new_turn_id() for _ in range(3)]
    for turn_id in turns:  # none of these may raise: the student already has the answer
        sink.start_turn(turn_id, "What is the FAFSA?")
        sink.record_turn(TurnRecord(turn_id, "What is the FAFSA?", Answer("The form."), "s", None, "en"))
        sink.record_feedback(turn_id, "up", "helpful, my ssn is 123-45-6789")
    assert sink.pending == 9 and store.turn_rows() == []
    time.sleep(0.3)  # retries keep failing while the lock is held, and keep everything
    assert sink.pending == 9
    locker.execute("ROLLBACK")
    locker.close()
    assert _wait_until_empty(sink) == 0
    rows = {r["id"]: r for r in store.turn_rows()}
    assert set(rows) == set(turns) and {r["status"] for r in rows.values()} == {"complete"}
    feedback = store.feedback_rows()
    assert len(feedback) == 3 and {f["rating"] for f in feedback} == {"up"}
    assert all("6789" not in (f["comment"] or "") for f in feedback)


def test_a_write_that_can_never_succeed_still_raises_to_the_caller(locked_db):
    sink, _, _ = locked_db
    with pytest.raises(storage.UnknownTurnError):
        sink.record_feedback(new_turn_id(), "up")
    assert sink.pending == 0


def test_a_full_outbox_counts_what_it_could_not_keep(tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "chat.db"
    store = storage.Store(f"sqlite:///{path}")
    sink = RetryingSink(store, retry_s=60, max_pending=2)
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    for _ in range(4):
        sink.start_turn(new_turn_id(), "q")
    assert sink.pending == 2 and sink.dropped == 2
    locker.execute("ROLLBACK")
    locker.close()
    sink.close()  # flushes what it kept before closing
    assert len(storage.Store(f"sqlite:///{path}").turn_rows()) == 2
