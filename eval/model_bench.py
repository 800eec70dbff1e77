"""Model benchmark: `python -m eval modelbench [--quantizations none,nf4,int8-dynamic] [--tokens 64] [--runs 3]`.

Loads the embedded model (or --model) once per quantization in this process and reports load time,
weight memory, time to first token and decode tokens/s, with the ratio against the first
quantization listed (the baseline, run in the same process). Also prints the process's peak RSS.
With llama-cpp-python installed (optional, bench only: see LLAMA_CPP_HINT) the same model's shipped
GGUF through llama.cpp is one more row, the reference the CPU path is measured against.
`--fresh-cache` first converts the embedded GGUF into an empty cache to time the one-off preparation.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

from chatbot.config import QUANTIZATIONS, add_model_flags, settings_from_args

PROMPT = [
    {"role": "system", "content": "You are a helpful assistant for US federal student aid questions."},
    {"role": "user", "content": "Explain the difference between grants and loans for college, step by step."},
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def bench_one(settings, tokens: int, runs: int) -> dict:
    from chatbot.model.local import load_chat_model

    started = time.perf_counter()
    model = load_chat_model(settings, log=lambda *_: None)
    load_s = time.perf_counter() - started
    model.generate(PROMPT, max_new_tokens=4)  # warm-up: first call pays one-off kernel set-up
    rates, ttfts = [], []
    for _ in range(runs):
        gen = model.stream(PROMPT, max_new_tokens=tokens)
        list(gen)
        decode_s = gen.total_s - gen.ttft_s
        rates.append((gen.new_tokens - 1) / decode_s if decode_s > 0 else float("nan"))
        ttfts.append(gen.ttft_s)
    return {
        "quantization": model.settings.quantization,  # what `auto` resolved to
        "layers": model.quantized_layers(),
        "load_s": round(load_s, 2),
        "weights_mb": round(model.weight_bytes() / 2**20, 1),
        "ttft_s": round(statistics.median(ttfts), 3),
        "tokens_per_s": round(statistics.median(rates), 1),
        "peak_rss_mb_after": round(peak_rss_mb(), 1),
    }


LLAMA_CPP_HINT = ("pip install llama-cpp-python==0.3.36 (bench only; an sdist that compiles llama.cpp, "
                  "about 5 minutes on 2 cores)")


def bench_llama_cpp(tokens: int, runs: int) -> dict | None:
    """The same model's shipped GGUF (Q4_1) through llama.cpp, greedy, all cores: the comparison row
    the CPU path is measured against. None when llama-cpp-python is not installed."""
    try:
        from llama_cpp import Llama
    except ImportError:
        return None
    import os

    from chatbot.model.embedded import embedded_gguf

    started = time.perf_counter()
    llm = Llama(model_path=str(embedded_gguf()), n_ctx=2048, n_threads=os.cpu_count(), verbose=False)
    load_s = time.perf_counter() - started
    llm.create_chat_completion(PROMPT, max_tokens=4, temperature=0)  # warm-up
    rates, ttfts = [], []
    for _ in range(runs):
        start, times = time.perf_counter(), []
        for chunk in llm.create_chat_completion(PROMPT, max_tokens=tokens, temperature=0, stream=True):
            if chunk["choices"][0]["delta"].get("content"):
                times.append(time.perf_counter())
        ttfts.append(times[0] - start)
        rates.append((len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else float("nan"))
    return {"quantization": "llama.cpp Q4_1 (GGUF)", "layers": {}, "load_s": round(load_s, 2),
            "weights_mb": round(embedded_gguf().stat().st_size / 2**20, 1), "ttft_s": round(statistics.median(ttfts), 3),
            "tokens_per_s": round(statistics.median(rates), 1), "peak_rss_mb_after": round(peak_rss_mb(), 1)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval modelbench", description=__doc__)
    add_model_flags(parser)
    parser.add_argument("--quantizations", default="none,nf4,int8-dynamic",
                        help="comma list; the first is the baseline")
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fresh-cache", action="store_true", help="time the one-off GGUF conversion too")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--no-llama-cpp", action="store_true", help="leave out the llama.cpp comparison row")
    args = parser.parse_args(argv)
    quants = [q.strip() for q in args.quantizations.split(",") if q.strip()]
    bad = [q for q in quants if q not in QUANTIZATIONS]
    if bad:
        parser.error(f"unknown quantization(s) {', '.join(bad)}; choose from {', '.join(QUANTIZATIONS)}")
    base = settings_from_args(args)
    from dataclasses import replace

    report: dict = {"model": base.model, "tokens": args.tokens, "runs": args.runs, "results": []}
    if args.fresh_cache and base.model == "embedded":
        from chatbot.model.embedded import prepare_embedded

        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            prepare_embedded(Path(tmp), log=lambda *_: None)
            report["prepare_s"] = round(time.perf_counter() - started, 1)
    for quant in quants:
        report["results"].append(bench_one(replace(base, quantization=quant), args.tokens, args.runs))
    llama_cpp = bench_llama_cpp(args.tokens, args.runs) if base.model == "embedded" and not args.no_llama_cpp else None
    if llama_cpp is not None:
        report["results"].append(llama_cpp)
    baseline = report["results"][0]
    print(f"model={base.model} new_tokens={args.tokens} runs={args.runs} (median)")
    if "prepare_s" in report:
        print(f"one-off GGUF -> safetensors preparation: {report['prepare_s']} s")
    print("| quantization | load s | weights MB | TTFT s | tokens/s | tokens/s vs " + baseline["quantization"] + " | peak RSS MB so far |")
    print("|---|---|---|---|---|---|---|")
    for r in report["results"]:
        ratio = r["tokens_per_s"] / baseline["tokens_per_s"]
        print(f"| {r['quantization']} | {r['load_s']} | {r['weights_mb']} | {r['ttft_s']} | {r['tokens_per_s']} | {ratio:.2f}x | {r['peak_rss_mb_after']} |")
    if llama_cpp is None and base.model == "embedded" and not args.no_llama_cpp:
        print(f"(llama.cpp comparison row skipped: {LLAMA_CPP_HINT})")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0
