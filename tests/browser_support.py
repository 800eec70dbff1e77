"""Helpers for the real-browser tests (tests/test_web_browser.py) and scripts/screenshots.py.

Debian's chromium driven by Playwright's Python package (never `playwright install`: no browser
download), the app served in-process by uvicorn so tests can reach its feedback sink, a small host
page server on another origin for the iframe tests, a slow fake model for the stop button, and
axe-core (tests/browser/node_modules, from `npm ci`) for accessibility.
"""
from __future__ import annotations

import http.server
import json
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from chatbot.model.generation import Generation
from chatbot.model.fake import FakeChatModel

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium), as .ci/run does"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -r requirements.txt)"
    if not AXE.exists():
        return f"{AXE} not found: run `npm ci --prefix tests/browser`, as .ci/run does"
    return None


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


@contextmanager
def serve(app, port: int):
    """Run an ASGI app with uvicorn in a thread of this process."""
    import uvicorn

    # Short graceful shutdown: open event streams (Gradio's) would otherwise hold the test up.
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           timeout_graceful_shutdown=1, proxy_headers=False))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


class HostPages:
    """A tiny web server for host pages on its own origin; counts requests so tests can prove that
    an image URL planted in an answer was never fetched."""

    def __init__(self, port: int, pages: dict[str, str]):
        self.port, self.pages, self.hits = port, pages, []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                owner.hits.append(self.path)
                body = owner.pages.get(self.path.split("?")[0])
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write((body or "not found").encode())

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def host_page(app_base: str) -> str:
    """examples/host-page.html, pointed at the test app instead of the default address."""
    html = (ROOT / "examples" / "host-page.html").read_text(encoding="utf-8")
    return html.replace("http://127.0.0.1:7860", app_base)


def school_profile(folder: Path, origins: list[str]) -> Path:
    """A copy of the demo school's profile whose allowed origins are the test's host page."""
    import yaml

    data = yaml.safe_load((ROOT / "knowledge" / "schools" / "demo" / "school.yaml").read_text())
    data["allowed_origins"] = origins
    (folder / "demo").mkdir(parents=True, exist_ok=True)
    (folder / "demo" / "school.yaml").write_text(yaml.safe_dump(data))
    return folder


class SlowFakeModel(FakeChatModel):
    """The fake model, streaming one word every `delay` seconds from its own thread, like the real one,
    so a test can press Stop mid-answer. Keeps every Generation to check it was cancelled."""

    def __init__(self, delay: float = 0.15):
        super().__init__()
        self.delay, self.generations = delay, []

    def stream(self, messages, *, max_new_tokens=None, stop=(), cancel=None, **_):
        words = self.compose(messages).split(" ")[: max_new_tokens or None]
        generation = Generation(lambda ids: "", stop=tuple(stop), cancel=cancel or threading.Event(),
                                max_new_tokens=max_new_tokens)
        self.generations.append(generation)

        def run():
            for i, word in enumerate(words):
                if generation.cancel.wait(self.delay):
                    generation.finish_reason = "cancelled"
                    break
                generation.feed_text(word if i == 0 else " " + word)
            generation.finish(None)

        generation.thread = threading.Thread(target=run, daemon=True)
        generation.thread.start()
        return generation


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core in the page; the violations of the given impacts, short enough to print."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in impacts]


def dump(obj) -> str:
    return json.dumps(obj, indent=1)
