"""Running one chat turn for the web UI, without gradio: async streaming and the stop button.

`Pipeline.answer` is a blocking generator (the model runs in its own thread). `stream_turn` runs it
in a worker thread and hands its events to the event loop, so one slow answer never blocks other
users; leaving the loop early (stop button, closed tab) sets the cancel event, which stops the model
within one decode step. `StopSwitches` lets a stop click reach a turn that is running or still queued.
"""
from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from typing import AsyncIterator

from chatbot.answers import Answer, Token

_END = object()


async def stream_turn(pipeline, question: str, history: list[dict], session: dict | None,
                      cancel: threading.Event) -> AsyncIterator[Token | Answer]:
    loop = asyncio.get_running_loop()
    events: asyncio.Queue = asyncio.Queue()

    def put(item) -> None:
        try:
            loop.call_soon_threadsafe(events.put_nowait, item)
        except RuntimeError:  # the loop closed (server shutting down): nobody is listening
            pass

    def work() -> None:
        events_iter = pipeline.answer(question, history, session=session, cancel=cancel)
        try:
            for event in events_iter:
                put(event)
        except BaseException as exc:  # handed to the consumer, never lost in the thread
            put(exc)
        finally:
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
