"""`python -m eval sai [--cases FILE] [--json] [--show N]`: the SAI/Pell estimator against the
Department's 2025-26 test ISIRs.

For every record that has an SAI it runs the estimator on the record's inputs and compares: exact SAI,
Pell eligibility flag, Max Pell and Min Pell indicators, and, for records with worksheet values, every
worksheet line (a mismatch names the first line that differs). Records without any family size on the
ISIR are counted apart, with the size inferred (see eval/sai_isir.py).
"""
from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from eval.sai_isir import RecordCheck, check_record

DEFAULT_CASES = Path(__file__).parent / "datasets" / "isir-2025-26-cases.jsonl"
GROUPS = (("A", "Formula A (dependent)"), ("B", "Formula B (independent, no dependents)"),
          ("C", "Formula C (independent, with dependents)"), ("none", "No worksheet (Max Pell short-cut)"))
MEASURES = ("sai", "pell", "max_ind", "min_ind")


def load_cases(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate(records: list[dict]) -> list[RecordCheck]:
    return [check_record(r) for r in records if r["outputs"]["has_sai"]]


def evaluate_provisional(records: list[dict]) -> list[RecordCheck]:
    """Records with only a provisional SAI (not part of the main table; the Pell fields are blank)."""
    return [check_record(r) for r in records
            if not r["outputs"]["has_sai"] and r["outputs"]["provisional_sai"] is not None]


def summarize(checks: list[RecordCheck]) -> dict:
    def tally(rows: list[RecordCheck]) -> dict:
        out = {"records": len(rows)}
        for m in MEASURES:
            out[m] = sum(1 for c in rows if not c.error and getattr(c, m)[0] == getattr(c, m)[1])
        ws = [c for c in rows if c.lines_compared]
        out["worksheet_records"] = len(ws)
        out["worksheet_all_lines_equal"] = sum(1 for c in ws if c.first_diff is None)
        return out

    by_group = defaultdict(list)
    for c in checks:
        by_group[c.group].append(c)
    return {
        "overall": tally(checks),
        "by_formula": {g: tally(by_group[g]) for g, _ in GROUPS},
        "family_size_inferred": tally([c for c in checks if c.size_inferred]),
        "mismatches": [_mismatch(c) for c in checks if not c.all_match or c.first_diff],
    }


def _mismatch(c: RecordCheck) -> dict:
    out = {"record_id": c.record_id, "group": c.group}
    for m in MEASURES:
        ours, theirs = getattr(c, m)
        if ours != theirs:
            out[m] = {"ours": ours, "department": theirs}
    if c.first_diff:
        line, ours, theirs = c.first_diff
        out["first_worksheet_diff"] = {"line": line, "ours": ours, "department": theirs}
    if c.error:
        out["error"] = c.error
    return out


def report(summary: dict, show: int) -> str:
    def row(label: str, t: dict) -> str:
        n = t["records"]
        cells = [f"{t[m]}/{n}" for m in MEASURES]
        ws = f"{t['worksheet_all_lines_equal']}/{t['worksheet_records']}" if t["worksheet_records"] else "-"
        return f"{label:<44}{n:>8}" + "".join(f"{c:>13}" for c in cells) + f"{ws:>13}"

    head = f"{'':<44}{'records':>8}{'exact SAI':>13}{'Pell flag':>13}{'Max Pell ind':>13}{'Min Pell ind':>13}{'worksheet':>13}"
    lines = [head]
    lines += [row(label, summary["by_formula"][g]) for g, label in GROUPS]
    lines.append(row("All records with an SAI", summary["overall"]))
    lines.append(row("  of which: no family size on the ISIR", summary["family_size_inferred"]))
    overall = summary["overall"]
    n = overall["records"] or 1
    lines.append(f"\nExact SAI: {overall['sai']}/{overall['records']} ({100 * overall['sai'] / n:.1f}%)")
    if "provisional_sai" in summary:
        p = summary["provisional_sai"]
        lines.append(f"Provisional SAIs (provisional independent students, not counted above): {p['sai']}/{p['records']}")
    mism = summary["mismatches"]
    lines.append(f"Mismatching records: {len(mism)}")
    for m in mism[:show]:
        lines.append("  " + json.dumps(m))
    if len(mism) > show:
        lines.append(f"  ... {len(mism) - show} more (use --show N or --json)")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval sai", description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES, help=f"JSONL of test ISIRs (default {DEFAULT_CASES})")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    ap.add_argument("--show", type=int, default=20, help="how many mismatching records to list")
    args = ap.parse_args(argv)
    if not args.cases.exists():
        print(f"cases file not found: {args.cases}")
        return 2
    records = load_cases(args.cases)
    summary = summarize(evaluate(records))
    prov = evaluate_provisional(records)
    summary["provisional_sai"] = {"records": len(prov), "sai": sum(c.sai[0] == c.sai[1] for c in prov)}
    print(json.dumps(summary, indent=2) if args.json else report(summary, args.show))
    return 0
