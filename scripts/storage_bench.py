"""How fast the conversation store writes: one writer, then 50 concurrent writers.

    .venv/bin/python scripts/storage_bench.py [--database URL] [--turns 2000]

Each turn is what the app does: start_turn (commit) then finish_turn (commit), plus a feedback row
for every fourth turn. Default database: a fresh SQLite file in a temp folder (WAL, synchronous=FULL).
Prints turns/s and commits/s; the row counts are checked, so a lost write fails the run.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chatbot.answers import Answer, Citation  # noqa: E402
from chatbot.store.storage import Store  # noqa: E402

ANSWER = Answer("The maximum Pell Grant for 2026-27 is $7,395. " * 6,
                [Citation("pell-max-award", "Pell Grant maximum", "https://studentaid.gov/pell", "2026-27")])


def run(store: Store, writers: int, turns: int, tag: str) -> tuple[float, int, int]:
    """(seconds, turns written, commits)"""
    per_writer, barrier, errors = turns // writers, threading.Barrier(writers + 1), []

    def write(w: int) -> None:
        barrier.wait()
        try:
            for n in range(per_writer):
                turn_id = f"{tag}-{w}-{n}"
                store.start_turn(turn_id, f"How much Pell Grant can I get? ({n})", f"s{w}", None, "en", "bench")
                store.finish_turn(turn_id, ANSWER)
                if n % 4 == 0:
                    store.record_feedback(turn_id, "up", "helpful, thanks")
        except Exception as exc:  # noqa: BLE001 (printed below)
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    barrier.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise SystemExit(f"{len(errors)} writer(s) failed: {errors[0]!r}")
    feedback = len(range(0, per_writer, 4)) * writers
    return elapsed, per_writer * writers, 2 * per_writer * writers + feedback


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="SQLAlchemy URL (default: a new SQLite file in a temp folder)")
    parser.add_argument("--turns", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(args.database or f"sqlite:///{tmp}/bench.db")
        print(f"backend: {store.engine.dialect.name}, {args.turns} turns per run")
        for writers in (1, 50):
            elapsed, done, commits = run(store, writers, args.turns, f"w{writers}")
            print(f"{writers:>2} writer(s): {done / elapsed:7.0f} turns/s  {commits / elapsed:7.0f} commits/s  "
                  f"({elapsed:.2f} s)")
        stored = len(store.turn_rows())
        store.close()
    expected = sum((args.turns // w) * w for w in (1, 50))
    if stored != expected:
        print(f"LOST ROWS: {stored} stored, {expected} written")
        return 1
    print(f"all {stored} turns stored")
    return 0


if __name__ == "__main__":
    sys.exit(main())
