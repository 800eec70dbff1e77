"""The web front end: the ONLY module that imports gradio.

    create_app(loader, settings, feedback) -> (FastAPI app, BotHolder)

Routes: `/` the chat page, `/embed?school=ID` the compact widget for a school's iframe,
`/embed/snippet?school=ID` its copy-paste embed code, `/healthz` readiness. The model loads in a
background thread after the server starts, so `/healthz` answers 503 while loading (deployers and
tests wait on it) and 200 once the bot can answer.

The pieces that need no gradio live beside this file: school profiles (schools.py), headers and who
may frame us (web_security.py), the rate limit (ratelimit.py), safe Markdown (chat_render.py), the
async turn and stop button (chat_turns.py), feedback (feedback.py) and UI strings (i18n/).
"""
from __future__ import annotations

import asyncio
import logging
from functools import partial
from pathlib import Path
from typing import Callable

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from chatbot import guards
from chatbot.answers import Token
from chatbot.web.render import answer_markdown, header_html, help_markdown, safe_markdown
from chatbot.web.turns import (
    StopSwitches, history_for_pipeline, kept_question, plain_answer, recorded_turn, safe_write, stream_turn,
)
from chatbot.config import Settings
from chatbot.store.feedback import MAX_COMMENT_CHARS, FeedbackSink, new_turn_id
from chatbot.lang import DEFAULT, LANGUAGES, OWN_NAMES
from chatbot.web.i18n import pick_language, strings
from chatbot.web.ratelimit import RateLimiter
from chatbot.web.schools import embed_snippet, load_schools
from chatbot.store.storage import NullStore
from chatbot.web.loading import BotHolder
from chatbot.web.pages import error_page, snippet_page
from chatbot.web.calls import CallShapeMiddleware, ErrorMiddleware
from chatbot.web.http_limits import BodyLimitMiddleware, QuestionLimitMiddleware, client_address
from chatbot.web.security import SecurityHeadersMiddleware

log = logging.getLogger("chatbot.web.ui")
STATIC = Path(__file__).parent / "static"
# Small browser-side steps, kept as JavaScript files beside the CSS (the `js=` of events below).
JS = {name: (STATIC / f"{name}.js").read_text() for name in ("turn_started", "turn_ended", "set_language")}
# Fonts from the system: the default theme would fetch Google Fonts, a third-party request from every
# student's browser (and a slow one on a phone).
THEME = gr.themes.Default(
    primary_hue="blue", font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
).set(
    # The default blue-500 and red-500 buttons fail WCAG contrast with white text (axe: color-contrast).
    button_primary_background_fill="*primary_700", button_primary_background_fill_hover="*primary_800",
    button_primary_text_color="white", button_cancel_background_fill="#b91c1c",
    button_cancel_background_fill_hover="#991b1b", button_cancel_text_color="white",
)


