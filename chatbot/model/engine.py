"""The generation engine: many streaming requests share one model through continuous batching.

One scheduler thread owns the model. Each loop it (1) admits waiting requests up to `max_batch`,
(2) drops cancelled and timed-out ones, (3) prefills part of one new request into its own cache,
and (4) runs one decode step for every running request at once (chatbot/model/batch_cache.py holds their
keys and values). Requests join the running batch as soon as their prefill ends and leave it the
step they finish, so nobody waits for the slowest. A decode step reads the weights once for all
rows, so on a GPU 32 rows cost little more than one; on a CPU attention over long prompts' keys
and values grows with the batch (`python -m eval bench` shows both).

While others are decoding, a long prompt is prefilled in chunks of `prefill_chunk` tokens, one
chunk per loop, so running requests keep streaming; with nobody decoding it is prefilled at once.
Each request keeps its own sampling, max tokens, stop strings (through its `Generation`),
deadline and cancel event. A failure while prefilling one request fails only that request; a
failed decode step fails the requests in it, and the engine goes on serving new ones.

`ChatModel.stream` (chatbot/model/local.py) submits here; `python -m eval bench` measures it.
"""
from __future__ import annotations

import atexit
import collections
import inspect
import logging
import threading
import time
import weakref
from dataclasses import dataclass, field

import torch
from transformers.cache_utils import DynamicCache

from chatbot.model.batch_cache import BatchCache
from chatbot.model.generation import Generation

log = logging.getLogger("chatbot.model.engine")
IDLE_EXIT_S = 2.0  # an idle scheduler thread ends, so an engine nobody uses can be freed


class EngineClosed(RuntimeError):
    """The engine was shut down before this request finished."""


@dataclass(eq=False)
class Request:
    prompt: list[int]
    generation: Generation
    max_new_tokens: int
    temperature: float = 0.0
    top_p: float = 0.9
    repetition_penalty: float = 1.0
    deadline: float = float("inf")  # time.monotonic()
    ignore_eos: bool = False  # benchmarks: always produce max_new_tokens
    ids: list[int] = field(default_factory=list)  # prompt + generated (repetition penalty)
    prefilled: int = 0
    cache: DynamicCache | None = None
    last: int = -1  # the token the next decode step feeds in

    def __post_init__(self) -> None:
        self.ids = list(self.prompt)


@dataclass
class EngineStats:
    decode_steps: int = 0
    decode_rows: int = 0  # sum of batch sizes over decode steps
    decode_s: float = 0.0
    prefill_tokens: int = 0
    prefill_s: float = 0.0
    max_rows: int = 0

    def as_dict(self) -> dict:
        steps = max(1, self.decode_steps)
        return {
            "decode_steps": self.decode_steps,
            "mean_batch": round(self.decode_rows / steps, 2),
            "max_batch": self.max_rows,
            "decode_step_ms": round(1000 * self.decode_s / steps, 2),
            "prefill_tokens": self.prefill_tokens,
            "prefill_tokens_per_s": round(self.prefill_tokens / self.prefill_s, 1) if self.prefill_s else None,
        }


