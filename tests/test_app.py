"""The web app: /healthz readiness, the chat through Gradio's client, and clear start-up errors."""
import threading

import pytest
from fastapi.testclient import TestClient

from chatbot.config import Settings
from chatbot.fake_model import FakeChatModel
from chatbot.pipeline import Pipeline
from tests.conftest import run_cli, wait_http


def test_healthz_is_503_while_loading_and_200_once_loaded():
    from chatbot.ui import create_app

    release = threading.Event()

    def slow_loader():
        release.wait(10)
        return Pipeline(FakeChatModel(), Settings())

    app, holder = create_app(slow_loader)
    client = TestClient(app)
    loading = client.get("/healthz")
    assert loading.status_code == 503 and loading.json() == {"status": "loading"}
    release.set()
    assert holder.ready.wait(10)
    ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.json() == {"status": "ok", "model": "fake"}
    assert client.get("/").status_code == 200


def test_a_failed_load_is_reported_and_the_server_stays_up():
    from chatbot.ui import STARTING, create_app, make_respond

    def broken_loader():
        raise RuntimeError("weights missing")

    app, holder = create_app(broken_loader)
    assert holder.ready.wait(10)
    resp = TestClient(app).get("/healthz")
    assert resp.status_code == 503 and "weights missing" in resp.json()["detail"]
    reply = list(make_respond(holder)("hello", []))[-1]
    assert "went wrong" in reply and reply != STARTING


def test_a_crash_mid_answer_gives_a_kind_message():
    from chatbot.ui import BotHolder, make_respond

    class Exploding(FakeChatModel):
        def stream(self, messages, **kwargs):
            raise RuntimeError("CUDA error: device-side assert")

    holder = BotHolder(lambda: Pipeline(Exploding(), Settings()))
    holder._load()
    reply = list(make_respond(holder)("what is pell", []))[-1]
    assert "went wrong" in reply and "CUDA" not in reply


@pytest.mark.slow
def test_app_serves_the_embedded_model_end_to_end(start_app):
    from gradio_client import Client

    base, proc = start_app()
    wait_http(f"{base}/healthz", 200, proc=proc)
    client = Client(base + "/", verbose=False)
    reply = client.predict("What is the FAFSA?", api_name="/chat")
    assert isinstance(reply, str) and len(reply.split()) >= 3


def test_bad_flags_stop_the_app_with_a_clear_message():
    result = run_cli("app.py", "--quantization", "q3")
    assert result.returncode == 2 and "invalid choice: 'q3'" in result.stderr
    result = run_cli("app.py", "--model", "./no/such/model")
    assert result.returncode == 2 and "model folder not found: ./no/such/model" in result.stderr


def test_help_lists_the_contract_flags():
    out = run_cli("app.py", "--help").stdout
    for flag in ("--model", "--quantization", "--host", "--port", "--config", "--device"):
        assert flag in out
