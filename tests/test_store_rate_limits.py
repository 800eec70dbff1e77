"""SharedRateLimiter on a real database (SQLite; PostgreSQL too when configured): two limiters on
two engines are two app replicas."""
from __future__ import annotations

from sqlalchemy import create_engine, text

from chatbot.store.rate_limits import SharedRateLimiter
from chatbot.web.ratelimit import RateLimiter
from tests.storage_support import Clock, db_url, make_store  # noqa: F401 (fixtures)

T0 = 1_800_000_000.0  # a minute boundary (divisible by 60)


def test_two_replicas_share_one_count_per_client(make_store):
    clock = Clock(T0 + 5)
    a, b = (SharedRateLimiter(make_store().engine, 3, clock=clock) for _ in range(2))
    assert [a.allow("198.51.100.7"), b.allow("198.51.100.7"), a.allow("198.51.100.7"),
            b.allow("198.51.100.7"), a.allow("198.51.100.7")] == [True, True, True, False, False]
    assert b.allow("198.51.100.8")  # someone else


def test_the_window_slides_over_the_minute_edge(make_store):
    clock = Clock(T0 + 50)
    limiter = SharedRateLimiter(make_store().engine, 3, clock=clock)
    assert all(limiter.allow("c") for _ in range(3))
    clock.now = T0 + 61  # a new minute, but 59/60 of the last one is still inside the window
    assert not limiter.allow("c")
    clock.now = T0 + 150  # the burst has left the window
    assert limiter.allow("c")


def test_addresses_are_never_stored(make_store):
    store = make_store()
    SharedRateLimiter(store.engine, 3).allow("203.0.113.99")
    with store.engine.connect() as conn:
        clients = [r[0] for r in conn.execute(text("SELECT client FROM rate_hits"))]
    assert len(clients) == 1 and "203.0.113" not in clients[0]


def test_without_the_database_the_replica_s_own_limit_decides(tmp_path):
    dead = create_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")  # cannot be opened
    limiter = SharedRateLimiter(dead, 3, fallback=RateLimiter(1))
    assert limiter.allow("c") and not limiter.allow("c")
    assert SharedRateLimiter(dead, 3).allow("c")  # no fallback: let through, never lock everyone out
