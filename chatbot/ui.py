"""The web front end: the ONLY module that imports gradio.

`create_app(settings, loader)` returns a FastAPI app with the chat page at `/` and `/healthz`.
The model loads in a background thread after the server starts, so `/healthz` answers 503 while
loading (deployers and tests wait on it) and 200 once the bot can answer.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable, Iterator

import gradio as gr
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from chatbot.answers import Answer, Token

log = logging.getLogger("chatbot.ui")

STARTING = "The assistant is still starting up. Please try again in a moment."
FAILED = "Sorry, something went wrong while answering. Please try again, or ask your school's financial aid office."


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


def build_page(holder: BotHolder) -> gr.Blocks:
    return gr.ChatInterface(
        make_respond(holder),
        title="Student Aid Helper",
        description="Questions about the FAFSA, Pell Grants, student loans and deadlines. "
        "General information, not a decision on your aid.",
        examples=[
            "What is the FAFSA and when is it due?",
            "What is the maximum Pell Grant for 2026-27?",
            "How much can a first-year student borrow in federal loans?",
            "Am I independent if I pay my own rent?",
        ],
        run_examples_on_click=False,
        flagging_mode="never",
        api_name="chat",
        api_visibility="undocumented",  # reachable by our tests and Gradio client, not advertised
    )


def create_app(loader: Callable[[], object], queue_size: int = 64) -> tuple[FastAPI, BotHolder]:
    holder = BotHolder(loader)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        if holder.pipeline is not None:
            return JSONResponse({"status": "ok", "model": holder.pipeline.chat_model.name})
        if holder.error is not None:
            return JSONResponse({"status": "error", "detail": holder.error}, status_code=503)
        return JSONResponse({"status": "loading"}, status_code=503)

    page = build_page(holder).queue(api_open=False, max_size=queue_size)
    app = gr.mount_gradio_app(app, page, path="/")
    holder.start()
    return app, holder