class Engine:
    def __init__(self, model, eos_ids: set[int], *, max_batch: int = 16, prefill_chunk: int = 512,
                 decode_threads: int | None = None):
        if max_batch < 1 or prefill_chunk < 1:
            raise ValueError("max_batch and prefill_chunk must be at least 1")
        attn = getattr(model.config, "_attn_implementation", "sdpa")
        if attn not in ("sdpa", "eager"):
            raise ValueError(f"the engine supports sdpa or eager attention, not {attn!r}")
        self.model, self.eos_ids = model, set(eos_ids)
        # torch's intra-op threads for decode steps (None: all). Dynamic int8 layers are tiny matmuls:
        # from this (non-main) thread, two OpenMP threads decoded SmolLM2 at 20-25 tokens/s, one at 60.
        self.decode_threads = decode_threads
        self.max_batch, self.prefill_chunk = max_batch, prefill_chunk
        self._mask_dtype = None if attn == "sdpa" else model.dtype
        self._cache_kw = cache_keyword(model)
        self.kv = BatchCache(model.config.num_hidden_layers, max_batch)
        self.waiting: collections.deque[Request] = collections.deque()
        self.prefilling: list[Request] = []
        self.running: list[Request] = []  # index = row in self.kv
        self.stats = EngineStats()
        self._wake = threading.Condition()
        self._closing = False
        self._looping = False  # a scheduler thread is in its loop
        self._thread: threading.Thread | None = None  # the latest one, joined by close()
        # Never let interpreter exit kill the thread mid-step; a weak reference so that a dropped
        # engine (and its model) can still be freed.
        atexit.register(_close_if_alive, weakref.ref(self))

    # -- callers -----------------------------------------------------------------------------
    def submit(self, request: Request) -> None:
        with self._wake:
            if self._closing:
                raise EngineClosed("the generation engine is shut down")
            request.generation.has_producer = True
            self.waiting.append(request)
            if not self._looping:
                self._start_thread()
            self._wake.notify()

    def _start_thread(self) -> None:  # holding self._wake
        self._looping = True
        self._thread = threading.Thread(target=self._loop, name="engine", daemon=True)
        self._thread.start()

    def close(self) -> None:
        with self._wake:
            self._closing = True
            self._wake.notify()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=60)

    def reset_stats(self) -> None:
        self.stats = EngineStats()

    # -- the scheduler thread --------------------------------------------------------------------
    def _loop(self) -> None:
        try:
            self._serve()
        except BaseException as exc:  # the thread itself dies (outside a step's guard; SystemExit...)
            log.error("the generation engine's thread died; starting a fresh one", exc_info=exc)
            # What was running has unknown state: it fails. What waits is served by a new thread.
            self._fail_all(exc if isinstance(exc, Exception) else EngineClosed("the generation engine stopped mid-answer"))
            with self._wake:
                self._looping = False
                if self.waiting and not self._closing:
                    self._start_thread()

    def _serve(self) -> None:
        while True:
            with self._wake:
                if not self._closing and not self._busy():
                    self._wake.wait(timeout=IDLE_EXIT_S)
                if self._closing:
                    break
                if not self._busy():
                    self._looping = False  # submit() starts a new thread
                    return
                while self.waiting and len(self.prefilling) + len(self.running) < self.max_batch:
                    self.prefilling.append(self.waiting.popleft())
                queued_gone = [r for r in self.waiting if self._ended(r)]
                for request in queued_gone:
                    self.waiting.remove(request)
            try:
                for request in queued_gone:
                    request.generation.finish(None)
                with torch.inference_mode():
                    self._drop_ended()
                    if self.prefilling:
                        self._prefill_step()
                    if self.running:
                        self._decode_step()
            except Exception as exc:  # a bug or e.g. out of memory mid-copy: the batch's state is
                self._fail_all(exc)   # unknown, so its requests fail, and the engine serves on
        error = EngineClosed("the generation engine shut down before this answer finished")
        for request in [*self.waiting, *self.prefilling, *self.running]:
            request.generation.finish(error)
        self.waiting.clear()
        self.prefilling.clear()
        self.running.clear()
        self.kv.reset()

    def _busy(self) -> bool:
        return bool(self.waiting or self.prefilling or self.running)

    @staticmethod
    def _ended(request: Request) -> bool:
        """Cancelled (or a stop string hit) or past its deadline; sets the finish reason."""
        generation = request.generation
        if generation.cancel.is_set():
            generation.finish_reason = generation.finish_reason or "cancelled"
            return True
        if time.monotonic() > request.deadline:
            generation.finish_reason = "timeout"
            return True
        return False

    def _drop_ended(self) -> None:
        for request in [r for r in self.prefilling if self._ended(r)]:
            self.prefilling.remove(request)
            request.generation.finish(None)
        for row in reversed(range(len(self.running))):
            if self._ended(self.running[row]):
                self._leave(row)

    def _prefill_step(self) -> None:
        request = self.prefilling[0]
        started = time.perf_counter()
        try:
            if request.cache is None:
                request.cache = DynamicCache(config=self.model.config)
            remaining = len(request.prompt) - request.prefilled
            size = min(remaining, self.prefill_chunk) if self.running else remaining
            chunk = request.prompt[request.prefilled : request.prefilled + size]
            ids = torch.tensor([chunk], device=self.model.device)
            logits = self.model(input_ids=ids, logits_to_keep=1, **{self._cache_kw: request.cache}).logits[:, -1, :]
            request.prefilled += size
            self.stats.prefill_tokens += size
            if request.prefilled < len(request.prompt):
                return
            self.prefilling.pop(0)
            token = pick_tokens(logits, [request])[0]
            if self._emit(request, token):
                request.generation.finish(None)
                return
            self.kv.insert(request.cache)
            request.cache = None
            self.running.append(request)
            self.stats.max_rows = max(self.stats.max_rows, len(self.running))
        except Exception as exc:  # this request fails; the others go on
            if request in self.prefilling:
                self.prefilling.remove(request)
            request.cache = None
            request.generation.finish(exc)
        finally:
            self.stats.prefill_s += time.perf_counter() - started

    def _decode_step(self) -> None:
        started = time.perf_counter()
        threads = torch.get_num_threads()
        if self.decode_threads and self.decode_threads != threads:
            torch.set_num_threads(self.decode_threads)
        try:
            self._decode_rows(started)
        finally:
            if torch.get_num_threads() != threads:
                torch.set_num_threads(threads)

    def _decode_rows(self, started: float) -> None:
        try:
            positions, mask = self.kv.step_inputs(self._mask_dtype)
            ids = torch.tensor([[r.last] for r in self.running], device=self.model.device)
            logits = self.model(input_ids=ids, position_ids=positions, attention_mask=mask, logits_to_keep=1,
                                **{self._cache_kw: self.kv.cache}).logits[:, -1, :]
            self.kv.advance()
            tokens = pick_tokens(logits, self.running)
        except Exception as exc:  # the step failed for all of its rows; the engine itself goes on
            self._fail_all(exc, prefilling=False)
            return
        self.stats.decode_steps += 1
        self.stats.decode_rows += len(self.running)
        for row in reversed(range(len(self.running))):
            if self._emit(self.running[row], tokens[row]):
                self._leave(row)
        self.stats.decode_s += time.perf_counter() - started

    def _fail_all(self, error: Exception, prefilling: bool = True) -> None:
        failed = self.running + (self.prefilling if prefilling else [])
        self.running = []
        if prefilling:
            self.prefilling = []
        self.kv.reset()
        for request in failed:
            request.cache = None
            request.generation.finish(error)

    def _emit(self, request: Request, token: int) -> bool:
        """Hand one token to the request's Generation; True when the request is finished."""
        generation = request.generation
        if token in self.eos_ids and not request.ignore_eos:
            return True
        try:
            generation.feed_tokens([token])
        except Exception as exc:  # e.g. decoding failed: only this request ends (finish is idempotent)
            generation.finish(exc)
            return True
        request.ids.append(token)
        request.last = token
        return generation.new_tokens >= request.max_new_tokens or self._ended(request)

    def _leave(self, row: int) -> None:
        request = self.running[row]
        self.kv.remove(row)
        self.running[row] = self.running[-1]  # mirrors the cache's move of its last row
        self.running.pop()
        request.generation.finish(None)


