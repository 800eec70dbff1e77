"""What any visitor's browser, or a script, can reach: headers, routes, cross-site calls."""
from __future__ import annotations

import pytest

from tests.security.calls import ask, event_index

pytestmark = pytest.mark.slow

EVIL = "https://evil.example"


def test_pages_send_a_policy_that_names_where_scripts_styles_and_connections_may_come_from(app):
    with app.client() as c:
        for path in ("/", "/embed/?school=demo", "/healthz"):
            r = c.get(path)
            policy = dict(p.strip().split(" ", 1) for p in r.headers["content-security-policy"].split(";"))
            assert policy["script-src"].startswith("'self'") and policy["connect-src"] == "'self'"
            assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
            assert policy["frame-ancestors"] != "*"
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert dict(p.strip().split(" ", 1) for p in c.get("/").headers["content-security-policy"].split(";"))[
            "frame-ancestors"] == "'self'"


@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc", "/gradio_api/openapi.json",
                                  "/embed/gradio_api/openapi.json", "/gradio_api/docs"])
def test_no_route_lists_the_api(app, path):
    with app.client() as c:
        assert c.get(path).status_code == 404


def test_the_upload_routes_take_no_files(app):
    with app.client() as c:
        for path in ("/gradio_api/upload", "/embed/gradio_api/upload"):
            r = c.post(path, files={"files": ("a.html", b"<script>alert(1)</script>", "text/html")})
            assert r.status_code == 404


def test_another_site_can_neither_call_the_chat_nor_read_a_reply(app):
    with app.client() as c:
        r = c.post("/gradio_api/call/chat", json={"data": ["What is the FAFSA?"]}, headers={"Origin": EVIL})
        assert r.status_code == 403
        assert c.post("/gradio_api/queue/join", json={"data": [], "fn_index": 0, "session_hash": "x"},
                      headers={"Origin": "null"}).status_code == 403
        for method, path in (("GET", "/"), ("GET", "/config"), ("OPTIONS", "/gradio_api/call/chat")):
            r = c.request(method, path, headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"})
            assert not [h for h in r.headers if h.lower().startswith("access-control-")], (path, r.headers)


def test_our_own_pages_still_call_the_chat(app):
    with app.client() as c:
        headers = {"Origin": app.base, "X-Forwarded-For": "10.1.0.1"}
        assert ask(c, "What is the FAFSA?", headers).strip()


@pytest.mark.parametrize("path", ["/gradio_api/file=/etc/passwd", "/gradio_api/file=../../../../etc/passwd",
                                  "/static/../../../etc/passwd", "/gradio_api/file=app.py",
                                  "/embed/gradio_api/file=/proc/self/environ"])
def test_no_file_outside_the_app_is_served(app, path):
    with app.client() as c:
        r = c.get(path)
        assert r.status_code in (403, 404) and "root:" not in r.text and "CHATBOT_" not in r.text


def test_direct_runs_of_the_queued_answer_are_refused(app):
    with app.client() as c:
        answer = event_index(c, "answer")
        r = c.post("/gradio_api/run/predict", json={"data": [[], {}], "fn_index": answer, "session_hash": "s"})
        assert r.status_code == 404 and "Traceback" not in r.text
