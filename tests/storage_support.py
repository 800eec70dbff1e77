"""Fixtures for the storage tests: a fresh database per test on each backend.

SQLite always (a file in tmp_path); PostgreSQL too when CHATBOT_TEST_POSTGRES_URL is set
(`eval "$(bash scripts/ci_postgres.sh start)"` starts a throwaway one and prints that variable).
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from chatbot.answers import Answer, Citation

PG_ENV = "CHATBOT_TEST_POSTGRES_URL"
SSN = "123-45-6789"


class Clock:
    """A settable clock for the shared limits (rate_limits, answer_slots)."""

    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


def _drop_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS feedback, turns, rate_hits, answer_slots, schema_version CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'chat.db'}"
        return
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV} (scripts/ci_postgres.sh start prints it)")
    _drop_all(url)
    yield url
    _drop_all(url)


@pytest.fixture
def make_store(db_url):
    """Open Stores on this test's database; all are closed at the end (PostgreSQL needs it to drop)."""
    from chatbot.store.storage import Store

    stores = []

    def make(**kwargs) -> Store:
        stores.append(Store(db_url, **kwargs))
        return stores[-1]

    yield make
    for store in stores:
        store.close()


def answer(text: str = "The maximum Pell Grant for 2026-27 is $7,395.", route: str = "answer",
           flags: list[str] | None = None, cite: str = "pell-max-award") -> Answer:
    citations = [Citation(cite, "Pell Grant maximum", "https://studentaid.gov/pell", "2026-27")] if cite else []
    return Answer(text, citations, route, True, flags or [])
