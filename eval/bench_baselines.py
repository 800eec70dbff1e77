"""The other ways to batch that `python -m eval bench --compare-at N` measures beside the engine.

- static: the N prompts left-padded into one batch and one plain generate() call; everyone waits
  for the whole batch, nobody can join, but each decode step serves all N.
- transformers: transformers' own continuous batching (`generate_batch`, paged attention).

Benchmark-only code that needs torch, kept out of the serving path.
"""
from __future__ import annotations

import time

import torch
from transformers import GenerationConfig


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
