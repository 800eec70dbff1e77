"""Human-readable eval output: the summary table (stdout and report.md) and the accuracy chart.

`write_report(out_dir, summary, results)` writes OUT/report.md and OUT/report.png (matplotlib, Agg
backend, so it works on a headless CI machine). Called by `python -m eval run`; to redraw a report
from an earlier run:

    python -c "import json,pathlib; from eval.report import write_report; d=pathlib.Path('eval/out/dev'); \
write_report(d, json.loads((d/'summary.json').read_text()), \
[json.loads(l) for l in (d/'results.jsonl').read_text().splitlines()])"
"""
from __future__ import annotations

from pathlib import Path

MAX_FAILURES_LISTED = 60  # the full list is in results.jsonl; the report stays readable


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _secs(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def _cell(text: object, width: int | None = None) -> str:
    """One markdown table cell: no pipes or newlines, optionally shortened."""
    s = " ".join(str(text).split()).replace("|", "\\|")
    return s if width is None or len(s) <= width else s[: width - 1] + "…"


def _rows(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]


def _grouped(groups: dict[str, dict], name: str) -> list[str]:
    return _rows((name, "Cases", "Passed", "Accuracy"),
                 [(k, v["n"], v["passed"], _pct(v["accuracy"])) for k, v in groups.items()])


def _latency(stats: dict, over: str) -> str:
    return f"{_secs(stats.get('p50'))} / {_secs(stats.get('p95'))} ({stats.get('n', 0)} {over})"


def summary_table(summary: dict) -> str:
    """The headline numbers and accuracy by category, as a markdown table (also printed to stdout)."""
    routes = summary.get("route_accuracy", {})
    cites = summary.get("citation_validity", {})
    lat = summary.get("latency", {})
    route_text = ", ".join(f"{k} {_pct(v['accuracy'])} ({v['correct']}/{v['n']})" for k, v in routes.items() if v["n"])
    rows = [
        ("Accuracy", f"{_pct(summary.get('accuracy'))} ({summary.get('passed', 0)}/{summary.get('cases', 0)})"),
        ("Route accuracy", route_text or "n/a"),
        ("Forbidden-hit rate", _pct(summary.get("forbidden_hit_rate"))),
        ("PII echoes", summary.get("pii_echo_count", 0)),
        ("Citation validity", f"{_pct(cites.get('rate'))} of {cites.get('answers_with_numbers', 0)} answers "
                              f"with numbers/dates ({_pct(cites.get('rate_all'))} of all)"),
        ("Grounded", _pct(summary.get("grounded_rate"))),
        ("Time to first text p50 / p95", _latency(lat.get("ttft_s", {}), "answers")
         + f"; {lat.get('streamed', 0)} streamed, the rest appear whole"),
        ("Total time p50 / p95", _latency(lat.get("total_s", {}), "answers")),
        ("Answer tokens (mean)", (summary.get("tokens") or {}).get("mean", "n/a")),
        ("Pipeline errors", summary.get("errors", 0)),
    ]
    if len(cites.get("by_route", {})) > 1:
        rows.append(("Citation validity by route", ", ".join(
            f"{k} {_pct(v['rate'])} ({v['valid']}/{v['n']})" for k, v in cites["by_route"].items())))
    if cites.get("unresolved_citation_ids"):
        rows.append(("Citations to unknown ids", ", ".join(cites["unresolved_citation_ids"])))
    lines = _rows(("Metric", "Value"), rows) + [""] + _grouped(summary.get("by_category", {}), "Category")
    return "\n".join(lines)


def markdown(summary: dict, results: list[dict]) -> str:
    limit = f", first {summary['limit']}" if summary.get("limit") else ""
    head = [
        f"# Eval: {Path(str(summary.get('dataset', '?'))).name} with model `{summary.get('model')}`", "",
        f"{summary.get('cases', 0)} cases{limit}; started {summary.get('started_at')}, took "
        f"{summary.get('duration_s')} s; quantization {summary.get('quantization')}, device {summary.get('device')}, "
        f"max_new_tokens {summary.get('max_new_tokens')}."
        + (" **Interrupted: partial results.**" if summary.get("interrupted") else ""), "",
        "A case passes when the route matches `expect`, every `required` group is matched, no `forbidden` "
        "string appears and no sensitive item the user pasted is repeated (matching rules: DESIGN.md).", "",
        "## Summary", "", summary_table(summary), "",
        "## By language", "", *_grouped(summary.get("by_language", {}), "Language"), "",
        "## By expected route", "", *_grouped(summary.get("by_expect", {}), "Expect"), "",
    ]
    failed = [r for r in results if not r["passed"]]
    body = [f"## Failures ({len(failed)})", ""]
    if failed:
        shown = failed[:MAX_FAILURES_LISTED]
        body += _rows(("Case", "Category", "Why", "Answer (start)"),
                      [(r["id"], r.get("category") or "", "; ".join(r["fail_reasons"]), _cell(r["answer"], 140))
                       for r in shown])
        if len(failed) > len(shown):
            body += ["", f"... and {len(failed) - len(shown)} more in results.jsonl."]
    unsupported = [r for r in results if r.get("unsupported")]
    if unsupported:
        body += ["", f"## Numbers/dates not found in the cited sources ({len(unsupported)} answers)", ""]
        body += _rows(("Case", "Not in a cited source", "Cited"),
                      [(r["id"], ", ".join(r["unsupported"]), ", ".join(c["id"] for c in r["citations"]) or "none")
                       for r in unsupported[:MAX_FAILURES_LISTED]])
    return "\n".join(head + body) + "\n"


def chart(summary: dict, path: Path) -> None:
    """Bar chart of accuracy by category, with case counts and the overall accuracy as a line."""
    import matplotlib

    matplotlib.use("Agg")  # headless: CI and servers have no display
    import matplotlib.pyplot as plt

    groups = summary.get("by_category", {})
    names = list(groups)
    values = [100 * (groups[n]["accuracy"] or 0) for n in names]
    fig, ax = plt.subplots(figsize=(max(6, 0.5 * len(names) + 2), 5.5))
    bars = ax.bar(names, values, color="#3b7dd8")
    for bar, name in zip(bars, names):
        ax.annotate(f"n={groups[name]['n']}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=8)
    if summary.get("accuracy") is not None:
        ax.axhline(100 * summary["accuracy"], color="#d83b3b", linestyle="--",
                   label=f"overall {summary['accuracy']:.1%}")
        ax.legend(loc="upper right")
    ax.set_ylim(0, 118)  # headroom so the legend and the n= labels clear 100% bars
    ax.set_ylabel("accuracy (%)")
    ax.set_title(f"Accuracy by category: {Path(str(summary.get('dataset', ''))).name}, model {summary.get('model')}")
    plt.setp(ax.get_xticklabels(), rotation=45, ha="right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(out_dir: Path, summary: dict, results: list[dict]) -> None:
    out_dir = Path(out_dir)
    (out_dir / "report.md").write_text(markdown(summary, results), encoding="utf-8")
    chart(summary, out_dir / "report.png")
