"""Load test against the real app on loopback: `python -m eval load --users 200 --model fake`.

    python -m eval load --model fake --users 200 --questions 2 --seconds 300 [--out DIR]
    python -m eval load --url http://127.0.0.1:7860 --users 16           # an app already running

N browser-like users (eval/load_client.py: the page's own requests) each open the page and ask
--questions questions from --dataset one after another, with a short think time between them; all
start within --ramp seconds. With --model the app is started here (`app.py`, SQLite storage in a
temporary folder, one trusted proxy so each user has its own address and its own rate limit, as
behind a campus proxy) and stopped at the end. Bounded: at most 1000 users, 20 questions each,
--seconds of wall time (what is still running then counts as "unfinished"); loopback only.

Reports answered / busy / errors (with why) / unfinished, time to first text and to the whole answer
(p50, p95) for answered questions, and questions answered per second; OUT/load.json and OUT/load.md.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from eval.load_client import Outcome, Session, event_ids

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_USERS, MAX_QUESTIONS, MAX_SECONDS = 1000, 20, 3600


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m eval load", description=__doc__.split("\n")[0])
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a running app on this machine (http://127.0.0.1:PORT)")
    where.add_argument("--model", help="start app.py with this model (fake, embedded, ...) for the run")
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--questions", type=int, default=2, help="questions per user, one after another")
    p.add_argument("--seconds", type=float, default=300, help="stop after this long (the rest: unfinished)")
    p.add_argument("--ramp", type=float, default=5, help="users start spread over this many seconds")
    p.add_argument("--think", type=float, default=1.0, help="mean pause between a user's questions (s)")
    p.add_argument("--dataset", type=Path, default=ROOT / "eval" / "datasets" / "real-dev.jsonl")
    p.add_argument("--like", action="store_true", help="give each answer a thumbs-up (feedback writes)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    if not 1 <= args.users <= MAX_USERS or not 1 <= args.questions <= MAX_QUESTIONS:
        p.error(f"--users must be 1-{MAX_USERS} and --questions 1-{MAX_QUESTIONS}")
    if not 0 < args.seconds <= MAX_SECONDS:
        p.error(f"--seconds must be in (0, {MAX_SECONDS}]")
    if args.url and urlsplit(args.url).hostname not in LOOPBACK:
        p.error("--url must be on this machine (127.0.0.1, localhost, ::1): this tool floods what it targets")
    return args


def questions_from(path: Path) -> list[str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows if r.get("question")]


async def one_user(base: str, n: int, plan: list[str], args, rng: random.Random, outcomes: list) -> None:
    import httpx

    await asyncio.sleep(rng.uniform(0, args.ramp))
    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(600, connect=30)) as client:
        address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256 + 1}"
        try:
            session = Session(client, await event_ids(client), address)
            await session.open()
        except Exception as exc:  # the page itself did not load: every question is an error
            outcomes += [_error(q, f"page: {type(exc).__name__}") for q in plan]
            return
        for i, question in enumerate(plan):
            if i:
                await asyncio.sleep(rng.expovariate(1 / args.think) if args.think > 0 else 0)
            try:
                outcomes.append(await session.ask(question, like=args.like))
            except Exception as exc:
                outcomes.append(_error(question, type(exc).__name__))


def _error(question: str, why: str) -> Outcome:
    return Outcome(question, "error", why=why)


async def run_load(base: str, args) -> dict:
    rng = random.Random(args.seed)
    pool = questions_from(args.dataset)
    plans = [[rng.choice(pool) for _ in range(args.questions)] for _ in range(args.users)]
    outcomes: list = []
    started = time.monotonic()
    tasks = [asyncio.create_task(one_user(base, n, plan, args, random.Random(args.seed * 7919 + n), outcomes))
             for n, plan in enumerate(plans)]
    _, pending = await asyncio.wait(tasks, timeout=args.seconds)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    wall = time.monotonic() - started
    return summarize(outcomes, args.users * args.questions, wall, args)


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 3)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 3)


def summarize(outcomes: list, planned: int, wall: float, args) -> dict:
    kinds = Counter(o.kind for o in outcomes)
    answered = [o for o in outcomes if o.kind == "answered"]
    ttft, total = [o.ttft_s for o in answered], [o.total_s for o in answered]
    return {
        "users": args.users, "questions_per_user": args.questions, "planned": planned,
        "answered": kinds["answered"], "busy": kinds["busy"], "errors": kinds["error"],
        "unfinished": planned - len(outcomes), "liked": sum(o.liked for o in outcomes),
        "error_reasons": dict(Counter(o.why for o in outcomes if o.kind == "error").most_common(10)),
        "busy_reasons": dict(Counter(o.why for o in outcomes if o.kind == "busy")),
        "ttft_p50_s": _pct(ttft, 50), "ttft_p95_s": _pct(ttft, 95),
        "answer_p50_s": _pct(total, 50), "answer_p95_s": _pct(total, 95),
        "answered_per_s": round(len(answered) / wall, 2) if wall else None, "wall_s": round(wall, 1),
    }


def table(summary: dict, model: str) -> str:
    s = summary
    header = ("| model | users x questions | answered | busy | errors | unfinished | first text p50 / p95 (s) | "
              "whole answer p50 / p95 (s) | answered/s |")
    row = (f"| {model} | {s['users']} x {s['questions_per_user']} | {s['answered']} | {s['busy']} | {s['errors']} | "
           f"{s['unfinished']} | {s['ttft_p50_s']} / {s['ttft_p95_s']} | {s['answer_p50_s']} / {s['answer_p95_s']} | "
           f"{s['answered_per_s']} |")
    return "\n".join([header, "|---|---|---|---|---|---|---|---|---|", row])


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(model: str, folder: Path, extra_env: dict | None = None) -> tuple[str, subprocess.Popen]:
    """`app.py --model MODEL` on a free loopback port, turns in `folder`/chat.db (SQLite), its output
    in `folder`/app.log; returns once healthy. Also what tests/security starts its app with."""
    import urllib.request

    port = _free_port()
    env = {**os.environ, "CHATBOT_DATA_DIR": str(folder / "data"), "CHATBOT_STORAGE": "on",
           "CHATBOT_DATABASE_URL": f"sqlite:///{folder / 'chat.db'}", "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    with (folder / "app.log").open("w") as log:  # the child keeps its own handle
        proc = subprocess.Popen([sys.executable, "app.py", "--model", model, "--port", str(port)], cwd=ROOT,
                                env=env, stdout=log, stderr=subprocess.STDOUT)
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}; see {folder / 'app.log'}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as resp:
                if resp.status == 200:
                    return base, proc
        except OSError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError("the app did not become healthy within 300 s")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    proc, folder = None, None
    if args.model:
        folder = Path(tempfile.mkdtemp(prefix="chatbot-load-"))
        base, proc = launch(args.model, folder, {"CHATBOT_TRUSTED_PROXIES": "1"})  # an address per user
        print(f"started the app ({args.model}) at {base}; log in {folder / 'app.log'}", file=sys.stderr)
    else:
        base = args.url.rstrip("/")
    try:
        summary = asyncio.run(run_load(base, args))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    text = table(summary, args.model or base)
    print(text)
    print(json.dumps({k: summary[k] for k in ("error_reasons", "busy_reasons")}))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "load.json").write_text(json.dumps(summary, indent=2) + "\n")
        (args.out / "load.md").write_text(text + "\n")
    return 0
