"""The conversation store on a real database: SQLite always, PostgreSQL when CHATBOT_TEST_POSTGRES_URL is set.

    python -m pytest tests/test_store_storage.py          # add CHATBOT_TEST_POSTGRES_URL=... for PostgreSQL too
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text

from chatbot.answers import Answer, Citation
from chatbot.store.feedback import MAX_COMMENT_CHARS, TurnRecord
from chatbot.store.storage import (
    FeedbackError, NullStore, Store, StoreError, UnknownTurnError, open_store,
)
from chatbot.store.retention import RetentionJob
from chatbot.store.config import StorageConfigError, storage_config
from chatbot.store.schema import MIGRATIONS, SCHEMA_VERSION, SchemaError, migrate
from tests.storage_support import SSN, answer, db_url, make_store  # noqa: F401 (fixtures)


def turn(turn_id="t1", question="What is the max Pell Grant?", at=None, school=None, **kw) -> TurnRecord:
    extra = {"at": at} if at else {}
    return TurnRecord(turn_id, question, kw.pop("ans", answer()), "session-1", school, "en", **extra)


def feedback_count(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(store.feedback.c.turn_id)).all().__len__()


# -- round trips ----------------------------------------------------------------------------------
def test_a_turn_is_started_then_finished(make_store):
    store = make_store(model="SmolLM2")
    store.start_turn("t1", "What is the max Pell Grant?", session_id="s1", school="demo-college", lang="es")
    [row] = store.turn_rows()
    assert row["status"] == "started" and row["answer"] is None and row["question"] == "What is the max Pell Grant?"
    store.finish_turn("t1", answer(flags=["truncated"]), confidence=0.82)
    [row] = store.turn_rows()
    assert row["status"] == "complete" and row["answer"].startswith("The maximum Pell Grant")
    assert row["route"] == "answer" and row["grounded"] is True and row["flags"] == ["truncated"]
    assert row["citations"] == [{"id": "pell-max-award", "title": "Pell Grant maximum",
                                 "url": "https://studentaid.gov/pell", "award_year": "2026-27"}]
    assert (row["school"], row["lang"], row["session_id"], row["model"]) == ("demo-college", "es", "s1", "SmolLM2")
    assert row["confidence"] == pytest.approx(0.82) and row["latency_ms"] >= 0


def test_record_turn_inserts_or_completes_the_started_row(make_store):
    store = make_store()
    store.record_turn(turn("t1"), model="m", latency_ms=1234)
    store.start_turn("t2", "When is the FAFSA due?")
    store.record_turn(turn("t2", question="When is the FAFSA due?"))
    rows = {r["id"]: r for r in store.turn_rows()}
    assert set(rows) == {"t1", "t2"} and all(r["status"] == "complete" for r in rows.values())
    assert rows["t1"]["latency_ms"] == 1234 and rows["t1"]["model"] == "m"


def test_a_crash_mid_answer_leaves_an_incomplete_row(make_store):
    make_store().start_turn("t1", "How do I appeal my SAI?")  # ...and the process dies here
    [row] = make_store().turn_rows()  # a new process opening the same database
    assert row["status"] == "started" and row["question"] == "How do I appeal my SAI?"


def test_failed_turns_are_marked(make_store):
    store = make_store()
    store.start_turn("t1", "q")
    store.fail_turn("t1")
    assert store.turn_rows()[0]["status"] == "failed"


def test_finishing_an_unknown_turn_is_an_error(make_store):
    store = make_store()
    with pytest.raises(StoreError, match="call start_turn first"):
        store.finish_turn("nope", answer())
    with pytest.raises(ValueError, match="turn id must be"):
        store.start_turn("x" * 65, "q")
    with pytest.raises(ValueError, match="school id must be"):
        store.record_turn(turn("t1", school=""))
    assert store.turn_rows() == []


def test_feedback_round_trips_and_a_resubmit_replaces_it(make_store):
    store = make_store()
    store.record_turn(turn("t1"))
    store.record_feedback("t1", "down")
    store.record_feedback("t1", "down", "  The deadline was wrong  ")
    [fb] = store.feedback_rows()
    assert (fb["turn_id"], fb["rating"], fb["comment"]) == ("t1", "down", "The deadline was wrong")
    assert fb["question"] == "What is the max Pell Grant?" and feedback_count(store) == 1
    store.record_feedback("t1", None, "actually fine")
    [fb] = store.feedback_rows()
    assert (fb["rating"], fb["comment"]) == (None, "actually fine")


# -- bad feedback: clear error, nothing written ---------------------------------------------------
@pytest.mark.parametrize("turn_id, rating, comment, message", [
    ("t1", "meh", None, "rating must be one of"),
    ("t1", True, None, "rating must be one of"),
    ("t1", None, None, "needs a rating or a comment"),
    ("t1", None, "   ", "needs a rating or a comment"),
    ("t1", "up", 42, "comment must be text"),
    (None, "up", None, "turn id must be"),
    ("x" * 65, "up", None, "turn id must be"),
    ("t1", "down", "x" * (MAX_COMMENT_CHARS + 1), "at most 500"),
    # 499 characters typed, but the SSN's placeholder is longer than the SSN: over the limit once redacted.
    ("t1", "down", "x" * (MAX_COMMENT_CHARS - len(SSN) - 1) + " " + SSN, "at most 500"),
])
def test_bad_feedback_is_refused_and_writes_nothing(make_store, turn_id, rating, comment, message):
    store = make_store()
    store.record_turn(turn("t1"))
    store.record_feedback("t1", "up", "helpful")
    with pytest.raises(FeedbackError, match=message):
        store.record_feedback(turn_id, rating, comment)
    [fb] = store.feedback_rows()
    assert (fb["rating"], fb["comment"]) == ("up", "helpful")  # the earlier feedback is untouched


def test_feedback_for_an_unknown_turn_is_a_clear_error(make_store):
    store = make_store()
    with pytest.raises(UnknownTurnError, match="no turn with id 'made-up'"):
        store.record_feedback("made-up", "down", "bad")
    assert isinstance(UnknownTurnError("x"), FeedbackError) and feedback_count(store) == 0


def test_the_database_itself_refuses_feedback_without_a_turn(make_store):
    # Defence in depth: even a write that skips record_feedback's check cannot orphan feedback.
    store = make_store()
    with pytest.raises(Exception, match="(?i)foreign key"):
        with store.engine.begin() as conn:
            conn.execute(insert(store.feedback).values(turn_id="ghost", rating="up", created_at=datetime(2026, 1, 1)))


# -- redaction --------------------------------------------------------------------------------------
def test_every_user_text_column_is_redacted_even_if_the_caller_forgot(make_store):
    store = make_store()
    store.start_turn("t1", f"my ssn is {SSN}")
    store.finish_turn("t1", answer(f"You wrote {SSN}.", flags=[f"note {SSN}"]))
    store.record_turn(turn("t2", question=f"ssn {SSN} again"))
    store.record_feedback("t1", "down", f"it repeated {SSN}")
    dump = repr(store.turn_rows()) + repr(store.feedback_rows())
    assert SSN not in dump and "[SSN removed]" in dump


def test_a_planted_ssn_never_reaches_the_database_files(tmp_path):
    db = tmp_path / "chat.db"
    store = Store(f"sqlite:///{db}")
    for n in range(20):
        store.start_turn(f"t{n}", f"my ssn is {SSN}, am I eligible?")
        store.finish_turn(f"t{n}", answer(f"Never share {SSN} here."))
        store.record_feedback(f"t{n}", "down", f"it showed my ssn {SSN}")
    with pytest.raises(FeedbackError):  # refused requests must not leave the text behind either
        store.record_feedback("t0", "down", SSN + " " + "x" * MAX_COMMENT_CHARS)
    files = [p for p in tmp_path.iterdir() if p.name.startswith("chat.db")]
    assert {p.name for p in files} >= {"chat.db", "chat.db-wal"}  # WAL mode: the -wal file holds recent writes
    needles = [SSN.encode(), SSN.encode("utf-16-le"), SSN.replace("-", "").encode()]
    for path in files:
        assert not any(n in path.read_bytes() for n in needles), f"SSN found in {path.name}"
    assert any(b"[SSN removed]" in p.read_bytes() for p in files)  # we did read the files that hold the rows
    store.close()  # the last connection closing checkpoints the WAL into the main file
    assert not any(n in db.read_bytes() for n in needles)


def test_citations_are_stored_as_the_knowledge_base_has_them(make_store):
    # Not redacted on purpose: a 9-digit number in a source URL would otherwise read as an SSN.
    store = make_store()
    url = "https://publications.inceptia.org/view/843693074/8/"
    store.record_turn(turn("t1", ans=Answer("text", [Citation("c1", "Guide", url, "all")])))
    assert store.turn_rows()[0]["citations"][0]["url"] == url


# -- retention ----------------------------------------------------------------------------------------
def test_purge_deletes_only_rows_older_than_the_limit(make_store):
    store = make_store()
    now = datetime.now(timezone.utc)
    for turn_id, age in (("old", 200), ("edge-old", 181), ("edge-new", 179), ("new", 1)):
        store.record_turn(turn(turn_id, at=now - timedelta(days=age)))
        store.record_feedback(turn_id, "up", f"comment on {turn_id}")
    assert store.purge(180) == 2
    assert {r["id"] for r in store.turn_rows()} == {"edge-new", "new"}
    assert {f["turn_id"] for f in store.feedback_rows()} == {"edge-new", "new"} and feedback_count(store) == 2
    assert store.purge(180) == 0
    with pytest.raises(ValueError):
        store.purge(-1)


def test_the_retention_job_purges_at_start_and_stops(make_store):
    store = make_store()
    store.record_turn(turn("old", at=datetime.now(timezone.utc) - timedelta(days=400)))
    store.record_turn(turn("new"))
    job = RetentionJob(store, days=180, interval_s=0.05).start()
    deadline = time.monotonic() + 10
    while job.runs < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    job.stop()
    assert job.runs >= 2 and job.deleted == 1 and not job._thread.is_alive()
    assert [r["id"] for r in store.turn_rows()] == ["new"]


def test_the_retention_job_survives_a_failing_purge():
    class Broken(NullStore):
        def purge(self, days):
            raise OSError("disk gone")

    job = RetentionJob(Broken(), days=1, interval_s=0.01).start()
    deadline = time.monotonic() + 10
    while job.runs < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    job.stop()
    assert job.runs >= 3


# -- concurrency ---------------------------------------------------------------------------------------
def test_fifty_concurrent_writers_lose_no_rows(make_store):
    store, writers, per_writer = make_store(), 50, 6
    start, errors = threading.Barrier(writers), []

    def write(w: int) -> None:
        try:
            start.wait()
            for n in range(per_writer):
                turn_id = f"w{w}-{n}"
                store.start_turn(turn_id, f"question {n} from writer {w}", session_id=f"s{w}")
                store.finish_turn(turn_id, answer())
                store.record_feedback(turn_id, "down" if n % 2 else "up")
        except Exception as exc:  # noqa: BLE001 (reported below with the writer number)
            errors.append((w, exc))

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    assert not errors, errors[:3]
    rows = store.turn_rows()
    assert len(rows) == writers * per_writer and all(r["status"] == "complete" for r in rows)
    assert feedback_count(store) == writers * per_writer
    print(f"\n{store.engine.dialect.name}: {writers} writers, {3 * len(rows) / elapsed:.0f} writes/s")


def test_an_empty_database_is_migrated_and_reopening_is_idempotent(make_store):
    store = make_store()
    store.record_turn(turn("t1"))
    again = make_store()
    with again.engine.connect() as conn:
        versions = conn.execute(text("SELECT version FROM schema_version")).scalars().all()
    assert versions == list(range(1, SCHEMA_VERSION + 1)) and [r["id"] for r in again.turn_rows()] == ["t1"]


def test_a_new_migration_runs_once_and_keeps_the_data(make_store):
    store = make_store()
    store.record_turn(turn("t1"))

    def add_column(conn):
        conn.execute(text("ALTER TABLE turns ADD COLUMN channel VARCHAR(16)"))

    steps = [*MIGRATIONS, add_column]
    assert migrate(store.engine, steps) == SCHEMA_VERSION + 1
    assert migrate(store.engine, steps) == SCHEMA_VERSION + 1  # a second ALTER would raise
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT id, channel FROM turns")).all() == [("t1", None)]
    with pytest.raises(SchemaError, match="newer than this code"):
        migrate(store.engine)


def test_a_failed_migration_leaves_the_previous_version(make_store):
    store = make_store()

    def broken(conn):
        conn.execute(text("CREATE TABLE half_done (x INTEGER)"))
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        migrate(store.engine, [*MIGRATIONS, broken])
    assert migrate(store.engine) == SCHEMA_VERSION
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM schema_version")).scalar() == SCHEMA_VERSION


# -- configuration and storage=off --------------------------------------------------------------------
def test_settings_come_from_the_environment(tmp_path):
    cfg = storage_config({"CHATBOT_DATA_DIR": str(tmp_path)})
    assert cfg == type(cfg)(True, f"sqlite:///{tmp_path / 'chatbot.db'}", 180)
    cfg = storage_config({"CHATBOT_DATABASE_URL": "postgresql+psycopg://u@h/db", "CHATBOT_RETENTION_DAYS": "30",
                          "CHATBOT_STORAGE": "OFF"})
    assert (cfg.enabled, cfg.url, cfg.retention_days) == (False, "postgresql+psycopg://u@h/db", 30)
    assert str(Path.home()) in storage_config({}).url
    for env, message in (({"CHATBOT_STORAGE": "maybe"}, "'on' or 'off'"),
                         ({"CHATBOT_RETENTION_DAYS": "six months"}, "CHATBOT_RETENTION_DAYS: cannot read"),
                         ({"CHATBOT_RETENTION_DAYS": "0"}, "at least 1")):
        with pytest.raises(StorageConfigError, match=message):
            storage_config(env)


def test_storage_off_stores_nothing_at_all(tmp_path):
    store = open_store(env={"CHATBOT_STORAGE": "off", "CHATBOT_DATA_DIR": str(tmp_path)})
    assert isinstance(store, NullStore)
    store.start_turn("t1", "q")
    store.finish_turn("t1", answer())
    store.record_turn(turn("t1"))
    store.record_feedback("t1", "up", "ok")
    assert store.turn_rows() == [] and store.purge(1) == 0 and list(tmp_path.iterdir()) == []
    with pytest.raises(FeedbackError):  # the same answers to bad requests as with storage on
        store.record_feedback("t1", "meh")


def test_open_store_uses_the_data_dir_by_default(tmp_path):
    store = open_store(env={"CHATBOT_DATA_DIR": str(tmp_path / "data")}, model="fake")
    store.record_turn(turn("t1"))
    assert (tmp_path / "data" / "chatbot.db").is_file() and store.model == "fake"
    assert store.config.retention_days == 180 and RetentionJob(store).days == 180
    store.close()
