"""Durability end to end: every turn the app acknowledged is in the database after a SIGKILL.

    python -m pytest tests/test_store_durability.py     # slow: starts the app twice (fake model)

The app runs as a subprocess on a temporary SQLite file (CHATBOT_DATABASE_URL); N questions go
through the Gradio client's `chat` endpoint; the app is killed with SIGKILL (no shutdown hooks, no
chance to flush anything), restarted on the same file, and all N turns must be there, 'complete'.
"""
from __future__ import annotations

import signal

import pytest

from tests.conftest import wait_http

N = 5


@pytest.mark.slow
def test_acknowledged_turns_survive_sigkill_and_restart(start_app, tmp_path):
    from gradio_client import Client

    from chatbot.store.storage import Store

    url = f"sqlite:///{tmp_path / 'chat.db'}"
    env = {"CHATBOT_STORAGE": "on", "CHATBOT_DATABASE_URL": url, "CHATBOT_DATA_DIR": str(tmp_path / "data")}
    base, proc = start_app("--model", "fake", env=env)
    wait_http(f"{base}/healthz", 200, proc=proc)
    client = Client(base + "/", verbose=False)
    questions = [f"What is the FAFSA? (question {n})" for n in range(N)]
    for question in questions:
        reply = client.predict(question, api_name="/chat")
        assert isinstance(reply, str) and reply.strip()  # acknowledged: the user has the answer
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    base, proc = start_app("--model", "fake", env=env)  # opens (and re-migrates) the same file
    wait_http(f"{base}/healthz", 200, proc=proc)
    store = Store(url)
    try:
        rows = store.turn_rows()
    finally:
        store.close()
    stored = {r["question"]: r["status"] for r in rows}
    assert len(rows) == N, f"{len(rows)} of {N} acknowledged turns stored: is the Store wired into the app?"
    assert stored == dict.fromkeys(questions, "complete")
