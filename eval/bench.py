"""Throughput and latency of the generation engine: `python -m eval bench [--users 1,4,16,64] [--out DIR]`.

Simulates N chat users at once, for each N in --users: every user sends --rounds requests, one after
the other, each a real answer prompt (system prompt + the 3 passages retrieval finds for a dev-set
question + the question, as the pipeline builds it, kept to --prompt-tokens) asking for a length drawn
from --new-tokens (end-of-turn ignored, so every run does the same work). Reports per N: time to
first token p50/p99, inter-token latency p50/p99, per-user and aggregate tokens/s, requests/s, the
engine's mean batch, and on a GPU the share of the memory-bandwidth limit. In the same process it
first runs the baseline, sequential plain generate() on --baseline-requests of the same requests,
and gives every N's aggregate tokens/s as a ratio to it. With --compare-at N it also puts the same N
prompts with a fixed length through sequential generate(), one static left-padded batch, transformers'
generate_batch and the engine. Writes OUT/bench.json, OUT/bench.md, OUT/bench.png.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import threading
import time
from datetime import date
from pathlib import Path

from chatbot.config import add_model_flags, settings_from_args
from eval.bench_stats import bandwidth_share, device_bandwidth, methods_table, plot, summarize, users_table

ROOT = Path(__file__).resolve().parent
PENALTY = 1.1  # the pipeline's repetition penalty
NO_TIMEOUT_S = 24 * 3600.0  # queueing at high N on a CPU takes minutes; no request may time out


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_range(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    low_n, high_n = int(low), int(high or low)
    if not 0 < low_n <= high_n:
        raise argparse.ArgumentTypeError(f"expected N or LOW-HIGH with 0 < LOW <= HIGH, got {text!r}")
    return low_n, high_n


def parse_users(text: str) -> list[int]:
    users = sorted({int(u) for u in text.split(",") if u.strip()})
    if not users or users[0] < 1:
        raise argparse.ArgumentTypeError(f"expected a comma list of positive numbers, got {text!r}")
    return users


def dataset_messages(pipeline, dataset: Path):
    """The answer prompt (chat messages) the pipeline builds for each answerable question, once each."""
    from chatbot.lang import detect

    seen = set()
    for line in dataset.read_text().splitlines():
        case = json.loads(line) if line.strip() else None
        if not case or case.get("expect") != "answer" or case.get("history") or case["question"] in seen:
            continue
        seen.add(case["question"])
        lang = detect(case["question"])
        found = pipeline.retriever.search(case["question"], k=3, lang=lang, today=date.today())
        if found.found:
            yield pipeline.answer_messages(case["question"], lang, found.hits, [], date.today())


def answer_prompts(chat, settings, token_range: tuple[int, int], dataset: Path,
                   write_to: Path | None = None) -> list[list[int]]:
    """Token ids of the answer prompts the pipeline builds for the dev set's answerable questions."""
    from chatbot.pipeline import build_pipeline

    pipeline = build_pipeline(settings, chat_model=chat, log=lambda *_: None)
    prompts, saved = [], []
    for messages in dataset_messages(pipeline, dataset):
        ids = chat.encode_chat(messages)
        if token_range[0] <= len(ids) <= token_range[1]:
            prompts.append(ids)
            saved.append(messages)
    if write_to is not None:
        write_to.parent.mkdir(parents=True, exist_ok=True)
        write_to.write_text("".join(json.dumps({"messages": m}) + "\n" for m in saved))
    if not prompts:
        raise SystemExit(f"no answer prompt of {token_range[0]}-{token_range[1]} tokens; widen --prompt-tokens")
    return prompts


def load_prompts(chat, path: Path, token_range: tuple[int, int]) -> list[list[int]]:
    """Prompts saved by --write-prompts (JSONL of {"messages": [...]}), for machines without the
    knowledge base's dependencies (the GPU machine)."""
    prompts = []
    for line in path.read_text().splitlines():
        if line.strip():
            ids = chat.encode_chat(json.loads(line)["messages"])
            if token_range[0] <= len(ids) <= token_range[1]:
                prompts.append(ids)
    if not prompts:
        raise SystemExit(f"{path}: no prompt of {token_range[0]}-{token_range[1]} tokens")
    return prompts


def _record(gen) -> dict:
    return {"submitted": gen.started_at, "token_times": list(gen.token_times), "ended": gen.ended_at,
            "finish": gen.finish_reason}