class Chat:
    """Everything the handlers share: the bot, settings, schools, limits and the feedback sink."""

    def __init__(self, holder: BotHolder, settings: Settings, schools: dict, sink: FeedbackSink, limiter=None,
                 slots=None):
        self.holder, self.settings, self.schools, self.sink = holder, settings, schools, sink
        self.slots = slots  # answers in progress on all replicas (store/answer_slots.py), or None
        # app.py may pass the limit shared by the replicas (rate_limit_store = database).
        self.limiter = limiter or RateLimiter(settings.rate_limit_per_minute)
        self.feedback_limiter = RateLimiter(settings.rate_limit_per_minute * 3)
        self.stops = StopSwitches()

    def client(self, request: gr.Request | None) -> str:
        peer = getattr(getattr(request, "client", None), "host", None)
        headers = getattr(request, "headers", None)
        forwarded = headers.getlist("x-forwarded-for") if headers is not None else []
        return client_address(peer, forwarded, self.settings.trusted_proxies)

    # -- one turn: start (instant), answer (queued, streamed), end (instant) -----------------
    def start_turn(self, message: str, chat: list, state: dict):
        message = message.strip() if isinstance(message, str) else ""
        if not message or state.get("pending"):
            return gr.update(), chat, state, gr.update(), gr.update(), gr.update()
        # The pipeline reads the message as sent (it refuses one that is too long); the session
        # keeps, and shows, only what the database keeps.
        kept = kept_question(message, self.settings.max_input_chars)
        state["pending"] = {"turn_id": new_turn_id(), "question": message, "kept": kept}
        chat = list(chat or []) + [{"role": "user", "content": safe_markdown(kept)}]
        return (gr.update(value="", interactive=False), chat, state, gr.update(visible=False),
                gr.update(visible=True), gr.update(interactive=False))

    async def answer(self, chat: list, state: dict, request: gr.Request):
        pending, s = state.get("pending"), strings(state["lang"])
        chat = list(chat or [])
        if not pending:
            yield chat, state
            return
        turn_id = pending["turn_id"]
        cancel = self.stops.event(turn_id)
        slot = None
        try:
            notice = None
            if self.holder.pipeline is None:
                notice = s["starting"] if self.holder.error is None else s["failed"]
            elif cancel.is_set():  # stopped while waiting in line
                notice = s["stopped"]
            elif self.slots is not None and (slot := await asyncio.to_thread(self.slots.acquire)) is None:
                notice = s["busy"]  # the replicas together are answering as many as they may
            if notice:
                chat.append({"role": "assistant", "content": safe_markdown(notice)})
                yield chat, state
                return
            pipeline, history = self.holder.pipeline, history_for_pipeline(state["turns"])
            shown, final = "", None
            # Stored as it runs (web/turns.py): 'started' first, the complete row before it is shown.
            events = partial(recorded_turn, pipeline, self.sink, turn_id, pending["question"], history,
                             session_hash=getattr(request, "session_hash", None) or "",
                             school=state.get("school"), lang=state["lang"], cancel=cancel,
                             kept=pending["kept"])
            async for event in stream_turn(events, cancel):
                if isinstance(event, Token):
                    if not shown:
                        chat.append({"role": "assistant", "content": ""})
                    shown += event.text
                    chat[-1] = {"role": "assistant", "content": safe_markdown(shown)}
                    yield chat, state
                else:
                    final = event
            if final is None:
                return
            if not shown:
                chat.append({"role": "assistant", "content": ""})
            # The final text may differ from what streamed (a failed draft replaced by the grounded
            # passage, a warning put first): it is what the user must end up reading.
            stopped = "cancelled" in final.flags
            chat[-1] = {"role": "assistant", "content": answer_markdown(final.text, final.citations, s, stopped)}
            state["turns"] = state["turns"][-19:] + [
                {"turn_id": turn_id, "question": pending["kept"], "answer": final.text, "bot_index": len(chat) - 1}]
            yield chat, state
        except Exception:  # the user sees a kind message; the details go to the log (the row says failed)
            log.exception("answer failed")
            chat.append({"role": "assistant", "content": safe_markdown(s["failed"])})
            yield chat, state
        finally:
            self.stops.release(turn_id)
            if slot is not None:
                await asyncio.to_thread(self.slots.release, slot)

    def end_turn(self, state: dict):
        state["pending"] = None
        return (gr.update(interactive=True), gr.update(visible=True), gr.update(visible=False),
                gr.update(interactive=True), state)

    def turn_failed(self, chat: list, state: dict):
        """The answer job never ran (queue full) or broke: say so in the chat, give the controls back."""
        notice = {"role": "assistant", "content": safe_markdown(strings(state["lang"])["busy"])}
        return (list(chat or []) + [notice], *self.end_turn(state))

    def stop(self, state: dict) -> None:
        if state.get("pending"):
            self.stops.stop(state["pending"]["turn_id"])

    # -- feedback ------------------------------------------------------------------------------
    def like(self, state: dict, data: gr.LikeData, request: gr.Request):
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        turn = next((t for t in state["turns"] if t["bot_index"] == index), None)
        rating = {True: "up", False: "down"}.get(data.liked)
        if turn is None or rating is None or not self.feedback_limiter.allow(self.client(request)):
            return state, gr.update(), gr.update()
        safe_write(self.sink.record_feedback, turn["turn_id"], rating)
        state["feedback"] = {"turn_id": turn["turn_id"], "rating": rating}
        return state, gr.update(visible=True), strings(state["lang"])["feedback_thanks"]

    def comment(self, text: str, state: dict, request: gr.Request):
        feedback, s = state.get("feedback"), strings(state["lang"])
        # Redact, then cut: cutting first could split an SSN so the redactor no longer sees it, and a
        # placeholder longer than what it replaces could push the comment past the limit.
        text = guards.redact_pii((text or "").strip()).text[:MAX_COMMENT_CHARS]
        if feedback and text and self.feedback_limiter.allow(self.client(request)):
            safe_write(self.sink.record_feedback, feedback["turn_id"], feedback["rating"], text)
        return gr.update(value=""), gr.update(visible=False), s["feedback_thanks"]

    # -- language, school, new chat ---------------------------------------------------------
    def texts(self, state: dict, compact: bool) -> tuple:
        s, school = strings(state["lang"]), self.schools.get(state.get("school"))
        return (
            header_html(school, s, compact), gr.update(value=state["lang"]),
            gr.update(label=s["chat_label"], placeholder=s["placeholder"],
                      examples=[{"text": q} for q in s["starters"]]),
            gr.update(label=s["question_label"], placeholder=s["question_placeholder"]),
            gr.update(value=s["send"]), gr.update(value=s["stop"]), gr.update(value=s["new_chat"]),
            gr.update(label=s["feedback_label"], placeholder=s["feedback_placeholder"]),
            gr.update(value=s["feedback_send"]), gr.update(label=s["help_title"]),
            help_markdown(school, s), s["disclaimer"], "",
        )

    def on_load(self, state: dict, request: gr.Request, compact: bool):
        state = {**state, "lang": pick_language(request.headers.get("accept-language"))}
        school = request.query_params.get("school")
        state["school"] = school if school in self.schools else None
        return (state, *self.texts(state, compact))

    def set_language(self, lang: str, state: dict, compact: bool):
        state = {**state, "lang": lang if lang in LANGUAGES else DEFAULT}
        return (state, *self.texts(state, compact))

    @staticmethod
    def new_chat(state: dict):
        state = {**state, "turns": [], "pending": None, "feedback": None}
        return [], state, gr.update(visible=False), "", gr.update(value="", interactive=True)


