"""PNG charts for the aid office's report (matplotlib, Agg backend: no display needed).

    paths = write_charts(data, out_dir)   # data: report_data.ReportData

Writes questions_per_day.png, top_topics.png, outcomes.png and thumbs_down.png; an empty period
still gets each chart, saying there is nothing to show, so the report's links never break.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot: a server has no display
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from chatbot.report.data import OUTCOMES, ReportData  # noqa: E402

CHARTS = {
    "questions_per_day": "Questions per day",
    "top_topics": "Top topics",
    "outcomes": "Answered, not sure, redirected",
    "thumbs_down": "Thumbs-down rate",
}
COLORS = {"answered": "#2e7d32", "not sure": "#ef6c00", "redirected": "#1565c0", "other": "#757575",
          "incomplete": "#c62828", "down": "#c62828"}


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12, color="#555555", transform=ax.transAxes)
    ax.set_axis_off()


def _days(ax, days) -> None:
    # A label per day is unreadable past a few weeks; let matplotlib pick, and keep them short.
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))
    ax.figure.autofmt_xdate()
    if len(days) < 7:  # otherwise one or two bars stretch across the whole chart
        middle = days[0] + (days[-1] - days[0]) / 2
        ax.set_xlim(middle - timedelta(days=4), middle + timedelta(days=4))
        ax.set_xticks(days)


def questions_per_day(ax, data: ReportData) -> None:
    if not data.per_day:
        return _empty(ax, "No questions in this period")
    days, counts = zip(*data.per_day)
    ax.bar(days, counts, color="#1565c0", width=0.8)
    ax.set_ylabel("questions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    _days(ax, days)


def top_topics(ax, data: ReportData) -> None:
    if not data.topics:
        return _empty(ax, "No cited answers in this period")
    names, counts = zip(*reversed(data.topics))  # largest at the top
    bars = ax.barh(names, counts, color="#1565c0")
    ax.bar_label(bars, padding=3)
    ax.set_xlabel("questions citing the topic")
    ax.xaxis.get_major_locator().set_params(integer=True)


def outcomes(ax, data: ReportData) -> None:
    if not data.turns:
        return _empty(ax, "No questions in this period")
    names = [n for n in OUTCOMES if data.outcomes[n] or n != "incomplete"]
    shares = [100 * data.share(n) for n in names]
    bars = ax.barh(names[::-1], shares[::-1], color=[COLORS[n] for n in names[::-1]])
    ax.bar_label(bars, labels=[f"{s:.0f}% ({data.outcomes[n]})" for n, s in zip(names[::-1], shares[::-1])], padding=3)
    ax.set_xlim(0, 115)
    ax.set_xlabel(f"share of {data.turns} questions (%)")


def thumbs_down(ax, data: ReportData) -> None:
    """Share of each day's ratings that were thumbs down, labelled "down/rated"."""
    if not data.ratings_per_day:
        return _empty(ax, "No ratings in this period")
    days = [d for d, up, down in data.ratings_per_day if up + down]
    rated = [(up, down) for _, up, down in data.ratings_per_day if up + down]
    rates = [100 * down / (up + down) for up, down in rated]
    bars = ax.bar(days, rates, color=COLORS["down"], width=0.8)
    ax.bar_label(bars, labels=[f"{down}/{up + down}" for up, down in rated], padding=2, fontsize=8)
    ax.set_ylim(0, 110)
    ax.set_ylabel("thumbs down (% of ratings)")
    _days(ax, days)


def write_charts(data: ReportData, out_dir: Path) -> dict[str, Path]:
    """Draw every chart into out_dir; returns {name: path}."""
    out_dir = Path(out_dir)
    drawers = {"questions_per_day": questions_per_day, "top_topics": top_topics, "outcomes": outcomes,
               "thumbs_down": thumbs_down}
    paths = {}
    for name, draw in drawers.items():
        fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
        try:
            draw(ax, data)
            title = CHARTS[name]
            if name == "thumbs_down" and data.down_rate is not None:
                title += f": {100 * data.down_rate:.0f}% of {sum(data.ratings.values())} ratings"
            ax.set_title(title, loc="left", fontsize=13)
            fig.tight_layout()
            paths[name] = out_dir / f"{name}.png"
            fig.savefig(paths[name])
        finally:
            plt.close(fig)  # the report may run inside a long-lived process
    return paths
