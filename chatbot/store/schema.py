"""The conversation store's tables and their forward migrations (SQLAlchemy Core, no ORM).

    migrate(engine)   # called by Store at start-up: brings any database to SCHEMA_VERSION

`schema_version` holds one row per applied migration. Each migration runs in its own transaction
together with the row that records it, so a crash mid-migration leaves the previous version intact
and the next start-up simply tries again. Two processes starting at once are serialized by a lock
(BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL), so a migration never runs twice.

To change the schema: append a function to MIGRATIONS that alters the tables (never edit an old
one: databases in the field were built by it), then update `define_tables` to the new shape; a
migration must not call `define_tables`, which always describes the newest shape.

Timestamps are stored as naive UTC (`DateTime` without time zone) on every backend: SQLite has no
time zone type, and one convention on both backends keeps comparisons (retention, --since) simple.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import (
    JSON, Boolean, CheckConstraint, Column, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Table,
    Text, insert, select, text,
)
from sqlalchemy.engine import Connection, Engine

STATUSES = ("started", "complete", "failed")
ID_CHARS = 64  # turn and session ids are random hex (32 chars); anything longer is not ours


def utcnow() -> datetime:
    """Now, as the naive UTC datetime every timestamp column holds."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_utc(at: datetime) -> datetime:
    """Any datetime as naive UTC (a naive one is taken to be UTC already)."""
    return at.astimezone(timezone.utc).replace(tzinfo=None) if at.tzinfo else at


class SchemaError(RuntimeError):
    """The database cannot be used by this code (e.g. it was migrated by a newer version)."""


def define_tables(metadata: MetaData) -> tuple[Table, Table, Table]:
    """The newest shape of (schema_version, turns, feedback): what queries are written against."""
    version = Table(
        "schema_version", metadata,
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("applied_at", DateTime, nullable=False),
    )
    turns = Table(
        "turns", metadata,
        Column("id", String(ID_CHARS), primary_key=True),
        Column("session_id", String(ID_CHARS), nullable=False),
        Column("school", String(ID_CHARS)),
        Column("lang", String(8), nullable=False),
        Column("created_at", DateTime, nullable=False),
        Column("question", Text, nullable=False),   # PII-redacted
        Column("answer", Text),                     # PII-redacted; NULL until the turn finishes
        Column("route", String(16)),
        Column("citations", JSON),                  # [{"id","title","url","award_year"}] from the knowledge base
        Column("grounded", Boolean),
        Column("confidence", Float),                # retrieval confidence when the pipeline reports one
        Column("latency_ms", Integer),
        Column("model", String(200), nullable=False),
        Column("status", String(8), nullable=False),
        Column("flags", JSON),
        CheckConstraint(f"status IN {STATUSES}", name="turn_status"),
    )
    feedback = Table(
        "feedback", metadata,
        # One row per turn: the primary key is the turn id, so a re-submit replaces, never duplicates.
        Column("turn_id", String(ID_CHARS), ForeignKey("turns.id", ondelete="CASCADE"), primary_key=True),
        Column("rating", String(4)),                # "up", "down" or NULL (a comment without a thumb)
        Column("comment", Text),                    # PII-redacted, at most MAX_COMMENT_CHARS
        Column("created_at", DateTime, nullable=False),
        CheckConstraint("rating IS NULL OR rating IN ('up', 'down')", name="feedback_rating"),
    )
    Index("turns_created_at", turns.c.created_at)  # retention and --since scan by time
    Index("turns_school_created_at", turns.c.school, turns.c.created_at)
    return version, turns, feedback


def _v1_create_tables(conn: Connection) -> None:
    # Version 1 is the first shape, identical to define_tables today. When define_tables changes,
    # paste its old body here so fresh databases are still built step by step.
    metadata = MetaData()
    _, turns, feedback = define_tables(metadata)
    metadata.create_all(conn, tables=[turns, feedback])


def define_rate_table(metadata: MetaData) -> Table:
    """Questions per client and minute, shared by every app replica (chatbot/store/rate_limits.py)."""
    return Table(
        "rate_hits", metadata,
        Column("client", String(32), primary_key=True),  # a hash of the address, never the address
        Column("minute", Integer, primary_key=True, autoincrement=False),  # Unix time // 60
        Column("hits", Integer, nullable=False),
    )


def _v2_rate_hits(conn: Connection) -> None:
    define_rate_table(MetaData()).create(conn)


def define_slot_table(metadata: MetaData) -> Table:
    """Answers in progress on any app replica, for the shared queue limit (chatbot/store/answer_slots.py)."""
    return Table(
        "answer_slots", metadata,
        Column("slot", String(32), primary_key=True),   # random; nothing about the user
        Column("expires", Float, nullable=False),        # Unix time: a crashed replica's slots lapse
    )


def _v3_answer_slots(conn: Connection) -> None:
    define_slot_table(MetaData()).create(conn)


MIGRATIONS: list[Callable[[Connection], None]] = [_v1_create_tables, _v2_rate_hits, _v3_answer_slots]  # index 0 -> v1
SCHEMA_VERSION = len(MIGRATIONS)

_VERSION_TABLE = define_tables(MetaData())[0]


def _lock(conn: Connection) -> None:
    """Serialize concurrent start-ups for the rest of this transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(7042001)"))  # any fixed number private to us
    # SQLite: Store's engine opens every transaction with BEGIN IMMEDIATE, which already is the lock.


def current_version(conn: Connection) -> int:
    return conn.execute(select(_VERSION_TABLE.c.version).order_by(_VERSION_TABLE.c.version.desc())).scalar() or 0


def migrate(engine: Engine, migrations: list[Callable[[Connection], None]] | None = None,
            now: Callable[[], object] | None = None) -> int:
    """Apply the pending migrations in order; returns the version the database is at afterwards."""
    migrations = MIGRATIONS if migrations is None else migrations
    now = now or utcnow
    with engine.begin() as conn:
        _lock(conn)
        _VERSION_TABLE.create(conn, checkfirst=True)
    while True:
        with engine.begin() as conn:
            _lock(conn)
            version = current_version(conn)
            if version > len(migrations):
                raise SchemaError(f"the database is at schema version {version}, newer than this code "
                                  f"knows ({len(migrations)}); upgrade the chatbot or point CHATBOT_DATABASE_URL "
                                  "at another database")
            if version == len(migrations):
                return version
            migrations[version](conn)
            conn.execute(insert(_VERSION_TABLE).values(version=version + 1, applied_at=now()))
