"""`python -m eval bench --backend openai:URL`: the engine benchmark against a model server.

The same real answer prompts (system prompt + 3 retrieved passages + a dev-set question, as the
pipeline builds them) go to the server through the app's own backend (chatbot/model/server.py),
streamed, N users at once for each N in --users; the baseline is the same requests one at a time.
The table has the same columns as the in-process engine's, so the two can be set side by side.
Servers do not all honour "ignore end of turn", so answers end where the model ends them: compare
tokens/s, not token counts. Prompt lengths are estimated (4 characters a token): the server's
tokenizer is not ours.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def answer_messages(dataset: Path, char_range: tuple[int, int]) -> list[list[dict]]:
    """The pipeline's answer prompts (as chat messages) for the dataset's answerable questions."""
    from chatbot.config import Settings
    from chatbot.model.fake import FakeChatModel
    from chatbot.pipeline import build_pipeline
    from eval.bench import dataset_messages

    pipeline = build_pipeline(Settings(), chat_model=FakeChatModel(), log=lambda *_: None)
    found_messages = [m for m in dataset_messages(pipeline, dataset)
                      if char_range[0] <= sum(len(part["content"]) for part in m) <= char_range[1]]
    if not found_messages:
        raise SystemExit("no answer prompt in the --prompt-tokens range")
    return found_messages


def one_request(model, messages: list[dict], new_tokens: int) -> dict:
    record = {"submitted": time.perf_counter(), "token_times": []}
    for chunk in model.bind(max_new_tokens=new_tokens).stream([(m["role"], m["content"]) for m in messages]):
        if chunk.text:
            record["token_times"].append(time.perf_counter())
    record["ended"] = time.perf_counter()
    return record


def run_users(model, work: list[tuple[list[dict], int]], users: int, rounds: int) -> tuple[list[dict], float]:
    from eval.bench import run_threads

    return run_threads(lambda messages, new_tokens: one_request(model, messages, new_tokens), work, users, rounds)


def main(args) -> int:
    import random
    from dataclasses import replace

    from chatbot.config import settings_from_args
    from chatbot.model.server import load_server_model
    from eval.bench_stats import summarize, users_table

    settings = replace(settings_from_args(args), model=args.backend)
    model = load_server_model(settings, log=log)
    chars = (args.prompt_tokens[0] * 4, args.prompt_tokens[1] * 4)
    prompts = answer_messages(args.dataset, chars)
    log(f"{len(prompts)} answer prompts of ~{args.prompt_tokens[0]}-{args.prompt_tokens[1]} tokens")
    rng = random.Random(args.seed)
    count = max(max(args.users) * args.rounds, args.baseline_requests)
    work = [(prompts[i % len(prompts)], rng.randint(*args.new_tokens)) for i in range(count)]
    one_request(model, work[0][0], 4)  # warm-up
    log(f"baseline: {args.baseline_requests} requests one at a time")
    records, wall = run_users(model, work[: args.baseline_requests], 1, args.baseline_requests)
    baseline = summarize(records, wall)
    rows = []
    for users in args.users:
        log(f"{users} concurrent user(s) x {args.rounds} round(s)")
        records, wall = run_users(model, work, users, args.rounds)
        rows.append({"users": users, **summarize(records, wall)})
    text = "\n".join([f"# Server benchmark: {model.model_name} at {args.backend}", "",
                      f"Prompts: {len(prompts)} real answer prompts (median {statistics.median(sum(len(m['content']) for m in p) for p in prompts) / 4:.0f} "
                      f"tokens, estimated); up to {args.new_tokens[0]}-{args.new_tokens[1]} new tokens; the baseline is "
                      "the same requests one at a time (its row is labelled like the engine's).", "",
                      users_table(rows, baseline)]) + "\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps({"backend": args.backend, "model": model.model_name,
                                                     "baseline": baseline, "users": rows}, indent=2))
    (args.out / "bench.md").write_text(text)
    print(text)
    return 0
