"""`--model openai:URL` against a real OpenAI-compatible server: `transformers serve` on 127.0.0.1 with
the embedded model (tests/server_support.py). Streaming, stop and token limits, cancellation, the
whole pipeline, a server killed mid-answer and between answers, and one restarted on the same port."""
from __future__ import annotations

import threading
import time

import pytest

from chatbot.config import Settings
from chatbot.model import ModelError
from chatbot.model.registry import check_model, load_chat_model
from tests.server_support import ModelServer, embedded_folder

pytestmark = pytest.mark.slow
QUESTION = [("system", "You answer questions about US student aid."), ("user", "What is a Pell Grant?")]


@pytest.fixture(scope="module")
def server():
    running = ModelServer(embedded_folder()).start()
    yield running
    running.kill()


def on(server, **settings) -> Settings:
    return Settings(model="openai:" + server.url, **settings)


def test_answers_stream_in_pieces_within_the_token_limit(server):
    model = load_chat_model(on(server))
    assert model.name.startswith("openai:") and model.model_name == str(embedded_folder())
    pieces = [c.text for c in model.bind(max_new_tokens=12, repetition_penalty=1.1, stop=["\n\n\n"]).stream(QUESTION)]
    text = "".join(pieces)
    assert len([p for p in pieces if p]) >= 3 and text.strip()  # streamed, not one blob
    assert len(text.split()) <= 16  # 12 tokens: a dozen or so words


def test_the_stop_button_ends_the_stream(server):
    cancel = threading.Event()
    got = []
    for chunk in load_chat_model(on(server)).bind(max_new_tokens=200, cancel=cancel).stream(QUESTION):
        got.append(chunk.text)
        if len(got) == 3:
            cancel.set()
    assert len(got) <= 4 and "".join(got[3:]) == ""  # LangChain may close with one empty chunk


def test_the_pipeline_answers_through_the_server(server, retriever):
    from chatbot.answers import Answer
    from chatbot.pipeline import Pipeline

    pipeline = Pipeline(load_chat_model(on(server)), Settings(draft="on"), retriever)
    final = list(pipeline.answer("What is the FAFSA?", []))[-1]
    assert isinstance(final, Answer) and final.route == "answer" and final.citations and final.text.strip()


def test_a_bad_url_stops_start_up_and_a_silent_server_is_named(tmp_path):
    with pytest.raises(ModelError, match="http"):
        check_model(Settings(model="openai:localhost:8000"))
    with pytest.raises(ModelError, match="does not answer"):
        load_chat_model(Settings(model="openai:http://127.0.0.1:9/v1"))


def test_a_dead_server_is_reported_and_a_restarted_one_used_again_without_restarting_the_app(tmp_path, retriever):
    from fastapi.testclient import TestClient

    from chatbot.pipeline import Pipeline
    from chatbot.store.storage import Store
    from chatbot.web.turns import plain_answer
    from chatbot.web.ui import create_app
    from chatbot.web.loading import FAILED
    from chatbot.model.server import HEALTH_TTL_S

    server = ModelServer(embedded_folder()).start()
    settings = on(server, draft="on", server_retries=0)
    app, holder = create_app(lambda: Pipeline(load_chat_model(settings), settings, retriever), settings)
    assert holder.ready.wait(60) and holder.error is None
    store = Store(f"sqlite:///{tmp_path / 'turns.db'}")
    web = TestClient(app)
    try:
        assert web.get("/healthz").status_code == 200
        assert plain_answer(holder, store, "t1", "What is the FAFSA?") != FAILED

        # Killed mid-answer: the stream breaks off, it does not hang.
        model = holder.pipeline.chat_model
        stream = model.bind(max_new_tokens=200).stream(QUESTION)
        with pytest.raises(Exception):  # noqa: B017 - whichever connection error the client raises
            for n, _ in enumerate(stream):
                if n == 2:
                    server.kill()
        time.sleep(HEALTH_TTL_S + 0.1)
        assert plain_answer(holder, store, "t2", "What is the FAFSA?") == FAILED  # the kind message
        down = web.get("/healthz")
        assert down.status_code == 503 and down.json()["status"] == "backend down"

        server.start()  # the same port: the app finds it again by itself
        time.sleep(HEALTH_TTL_S + 0.1)
        assert web.get("/healthz").status_code == 200
        assert plain_answer(holder, store, "t3", "What is the FAFSA?") != FAILED
        rows = {r["id"]: r["status"] for r in store.turn_rows()}
        assert rows == {"t1": "complete", "t2": "failed", "t3": "complete"}
    finally:
        server.kill()
        store.close()


def test_the_benchmark_runs_against_the_server(server, tmp_path):
    import json

    from tests.conftest import run_cli

    result = run_cli("-m", "eval", "bench", "--backend", "openai:" + server.url, "--users", "1,2",
                     "--new-tokens", "4-8", "--baseline-requests", "1", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((tmp_path / "bench.json").read_text())
    assert [row["users"] for row in report["users"]] == [1, 2]
    assert all(row["requests"] == row["users"] and row["aggregate_tokens_per_s"] > 0 for row in report["users"])
    assert "| 2 | 2 |" in (tmp_path / "bench.md").read_text()