def run_threads(send, work: list[tuple], users: int, rounds: int) -> tuple[list[dict], float]:
    """`users` threads start together, each sending `rounds` requests back to back; `send(prompt,
    new_tokens)` makes one request and returns its record ({"submitted", "token_times", "ended"})."""
    records: list[dict] = []
    errors: list[BaseException] = []
    start = threading.Barrier(users)

    def user(index: int) -> None:
        start.wait()
        for round_ in range(rounds):
            prompt, new_tokens = work[(index * rounds + round_) % len(work)]
            try:
                records.append(send(prompt, new_tokens))
            except BaseException as exc:  # reported, and the run fails below
                errors.append(exc)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} request(s) failed, first: {errors[0]!r}")
    return records, _wall(records)


def run_users(chat, work: list[tuple[list[int], int]], users: int, rounds: int) -> tuple[list[dict], float]:
    """Through the engine: every request streams `new_tokens` tokens (end of turn ignored)."""
    def send(prompt, new_tokens):
        gen = chat.stream_ids(prompt, max_new_tokens=new_tokens, ignore_eos=True,
                              repetition_penalty=PENALTY, timeout_s=NO_TIMEOUT_S)
        for _ in gen:
            pass
        return _record(gen)

    return run_threads(send, work, users, rounds)


def run_sequential(chat, work: list[tuple[list[int], int]]) -> tuple[list[dict], float]:
    """The baseline: plain generate(), one request after the other."""
    from eval.bench_baselines import plain_generate

    records = []
    for prompt, new_tokens in work:
        gen = plain_generate(chat, prompt, max_new_tokens=new_tokens, ignore_eos=True,
                             repetition_penalty=PENALTY, timeout_s=NO_TIMEOUT_S)
        for _ in gen:
            pass
        if gen.finish_reason == "error":
            raise RuntimeError("the baseline generate() failed")
        records.append(_record(gen))
    return records, _wall(records)


def _wall(records: list[dict]) -> float:
    return max(r["ended"] for r in records) - min(r["submitted"] for r in records)


def compare_methods(chat, prompts: list[list[int]], users: int, new_tokens: int, sequential: int) -> list[dict]:
    from eval import bench_baselines

    batch = [prompts[i % len(prompts)] for i in range(users)]
    rows = []
    log(f"compare at {users}: sequential generate() on {min(sequential, users)} of the prompts")
    records, wall = run_sequential(chat, [(p, new_tokens) for p in batch[:sequential]])
    rows.append({"method": "sequential generate()", **_totals(records, wall)})
    log("compare: static batch")
    rows.append(bench_baselines.static_batch(chat, batch, new_tokens))
    log("compare: transformers generate_batch")
    try:
        rows.append(bench_baselines.transformers_generate_batch(chat, batch, new_tokens))
    except Exception as exc:  # its paged attention may not run on every device/quantization
        rows.append({"method": f"transformers generate_batch: failed ({type(exc).__name__}: {exc})"[:200],
                     "requests": users, "tokens": 0, "wall_s": None, "aggregate_tokens_per_s": None})
    log("compare: engine")
    records, wall = run_users(chat, [(p, new_tokens) for p in batch], users, 1)
    rows.append({"method": "this engine (continuous batching)", **_totals(records, wall)})
    return rows


