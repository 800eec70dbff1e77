"""The aid office's report as numbers: pure functions over stored rows (no database, no files).

Rows are the dicts `Store.turn_rows()` / `Store.feedback_rows()` return, so tests build them by hand:

    data = summarize(turns, feedback, topics_of=topic_from_id)
    data.outcomes      -> {"answered": 40, "not sure": 7, "redirected": 3, "other": 2, "incomplete": 1}
    data.unanswered    -> [("how do i appeal my sai", 4), ...]  most frequent first

chatbot/report/cli.py turns this into files; chatbot/report/charts.py draws it.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Iterable

# "not sure": the bot abstained, or its draft failed the grounding check and it showed the source
# passage instead (fallback), or retrieval found nothing close enough (low-confidence).
OUTCOMES = ("answered", "not sure", "redirected", "other", "incomplete")
OUTCOME_HELP = {
    "answered": "answered from the knowledge base or a calculator",
    "not sure": "abstained, low confidence, or fell back to the source passage",
    "redirected": "sent to the aid office or 1-800-4-FED-AID",
    "other": "declined off-topic, warned about sensitive data, or small talk",
    "incomplete": "never finished (crash or error)",
}


def outcome(row: dict) -> str:
    if row.get("status") != "complete":
        return "incomplete"
    flags, route = row.get("flags") or [], row.get("route")
    if route == "abstain" or "fallback" in flags or "low-confidence" in flags:
        return "not sure"
    if route == "redirect":
        return "redirected"
    return "answered" if route in ("answer", "calculator") else "other"


def could_not_answer(row: dict) -> bool:
    """The questions the office should add knowledge for: the bot abstained or had low confidence."""
    return row.get("status") == "complete" and (
        row.get("route") == "abstain" or "low-confidence" in (row.get("flags") or []))


_PLACEHOLDER = re.compile(r"\[[^\]]* removed\]")
_NOT_WORD = re.compile(r"[^\w\[\]]+")


def normalize_question(text: str) -> str:
    """Lower case, punctuation and extra spaces gone: 'How do I appeal?!' == 'how do i  appeal'."""
    text = _PLACEHOLDER.sub(lambda m: m.group(0).replace(" ", "_"), text.lower())  # keep "[ssn_removed]" whole
    return _NOT_WORD.sub(" ", text).strip()


def group_questions(texts: Iterable[str]) -> list[tuple[str, int]]:
    """(the most common spelling, count) per normalized question, most frequent first, ties by text."""
    groups: dict[str, Counter] = {}
    for text in texts:
        key = normalize_question(text)
        if key:
            groups.setdefault(key, Counter())[text.strip()] += 1
    out = [(spellings.most_common(1)[0][0], sum(spellings.values())) for spellings in groups.values()]
    return sorted(out, key=lambda item: (-item[1], item[0].lower()))


def per_day(days: Iterable[date]) -> list[tuple[date, int]]:
    """Counts per day from the first to the last day, days with nothing included as 0."""
    counts = Counter(days)
    if not counts:
        return []
    first, last = min(counts), max(counts)
    return [(first + timedelta(n), counts.get(first + timedelta(n), 0)) for n in range((last - first).days + 1)]


def topic_from_id(citation_id: str) -> tuple[str, ...]:
    """Without the knowledge base: knowledge ids start with their folder's topic ("pell-max-award")."""
    return (citation_id.split("-", 1)[0],) if citation_id else ()


def top_topics(rows: Iterable[dict], topics_of: Callable[[str], tuple[str, ...]], n: int = 10) -> list[tuple[str, int]]:
    """Turns per topic of their citations; a turn counts once per topic however many sources it cites."""
    counts: Counter = Counter()
    for row in rows:
        counts.update({t for c in row.get("citations") or [] for t in topics_of(c.get("id", ""))})
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]


@dataclass
class ReportData:
    turns: int
    per_day: list[tuple[date, int]]
    outcomes: dict[str, int]
    topics: list[tuple[str, int]]
    ratings: dict[str, int]            # {"up": n, "down": n}
    ratings_per_day: list[tuple[date, int, int]]  # (day, up, down)
    unanswered: list[tuple[str, int]]
    comments: list[dict]               # newest first: created_at, rating, comment, question
    first: date | None = None
    last: date | None = None

    @property
    def down_rate(self) -> float | None:
        rated = self.ratings["up"] + self.ratings["down"]
        return self.ratings["down"] / rated if rated else None

    def share(self, name: str) -> float:
        return self.outcomes.get(name, 0) / self.turns if self.turns else 0.0


def summarize(turns: list[dict], feedback: list[dict],
              topics_of: Callable[[str], tuple[str, ...]] = topic_from_id) -> ReportData:
    days = [row["created_at"].date() for row in turns]
    outcomes = Counter(outcome(row) for row in turns)
    rated = [f for f in feedback if f.get("rating") in ("up", "down")]
    ratings = Counter(f["rating"] for f in rated)
    by_day = Counter((f["created_at"].date(), f["rating"]) for f in rated)
    rated_days = [d for d, _ in per_day(f["created_at"].date() for f in rated)]
    comments = sorted((f for f in feedback if f.get("comment")), key=lambda f: f["created_at"], reverse=True)
    return ReportData(
        turns=len(turns),
        per_day=per_day(days),
        outcomes={name: outcomes.get(name, 0) for name in OUTCOMES},
        topics=top_topics(turns, topics_of),
        ratings={"up": ratings.get("up", 0), "down": ratings.get("down", 0)},
        ratings_per_day=[(d, by_day[(d, "up")], by_day[(d, "down")]) for d in rated_days],
        unanswered=group_questions(row["question"] for row in turns if could_not_answer(row)),
        comments=[{k: f.get(k) for k in ("created_at", "rating", "comment", "question")} for f in comments],
        first=min(days) if days else None,
        last=max(days) if days else None,
    )
