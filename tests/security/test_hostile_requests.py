"""Requests meant to break, flood or fool the server: each gets a clear answer and the server keeps
serving; nothing personal reaches the replies, the database or the log."""
from __future__ import annotations

import re

import pytest

from chatbot.web.i18n import strings
from tests.security.calls import ask, event_index
from tests.security.conftest import as_client, launch, stop

pytestmark = pytest.mark.slow

SSN, PHONE = "123-45-6789", "(415) 555-0134"


def _healthy(app) -> None:
    with app.client() as c:
        assert c.get("/healthz").json()["status"] == "ok"


def test_a_body_over_the_limit_is_refused_before_it_is_read(app):
    with app.client() as c:
        for body in (b"x" * 8_000_000, b'{"data": ["' + b"123 456 7890 " * 100_000 + b'"]}'):
            r = c.post("/gradio_api/call/chat", content=body, headers={"Content-Type": "application/json"})
            assert r.status_code == 413 and "too large" in r.json()["detail"]

        def chunked():  # no Content-Length: the limit still holds
            for _ in range(100):
                yield b"0" * 65_536

        r = c.post("/gradio_api/queue/join", content=chunked(), headers={"Content-Type": "application/json"})
        assert r.status_code == 413
    _healthy(app)


def test_an_oversized_question_is_refused_and_stored_only_capped_and_redacted(app):
    flood = f"my ssn is {SSN} " + "123 456 7890 " * 15_000  # ~195,000 characters, under the body limit
    with app.client() as c:
        reply = ask(c, flood, as_client("10.2.0.1"))
    assert "4,000" in reply or "4000" in reply  # the kind "too long" message names the limit
    stored = [q for q in app.questions() if q.startswith("my ssn is")]
    assert stored and all(len(q) <= 4001 for q in stored)
    assert SSN not in stored[-1] and not re.search(r"\d{3} \d{3} \d{4}", stored[-1])
    _healthy(app)


def test_personal_data_never_reaches_a_reply_the_database_or_the_log(app):
    headers = as_client("10.3.0.1")
    with app.client() as c:
        reply = ask(c, f"my ssn is {SSN} and my phone is {PHONE}, can I get a Pell Grant?", headers)
        # Malformed calls carrying the same data: Gradio would have logged the values it received.
        answer = event_index(c, "answer")
        for body in ({"data": [f"ssn {SSN}"], "fn_index": answer, "session_hash": "s1"},
                     {"data": [f"ssn {SSN}", "x", "y", "z"], "fn_index": 999, "session_hash": "s1"}):
            assert c.post("/gradio_api/queue/join", json=body, headers=headers).status_code == 422
        assert c.post("/gradio_api/call/chat", json={"data": [f"ssn {SSN}", PHONE]}, headers=headers).status_code == 422
    assert SSN not in reply and PHONE not in reply
    for leak in ("45-6789", "555-0134"):
        assert leak not in app.stored_text() and leak not in app.log_text()


@pytest.mark.parametrize("body, status", [
    ({"data": ["probe-4ffa"], "fn_index": 999, "session_hash": "s"}, 422),  # no such event
    ({"data": ["probe-4ffa"], "fn_index": "7", "session_hash": "s"}, 422),  # a string
    ({"data": {"message": "probe-4ffa"}, "fn_index": "ANSWER", "session_hash": "s"}, 422),
    ({"data": ["probe-4ffa"], "fn_index": "ANSWER", "session_hash": "s"}, 422),
    (["not", "an", "object"], 422),
])
def test_malformed_calls_get_a_clear_error_never_a_bare_500(app, body, status):
    with app.client() as c:
        if isinstance(body, dict) and body["fn_index"] == "ANSWER":
            body = {**body, "fn_index": event_index(c, "answer")}
        r = c.post("/gradio_api/queue/join", json=body, headers=as_client("10.4.0.1"))
        assert r.status_code == status and r.json()["detail"].startswith("Malformed request")
        assert "Traceback" not in r.text and "probe-4ffa" not in r.text
    _healthy(app)


def test_bodies_that_are_not_json_or_not_utf8_are_refused(app):
    with app.client() as c:
        for body in (b"{not json", b'{"data": ["\xff\xfe"]}'):
            r = c.post("/gradio_api/call/chat", content=body, headers={"Content-Type": "application/json"})
            assert r.status_code in (400, 422) and "Traceback" not in r.text
    _healthy(app)


@pytest.mark.parametrize("message", [{"text": "hi"}, ["probe-4ffa"], 42, None, True])
def test_a_message_that_is_not_text_gets_a_clear_reply(app, message):
    with app.client() as c:
        assert ask(c, message, as_client("10.5.0.1")) in ("Please send your question as text.",)


def test_a_lone_surrogate_is_dropped_and_the_turn_still_stored(app):
    with app.client() as c:
        reply = ask(c, "what is the fafsa\ud800 deadline?", as_client("10.6.0.1"))
    assert reply.strip() and "what is the fafsa deadline?" in app.questions()


def test_the_rate_limit_holds_whatever_x_forwarded_for_says(tmp_path):
    """No proxy configured (the default): the header is the client's own words and is ignored."""
    direct = launch(tmp_path, rate_limit_per_minute="3")
    try:
        with direct.client() as c:
            codes = [c.post("/gradio_api/call/chat", json={"data": ["What is the FAFSA?"]},
                            headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(6)]
            v2 = c.post("/gradio_api/call/v2/chat", json={"message": "What is the FAFSA?"})
        assert codes == [200, 200, 200, 429, 429, 429] and v2.status_code == 429
        assert v2.json()["detail"] == strings("en")["busy"]
    finally:
        stop(direct)


def test_behind_a_proxy_each_client_has_its_own_limit_and_cannot_write_itself_a_new_one(app):
    with app.client() as c:
        def code(forwarded):
            return c.post("/gradio_api/call/chat", json={"data": ["What is the FAFSA?"]},
                          headers={"X-Forwarded-For": forwarded}).status_code

        # The proxy appends the address it saw; whatever the client wrote before it is not believed.
        spoofed = [code(f"198.51.100.{n}, 10.7.0.1") for n in range(25)]
        assert spoofed.count(200) == 20 and spoofed[-1] == 429
        assert code("10.7.0.2") == 200  # someone else
