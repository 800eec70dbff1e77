"""The baselines `python -m eval bench` measures the engine against.

- plain: one request through one plain transformers generate() call, one at a time (the sequential
  baseline, and the tests' reference for what a request alone produces).
- static: the N prompts left-padded into one batch and one plain generate() call; everyone waits
  for the whole batch, nobody can join, but each decode step serves all N.
- transformers: transformers' own continuous batching (`generate_batch`, paged attention).

Benchmark-only code that needs torch, kept out of the serving path.
"""
from __future__ import annotations

import threading
import time

import torch
from transformers import GenerationConfig, StoppingCriteria, StoppingCriteriaList
from transformers.generation.streamers import BaseStreamer

from chatbot.model.generation import Generation

_PLAIN_LOCK = threading.Lock()  # plain generate() calls run one at a time


def plain_generate(chat, prompt: list[int], **options) -> Generation:
    """The request `chat.stream_ids(prompt, **options)` would make, through one plain transformers
    generate() call in a thread instead of the batching engine."""
    request = chat._request(prompt, **options)
    generation = request.generation
    sampling = {"do_sample": False}
    if request.temperature > 0:
        sampling = {"do_sample": True, "temperature": request.temperature, "top_p": request.top_p}
    kwargs = dict(
        input_ids=torch.tensor([prompt], device=chat.device),
        attention_mask=torch.ones(1, len(prompt), dtype=torch.long, device=chat.device),
        max_new_tokens=request.max_new_tokens,
        min_new_tokens=request.max_new_tokens if request.ignore_eos else 0,
        streamer=_TokenFeed(generation),
        stopping_criteria=StoppingCriteriaList([_Stop(generation.cancel, request.deadline, generation)]),
        pad_token_id=chat.tokenizer.pad_token_id or chat.tokenizer.eos_token_id,
        repetition_penalty=request.repetition_penalty,
        **sampling,
    )

    def run() -> None:
        try:
            with _PLAIN_LOCK, torch.inference_mode():
                chat.model.generate(**kwargs)
            generation.finish(None)
        except BaseException as exc:  # handed to the consumer, never lost in the thread
            generation.finish(exc)

    generation.has_producer = True
    threading.Thread(target=run, name="generate", daemon=True).start()
    return generation


class _Stop(StoppingCriteria):
    """Checked after every decode step of plain generate(): cancellation and the deadline."""

    def __init__(self, cancel: threading.Event, deadline: float, generation: Generation):
        self.cancel, self.deadline, self.generation = cancel, deadline, generation

    def __call__(self, input_ids, scores, **kwargs) -> torch.BoolTensor:
        if self.cancel.is_set():
            self.generation.finish_reason = self.generation.finish_reason or "cancelled"
            return torch.ones(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)
        if time.monotonic() > self.deadline:
            self.generation.finish_reason = "timeout"
            return torch.ones(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)
        return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)


class _TokenFeed(BaseStreamer):
    """Receives token ids from generate() in its thread and hands them to the Generation."""

    def __init__(self, generation: Generation):
        self.generation, self.first = generation, True

    def put(self, value) -> None:
        if self.first:  # generate() first sends the prompt back; skip it
            self.first = False
            return
        self.generation.feed_tokens(value.reshape(-1).tolist())

    def end(self) -> None:
        pass


def static_batch(chat, prompts: list[list[int]], new_tokens: int) -> dict:
    width = max(len(p) for p in prompts)
    pad = chat.tokenizer.pad_token_id if chat.tokenizer.pad_token_id is not None else 0
    ids = torch.tensor([[pad] * (width - len(p)) + p for p in prompts], device=chat.device)
    mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts], device=chat.device)
    _sync(chat.device)
    started = time.perf_counter()
    with torch.inference_mode():
        out = chat.model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=new_tokens,
                                  min_new_tokens=new_tokens, do_sample=False, pad_token_id=pad,
                                  repetition_penalty=1.1)
    _sync(chat.device)
    elapsed = time.perf_counter() - started
    tokens = int(out.shape[0] * (out.shape[1] - width))
    return _result("static batch: one generate() call, left-padded", len(prompts), tokens, elapsed)


def transformers_generate_batch(chat, prompts: list[list[int]], new_tokens: int) -> dict:
    # eos -1: never ends early. No repetition penalty: its continuous batching drops that processor.
    config = GenerationConfig(max_new_tokens=new_tokens, do_sample=False, eos_token_id=-1,
                              pad_token_id=chat.tokenizer.pad_token_id or 0)
    chat.model.generate_batch(inputs=prompts[:1], generation_config=GenerationConfig(
        max_new_tokens=2, do_sample=False, eos_token_id=-1, pad_token_id=config.pad_token_id), progress_bar=False)
    _sync(chat.device)
    started = time.perf_counter()
    with torch.inference_mode():
        outputs = chat.model.generate_batch(inputs=prompts, generation_config=config, progress_bar=False)
    _sync(chat.device)
    elapsed = time.perf_counter() - started
    tokens = sum(len(o.generated_tokens) for o in outputs.values())
    return _result("transformers generate_batch (continuous batching, no repetition penalty)", len(prompts),
                   tokens, elapsed)


def _result(method: str, requests: int, tokens: int, elapsed: float) -> dict:
    return {"method": method, "requests": requests, "tokens": tokens, "wall_s": round(elapsed, 3),
            "aggregate_tokens_per_s": round(tokens / elapsed, 1)}


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()
