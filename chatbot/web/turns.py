"""One web turn, without gradio: the same path for the page, the widget and the `chat` API.

- `recorded_turn(...)`: the pipeline's events with the turn's storage around them: a 'started' row
  before generation (a crash mid-answer leaves it marked incomplete), the complete row committed
  before the final Answer is handed on (so feedback on it can never arrive first), 'failed' when the
  pipeline raises or is abandoned. Storage trouble never costs the student the answer.
- `stream_turn(events, cancel)`: runs such a blocking generator in a worker thread and hands its
  events to the event loop, so one slow answer never blocks other users (and storage writes never
  run on the loop); leaving early (stop button, closed tab) sets the cancel event, which stops the
  model within one decode step.
- `plain_answer(...)`: the whole turn as plain text, for the `chat` API endpoint.
- `kept_question(question, max_chars)`: what is kept of a question, in the database and in the
  session's history: cleaned, redacted, at most `max_chars` (an over-long paste is refused, not kept).
- `StopSwitches`: a stop click reaches a turn that is running or still queued.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from typing import AsyncIterator, Callable, Iterator

from chatbot.answers import Answer, Token
from chatbot.guards import clean_input, redact_pii
from chatbot.store.feedback import FeedbackSink, TurnRecord
from chatbot.web.loading import FAILED, STARTING

log = logging.getLogger("chatbot.web.ui")
_END = object()


def kept_question(question: object, max_chars: int) -> str:
    text = clean_input(question) if isinstance(question, str) else ""
    if len(text) > 2 * max_chars:
        # Redact a bounded prefix (the rest is never kept), cut at a space or newline so that a
        # number split by the cut is only its first group ("123 45" of an SSN), never most of it.
        cut = max(text.rfind(" ", max_chars, 2 * max_chars), text.rfind("\n", max_chars, 2 * max_chars))
        text = text[:cut if cut > 0 else 2 * max_chars]
    redacted = redact_pii(text).text  # redact, then cut: a cut first could hide an SSN from the redactor
    return redacted if len(redacted) <= max_chars else redacted[:max_chars] + "…"


def recorded_turn(pipeline, sink: FeedbackSink, turn_id: str, question: str, history: list[dict], *,
                  session_hash: str = "", school: str | None = None, lang: str = "en",
                  cancel: threading.Event | None = None, max_chars: int = 4000,
                  kept: str | None = None) -> Iterator[Token | Answer]:
    """`pipeline.answer` with the turn stored around it (module docstring); blocking: run it in a thread.
    `kept`: the question's `kept_question`, when the caller already has it (the page shows it)."""
    redacted = kept if kept is not None else kept_question(question, max_chars)
    safe_write(sink.start_turn, turn_id, redacted, session_hash, school, lang, pipeline.chat_model.name)
    final = None
    try:
        for event in pipeline.answer(question, history, session={"school": school} if school else None, cancel=cancel):
            if isinstance(event, Answer):
                final = event
            else:
                yield event
    except BaseException:  # an error, or the consumer went away: the row says it never finished
        safe_write(sink.fail_turn, turn_id)
        raise
    if final is None:
        safe_write(sink.fail_turn, turn_id)
        return
    safe_write(sink.record_turn, TurnRecord(turn_id, redacted, final, session_hash, school, lang))
    yield final


def safe_write(write, *args) -> None:
    """Storage trouble must never cost the student the answer or the page."""
    try:
        write(*args)
    except Exception:
        log.exception("could not record turn or feedback")


NOT_TEXT = "Please send your question as text."


def plain_answer(holder, sink: FeedbackSink, turn_id: str, message: object, session_hash: str = "",
                 max_chars: int = 4000) -> str:
    """One whole answer as plain text, stored like any other turn (the `chat` API endpoint)."""
    if not isinstance(message, str):  # a script sent a number, a list, an object...
        return NOT_TEXT
    pipeline = holder.pipeline
    if pipeline is None:
        return STARTING if holder.error is None else FAILED
    final = None
    try:
        for final in recorded_turn(pipeline, sink, turn_id, message, [], session_hash=session_hash,
                                   max_chars=max_chars):
            pass
    except Exception:  # the caller sees a kind message; the details go to the log
        log.exception("answer failed")
        return FAILED
    return final.text if isinstance(final, Answer) else FAILED


async def stream_turn(make_events: Callable[[], Iterator[Token | Answer]],
                      cancel: threading.Event) -> AsyncIterator[Token | Answer]:
    loop = asyncio.get_running_loop()
    events: asyncio.Queue = asyncio.Queue()

    def put(item) -> None:
        try:
            loop.call_soon_threadsafe(events.put_nowait, item)
        except RuntimeError:  # the loop closed (server shutting down): nobody is listening
            pass

    def work() -> None:
        events_iter = None
        try:
            events_iter = make_events()
            for event in events_iter:
                put(event)
        except BaseException as exc:  # handed to the consumer, never lost in the thread
            put(exc)
        finally:
            if events_iter is not None:
                events_iter.close()
            put(_END)

    threading.Thread(target=work, name="answer", daemon=True).start()
    try:
        while True:
            item = await events.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        # Reached on normal end, on error, and when the consumer stops early or is cancelled.
        cancel.set()


class StopSwitches:
    """One cancel event per turn id. Bounded: a stop for a turn that never runs cannot pile up."""

    def __init__(self, limit: int = 10_000):
        self.limit = limit
        self._events: OrderedDict[str, threading.Event] = OrderedDict()
        self._lock = threading.Lock()

    def event(self, turn_id: str) -> threading.Event:
        with self._lock:
            event = self._events.get(turn_id)
            if event is None:
                event = self._events[turn_id] = threading.Event()
                while len(self._events) > self.limit:
                    self._events.popitem(last=False)
            return event

    def stop(self, turn_id: str) -> None:
        self.event(turn_id).set()

    def release(self, turn_id: str) -> None:
        with self._lock:
            self._events.pop(turn_id, None)


def history_for_pipeline(turns: list[dict], keep: int = 20) -> list[dict]:
    """The conversation as the pipeline wants it: plain question and answer text, no citation lists."""
    history = []
    for turn in turns[-keep:]:
        history.append({"role": "user", "content": turn["question"]})
        history.append({"role": "assistant", "content": turn["answer"]})
    return history
