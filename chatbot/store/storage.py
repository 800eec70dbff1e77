"""The conversation store: redacted turns and feedback in SQLite (default) or PostgreSQL.

    store = open_store()                      # the Settings' storage, database_url, data_dir (store/config.py)
    store.start_turn(turn_id, question, session_id=..., school=..., lang=..., model=...)
    ...generate...
    store.finish_turn(turn_id, answer)        # committed before the user is told it finished
    store.record_feedback(turn_id, "down", "the deadline was wrong")
    job = RetentionJob(store).start()         # chatbot/store/retention.py: deletes rows older than retention_days

A turn row is written with status 'started' BEFORE generation, so a crash mid-answer leaves an
incomplete row rather than nothing. Every user-written text column is passed through
`redact_pii` again here, even though callers redact first: a second line of defence against a
caller that forgot. Citations are not redacted: they come from the curated knowledge base, never
from the user, and redaction would corrupt them (a 9-digit number in a source URL reads as an SSN).
The methods block: the web layer calls them from worker threads, never on the event loop.
Tables and migrations: chatbot/store/schema.py. Tests: tests/test_store_*.py.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import MetaData, create_engine, delete, event, insert, select, update
from sqlalchemy.engine import Engine, make_url

from chatbot.answers import Answer
from chatbot.store.feedback import MAX_COMMENT_CHARS, RATINGS, TurnRecord
from chatbot.guards import redact_pii
from chatbot.store.config import StorageConfig, storage_config
from chatbot.store.schema import ID_CHARS, define_tables, migrate, to_utc, utcnow


BUSY_TIMEOUT_MS = 10_000  # how long a writer waits for another process's lock before failing


class StoreError(RuntimeError):
    """A write could not be done; the message says why."""


class FeedbackError(ValueError):
    """A feedback request we refuse (bad rating, oversized comment, ...). Nothing was written."""


class UnknownTurnError(FeedbackError, LookupError):
    """The turn id names no stored turn (expired, never recorded, or made up). Nothing was written."""


def _redact(text: str | None) -> str | None:
    return redact_pii(text).text if text else text


def _check_id(value: object, what: str, error: type[Exception] = FeedbackError) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= ID_CHARS:
        raise error(f"{what} must be a non-empty string of at most {ID_CHARS} characters, got {value!r:.80}")
    return value


def _on_sqlite_connect(dbapi_conn, _record) -> None:
    # The driver must not open transactions by itself: we issue BEGIN IMMEDIATE (below), which takes
    # the write lock up front, so concurrent writers queue on busy_timeout instead of failing with
    # "database is locked" when a read transaction tries to upgrade to a write.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")  # readers (the report) never block the app's writes
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    # FULL: each commit is fsynced, so an acknowledged turn survives a power cut, not just a crash.
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _on_sqlite_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("readonly") else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def check_feedback(turn_id: object, rating: object, comment: object) -> str | None:
    """Validate a feedback request; returns the redacted comment (None when empty) or raises FeedbackError."""
    _check_id(turn_id, "turn id")
    if rating is not None and rating not in RATINGS:
        raise FeedbackError(f"rating must be one of {RATINGS} or None, got {rating!r:.40}")
    if comment is not None and not isinstance(comment, str):
        raise FeedbackError(f"comment must be text or None, got {type(comment).__name__}")
    comment = _redact((comment or "").strip()) or None
    if comment is not None and len(comment) > MAX_COMMENT_CHARS:
        raise FeedbackError(f"comment is {len(comment)} characters; at most {MAX_COMMENT_CHARS} are accepted")
    if rating is None and comment is None:
        raise FeedbackError("feedback needs a rating or a comment")
    return comment


class Store:
    """A FeedbackSink that keeps redacted turns and feedback in a database (see module docstring)."""

    def __init__(self, url_or_engine: str | Engine, model: str = "", config: StorageConfig | None = None):
        self.engine = make_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
        self.model, self.config = model, config
        migrate(self.engine)
        _, self.turns, self.feedback = define_tables(MetaData())
        # SQLite has one writer at a time anyway: queueing our own threads on a lock is fairer and
        # faster than letting 50 of them poll the busy timeout.
        self._write_lock = threading.Lock() if self.engine.dialect.name == "sqlite" else nullcontext()
        self._started: OrderedDict[str, float] = OrderedDict()  # turn id -> monotonic start, for latency
        self._started_lock = threading.Lock()

    @contextmanager
    def _write(self):
        with self._write_lock, self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    # -- turns ---------------------------------------------------------------------------------
    def start_turn(self, turn_id: str, question: str, session_id: str = "", school: str | None = None,
                   lang: str = "en", model: str | None = None, at: datetime | None = None) -> None:
        """Write the 'started' row; call it before generation starts."""
        row = self._turn_row(turn_id, question, session_id, school, lang, model, at)
        with self._write() as conn:
            conn.execute(insert(self.turns).values(**row, status="started"))
        with self._started_lock:
            self._started[turn_id] = time.monotonic()
            while len(self._started) > 10_000:  # turns that never finish must not grow memory forever
                self._started.popitem(last=False)

    def finish_turn(self, turn_id: str, answer: Answer, *, latency_ms: int | None = None,
                    confidence: float | None = None) -> None:
        """Store the final answer and mark the turn 'complete' (committed when this returns)."""
        values = {**self._answer_values(answer), "status": "complete", "confidence": confidence,
                  "latency_ms": self._latency(turn_id, latency_ms)}
        with self._write() as conn:
            if conn.execute(update(self.turns).where(self.turns.c.id == turn_id).values(**values)).rowcount == 0:
                raise StoreError(f"no started turn with id {turn_id!r:.80}: call start_turn first")

    def fail_turn(self, turn_id: str, *, latency_ms: int | None = None) -> None:
        """Mark a started turn 'failed' (the pipeline raised; the user saw an error message)."""
        values = {"status": "failed", "latency_ms": self._latency(turn_id, latency_ms)}
        with self._write() as conn:
            conn.execute(update(self.turns).where(self.turns.c.id == turn_id).values(**values))

    def record_turn(self, turn: TurnRecord, *, model: str | None = None, latency_ms: int | None = None,
                    confidence: float | None = None) -> None:
        """FeedbackSink: the finished turn in one transaction (completes its 'started' row if there is one)."""
        row = self._turn_row(turn.turn_id, turn.question, turn.session_id, turn.school, turn.lang, model, turn.at)
        values = {**self._answer_values(turn.answer), "status": "complete", "confidence": confidence,
                  "latency_ms": self._latency(turn.turn_id, latency_ms)}
        with self._write() as conn:
            done = conn.execute(update(self.turns).where(self.turns.c.id == turn.turn_id).values(**values))
            if done.rowcount == 0:
                conn.execute(insert(self.turns).values(**row, **values))

    def _turn_row(self, turn_id, question, session_id, school, lang, model, at) -> dict:
        # A bad id here is the caller's bug, not a user's bad request: a plain ValueError.
        _check_id(turn_id, "turn id", ValueError)
        if school is not None:
            _check_id(school, "school id", ValueError)
        return {"id": turn_id, "session_id": (session_id or "")[:ID_CHARS], "school": school,
                "lang": (lang or "en")[:8],
                "created_at": to_utc(at) if at else utcnow(), "question": _redact(question or ""),
                "model": (model if model is not None else self.model)[:200]}

    @staticmethod
    def _answer_values(answer: Answer) -> dict:
        return {"answer": _redact(answer.text), "route": answer.route, "grounded": bool(answer.grounded),
                "citations": [{"id": c.id, "title": c.title, "url": c.url, "award_year": c.award_year}
                              for c in answer.citations],
                "flags": [_redact(f) for f in answer.flags]}

    def _latency(self, turn_id: str, given: int | None) -> int | None:
        with self._started_lock:
            started = self._started.pop(turn_id, None)
        if given is not None:
            return int(given)
        return None if started is None else round((time.monotonic() - started) * 1000)

    # -- feedback ------------------------------------------------------------------------------
    def record_feedback(self, turn_id: str, rating: str | None, comment: str | None = None) -> None:
        """FeedbackSink: one row per turn, replaced on re-submit. Raises FeedbackError/UnknownTurnError."""
        comment = check_feedback(turn_id, rating, comment)
        values = {"rating": rating, "comment": comment, "created_at": utcnow()}
        with self._write() as conn:
            if conn.execute(select(self.turns.c.id).where(self.turns.c.id == turn_id)).first() is None:
                raise UnknownTurnError(f"no turn with id {turn_id!r:.80}: it may have expired")
            fb = self.feedback
            if conn.execute(update(fb).where(fb.c.turn_id == turn_id).values(**values)).rowcount == 0:
                conn.execute(insert(fb).values(turn_id=turn_id, **values))

    # -- retention and reading -----------------------------------------------------------------
    def purge(self, older_than_days: int) -> int:
        """Delete turns (and their feedback) created more than `older_than_days` ago; returns turns deleted."""
        if not isinstance(older_than_days, int) or older_than_days < 0:
            raise ValueError(f"older_than_days must be a whole number >= 0, got {older_than_days!r}")
        cutoff = utcnow() - timedelta(days=older_than_days)
        old = select(self.turns.c.id).where(self.turns.c.created_at < cutoff)
        with self._write() as conn:
            # Explicit, not ON DELETE CASCADE alone: SQLite only cascades with foreign_keys=ON.
            conn.execute(delete(self.feedback).where(self.feedback.c.turn_id.in_(old)))
            return conn.execute(delete(self.turns).where(self.turns.c.created_at < cutoff)).rowcount

    def turn_rows(self, school: str | None = None, since: datetime | None = None) -> list[dict]:
        query = select(self.turns).order_by(self.turns.c.created_at, self.turns.c.id)
        return self._read(self._filter(query, school, since))

    def feedback_rows(self, school: str | None = None, since: datetime | None = None) -> list[dict]:
        """Feedback joined with its turn's question, route, school and time."""
        t, f = self.turns, self.feedback
        query = (select(f, t.c.question, t.c.answer, t.c.route, t.c.school, t.c.created_at.label("turn_at"))
                 .join(t, t.c.id == f.c.turn_id).order_by(f.c.created_at, f.c.turn_id))
        return self._read(self._filter(query, school, since))

    def _filter(self, query, school, since):
        if school is not None:
            query = query.where(self.turns.c.school == school)
        if since is not None:
            query = query.where(self.turns.c.created_at >= to_utc(since))
        return query

    def _read(self, query) -> list[dict]:
        with self.engine.connect().execution_options(readonly=True) as conn:
            return [dict(r._mapping) for r in conn.execute(query)]


class NullStore:
    """storage=off: stores nothing at all. Feedback is still validated, so the UI behaves the same."""

    model, config = "", None

    def start_turn(self, *args, **kwargs) -> None: ...
    def finish_turn(self, *args, **kwargs) -> None: ...
    def fail_turn(self, *args, **kwargs) -> None: ...
    def record_turn(self, *args, **kwargs) -> None: ...
    def close(self) -> None: ...

    def record_feedback(self, turn_id: str, rating: str | None, comment: str | None = None) -> None:
        check_feedback(turn_id, rating, comment)

    def purge(self, older_than_days: int) -> int:
        return 0

    def turn_rows(self, *args, **kwargs) -> list[dict]:
        return []

    def feedback_rows(self, *args, **kwargs) -> list[dict]:
        return []


def open_store(url: str | None = None, model: str = "", env=None) -> Store | NullStore:
    """The store the environment asks for (CHATBOT_STORAGE, CHATBOT_DATABASE_URL); `url` wins over the env."""
    config = storage_config(env)
    if not config.enabled:
        return NullStore()
    return Store(url or config.url, model=model, config=config)