def new_state() -> dict:
    # Server-side, per browser tab; nothing is kept in the browser (shared library computers).
    return {"lang": "en", "school": None, "turns": [], "pending": None, "feedback": None}


def build_blocks(chat: Chat, compact: bool, api: bool = False) -> gr.Blocks:
    s = strings("en")
    private = {"api_visibility": "private"}  # the browser's events, not an API for scripts
    with gr.Blocks(title=s["title"], fill_height=True, analytics_enabled=False) as demo:
        state = gr.State(new_state())
        header = gr.HTML(header_html(None, s, compact), elem_id="header")
        with gr.Row(equal_height=False, elem_id="toolbar"):
            lang = gr.Radio([(OWN_NAMES[k], k) for k in LANGUAGES], value=DEFAULT, label=s["language_label"],
                            container=False, scale=3, min_width=220, elem_id="language")
            new_chat = gr.Button(s["new_chat"], variant="secondary", size="sm", scale=1, min_width=90,
                                 elem_id="new-chat")
        chatbot = gr.Chatbot(
            label=s["chat_label"], placeholder=s["placeholder"], examples=[{"text": q} for q in s["starters"]],
            sanitize_html=True, render_markdown=True, allow_tags=False, latex_delimiters=[],  # "$7,395" is money
            line_breaks=False,  # knowledge passages are hard-wrapped; let the bubble reflow them
            buttons=["copy"], feedback_options=("Like", "Dislike"), show_label=False, autoscroll=False,
            # Fills the height left over (fill_height) and scrolls inside, so the question box stays
            # on screen on a phone and inside a fixed-height iframe.
            scale=1, height=200 if compact else 300, elem_id="chat", group_consecutive_messages=False,
        )
        with gr.Row(equal_height=True, elem_id="composer"):
            question = gr.Textbox(label=s["question_label"], show_label=False, placeholder=s["question_placeholder"],
                                  lines=1, max_lines=4, max_length=chat.settings.max_input_chars, scale=4,
                                  min_width=150, elem_id="question", submit_btn=False, stop_btn=False)
            send = gr.Button(s["send"], variant="primary", scale=1, min_width=70, elem_id="send")
            # One slot: Send while idle, Stop while answering (room for both is scarce at 360 px).
            stop = gr.Button(s["stop"], variant="stop", visible=False, scale=1, min_width=70, elem_id="stop")
        with gr.Group(visible=False) as comment_box:
            comment = gr.Textbox(label=s["feedback_label"], placeholder=s["feedback_placeholder"], lines=2,
                                 max_length=MAX_COMMENT_CHARS, elem_id="comment")
            send_comment = gr.Button(s["feedback_send"], size="sm", elem_id="send-comment")
        feedback_status = gr.HTML("", elem_id="feedback-status")
        with gr.Accordion(s["help_title"], open=False, elem_id="help") as help_box:
            help_md = gr.Markdown(help_markdown(None, s), elem_id="help-text")
        disclaimer = gr.Markdown(s["disclaimer"], elem_id="disclaimer")

        texts = [header, lang, chatbot, question, send, stop, new_chat, comment, send_comment, help_box,
                 help_md, disclaimer, feedback_status]

        def on_load(st: dict, request: gr.Request):
            return chat.on_load(st, request, compact)

        def set_language(lg: str, st: dict):
            return chat.set_language(lg, st, compact)

        demo.load(on_load, [state], [state, *texts], queue=False, **private).then(
            None, [lang], None, js=JS["set_language"], **private)
        lang.input(set_language, [lang, state], [state, *texts], queue=False, **private).then(
            None, [lang], None, js=JS["set_language"], **private)

        def turn(trigger):
            started = trigger.then(chat.start_turn, [question, chatbot, state],
                                   [question, chatbot, state, send, stop, new_chat], queue=False, **private)
            started.then(None, None, None, js=JS["turn_started"], **private)
            answered = started.then(chat.answer, [chatbot, state], [chatbot, state], show_progress="minimal",
                                    concurrency_limit=chat.settings.concurrency, concurrency_id="answer", **private)
            ended = [question, send, stop, new_chat, state]
            answered.then(chat.end_turn, [state], ended, queue=False, **private).then(
                None, None, None, js=JS["turn_ended"], **private)
            # Gradio's frontend runs only .failure() listeners when a job could not join the queue
            # (full) or broke, not .then(): without this the question box would stay disabled.
            answered.failure(chat.turn_failed, [chatbot, state], [chatbot, *ended], queue=False, **private)

        turn(gr.on([question.submit, send.click], None, None, queue=False, **private))

        def use_example(data: gr.SelectData) -> str:
            return data.value["text"]

        turn(chatbot.example_select(use_example, None, [question], queue=False, **private))
        stop.click(chat.stop, [state], None, queue=False, **private)
        # The chat's own trash button and "New chat" both start over, server state included.
        gr.on([new_chat.click, chatbot.clear], chat.new_chat, [state],
              [chatbot, state, comment_box, feedback_status, question], queue=False, **private)
        chatbot.like(chat.like, [state], [state, comment_box, feedback_status], queue=False, **private)
        gr.on([comment.submit, send_comment.click], chat.comment, [comment, state],
              [comment, comment_box, feedback_status], queue=False, **private)
        if api:
            def chat_api(message: str, request: gr.Request) -> str:
                """One answer as plain text (what scripts and the Gradio client call). The rate limit
                was checked before the call was queued (http_limits.py)."""
                # A sync handler: Gradio runs it in a worker thread, so its writes never block the loop.
                slot = chat.slots.acquire() if chat.slots is not None else None
                if chat.slots is not None and slot is None:
                    return strings("en")["busy"]
                try:
                    return plain_answer(chat.holder, chat.sink, new_turn_id(), message,
                                        getattr(request, "session_hash", None) or "", chat.settings.max_input_chars)
                finally:
                    if slot is not None:
                        chat.slots.release(slot)

            gr.api(chat_api, api_name="chat", api_visibility="undocumented",
                   concurrency_limit=chat.settings.concurrency, concurrency_id="answer")
    return demo


