"""Retrieval evaluation: recall of BM25 alone, dense alone and hybrid, plus a latency benchmark.

    python -m eval retrieval [--dataset eval/datasets/retrieval.jsonl] [--today 2026-11-26] [--bench]
    python -m eval retrieval --facts eval/datasets/real-dev.jsonl [--root DIR]

Dataset: JSONL, one question a line:
    {"id": "ret-001", "question": "whats the max pell grant", "expected": ["pell-max-min-2026-27"],
     "category": "pell", "language": "en"}            # optional: "school", "award_year", "today"
`expected` lists the entries that answer the question (any one counts); an empty list marks a
question the knowledge base cannot answer, where the retriever should report "not found".
Questions without a year are read as of --today (default: the day the dataset was written), so the
numbers do not drift as the calendar moves.

--facts scores an answer dataset instead (eval/dataset.py format, e.g. the real-question sets, whose
cases name the facts a right answer states, not entry ids): fact recall@k is the share of its
"answer" cases whose top k passages together contain every `required` group, searched as the
pipeline searches (each question of a message on its own, the best-matching passages of all parts).

--bench also times index builds (cold, then from the cache) and query latency (p50/p95) on the real
knowledge base and on a synthetic 10,000-entry one made by shuffling sentences of the real entries
(kept in the cache after its first, slow build: "cached" in the build column means it was reused).
Exit status 1 if hybrid recall@3 < 0.95, or with --bench if the 10,000-entry p95 is 50 ms or more.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
import tempfile
import time
from datetime import date
from pathlib import Path

from chatbot.kb.loader import Entry, default_root, load_kb
from chatbot.config import load_settings
from chatbot.lang import LANGUAGES, detect
from chatbot.kb.retrieval import NOT_FOUND_BELOW, Retriever

DATASET = Path(__file__).parent / "datasets" / "retrieval.jsonl"
WRITTEN_ON = "2026-11-26"
MIN_RECALL_AT_3 = 0.95
MAX_P95_MS = 50.0
MODES = ("bm25", "dense", "hybrid")


def load_cases(path: Path) -> list[dict]:
    cases = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            case = json.loads(line)
            if not isinstance(case.get("question"), str) or not isinstance(case.get("expected"), list):
                raise ValueError(f"{path}:{n}: each case needs a question and an expected list of entry ids")
            cases.append(case)
    return cases


def _search(retriever: Retriever, case: dict, today: date, mode: str, k: int = 3):
    when = date.fromisoformat(case["today"]) if case.get("today") else today
    return retriever.search(case["question"], k=k, award_year=case.get("award_year"), school=case.get("school"),
                            today=when, mode=mode)


def recall_table(retriever: Retriever, cases: list[dict], today: date) -> tuple[dict, list[str]]:
    """{mode: {"r@1", "r@3", "abstain_ok", "false_abstain"}} and the hybrid misses, one line each."""
    answerable = [c for c in cases if c["expected"]]
    unanswerable = [c for c in cases if not c["expected"]]
    table, misses = {}, []
    for mode in MODES:
        at1 = at3 = wrong_abstain = 0
        for case in answerable:
            result = _search(retriever, case, today, mode)
            got = [h.entry.id for h in result.hits]
            at1 += bool(set(got[:1]) & set(case["expected"]))
            at3 += bool(set(got[:3]) & set(case["expected"]))
            wrong_abstain += not result.found
            if mode == "hybrid" and not set(got[:3]) & set(case["expected"]):
                misses.append(f"  {case['id']}: {case['question']!r} expected {case['expected']} got {got}")
        abstain_ok = sum(not _search(retriever, c, today, mode).found for c in unanswerable)
        n = max(len(answerable), 1)
        table[mode] = {"r@1": at1 / n, "r@3": at3 / n, "abstain_ok": abstain_ok, "false_abstain": wrong_abstain}
    return table, misses


def fact_recall(retriever: Retriever, cases: list, today: date, k: int = 3) -> tuple[dict, list[str]]:
    """{"r@1", "r@3", "n"} over the answer cases of an eval dataset, and the misses at k."""
    from chatbot.understand import understand
    from eval.metrics import contains

    rows = [c for c in cases if c.expect == "answer" and c.required]
    hit1 = hitk = 0
    misses = []
    for case in rows:
        parts = understand(case.question, detect(case.question)).parts
        per_part = [retriever.search(p.query, k=k, award_year=case.award_year, today=today).hits for p in parts]
        # Interleave the parts' hits (first of each part, then second...), as the composed answer uses them.
        ranked = [h for tier in zip(*[hs + [None] * (k - len(hs)) for hs in per_part]) for h in tier if h]
        texts = [f"{h.entry.title}\n{h.entry.body}" for h in ranked]
        ok = lambda n: all(any(contains(" ".join(texts[:n]), alt) for alt in group) for group in case.required)  # noqa: E731
        hit1 += ok(len(parts))
        found = ok(k * len(parts))
        hitk += found
        if not found:
            misses.append(f"  {case.id}: {case.question[:90]!r} got {[h.entry.id for h in ranked[:3]]}")
    n = max(len(rows), 1)
    return {"r@1": hit1 / n, f"r@{k}": hitk / n, "n": len(rows)}, misses


def synthetic_entries(real: list[Entry], n: int, seed: int = 0) -> list[Entry]:
    """n distinct entries built from shuffled sentences of the real ones, with their metadata
    spread over award years, languages and 50 schools like a large multi-school deployment."""
    rng = random.Random(seed)
    sentences = {lang: [s for e in real if e.lang == lang for s in re.split(r"(?<=[.!?])\s+", e.body) if len(s) > 30]
                 for lang in LANGUAGES}
    years = [("all",), ("2025-26",), ("2026-27",), ("2027-28",), ("2026-27", "2027-28")]
    out = []
    for i in range(n):
        base = rng.choice(real)
        pool = sentences[base.lang] or sentences["en"]
        body = " ".join(rng.sample(pool, k=min(3, len(pool))))
        school = f"school-{i % 50}" if i % 20 == 0 else None
        out.append(dataclasses.replace(
            base, id=f"synthetic-{i:05d}" + ("-es" if base.lang == "es" else ""), title=f"{base.title} ({i})",
            body=body, award_years=rng.choice(years), school=school, supersedes=None, superseded_by=None, path=""))
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench(name: str, entries: list[Entry], embedder, questions: list[str], today: date, cache: Path) -> dict:
    """Build (timed), build again from the cache (timed), then time queries. A KB already cached
    in `cache` reports no cold build time: delete the cache folder to measure it again."""
    started = time.perf_counter()
    first = Retriever.build(entries, embedder, cache)
    cold = None if first.from_cache else time.perf_counter() - started
    started = time.perf_counter()
    retriever = Retriever.build(entries, embedder, cache)
    row = {"kb": name, "entries": len(entries), "build_s": cold, "cached_s": time.perf_counter() - started}
    for mode in ("bm25", "hybrid"):
        for q in questions[:5]:  # warm-up: first calls allocate buffers
            retriever.search(q, mode=mode, today=today)
        times = []
        for q in questions * 2:
            started = time.perf_counter()
            retriever.search(q, mode=mode, today=today)
            times.append((time.perf_counter() - started) * 1000)
        row[mode] = (_percentile(times, 0.5), _percentile(times, 0.95))
    return row


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval retrieval", description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--root", type=Path, default=None, help="knowledge folder (default: knowledge/)")
    parser.add_argument("--today", default=WRITTEN_ON, help="date questions without a year are asked on")
    parser.add_argument("--bench", action="store_true", help="also time index builds and queries")
    parser.add_argument("--facts", type=Path, default=None, help="score fact recall on an answer dataset instead")
    parser.add_argument("--synthetic", type=int, default=10_000, help="entries in the synthetic benchmark KB")
    args = parser.parse_args(argv)
    today = date.fromisoformat(args.today)
    from chatbot.model.embedder import load_embedder  # heavy (torch); only this command pays for it

    entries = load_kb(args.root or default_root())
    cases = load_cases(args.dataset)
    started = time.perf_counter()
    embedder = load_embedder()
    print(f"embedder {embedder.name} loaded in {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    retriever = Retriever.build(entries, embedder, load_settings().cache_dir)
    print(f"index of {len(entries)} entries {'loaded from cache' if retriever.from_cache else 'built'} "
          f"in {time.perf_counter() - started:.2f}s")
    if args.facts:
        from eval.dataset import load_dataset

        scores, missed = fact_recall(retriever, load_dataset(args.facts), today)
        print(f"\n{args.facts}: {scores['n']} answer cases; fact recall@1 {scores['r@1']:.3f}, recall@3 {scores['r@3']:.3f}")
        print("misses @3:\n" + "\n".join(missed))
        return 0
    table, misses = recall_table(retriever, cases, today)
    answerable = sum(bool(c["expected"]) for c in cases)
    print(f"\n{args.dataset}: {answerable} answerable + {len(cases) - answerable} unanswerable questions, as of {today}")
    print(f"{'mode':<8}{'recall@1':>10}{'recall@3':>10}   not-found ok / wrongly not-found (threshold {NOT_FOUND_BELOW})")
    for mode, row in table.items():
        print(f"{mode:<8}{row['r@1']:>10.3f}{row['r@3']:>10.3f}   {row['abstain_ok']}/{len(cases) - answerable}"
              f" / {row['false_abstain']}/{answerable}")
    if misses:
        print("hybrid misses @3:\n" + "\n".join(misses))
    ok = table["hybrid"]["r@3"] >= MIN_RECALL_AT_3
    print(f"hybrid recall@3 {table['hybrid']['r@3']:.3f} {'>=' if ok else '<'} {MIN_RECALL_AT_3}: {'PASS' if ok else 'FAIL'}")
    if args.bench:
        questions = [c["question"] for c in cases]
        with tempfile.TemporaryDirectory() as fresh:  # the real KB is small: always time a cold build
            rows = [bench("real", entries, embedder, questions, today, Path(fresh))]
        # The synthetic index takes minutes to embed on CPU, so it stays in the cache for reruns.
        rows.append(bench("synthetic", synthetic_entries(entries, args.synthetic), embedder, questions, today,
                          load_settings().cache_dir))
        print(f"\n{'kb':<10}{'entries':>8}{'build s':>9}{'cached s':>9}{'bm25 p50/p95 ms':>18}{'hybrid p50/p95 ms':>20}")
        for r in rows:
            cold = "cached" if r["build_s"] is None else f"{r['build_s']:.2f}"
            print(f"{r['kb']:<10}{r['entries']:>8}{cold:>9}{r['cached_s']:>9.2f}"
                  f"{r['bm25'][0]:>10.1f} /{r['bm25'][1]:>6.1f}{r['hybrid'][0]:>12.1f} /{r['hybrid'][1]:>6.1f}")
        fast = rows[-1]["hybrid"][1] < MAX_P95_MS
        print(f"hybrid p95 at {rows[-1]['entries']} entries {'<' if fast else '>='} {MAX_P95_MS:.0f} ms: {'PASS' if fast else 'FAIL'}")
        ok = ok and fast
    return 0 if ok else 1
