"""The web app: /healthz readiness, the chat through Gradio's client, and clear start-up errors."""
import re
import threading

import pytest
from fastapi.testclient import TestClient

from chatbot.config import Settings
from chatbot.model.fake import FakeChatModel
from chatbot.pipeline import Pipeline
from tests.conftest import run_cli, wait_http


def test_healthz_is_503_while_loading_and_200_once_loaded():
    from chatbot.web.ui import create_app

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
    from tests.feedback_support import MemoryFeedbackSink
    from chatbot.web.loading import STARTING
    from chatbot.web.turns import plain_answer
    from chatbot.web.ui import create_app

    def broken_loader():
        raise RuntimeError("weights missing")

    app, holder = create_app(broken_loader)
    assert holder.ready.wait(10)
    resp = TestClient(app).get("/healthz")
    assert resp.status_code == 503 and "weights missing" in resp.json()["detail"]
    reply = plain_answer(holder, MemoryFeedbackSink(), "t1", "hello")
    assert "went wrong" in reply and reply != STARTING


def test_a_crash_mid_answer_gives_a_kind_message_and_a_failed_row(retriever, tmp_path):
    from chatbot.store.storage import Store
    from chatbot.web.loading import BotHolder
    from chatbot.web.turns import plain_answer

    class Exploding(FakeChatModel):
        def stream(self, messages, **kwargs):
            raise RuntimeError("CUDA error: device-side assert")

    # With a retriever the question reaches the model (without one the pipeline abstains first).
    holder = BotHolder(lambda: Pipeline(Exploding(), Settings(), retriever))
    holder._load()
    store = Store(f"sqlite:///{tmp_path / 'turns.db'}", model="fake")
    reply = plain_answer(holder, store, "t1", "what is pell, my ssn is 123-45-6789")
    assert "went wrong" in reply and "CUDA" not in reply
    [row] = store.turn_rows()
    assert row["id"] == "t1" and row["status"] == "failed" and "6789" not in str(row)
    store.close()


@pytest.mark.slow
def test_app_serves_the_embedded_model_end_to_end(start_app):
    from gradio_client import Client

    base, proc = start_app()
    wait_http(f"{base}/healthz", 200, proc=proc)
    client = Client(base + "/", verbose=False)
    reply = client.predict("What is the FAFSA?", api_name="/chat")
    assert isinstance(reply, str) and len(reply.split()) >= 3
    # Several people at once: the engine batches their answers, and each must still answer its own
    # question. Not "equal to the answer alone": a batch's float math legitimately differs from one
    # request's (kernels are chosen by shape, per CPU), so a draft may change wording or pass the
    # grounding gate differently. What may not change is whose question it answers: each answer is
    # closer in words to its own question's answer alone than to any other question's.
    questions = ["What is the FAFSA?", "Who can get a Pell Grant?", "What is a subsidized loan?"]
    alone = {q: client.predict(q, api_name="/chat") for q in questions[1:]} | {questions[0]: reply}
    jobs = {q: Client(base + "/", verbose=False).submit(q, api_name="/chat") for q in questions}
    together = {q: job.result(timeout=120) for q, job in jobs.items()}
    for q in questions:
        if together[q] == alone[q]:
            continue
        closeness = {other: _overlap(together[q], alone[other]) for other in questions}
        assert max(closeness, key=closeness.get) == q, (q, together[q], closeness)


def _overlap(a: str, b: str) -> float:
    """Jaccard overlap of the two texts' words."""
    x, y = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(x & y) / max(1, len(x | y))


def test_bad_flags_stop_the_app_with_a_clear_message():
    result = run_cli("app.py", "--quantization", "q3")
    assert result.returncode == 2 and "invalid choice: 'q3'" in result.stderr
    result = run_cli("app.py", "--model", "./no/such/model")
    assert result.returncode == 2 and "model folder not found: ./no/such/model" in result.stderr


def test_help_lists_the_contract_flags():
    out = run_cli("app.py", "--help").stdout
    for flag in ("--model", "--quantization", "--host", "--port", "--config", "--device"):
        assert flag in out


def _fake_app(tmp_path=None, **settings):
    from chatbot.web.ui import create_app

    extra = {"schools_dir": tmp_path} if tmp_path is not None else {}
    s = Settings(**extra, **settings)
    app, holder = create_app(lambda: Pipeline(FakeChatModel(), s), s)
    assert holder.ready.wait(10)
    return app


def test_every_response_carries_the_security_headers_and_only_schools_may_frame_their_widget():
    client = TestClient(_fake_app())
    page = client.get("/")
    assert page.headers["content-security-policy"].startswith("frame-ancestors 'self';")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    redirect = client.get("/embed?school=demo", follow_redirects=False)
    assert redirect.status_code == 307 and redirect.headers["location"] == "embed/?school=demo"
    widget = client.get("/embed?school=demo")
    assert widget.status_code == 200 and "gradio_config" in widget.text
    assert widget.headers["content-security-policy"].startswith(
        "frame-ancestors http://localhost:8000 http://127.0.0.1:8000;")
    assert client.get("/healthz").headers["x-content-type-options"] == "nosniff"


def test_unknown_or_missing_school_ids_get_a_clear_error_page():
    client = TestClient(_fake_app())
    unknown = client.get("/embed/?school=<script>x</script>")
    assert unknown.status_code == 404 and "This chat is not available here" in unknown.text
    assert "<script>x" not in unknown.text and "&lt;script&gt;x" in unknown.text  # the id is escaped
    assert "1-800-4-FED-AID" in unknown.text
    missing = client.get("/embed/")
    assert missing.status_code == 400 and "needs a school id" in missing.text
    assert client.get("/?school=nope").status_code == 404


def test_the_snippet_page_shows_the_embed_code_for_this_server():
    client = TestClient(_fake_app())
    page = client.get("/embed/snippet?school=demo")
    assert page.status_code == 200 and "Demo College" in page.text
    assert "&lt;iframe src=&quot;http://testserver/embed?school=demo&quot;" in page.text
    assert "http://localhost:8000" in page.text
    assert client.get("/embed/snippet?school=nope").status_code == 404


def test_a_broken_school_profile_stops_start_up_with_the_problem(tmp_path):
    from chatbot.web.schools import SchoolError

    (tmp_path / "x-college").mkdir()
    (tmp_path / "x-college" / "school.yaml").write_text("name: X\ncolour: red\ncontact: {office: Aid}\n")
    with pytest.raises(SchoolError, match="colour 'red' is not valid"):
        _fake_app(tmp_path)


def test_the_chat_api_is_rate_limited_per_client_before_anything_is_queued():
    import httpx
    from gradio_client import Client

    from chatbot.web.i18n import strings
    from tests.browser_support import serve
    from tests.conftest import free_port

    with serve(_fake_app(rate_limit_per_minute=1), free_port()) as base:
        first = Client(base + "/", verbose=False).predict("What is the FAFSA?", api_name="/chat")
        second = httpx.post(base + "/gradio_api/call/chat", json={"data": ["What is the FAFSA?"]})
    assert first.strip() and first != strings("en")["busy"]
    assert second.status_code == 429 and second.json() == {"detail": strings("en")["busy"]}
