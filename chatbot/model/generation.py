"""One streaming generation: token ids in (from a model thread), text pieces out (to the caller).

Pure Python, no torch: the real model and the fake model both feed a `Generation`, so stop strings,
cancellation, incremental decoding and error hand-off behave the same for both, and are tested
without loading a model.
"""
from __future__ import annotations

import queue
import threading
import time
from typing import Callable, Iterator

_DONE = object()


class Generation(Iterator[str]):
    """Iterate for text pieces. Stats (`new_tokens`, `finish_reason`, `ttft_s`, ...) fill in as it runs.

    finish_reason: "stop" (a stop string), "cancelled", "timeout", "length" (max_new_tokens),
    "end" (the model's end-of-turn token) or "error".
    """

    def __init__(
        self,
        decode: Callable[[list[int]], str],
        *,
        stop: tuple[str, ...] = (),
        cancel: threading.Event | None = None,
        prompt_tokens: int = 0,
        max_new_tokens: int | None = None,
    ):
        self._decode, self.stop = decode, tuple(s for s in stop if s)
        self.cancel = cancel or threading.Event()
        self.prompt_tokens, self.max_new_tokens = prompt_tokens, max_new_tokens
        self.new_tokens = 0
        self.finish_reason: str | None = None
        self.started_at = time.perf_counter()
        self.first_text_at: float | None = None
        self.ended_at: float | None = None
        self._ids: list[int] = []
        self._text = ""  # for engines that feed text, not token ids
        self._sent = 0  # characters of the decoded text already handed out
        self._stopped = False
        self.token_times: list[float] = []  # perf_counter() of each token's arrival (benchmarks)
        self._queue: queue.Queue = queue.Queue()
        self._finished = threading.Event()
        self.has_producer = False  # set by the engine that will call finish(); close() waits for it

    # -- producer side (the model's thread) -------------------------------------------------
    def feed_tokens(self, ids: list[int]) -> None:
        if self._stopped:
            return
        self.token_times.append(time.perf_counter())
        self._ids.extend(ids)
        self.new_tokens += len(ids)
        self._emit(self._decode(self._ids), final=False)

    def feed_text(self, text: str) -> None:
        """For engines that produce text directly (the fake model)."""
        if self._stopped:
            return
        self.token_times.append(time.perf_counter())
        self.new_tokens += 1
        self._text += text
        self._emit(self._text, final=False)

    def finish(self, error: BaseException | None) -> None:
        """The producer is done (error=None) or failed. Only the first call counts."""
        if self._finished.is_set():
            return
        if error is None and not self._stopped:
            try:
                full = self._decode(self._ids) if self._ids else self._text
                self._emit(full, final=True)
            except Exception as exc:  # the consumer must hear of it, never wait forever
                error = exc
            if error is None and self.finish_reason is None:
                hit_max = self.max_new_tokens is not None and self.new_tokens >= self.max_new_tokens
                self.finish_reason = "length" if hit_max else "end"
        if error is not None:
            self.finish_reason = "error"
            self._queue.put(error)
        self.ended_at = time.perf_counter()
        self._queue.put(_DONE)
        self._finished.set()

    def _emit(self, text: str, *, final: bool) -> None:
        for s in self.stop:
            at = text.find(s, max(0, self._sent - len(s)))
            if at != -1:
                self._put(text[self._sent : at])
                self._stopped = True
                self.finish_reason = "stop"
                self.cancel.set()  # ends the model's loop at its next step
                return
        end = len(text)
        if not final:
            # Hold back an undecodable tail (a multi-byte character split across tokens) and any
            # tail that could be the start of a stop string, until the next token settles it.
            while end > self._sent and text[end - 1] == "\ufffd":
                end -= 1
            for s in self.stop:
                for k in range(min(len(s) - 1, end - self._sent), 0, -1):
                    if text[end - k : end] == s[:k]:
                        end -= k
                        break
        self._put(text[self._sent : end])

    def _put(self, piece: str) -> None:
        if piece:
            self._sent += len(piece)
            self._queue.put(piece)

    # -- consumer side ----------------------------------------------------------------------
    def __next__(self) -> str:
        item = self._queue.get()
        if item is _DONE:
            self._queue.put(_DONE)  # keep later next() calls ending too
            raise StopIteration
        if isinstance(item, BaseException):
            raise item
        if self.first_text_at is None:
            self.first_text_at = time.perf_counter()
        return item

    def close(self) -> None:
        """The consumer is gone (user pressed stop, browser closed): end the model's loop."""
        if self.finish_reason is None:
            self.finish_reason = "cancelled"
        self.cancel.set()
        # The model lets go within one decode step; waiting for that keeps the stats final and
        # the model's work for this answer over before the caller moves on.
        if self.has_producer:
            self._finished.wait(timeout=30)

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    def __del__(self) -> None:
        self.cancel.set()

    @property
    def ttft_s(self) -> float | None:
        return None if self.first_text_at is None else self.first_text_at - self.started_at

    @property
    def total_s(self) -> float | None:
        return None if self.ended_at is None else self.ended_at - self.started_at
