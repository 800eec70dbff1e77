"""The bot as the web app holds it: loaded in the background, then answering in plain text.

`BotHolder` loads the pipeline in a thread so the server can answer `/healthz` (503 while loading)
at once; `make_respond` gives plain-text answers for the `chat` API endpoint. No gradio here.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable, Iterator

from chatbot.answers import Answer, Token
from chatbot.web.i18n import strings

log = logging.getLogger("chatbot.web.ui")

STARTING = strings("en")["starting"]
FAILED = strings("en")["failed"]


class BotHolder:
    """Holds the pipeline once it has loaded, or the reason it could not load."""

    def __init__(self, loader: Callable[[], object]):
        self._loader = loader
        self.pipeline = None
        self.error: str | None = None
        self.ready = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._load, name="load-model", daemon=True).start()

    def _load(self) -> None:
        try:
            self.pipeline = self._loader()
        except Exception as exc:  # shown on /healthz; the server stays up to say so
            log.exception("model failed to load")
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.ready.set()


def _text(content) -> str:
    """Gradio messages may carry a string or a list of typed parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return str(content or "")


def make_respond(holder: BotHolder):
    """Plain-text answers: the text so far while it streams, then the final Answer.text."""
    def respond(message: str, history: list[dict]) -> Iterator[str]:
        if holder.pipeline is None:
            yield STARTING if holder.error is None else FAILED
            return
        turns = [{"role": m["role"], "content": _text(m["content"])} for m in history or []]
        shown = ""
        try:
            for event in holder.pipeline.answer(message, turns):
                if isinstance(event, Token):
                    shown += event.text
                    yield shown
                elif isinstance(event, Answer) and event.text != shown:
                    yield event.text
        except Exception:  # the user sees a kind message; the details go to the log
            log.exception("answer failed")
            yield (shown + "\n\n" if shown else "") + FAILED

    return respond
