"""Two app replicas on loopback sharing one database (SQLite file; PostgreSQL too when configured)
and so one rate limit: a client cannot get twice the limit by alternating between them."""
from __future__ import annotations

import os

import pytest

from tests.security.conftest import launch, stop
from tests.storage_support import PG_ENV, _drop_all

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_replicas_share_one_rate_limit(tmp_path, backend):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    if backend == "postgresql":
        url = os.environ.get(PG_ENV) or pytest.skip(f"PostgreSQL not configured: set {PG_ENV}")
        _drop_all(url)
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
