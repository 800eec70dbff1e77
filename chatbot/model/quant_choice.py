"""`--quantization auto`: 4-bit NF4 on a CUDA GPU; on a CPU, whichever of NF4, torch's dynamic int8
and float32 answers fastest on this CPU, measured once and recorded.

Why measure: bitsandbytes' CPU 4-bit kernels are fast only with AVX-512. On a 2-core AMD EPYC with
AVX2 an NF4 answer took 3-6x longer than float32 (time to first token 43 s vs 6.8 s for a
1.5k-token prompt), while on an AVX-512 Xeon the two are close. The CPU's flags alone do not say
which wins, so `python -m chatbot prepare` (and the first load, if prepare never ran) times both
on a short prompt and records the winner in `<cache_dir>/quantization.json`, keyed by model folder
and CPU. An explicit `--quantization` always wins over the record.

The measurement and the record are split from torch so the decision logic is testable without a
model: `choose(..., measure=...)` takes any function returning seconds per quantization.
"""
from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Callable

# 4-bit where its kernels are fast, torch's dynamic int8 (fbgemm), plain float32. A record made with
# other candidates, or timed another way, is measured again.
CPU_CANDIDATES = ("nf4", "int8-dynamic", "none")
PROMPT_TOKENS, DECODE_TOKENS = 96, 12  # what is timed: a short prefill and a few decode steps
ANSWER_PROMPT, ANSWER_TOKENS = 700, 100  # what is estimated: a typical answer (passages + question)
RECORD = "quantization.json"
# How the timing was done; a record timed another way is measured again. 2: on a worker thread with the
# engine's decode threads (1: on the main thread, which favoured NF4 and float32 by about 2x).
TIMING = 2
# Another choice must beat NF4 clearly: NF4 holds a quarter of the memory, and a near tie is noise.
FLOAT_MUST_BE_FASTER_BY = 0.15


def cpu_key() -> str:
    """The CPU as far as speed goes: its model name, torch's kernel level and the thread count."""
    import torch

    name = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{name} | {torch.backends.cpu.get_cpu_capability()} | {torch.get_num_threads()} threads"


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}  # a missing or damaged record only costs a new measurement


def choose(source: str, device: str, cache_dir: Path, *, measure: Callable[[str, str], float],
           key: str | None = None, log=print) -> str:
    """The quantization `auto` stands for: 'nf4' on CUDA, else the recorded or measured CPU winner.

    `measure(source, quantization)` returns the estimated seconds of one typical answer."""
    if device == "cuda":
        return "nf4"
    key = f"{Path(source).name} | {key or cpu_key()}"
    path = Path(cache_dir) / RECORD
    record = _read(path)
    known = record.get(key)
    if isinstance(known, dict) and known.get("choice") in CPU_CANDIDATES and known.get("timing") == TIMING and \
            set(known.get("answer_s", {})) == set(CPU_CANDIDATES):
        return known["choice"]
    seconds = {quant: measure(source, quant) for quant in CPU_CANDIDATES}
    best = winner(seconds)
    record[key] = {"choice": best, "answer_s": {q: round(s, 3) for q, s in seconds.items()},
                   "timing": TIMING, "measured": time.strftime("%Y-%m-%d")}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{RECORD}.{os.getpid()}")
    partial.write_text(json.dumps(record, indent=2) + "\n")
    os.replace(partial, path)  # whole or not at all, even with two processes preparing at once
    shown = ", ".join(f"{q} {s:.1f}s" for q, s in seconds.items())
    log(f"--quantization auto on this CPU: {best} (estimated answer: {shown}); recorded in {path}")
    return best


def winner(seconds: dict[str, float]) -> str:
    """The fastest, but nf4 (a quarter of float32's memory) unless another answers clearly faster."""
    best = min(seconds, key=seconds.get)
    if "nf4" in seconds and seconds[best] >= seconds["nf4"] * (1 - FLOAT_MUST_BE_FASTER_BY):
        return "nf4"
    return best


def measure_answer_seconds(source: str, quantization: str) -> float:
    """Load the model in `quantization` on the CPU and estimate one typical answer's seconds from a
    timed short prefill and a few decode steps (best of two, after a warm-up).

    Timed as the engine runs them: from a worker thread, decode with the engine's decode threads. Timed
    on the main thread with both threads, dynamic int8 looked only 13% faster than NF4 on an AMD EPYC
    (2.7 s vs 3.1 s, so NF4 was kept), while in the engine it decoded 60 tokens/s against NF4's 17."""
    import threading

    import torch
    from transformers import AutoModelForCausalLM
    from transformers.cache_utils import DynamicCache

    from chatbot.model.engine import cache_keyword
    from chatbot.model.local import decode_threads, load_kwargs, quantize_after_load

    model = AutoModelForCausalLM.from_pretrained(source, **load_kwargs(quantization, "cpu"))
    model = quantize_after_load(model, quantization, "cpu").eval()
    vocab = model.config.vocab_size
    cache_kw = cache_keyword(model)
    prompt = torch.randint(100, vocab - 1, (1, PROMPT_TOKENS), generator=torch.Generator().manual_seed(0))

    def once() -> tuple[float, float]:
        cache = DynamicCache(config=model.config)
        started = time.perf_counter()
        logits = model(input_ids=prompt, logits_to_keep=1, **{cache_kw: cache}).logits
        prefill = time.perf_counter() - started
        threads = torch.get_num_threads()
        torch.set_num_threads(decode_threads(quantization) or threads)
        try:
            started = time.perf_counter()
            for _ in range(DECODE_TOKENS):
                token = logits[:, -1:].argmax(-1)
                logits = model(input_ids=token, logits_to_keep=1, **{cache_kw: cache}).logits
            return prefill, time.perf_counter() - started
        finally:
            torch.set_num_threads(threads)

    def timed(out: list) -> None:
        try:
            with torch.inference_mode():
                once()  # warm-up: first calls allocate and pick kernels
                out.append(min(once() for _ in range(2)))
        except BaseException as exc:  # re-raised on the caller's thread below
            out.append(exc)

    result: list = []
    worker = threading.Thread(target=timed, args=(result,), name="quantization-timing")
    worker.start()
    worker.join()
    if isinstance(result[0], BaseException):
        raise result[0]
    prefill, decode = result[0]
    return prefill * ANSWER_PROMPT / PROMPT_TOKENS + decode * ANSWER_TOKENS / DECODE_TOKENS
