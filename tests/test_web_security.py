"""Who may frame the page and the widget, and the headers every response carries."""
import pytest

from chatbot.web.schools import load_schools
from chatbot.config import Settings
from chatbot.web.security import OriginError, check_origin, decide, frame_ancestors, security_headers

SCHOOLS = load_schools(Settings().schools_dir)


@pytest.mark.parametrize("origin, normal", [
    ("https://www.example.edu", "https://www.example.edu"),
    ("HTTP://LocalHost:8000/", "http://localhost:8000"),
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
])
def test_good_origins_are_normalised(origin, normal):
    assert check_origin(origin) == normal


@pytest.mark.parametrize("origin, message", [
    ("https://*.example.edu", "wildcards"),
    ("http://localhost:*", "wildcards"),  # not valid CSP either
    ("www.example.edu", "must be scheme://host"),
    ("https://www.example.edu/aid", "must be scheme://host"),
    ("ftp://example.edu", "must be scheme://host"),
    ("https://example.edu:99999", "port must be"),
    ("https://example.edu; script-src 'unsafe-inline'", "must be scheme://host"),  # no smuggling a directive in
    (42, "must be text"),
])
def test_bad_origins_are_refused_with_a_reason(origin, message):
    with pytest.raises(OriginError, match=message):
        check_origin(origin)


def test_frame_ancestors_self_for_the_page_and_the_list_or_none_for_a_widget():
    assert frame_ancestors(None) == "'self'"
    assert frame_ancestors([]) == "'none'"
    assert frame_ancestors(["https://a.edu", "https://b.edu"]) == "https://a.edu https://b.edu"


def test_decide_per_route():
    assert decide("/", None, SCHOOLS).ancestors == "'self'"
    widget = decide("/embed/", "demo", SCHOOLS)
    assert widget.error is None and widget.ancestors == "http://localhost:8000 http://127.0.0.1:8000"
    assert decide("/embed", "demo", SCHOOLS).ancestors == widget.ancestors
    missing, unknown = decide("/embed/", None, SCHOOLS), decide("/embed/", "nope", SCHOOLS)
    assert (missing.status, unknown.status) == (400, 404) and "Unknown school id 'nope'" in unknown.error
    # The widget's scripts and API calls keep the default; so does any other path.
    assert decide("/embed/gradio_api/queue/join", "nope", SCHOOLS).error is None


def test_headers():
    headers = security_headers("https://a.edu")
    assert headers["Content-Security-Policy"].startswith("frame-ancestors https://a.edu;")
    assert "img-src 'self' data: blob:" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
