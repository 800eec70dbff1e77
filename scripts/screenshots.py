"""Take the README's screenshots with the embedded model: `python scripts/screenshots.py [--out docs]`.

Writes screenshot.png and screenshot-360.png (the page, desktop and 360 px wide) and widget.png and
widget-360.png (examples/host-page.html embedding /embed?school=demo). Needs what the browser tests
need: /usr/bin/chromium, the playwright package and `npm ci --prefix tests/browser`.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser_support import HostPages, browser, host_page, missing_browser, school_profile, serve  # noqa: E402
from tests.conftest import free_port  # noqa: E402

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def answered(scope, question: str) -> None:
    scope.locator("#question textarea").fill(question)
    scope.locator("#question textarea").press("Enter")
    scope.locator("#chat [data-testid=bot]", has_text="Sources").last.wait_for(timeout=180_000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"))
    out = Path(parser.parse_args().out)
    if missing_browser():
        sys.exit(missing_browser())
    from chatbot.config import Settings, load_settings
    from chatbot.kb.loader import load_kb
    from chatbot.model.local import load_chat_model
    from chatbot.model.embedder import load_embedder
    from chatbot.pipeline import Pipeline
    from chatbot.kb.retrieval import Retriever
    from chatbot.web.ui import create_app

    out.mkdir(parents=True, exist_ok=True)
    host = HostPages(free_port(), {})
    schools = school_profile(Path(tempfile.mkdtemp()), [f"http://localhost:{host.port}"])
    settings = Settings(schools_dir=schools, cache_dir=load_settings().cache_dir)
    model = load_chat_model(settings, log=lambda *_: None)
    retriever = Retriever.build(load_kb(), load_embedder(), settings.cache_dir)
    app, holder = create_app(lambda: Pipeline(model, settings, retriever), settings)
    holder.ready.wait(300)
    with serve(app, free_port()) as base, browser() as b:
        host.pages["/college.html"] = host_page(base)
        for name, context in (("", DESKTOP), ("-360", PHONE)):
            page = b.new_context(**context).new_page()
            page.goto(base + "/")
            answered(page, "What is the maximum Pell Grant for 2026-27?")
            page.wait_for_timeout(500)
            page.screenshot(path=str(out / f"screenshot{name}.png"))
            page = b.new_context(**context).new_page()
            page.goto(f"http://localhost:{host.port}/college.html")
            widget = page.frame_locator("iframe")
            answered(widget, "When is the financial aid office open?")
            if name:  # on a phone the widget sits below the article: show it, not the article
                page.locator("iframe").scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            page.screenshot(path=str(out / f"widget{name}.png"))
            print(f"wrote {out}/screenshot{name}.png and {out}/widget{name}.png")
    host.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
