"""The aid office's report as text: Markdown and a self-contained HTML page (pure functions).

    markdown(data, meta)  -> str      # report.md
    html_page(data, meta) -> str      # report.html; every piece of stored text is escaped

Stored questions and comments were typed by the public: in HTML they are escaped with
html.escape (a comment like `<script>` must show as text, never run, when staff open the report),
and in Markdown their special characters are backslash-escaped so they cannot add links or tables.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from chatbot.report.data import OUTCOME_HELP, OUTCOMES, ReportData
from chatbot.report.charts import CHARTS

MAX_LISTED = 50  # rows per list in the report; the CSV files have everything


@dataclass(frozen=True)
class Meta:
    title: str        # "Student Aid Helper report"
    scope: str        # "school demo-college, since 2026-09-01"
    generated: str    # ISO timestamp, UTC


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md_text(text: str | None) -> str:
    """User text made inert in Markdown: one line, special characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.0f}%"


def _summary_rows(data: ReportData) -> list[tuple[str, str]]:
    span = f"{data.first} to {data.last}" if data.first else "no questions"
    rows = [("Questions", str(data.turns)), ("Days", span)]
    rows += [(f"{name.capitalize()}: {OUTCOME_HELP[name]}", f"{data.outcomes[name]} ({_pct(data.share(name))})")
             for name in OUTCOMES]
    rows += [("Thumbs up / down", f"{data.ratings['up']} / {data.ratings['down']}"),
             ("Thumbs-down rate", _pct(data.down_rate)), ("Comments", str(len(data.comments)))]
    return rows


def markdown(data: ReportData, meta: Meta) -> str:
    out = [f"# {md_text(meta.title)}", "", f"{md_text(meta.scope)}. Generated {meta.generated} (times are UTC).", "",
           "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in _summary_rows(data)]
    out += ["", "## Charts", ""]
    out += [f"![{label}]({name}.png)" for name, label in CHARTS.items()]
    out += ["", "## Top topics", ""]
    out += [f"- {md_text(t)}: {n}" for t, n in data.topics] or ["None in this period."]
    out += ["", "## Questions the bot could not answer", "",
            "Grouped by wording (case and punctuation ignored), most frequent first. Add knowledge for these.", ""]
    out += [f"1. {md_text(q)} ({n}x)" for q, n in data.unanswered[:MAX_LISTED]] or ["None in this period."]
    out += ["", "## Feedback comments", "", "Newest first.", ""]
    out += [f"- **{c['rating'] or 'no rating'}**, {c['created_at']:%Y-%m-%d}: {md_text(c['comment'])}  \n"
            f"  on: {md_text(c['question'])}" for c in data.comments[:MAX_LISTED]] or ["None in this period."]
    out += ["", "Everything, unabridged: `turns.csv` and `feedback.csv`.", ""]
    return "\n".join(out)


def _e(text: object) -> str:
    return html.escape(str(text if text is not None else ""), quote=True)


CSS = """body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1a1a1a;line-height:1.45}table{border-collapse:collapse;margin:1rem 0}
td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}
img{max-width:100%;height:auto;border:1px solid #eee;margin:.5rem 0}.muted{color:#555}"""


def html_page(data: ReportData, meta: Meta) -> str:
    summary = "".join(f"<tr><th scope='row'>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in _summary_rows(data))
    charts = "".join(f"<figure><img src='{_e(name)}.png' alt='{_e(label)} chart'></figure>"
                     for name, label in CHARTS.items())
    topics = "".join(f"<tr><td>{_e(t)}</td><td>{n}</td></tr>" for t, n in data.topics)
    unanswered = "".join(f"<tr><td>{_e(q)}</td><td>{n}</td></tr>" for q, n in data.unanswered[:MAX_LISTED])
    comments = "".join(
        f"<tr><td>{c['created_at']:%Y-%m-%d}</td><td>{_e(c['rating'] or 'no rating')}</td><td>{_e(c['comment'])}</td>"
        f"<td>{_e(c['question'])}</td></tr>" for c in data.comments[:MAX_LISTED])
    none = "<p class='muted'>None in this period.</p>"

    def table(head: str, body: str) -> str:
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>" if body else none

    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(meta.title)}</title><style>{CSS}</style></head>
<body><main>
<h1>{_e(meta.title)}</h1>
<p class="muted">{_e(meta.scope)}. Generated {_e(meta.generated)} (times are UTC).</p>
<table><tbody>{summary}</tbody></table>
<h2>Charts</h2>{charts}
<h2>Top topics</h2>{table("<th>topic</th><th>questions</th>", topics)}
<h2>Questions the bot could not answer</h2>
<p>Grouped by wording (case and punctuation ignored), most frequent first. Add knowledge for these.</p>
{table("<th>question</th><th>times asked</th>", unanswered)}
<h2>Feedback comments</h2><p>Newest first.</p>
{table("<th>date</th><th>rating</th><th>comment</th><th>on the question</th>", comments)}
<p>Everything, unabridged: <a href="turns.csv">turns.csv</a> and <a href="feedback.csv">feedback.csv</a>.</p>
</main></body></html>
"""