def create_app(loader: Callable[[], object], settings: Settings | None = None,
               feedback: FeedbackSink | None = None, limiter=None, slots=None) -> tuple[FastAPI, BotHolder]:
    settings = settings or Settings()
    schools = load_schools(settings.schools_dir)  # a broken profile stops start-up with every problem listed
    holder = BotHolder(loader)
    chat = Chat(holder, settings, schools, feedback or NullStore(), limiter, slots)  # app.py passes the real store
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    # Outermost last: headers and the same-origin rule first, then the kind 500, the body size, the
    # rate limit and the call's shape, all before Gradio parses or queues anything. The limiter is
    # read per request (tests swap it); `surfaces` is filled below, once the Blocks exist.
    surfaces: dict[str, gr.Blocks] = {}
    app.add_middleware(CallShapeMiddleware, surfaces=surfaces, max_bytes=settings.max_request_bytes)
    app.add_middleware(QuestionLimitMiddleware, allow=lambda client: chat.limiter.allow(client),
                       trusted_proxies=settings.trusted_proxies, busy=strings("en")["busy"])
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(ErrorMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, schools=schools, trusted_proxies=settings.trusted_proxies)
    app.state.chat = chat  # tests and the storage issue reach the sink and limits through here

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        if holder.pipeline is not None:
            model = holder.pipeline.chat_model
            # A model behind a server (chatbot/model/server.py) can be down while we are up: then
            # this replica cannot answer, and a load balancer should stop sending it people.
            problem = model.health() if callable(getattr(model, "health", None)) else None
            if problem:
                return JSONResponse({"status": "backend down", "model": model.name, "detail": problem}, status_code=503)
            return JSONResponse({"status": "ok", "model": model.name})
        if holder.error is not None:
            return JSONResponse({"status": "error", "detail": holder.error}, status_code=503)
        return JSONResponse({"status": "loading"}, status_code=503)

    @app.get("/embed", include_in_schema=False)
    def embed_slash(request: Request) -> RedirectResponse:
        # Gradio serves the widget at /embed/; without this the "/" mount would answer /embed (404).
        query = request.url.query
        return RedirectResponse("embed/" + (f"?{query}" if query else ""), status_code=307)

    @app.get("/embed/snippet")
    def snippet(request: Request, school: str = "") -> HTMLResponse:
        profile = schools.get(school)
        if profile is None:
            return HTMLResponse(error_page(f"Unknown school id {school[:60]!r}."), status_code=404)
        code = embed_snippet(profile, str(request.base_url))
        return HTMLResponse(snippet_page(profile.name, code, profile.allowed_origins))

    # Shared by both surfaces: no footer links (API docs, settings), no run history kept in the
    # browser, no error details shown to the public, no MCP server, and a tiny upload limit (the chat
    # takes no files, but Gradio's upload route exists on every app).
    mount = {"footer_links": [], "run_history": False, "show_error": False, "theme": THEME, "pwa": False,
             "mcp_server": False, "max_file_size": "100kb"}
    for path, compact in (("/embed", True), ("/", False)):  # "/" last: it would swallow /embed
        blocks = build_blocks(chat, compact, api=not compact).queue(
            api_open=False, max_size=settings.queue_size, default_concurrency_limit=settings.concurrency)
        css = [STATIC / "chat.css", STATIC / ("widget.css" if compact else "page.css")]
        surfaces[path.rstrip("/")] = blocks
        app = gr.mount_gradio_app(app, blocks, path=path, css_paths=css, **mount)
    holder.start()
    return app, holder