def _totals(records: list[dict], wall: float) -> dict:
    tokens = sum(len(r["token_times"]) for r in records)
    return {"requests": len(records), "tokens": tokens, "wall_s": round(wall, 3),
            "aggregate_tokens_per_s": round(tokens / wall, 1)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_model_flags(parser)
    parser.add_argument("--users", type=parse_users, default=parse_users("1,4,16,64"), help="comma list of N")
    parser.add_argument("--rounds", type=int, default=1, help="requests each user sends, one after the other")
    parser.add_argument("--new-tokens", type=parse_range, default=(128, 256), help="LOW-HIGH new tokens per request")
    parser.add_argument("--prompt-tokens", type=parse_range, default=(600, 900), help="LOW-HIGH prompt tokens")
    parser.add_argument("--baseline-requests", type=int, default=4, help="requests in the sequential baseline")
    parser.add_argument("--compare-at", type=int, default=0, help="also compare batching methods at this N (0: no)")
    parser.add_argument("--compare-tokens", type=int, default=64, help="fixed new tokens in the comparison")
    parser.add_argument("--max-batch", type=int, help="the engine's batch limit (default: the largest N)")
    parser.add_argument("--prefill-chunk", type=int, help="prompt tokens per engine step while others decode")
    parser.add_argument("--bandwidth-gbs", type=float, help="memory bandwidth for the share (default: known GPUs)")
    parser.add_argument("--dataset", type=Path, default=ROOT / "datasets" / "dev.jsonl")
    parser.add_argument("--prompts", type=Path, help="read the prompts from this file instead of building them")
    parser.add_argument("--write-prompts", type=Path, help="save the prompts built from --dataset here and stop")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "bench")
    parser.add_argument("--backend", help="openai:URL: benchmark that model server instead (eval/bench_server.py)")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.baseline_requests < 1:
        parser.error("--rounds and --baseline-requests must be at least 1")
    if args.backend:
        if not args.backend.startswith("openai:"):
            parser.error("--backend takes openai:URL (an OpenAI-compatible server)")
        from eval import bench_server

        return bench_server.main(args)

    from dataclasses import replace

    from chatbot.model.local import load_chat_model
    from eval.bench_baselines import plain_generate

    settings = settings_from_args(args)
    settings = replace(settings, max_batch_size=args.max_batch or max(args.users + [args.compare_at]),
                       prefill_chunk=args.prefill_chunk or settings.prefill_chunk)
    chat = load_chat_model(settings, log=log)
    if args.prompts:
        prompts = load_prompts(chat, args.prompts, args.prompt_tokens)
    else:
        prompts = answer_prompts(chat, settings, args.prompt_tokens, args.dataset, args.write_prompts)
    if args.write_prompts:
        log(f"wrote {len(prompts)} prompts to {args.write_prompts}")
        return 0
    lengths = [len(p) for p in prompts]
    log(f"{len(prompts)} answer prompts of {min(lengths)}-{max(lengths)} tokens (median {statistics.median(lengths):.0f})")
    rng = random.Random(args.seed)
    count = max(max(args.users) * args.rounds, args.baseline_requests)
    work = [(prompts[i % len(prompts)], rng.randint(*args.new_tokens)) for i in range(count)]

    # Warm-up: the first call of each path pays one-off costs (bitsandbytes repacks weights on CPU).
    "".join(chat.stream_ids(prompts[0], max_new_tokens=4))
    "".join(plain_generate(chat, prompts[0], max_new_tokens=4))

    bandwidth = device_bandwidth(chat.device_name, args.bandwidth_gbs)
    weight_bytes = chat.weight_bytes()
    log(f"baseline: sequential generate() x {args.baseline_requests}")
    records, wall = run_sequential(chat, work[: args.baseline_requests])
    baseline = summarize(records, wall)
    rows = []
    for users in args.users:
        log(f"{users} concurrent user(s) x {args.rounds} round(s)")
        chat.engine.reset_stats()
        records, wall = run_users(chat, work, users, args.rounds)
        row = {"users": users, **summarize(records, wall), "engine": chat.engine.stats.as_dict()}
        row["bandwidth_share"] = bandwidth_share(weight_bytes, chat.engine.stats.decode_steps, wall, bandwidth)
        rows.append(row)
        log(f"  aggregate {row['aggregate_tokens_per_s']} tokens/s, TTFT p99 {row['ttft_p99_s']} s")
    methods = []
    if args.compare_at:
        methods = compare_methods(chat, prompts, args.compare_at, args.compare_tokens, min(4, args.compare_at))

    report = {
        "model": chat.name, "quantization": chat.settings.quantization, "device": chat.device_name,
        "weights_bytes": weight_bytes, "bandwidth_bytes_per_s": bandwidth,
        "prompt_tokens": {"count": len(prompts), "min": min(lengths), "median": statistics.median(lengths),
                          "max": max(lengths)},
        "new_tokens": list(args.new_tokens), "rounds": args.rounds, "max_batch": settings.max_batch_size,
        "prefill_chunk": settings.prefill_chunk, "baseline": baseline, "users": rows, "methods": methods,
        "compare_at": args.compare_at, "compare_tokens": args.compare_tokens,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(report, indent=2))
    markdown = render_markdown(report)
    (args.out / "bench.md").write_text(markdown)
    plot(rows, baseline, args.out / "bench.png")
    print(markdown)
    log(f"wrote {args.out}/bench.json, bench.md, bench.png")
    return 0


def render_markdown(report: dict) -> str:
    p = report["prompt_tokens"]
    lines = [
        f"# Engine benchmark: {report['model']} ({report['quantization']}) on {report['device']}",
        "",
        f"Prompts: {p['count']} real answer prompts, {p['min']}-{p['max']} tokens (median {p['median']:.0f}); "
        f"new tokens per request {report['new_tokens'][0]}-{report['new_tokens'][1]}; {report['rounds']} "
        f"request(s) per user; engine batch limit {report['max_batch']}, prefill chunk {report['prefill_chunk']}.",
        "",
        users_table(report["users"], report["baseline"]),
    ]
    if report["methods"]:
        lines += ["", f"The same {report['compare_at']} prompts, {report['compare_tokens']} new tokens each, through "
                  f"each way of batching (sequential: the first {report['methods'][0]['requests']} of them):", "",
                  methods_table(report["methods"])]
    if report["bandwidth_bytes_per_s"] is None:
        lines += ["", "Bandwidth share: not computed (no known GPU; pass --bandwidth-gbs)."]
    return "\n".join(lines) + "\n"
