"""The page and the widget in a real browser (Debian's chromium, driven by Playwright).

A college's page on another origin embeds /embed?school=demo and gets a streamed answer with citation
links and feedback (the embedded model); a page on an origin outside the school's profile is refused by
the browser; the full page passes axe-core and fits 360 px; keyboard only, Stop stops the model;
hostile answers render as text; rate limit and a full queue give a friendly message.
Run just these: `pytest -m browser`. Screenshots for the README: `python scripts/screenshots.py`.
"""
from __future__ import annotations

import re
import threading
import time
from types import SimpleNamespace

import pytest

from chatbot.answers import Answer, Citation, Token
from chatbot.config import Settings
from chatbot.model.fake import FakeChatModel
from tests.feedback_support import MemoryFeedbackSink
from chatbot.web.i18n import strings
from chatbot.pipeline import Pipeline
from chatbot.web.ratelimit import RateLimiter
from tests.browser_support import (
    HostPages, SlowFakeModel, axe_violations, browser, host_page, missing_browser, school_profile, serve,
)
from tests.conftest import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(missing_browser() is not None, reason=str(missing_browser()))]

EN, ES = strings("en"), strings("es")
BOT = "#chat [data-testid=bot]"
WIDGET = "iframe[title='Demo College: financial aid assistant']"


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    """Two host-page servers: `ok` on an origin in the demo profile, `bad` on one that is not."""
    ok, bad = HostPages(free_port(), {}), HostPages(free_port(), {})
    schools = school_profile(tmp_path_factory.mktemp("schools"), [f"http://localhost:{ok.port}"])
    yield SimpleNamespace(ok=ok, bad=bad, schools=schools)
    ok.close()
    bad.close()


def start(app, holder):
    assert holder.ready.wait(120) and holder.error is None, holder.error
    return serve(app, free_port())


@pytest.fixture(scope="module")
def fake_app(hosts, retriever):
    """The real pipeline and retriever with the fake model, slowed to a word every 60 ms."""
    from chatbot.web.ui import create_app

    settings, model, sink = Settings(schools_dir=hosts.schools), SlowFakeModel(0.06), MemoryFeedbackSink()
    app, holder = create_app(lambda: Pipeline(model, settings, retriever), settings, sink)
    with start(app, holder) as base:
        yield SimpleNamespace(base=base, app=app, model=model, sink=sink)


class HostilePipeline:
    """Stands in for the pipeline to test the UI's own defences: the UI must not trust the answer
    text even though the real pipeline's grounding check would never let this through."""

    chat_model = FakeChatModel()

    def __init__(self, pixel: str):
        self.pixel, self.gate = pixel, threading.Event()
        self.gate.set()

    def answer(self, question, history, session=None, cancel=None):
        self.gate.wait(30)
        yield Token(f'Streaming <img src="{self.pixel}/streamed.png"> ')
        yield Answer(f'<script>window.__pwned = 1</script> <img src="{self.pixel}/final.png" '
                     f'onerror="window.__pwned = 2"> ![x]({self.pixel}/markdown.png) **bold** Log in at '
                     f'https://evil.example/x or www.evil.example or <https://evil.example/y> or '
                     f'[studentaid.gov](https://evil.example/z) or mail help@evil.example',
                     [Citation("pell", "Pell <b>Grant</b>", "https://studentaid.gov/pell", "2026-27")])


@pytest.fixture(scope="module")
def hostile_app(hosts):
    from chatbot.web.ui import create_app

    settings = Settings(schools_dir=hosts.schools, queue_size=1, concurrency=1)
    pipeline = HostilePipeline(f"http://localhost:{hosts.ok.port}")
    app, holder = create_app(lambda: pipeline, settings)
    with start(app, holder) as base:
        yield SimpleNamespace(base=base, app=app, pipeline=pipeline)


@pytest.fixture(autouse=True)
def close_pages(chromium):
    """Close each test's pages, so no open event stream holds up a server's shutdown."""
    yield
    for context in chromium.contexts:
        context.close()


def open_page(chromium, url, **context):
    page = chromium.new_context(**context).new_page()
    page.goto(url)
    page.locator("#question textarea").wait_for(timeout=30_000)
    return page


def ask(page, question: str) -> None:
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")