def cache_keyword(model) -> str:
    """The forward() keyword that takes the KV cache: transformers renamed past_key_values to cache
    (5.2x), and the GPU machine may have an older one."""
    return "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"


def _close_if_alive(ref: weakref.ref) -> None:
    engine = ref()
    if engine is not None:
        engine.close()


def pick_tokens(logits: torch.Tensor, requests: list[Request]) -> list[int]:
    """Next token per row, with each request's repetition penalty, temperature and top-p.

    Same order as transformers' generate(): penalty, then temperature, then top-p, then sample."""
    logits = logits.float()
    for row, request in enumerate(requests):
        if request.repetition_penalty != 1.0:
            seen = torch.tensor(request.ids, device=logits.device)
            scores = logits[row].gather(0, seen)
            scores = torch.where(scores < 0, scores * request.repetition_penalty, scores / request.repetition_penalty)
            logits[row].scatter_(0, seen, scores)
    tokens = logits.argmax(-1).tolist()
    for row, request in enumerate(requests):
        if request.temperature > 0:
            probs = torch.softmax(logits[row] / request.temperature, dim=-1)
            ordered, order = probs.sort(descending=True)
            # Keep the smallest set whose mass reaches top_p (always at least the top token).
            keep = ordered.cumsum(0) - ordered < request.top_p
            ordered = ordered * keep
            tokens[row] = int(order[torch.multinomial(ordered / ordered.sum(), 1)])
    return tokens
