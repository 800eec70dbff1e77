"""Faults under load, against the real app (fake model, SQLite): a kill -9 mid-load, the database
locked for a while, clients that join the queue and never read their answers. Counted, not sampled:
every turn the server acknowledged (its whole answer reached the client) and every thumbs-up it
took must be in the database afterwards."""
from __future__ import annotations

import asyncio
import signal
import socket
import sqlite3
import threading
import time

import httpx
import pytest

from eval.load_client import Session, event_ids
from tests.security.conftest import launch, stop

pytestmark = pytest.mark.slow


def _users(base: str, users: int, questions: int, tag: str, outcomes: list, stop_when=None) -> threading.Thread:
    """`users` browser-like users asking unique questions, in a thread; outcomes appended as they end."""

    async def user(n: int):
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            session = Session(client, await event_ids(client), f"10.9.{n // 250}.{n % 250 + 1}")
            await session.open()
            for k in range(questions):
                outcomes.append(await session.ask(f"What is the FAFSA? ({tag} user {n} question {k})", like=True))

    async def everyone():
        await asyncio.gather(*(user(n) for n in range(users)), return_exceptions=True)

    thread = threading.Thread(target=asyncio.run, args=(everyone(),), daemon=True)
    thread.start()
    return thread


def _stored(app) -> tuple[dict, set]:
    with sqlite3.connect(app.db) as db:
        turns = {q: (tid, status) for tid, q, status in db.execute("SELECT id, question, status FROM turns")}
        liked = {tid for (tid,) in db.execute("SELECT turn_id FROM feedback WHERE rating = 'up'")}
    return turns, liked


def test_kill_9_under_load_loses_no_acknowledged_turn_or_feedback(tmp_path):
    app = launch(tmp_path, trusted_proxies="1")
    outcomes: list = []
    try:
        thread = _users(app.base, 30, 4, "kill", outcomes)
        deadline = time.monotonic() + 120
        while sum(o.kind == "answered" for o in outcomes) < 30 and time.monotonic() < deadline:
            time.sleep(0.05)
        app.proc.send_signal(signal.SIGKILL)  # mid-load: no shutdown hook, nothing flushed
        app.proc.wait(timeout=30)
        thread.join(timeout=60)
    finally:
        stop(app)
    acknowledged = [o for o in outcomes if o.kind == "answered"]
    assert len(acknowledged) >= 30 and len(outcomes) < 120  # the kill did land mid-load

    again = launch(tmp_path, trusted_proxies="1")  # same database file: opens and re-migrates it
    try:
        turns, liked = _stored(again)
    finally:
        stop(again)
    lost = [o.question for o in acknowledged if turns.get(o.question, (None, None))[1] != "complete"]
    assert lost == [], f"{len(lost)} of {len(acknowledged)} acknowledged turns lost"
    unliked = [o.question for o in acknowledged if o.liked and turns[o.question][0] not in liked]
    assert unliked == [], f"{len(unliked)} acknowledged thumbs-up lost"
    print(f"kill -9 after {len(acknowledged)} acknowledged turns ({sum(o.liked for o in acknowledged)} liked) "
          f"of {len(outcomes)} finished: 0 lost")


def test_with_the_database_locked_for_a_while_answers_still_arrive_and_every_turn_is_stored_after(tmp_path):
    app = launch(tmp_path, trusted_proxies="1")
    outcomes: list = []
    try:
        locker = sqlite3.connect(app.db, isolation_level=None, timeout=30)
        locker.execute("BEGIN EXCLUSIVE")  # the app's writes wait out their 10 s timeout, then fail
        thread = _users(app.base, 4, 2, "locked", outcomes)
        thread.join(timeout=180)
        locker.execute("ROLLBACK")
        locker.close()
        assert len(outcomes) == 8 and all(o.kind == "answered" for o in outcomes), outcomes
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the outbox retries every 2 s
            turns, liked = _stored(app)
            if all(turns.get(o.question, (None, None))[1] == "complete" for o in outcomes) and len(liked) == 8:
                break
            time.sleep(0.5)
        assert {o.question for o in outcomes} <= {q for q, (_, s) in turns.items() if s == "complete"}
        assert len(liked) == 8
        assert "database unavailable" in app.log_text()
    finally:
        stop(app)


def test_clients_that_join_the_queue_and_never_read_hold_no_slot(tmp_path):
    app = launch(tmp_path, trusted_proxies="1", concurrency="2", queue_size="4")
    try:
        async def ghosts():
            async with httpx.AsyncClient(base_url=app.base, timeout=60) as client:
                ids = await event_ids(client)
                for n in range(12):  # join, then never open the stream, or open it and never read
                    s = Session(client, ids, f"10.8.0.{n + 1}")
                    await s.open()
                    await s.run("start_turn", ["What is the FAFSA?", [], None])
                    await client.post("/gradio_api/queue/join", headers=s.headers, json={
                        "data": [[], None], "fn_index": ids["answer"], "session_hash": s.session_hash})
                    if n % 2:
                        raw = socket.create_connection(("127.0.0.1", int(app.base.rsplit(":", 1)[1])))
                        raw.sendall(f"GET /gradio_api/queue/data?session_hash={s.session_hash} HTTP/1.1\r\n"
                                    f"Host: 127.0.0.1\r\nX-Forwarded-For: {s.forwarded_for}\r\n\r\n".encode())
                        sockets.append(raw)

        sockets: list[socket.socket] = []
        asyncio.run(ghosts())
        time.sleep(3)
        outcomes: list = []
        _users(app.base, 3, 1, "after-ghosts", outcomes).join(timeout=120)
        assert [o.kind for o in outcomes] == ["answered"] * 3, outcomes
        for raw in sockets:
            raw.close()
    finally:
        stop(app)