def last_answer(scope, wait_for: str = "", timeout: float = 60) -> str:
    """Text of the newest assistant message, once it contains `wait_for`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        bots = scope.locator(BOT)
        if bots.count() and wait_for in (text := bots.last.inner_text()):
            return text
        time.sleep(0.1)
    raise AssertionError(f"no answer containing {wait_for!r} within {timeout}s")


def test_widget_on_a_college_page_answers_with_citations_and_takes_feedback(chromium, hosts, embedded_model,
                                                                           retriever):
    """The one browser test on the embedded model: the whole path a student on a college site takes."""
    from chatbot.web.ui import create_app

    settings, sink = Settings(schools_dir=hosts.schools), MemoryFeedbackSink()
    app, holder = create_app(lambda: Pipeline(embedded_model, settings, retriever), settings, sink)
    with start(app, holder) as base:
        hosts.ok.pages["/college.html"] = host_page(base)
        page = chromium.new_context().new_page()
        page.goto(f"http://localhost:{hosts.ok.port}/college.html")
        widget = page.frame_locator(WIDGET)
        widget.locator("#question textarea").wait_for(timeout=30_000)
        assert widget.locator(".school-header h1").inner_text() == "Demo College"
        ask(widget, "What is the FAFSA?")
        answer = last_answer(widget, EN["sources"], timeout=120)
        assert "FAFSA" in answer and "award year" in answer
        link = widget.locator(f"{BOT} a[href^='https://']").last
        assert link.get_attribute("target") == "_blank"
        assert set(link.get_attribute("rel").split()) >= {"noopener", "noreferrer"}
        (turn,) = sink.turns.values()
        assert turn.school == "demo" and turn.question == "What is the FAFSA?" and turn.answer.citations

        widget.locator("#chat button[aria-label='Like']").last.click()  # under the newest answer
        widget.locator("#comment textarea").fill("Clear, thanks. My SSN is 123-45-6789")
        widget.locator("#send-comment").click()
        widget.locator("#feedback-status", has_text=EN["feedback_thanks"]).wait_for()
        feedback = sink.feedback[turn.turn_id]
        assert feedback.rating == "up" and feedback.comment.startswith("Clear, thanks.")
        assert "123-45-6789" not in feedback.comment  # redacted before it is stored

        frame = next(f for f in page.frames if "/embed/" in f.url)
        assert axe_violations(frame) == []


def test_a_site_outside_the_schools_allowed_origins_cannot_frame_the_widget(chromium, fake_app, hosts):
    hosts.bad.pages["/college.html"] = host_page(fake_app.base)
    hosts.ok.pages["/college.html"] = host_page(fake_app.base)
    hosts.ok.pages["/typo.html"] = host_page(fake_app.base).replace("school=demo", "school=dmeo")
    page = chromium.new_context().new_page()
    refusals = []
    page.on("console", lambda m: refusals.append(m.text) if "frame-ancestors" in m.text else None)
    page.goto(f"http://localhost:{hosts.bad.port}/college.html")
    deadline = time.monotonic() + 15
    while not refusals and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert refusals and f"frame-ancestors http://localhost:{hosts.ok.port}" in refusals[0]
    assert not any("/embed/" in f.url for f in page.frames)  # the frame shows the browser's error page

    page.goto(f"http://localhost:{hosts.ok.port}/college.html")  # the allowed origin, same widget
    page.frame_locator(WIDGET).locator("#question textarea").wait_for(timeout=30_000)
    page.goto(f"http://localhost:{hosts.ok.port}/typo.html")  # a wrong id: told so inside the frame
    assert "Unknown school id 'dmeo'" in page.frame_locator(WIDGET).locator("main").inner_text()


def test_keyboard_only_the_answer_streams_and_stop_stops_the_model(chromium, fake_app):
    page = open_page(chromium, fake_app.base + "/")
    for _ in range(20):  # Tab from the top of the page to the question box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#question') !== null"):
            break
    else:
        pytest.fail("Tab never reached the question box")
    page.keyboard.type("How much can a first-year student borrow in federal loans?")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'stop'", timeout=5_000)
    lengths = set()
    while len(lengths) < 2:  # at least two partial states: the answer streams, sentence by sentence
        lengths.add(len(last_answer(page, timeout=30)))
        page.wait_for_timeout(50)
    page.keyboard.press("Enter")  # on the Stop button
    stopped = last_answer(page, EN["stopped"], timeout=10)
    generation = fake_app.model.generations[-1]
    generation.thread.join(2)
    assert generation.finish_reason == "cancelled" and not generation.thread.is_alive()
    page.wait_for_timeout(500)
    assert last_answer(page) == stopped  # nothing more arrives after Stop
    assert page.locator("#send").is_visible() and not page.locator("#stop").is_visible()
    page.wait_for_function("document.activeElement.closest('#question') !== null", timeout=5_000)


def test_the_full_page_passes_axe_fits_360px_and_keeps_nothing_in_the_browser(chromium, fake_app):
    outside = []
    page = open_page(chromium, fake_app.base + "/")
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(fake_app.base) else None)
    page.get_by_role("button", name=re.compile("What is the FAFSA and when is it due")).click()  # a starter
    last_answer(page, EN["sources"])
    assert page.locator("#chat [role=log][aria-live=polite]").count() == 1  # new messages are announced
    page.locator("#chat button[aria-label='Dislike']").last.click()
    page.locator("#comment").wait_for()
    page.get_by_role("button", name=EN["help_title"]).click()
    page.locator("#help-text", has_text="1-800-4-FED-AID").wait_for()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 740})
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("#question textarea").is_visible() and page.locator("#send").is_visible()
    assert axe_violations(page) == []
    assert outside == []  # no fonts, analytics or images from third parties
    stored = page.evaluate("JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")
    assert "FAFSA" not in stored  # no chat history left on a shared library computer


def test_spanish_follows_the_browser_and_can_be_switched(chromium, fake_app):
    page = open_page(chromium, fake_app.base + "/embed/?school=demo", locale="es-MX")
    page.locator("#send", has_text=ES["send"]).wait_for()
    assert page.evaluate("document.documentElement.lang") == "es"
    assert ES["starters"][0] in page.locator("#chat").inner_text()
    page.get_by_label("English").check()
    page.locator("#send", has_text=EN["send"]).wait_for()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.get_by_role("button", name=EN["help_title"]).click()
    assert "Demo College Financial Aid Office" in page.locator("#help-text").inner_text()


def test_answers_render_as_text_never_as_html_or_external_images(chromium, hostile_app, hosts):
    page = open_page(chromium, hostile_app.base + "/")
    ask(page, f'<img src="http://localhost:{hosts.ok.port}/asked.png"> is this safe?')
    answer = last_answer(page, "bold")
    assert "<script>window.__pwned = 1</script>" in answer and "<img src=" in answer
    assert "Pell <b>Grant</b> (award year 2026-27)" in answer
    assert page.locator(f"{BOT} strong").first.inner_text() == "bold"  # Markdown still works
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#chat img").count() == 0
    assert page.locator("#chat [data-testid=user]").last.inner_text().startswith("<img src=")
    assert not [hit for hit in hosts.ok.hits if hit.endswith(".png")]  # nothing was fetched
    # Phishing on a page where people use their FSA ID: only the knowledge base's citations link.
    assert "https://evil.example/x" in answer and "help@evil.example" in answer
    links = page.locator("#chat a").evaluate_all("els => els.map(e => e.href)")
    assert links and all(link.startswith("https://studentaid.gov/") for link in links), links


def test_over_the_rate_limit_or_with_a_full_queue_the_chat_says_busy(chromium, hostile_app):
    chat = hostile_app.app.state.chat
    page = open_page(chromium, hostile_app.base + "/")
    chat.limiter = RateLimiter(1)
    try:
        ask(page, "first")
        last_answer(page, "bold")
        ask(page, "second")
        assert last_answer(page, EN["busy"]) == EN["busy"]
        assert page.locator("#question textarea").is_enabled()  # refused before the queue: box back
    finally:
        chat.limiter = RateLimiter(chat.settings.rate_limit_per_minute)
    # One answer running and one waiting fill this app's queue (concurrency 1, queue_size 1).
    hostile_app.pipeline.gate.clear()
    try:
        pages = [open_page(chromium, hostile_app.base + "/") for _ in range(3)]
        for p in pages:
            ask(p, "hello")
            p.wait_for_timeout(400)
        pages[0].locator("#stop").wait_for()
        assert axe_violations(pages[0]) == []  # the page while answering, Stop button shown
        assert last_answer(pages[2], EN["busy"], timeout=10) == EN["busy"]
        # The one turned away gets its question box back at once.
        assert pages[2].locator("#question textarea").is_enabled() and pages[2].locator("#send").is_visible()
    finally:
        hostile_app.pipeline.gate.set()
    for p in pages[:2]:
        last_answer(p, "bold")
