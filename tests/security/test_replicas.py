"""Two app replicas on loopback sharing one database (SQLite file; PostgreSQL too when configured)
and so one rate limit (a client cannot get twice the limit by alternating between them) and one
limit on answers in progress."""
from __future__ import annotations

import os

import pytest

from tests.security.conftest import launch, stop
from tests.storage_support import PG_ENV, _drop_all

pytestmark = pytest.mark.slow


def _shared_database(tmp_path, backend: str) -> str:
    """The URL both replicas use: a SQLite file, or the configured PostgreSQL, emptied first."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.db'}"
    url = os.environ.get(PG_ENV) or pytest.skip(f"PostgreSQL not configured: set {PG_ENV}")
    _drop_all(url)
    return url


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_replicas_share_one_rate_limit(tmp_path, backend):
    url = _shared_database(tmp_path, backend)
    settings = {"database_url": url, "rate_limit_store": "database", "rate_limit_per_minute": "3"}
    replicas = [launch(tmp_path / name, **settings) for name in ("a", "b")]
    try:
        clients = [r.client() for r in replicas]
        codes = [clients[n % 2].post("/gradio_api/call/chat", json={"data": ["What is the FAFSA?"]}).status_code
                 for n in range(6)]
        assert codes == [200, 200, 200, 429, 429, 429]
    finally:
        for r in replicas:
            stop(r)
        if backend == "postgresql":
            _drop_all(url)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_replicas_share_one_answer_limit(tmp_path, backend):
    import asyncio

    import httpx
    from sqlalchemy import create_engine

    from chatbot.store.answer_slots import SharedAnswerSlots
    from eval.load_client import Session, event_ids

    url = _shared_database(tmp_path, backend)
    settings = {"database_url": url, "shared_answer_limit": "1", "trusted_proxies": "1"}
    replicas = [launch(tmp_path / name, **settings) for name in ("a", "b")]
    # A third party holding the only slot stands for an answer in progress on some replica.
    holder = SharedAnswerSlots(create_engine(url), 1, hold_s=300)

    async def ask(replica, address: str) -> str:
        async with httpx.AsyncClient(base_url=replica.base, timeout=120) as client:
            s = Session(client, await event_ids(client), address)
            await s.open()
            return (await s.ask("What is the FAFSA?")).kind

    try:
        slot = holder.acquire()
        assert slot is not None
        assert [asyncio.run(ask(r, f"10.9.0.{n}")) for n, r in enumerate(replicas)] == ["busy", "busy"]
        holder.release(slot)
        assert [asyncio.run(ask(r, f"10.9.1.{n}")) for n, r in enumerate(replicas)] == ["answered", "answered"]
        assert holder.in_progress() == 0  # each answer gave its slot back
    finally:
        for r in replicas:
            stop(r)
        if backend == "postgresql":
            _drop_all(url)
