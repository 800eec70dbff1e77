"""`python -m eval run`: run an evaluation dataset through the real answer pipeline and score it.

    python -m eval run --dataset eval/datasets/dev.jsonl --model embedded --out eval/out/dev
    python -m eval run --dataset eval/datasets/dev.jsonl --model fake --out /tmp/ev --limit 20 --min-accuracy 0.5

Every case goes through `build_pipeline(settings).answer(question, history)` exactly as a user's turn
does, with the pipeline's own settings (max_new_tokens included). Writes OUT/results.jsonl (one line
per case, appended as it runs so a killed run keeps what it did), OUT/summary.json, OUT/report.md and
OUT/report.png, and prints the summary table.

Exit status: 0 ok; 1 when --min-accuracy is not met or the pipeline raised on any case; 2 for bad
arguments, a broken dataset or knowledge base, or a model that cannot load; 130 when interrupted
(the files then hold the cases finished so far).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from tqdm import tqdm

from chatbot.answers import Answer, Token
from chatbot.config import ConfigError, add_model_flags, settings_from_args
from eval import metrics
from eval.dataset import Case, DatasetError, extra_fields, load_dataset

# A case that expects an answer is also answered correctly by a calculator turn.
ROUTES_OK = {"answer": ("answer", "calculator")}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m eval run", description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", required=True, type=Path, help="JSONL dataset (format: DESIGN.md)")
    parser.add_argument("--out", required=True, type=Path, help="folder for results.jsonl, summary.json, report.md/png")
    parser.add_argument("--limit", type=int, help="run only the first N cases")
    parser.add_argument("--min-accuracy", type=float, help="exit 1 if overall accuracy is below this (0 to 1)")
    add_model_flags(parser)  # --model embedded|fake|FOLDER|HUB_ID, --quantization, --device, --config
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error(f"--limit must be at least 1, got {args.limit}")
    if args.min_accuracy is not None and not 0 <= args.min_accuracy <= 1:
        parser.error(f"--min-accuracy is a share between 0 and 1 (e.g. 0.8), got {args.min_accuracy}")
    return args


def score(case: Case, answer: Answer, cited_texts: dict[str, str]) -> dict:
    """The per-case record: what the pipeline said and every check on it (no timings)."""
    text = answer.text
    route_ok = answer.route in ROUTES_OK.get(case.expect, (case.expect,))
    _, missed = metrics.match_required(text, [list(g) for g in case.required])
    hits = metrics.forbidden_hits(text, list(case.forbidden))
    user_texts = [case.question] + [m["content"] for m in case.history if m["role"] == "user"]
    echoed = metrics.pii_echo(user_texts, text)
    citations = answer.to_json()["citations"]
    ids = [c["id"] for c in citations]
    dates, numbers = metrics.facts(text)
    reasons = []
    if not route_ok:
        reasons.append(f"route: expected {case.expect}, got {answer.route}")
    if missed:
        reasons.append("missed: " + "; ".join(" | ".join(g) for g in missed))
    if hits:
        reasons.append("forbidden: " + "; ".join(hits))
    if echoed:
        reasons.append("pii echo: " + ", ".join(echoed))
    return {
        "id": case.id, "category": case.category, "language": case.language, "expect": case.expect,
        "award_year": case.award_year, "question": case.question, "history_turns": len(case.history),
        "answer": text, "route": answer.route, "route_ok": route_ok, "citations": citations,
        "grounded": answer.grounded, "flags": list(answer.flags),
        "passed": not reasons, "fail_reasons": reasons, "missed_groups": missed,
        "forbidden": list(case.forbidden), "forbidden_hits": hits, "pii_echo": echoed,
        "facts_checked": bool(dates or numbers),
        # Traceable: the cited entries (with the award year each citation names) and the user's own
        # words, since restating the user's input (a calculator's "SAI: 16,000") invents nothing.
        "unsupported": metrics.unsupported_facts(
            text, [f"{cited_texts[c['id']]}\n{c['award_year']}" for c in citations if c["id"] in cited_texts] + user_texts),
        "unresolved_citations": [i for i in ids if i not in cited_texts],
    }


def run_case(pipeline, case: Case, cited_texts: dict[str, str]) -> dict:
    """Answer one case through the pipeline, timing the stream; an exception becomes a failed case."""
    count_tokens = getattr(getattr(pipeline, "chat_model", None), "get_num_tokens", None)
    start = time.perf_counter()
    first = final = None
    events = 0
    try:
        for event in pipeline.answer(case.question, [dict(m) for m in case.history]):
            if isinstance(event, Token) and event.text:
                events += 1
                first = first if first is not None else time.perf_counter() - start
            elif isinstance(event, Answer):
                final = event
        if final is None:
            raise RuntimeError("the pipeline ended without an Answer")
    except Exception as exc:  # noqa: BLE001 - one bad case must not hide the other results
        error = f"{type(exc).__name__}: {exc}"
        result = score(case, Answer(text="", route="error", grounded=False), cited_texts)
        result.update(passed=False, fail_reasons=[f"error: {error}"], error=error)
        result.update(ttft_s=None, total_s=round(time.perf_counter() - start, 3), tokens=0, stream_events=events,
                      streamed=events > 0)
        return result
    total = time.perf_counter() - start
    result = score(case, final, cited_texts)
    tokens = count_tokens(final.text) if count_tokens and final.text else events
    # Time to first text the user sees: an answer that streamed nothing (a template, or a draft
    # replaced by the grounded fallback) shows its first words only when it is complete.
    ttft = first if first is not None else (total if final.text else None)
    result.update(error=None, ttft_s=None if ttft is None else round(ttft, 3), total_s=round(total, 3),
                  tokens=tokens, stream_events=events, streamed=events > 0)
    if case.extra:
        result["extra"] = case.extra  # carried along (source, origin...), never graded
    return result


def build(settings, log):
    """The real pipeline for these settings (a seam, so the runner's tests can swap it)."""
    from chatbot.pipeline import build_pipeline

    return build_pipeline(settings, log=log)


def _entry_texts() -> dict[str, str]:
    """Cited id -> what it points at, for citation validity: a knowledge entry's title, body and award
    years, or a calculator source's title and award year (chatbot/calculators/tables/sources.yaml)."""
    from chatbot.calculators.tables import data
    from chatbot.kb.loader import load_kb

    texts = {i: f"{s['title']}\n{s['award_year']}" for i, s in data("sources").items()}
    texts.update({e.id: f"{e.title}\n{e.body}\n{', '.join(e.award_years)}" for e in load_kb()})
    return texts


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        settings = settings_from_args(args)
        cases = load_dataset(args.dataset)
    except (ConfigError, DatasetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    cases = cases[: args.limit] if args.limit else cases
    if extra := extra_fields(cases):
        print(f"warning: {args.dataset} has fields the grader ignores: {', '.join(extra)}", file=sys.stderr)
    from chatbot.kb.loader import KBError

    log = lambda message: print(message, file=sys.stderr)  # noqa: E731 - stdout is for the summary
    try:
        cited_texts = _entry_texts()
        pipeline = build(settings, log)
    except KBError as exc:
        print(f"error: the knowledge base does not load: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # ModelError and anything the loader raises: say what failed, no traceback
        print(f"error: cannot build the pipeline for --model {settings.model}: {type(exc).__name__}: {exc}",
              file=sys.stderr)
        return 2

    args.out.mkdir(parents=True, exist_ok=True)
    started, t0 = datetime.now(timezone.utc), time.perf_counter()
    results: list[dict] = []
    interrupted = False
    with (args.out / "results.jsonl").open("w", encoding="utf-8") as fh:
        bar = tqdm(cases, desc="eval", unit="case", file=sys.stderr, dynamic_ncols=True)
        try:
            for case in bar:
                result = run_case(pipeline, case, cited_texts)
                if result["error"]:
                    bar.write(f"{case.id}: {result['error']}", file=sys.stderr)
                results.append(result)
                fh.write(json.dumps(result, ensure_ascii=False) + "\n")
                fh.flush()
                bar.set_postfix(acc=f"{metrics.accuracy(results):.0%}")
        except KeyboardInterrupt:
            interrupted = True
        finally:
            bar.close()

    summary = metrics.summarize(results)
    summary.update({
        "dataset": str(args.dataset), "model": settings.model,
        # What `auto` resolved to (the fake model has no settings of its own).
        "quantization": _quantization(pipeline, settings),
        "device": settings.device, "max_new_tokens": settings.max_new_tokens, "limit": args.limit,
        "started_at": started.isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - t0, 1), "interrupted": interrupted,
        "min_accuracy": args.min_accuracy,
    })
    met = args.min_accuracy is None or (summary.get("accuracy") or 0) >= args.min_accuracy
    summary["min_accuracy_met"] = met
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    from eval.report import summary_table, write_report  # matplotlib loads only now

    write_report(args.out, summary, results)
    print(summary_table(summary))
    print(f"\nwrote {args.out}/results.jsonl, summary.json, report.md, report.png")
    if interrupted:
        return 130
    if summary.get("errors"):
        print(f"error: the pipeline raised on {summary['errors']} case(s); see fail_reasons in results.jsonl",
              file=sys.stderr)
        return 1
    if not met:
        print(f"accuracy {summary['accuracy']:.1%} is below --min-accuracy {args.min_accuracy:.1%}", file=sys.stderr)
        return 1
    return 0


def _quantization(pipeline, settings) -> str:
    """What `--quantization auto` resolved to; the setting itself for models without one (fake)."""
    engine = getattr(getattr(pipeline, "chat_model", None), "engine", None)
    model_settings = getattr(engine, "settings", None)
    return getattr(model_settings, "quantization", settings.quantization)
