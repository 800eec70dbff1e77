"""The aid office's report: pure aggregation on in-memory rows, then the command on a real SQLite file.

    python -m pytest tests/test_report_cli.py
"""
from __future__ import annotations

import csv
import re
from datetime import date, datetime

import pytest

from chatbot.answers import Answer, Citation
from chatbot.store.feedback import TurnRecord
from chatbot.report.cli import kb_topics, main, spreadsheet_safe
from chatbot.report.data import (
    group_questions, normalize_question, outcome, per_day, summarize, top_topics, topic_from_id,
)
from chatbot.report.render import Meta, html_page, markdown, md_text
from chatbot.store.storage import Store
from tests.conftest import run_cli

XSS = "<script>alert('x')</script>"


def row(route="answer", flags=(), status="complete", question="q", at=datetime(2026, 9, 1, 10), cites=()):
    return {"route": route, "flags": list(flags), "status": status, "question": question, "created_at": at,
            "citations": [{"id": c} for c in cites]}


# -- pure aggregation -------------------------------------------------------------------------------
@pytest.mark.parametrize("r, expected", [
    (row("answer"), "answered"),
    (row("calculator"), "answered"),
    (row("answer", ["fallback"]), "not sure"),
    (row("abstain", ["low-confidence"]), "not sure"),
    (row("redirect"), "redirected"),
    (row("refuse"), "other"),
    (row("warn_pii"), "other"),
    (row("smalltalk"), "other"),
    (row(None, status="started"), "incomplete"),
    (row("answer", status="failed"), "incomplete"),
])
def test_each_turn_has_one_outcome(r, expected):
    assert outcome(r) == expected


def test_questions_are_grouped_by_normalized_wording():
    assert normalize_question("  How do I APPEAL my SAI?!") == normalize_question("how do i appeal my sai")
    assert normalize_question("my ssn is [SSN removed]") == "my ssn is [ssn_removed]"
    groups = group_questions(["Why was I selected?", "How do I appeal my SAI?", "how do i appeal my sai",
                              "How do I appeal my SAI?", "Zelle scam?", "  ", "?"])
    assert groups == [("How do I appeal my SAI?", 3), ("Why was I selected?", 1), ("Zelle scam?", 1)]


def test_days_without_questions_count_as_zero():
    assert per_day([]) == []
    assert per_day([date(2026, 9, 3), date(2026, 9, 1), date(2026, 9, 1)]) == [
        (date(2026, 9, 1), 2), (date(2026, 9, 2), 0), (date(2026, 9, 3), 1)]


def test_a_turn_counts_once_per_topic():
    rows = [row(cites=["pell-max-award", "pell-eligibility"]), row(cites=["loans-limits"]),
            row(cites=["pell-lifetime"])]
    assert top_topics(rows, topic_from_id) == [("pell", 2), ("loans", 1)]
    assert top_topics(rows, topic_from_id, n=1) == [("pell", 2)]


def test_topics_come_from_the_knowledge_base_when_it_has_the_id():
    topics_of = kb_topics()
    assert topics_of("taxes-prior-prior-year") == ("taxes", "fafsa")
    assert topics_of("gone-from-the-kb") == ("gone",)


def test_summarize_counts_everything():
    turns = [row("answer", cites=["pell-a"]), row("abstain", ["low-confidence"], question="Appeal?"),
             row("abstain", ["low-confidence"], question="appeal", at=datetime(2026, 9, 3)), row("redirect")]
    feedback = [{"rating": "up", "comment": None, "created_at": datetime(2026, 9, 1, 11), "question": "q"},
                {"rating": "down", "comment": "old", "created_at": datetime(2026, 9, 1, 12), "question": "q"},
                {"rating": None, "comment": "newest", "created_at": datetime(2026, 9, 3, 9), "question": "q"}]
    data = summarize(turns, feedback)
    assert data.turns == 4 and data.per_day == [(date(2026, 9, 1), 3), (date(2026, 9, 2), 0), (date(2026, 9, 3), 1)]
    assert data.outcomes == {"answered": 1, "not sure": 2, "redirected": 1, "other": 0, "incomplete": 0}
    assert data.share("not sure") == 0.5 and data.down_rate == 0.5 and data.ratings == {"up": 1, "down": 1}
    assert data.ratings_per_day == [(date(2026, 9, 1), 1, 1)]
    assert data.unanswered == [("Appeal?", 2)] and [c["comment"] for c in data.comments] == ["newest", "old"]
    empty = summarize([], [])
    assert empty.turns == 0 and empty.down_rate is None and empty.share("answered") == 0.0


# -- rendering: user text stays text -------------------------------------------------------------------
def test_user_text_cannot_inject_markup():
    assert md_text(f"a | b [link](http://x) {XSS}\nnext") == (
        r"a \| b \[link\]\(http://x\) \<script\>alert\('x'\)\</script\> next")
    data = summarize([row("abstain", ["low-confidence"], question=XSS)],
                     [{"rating": "down", "comment": XSS, "created_at": datetime(2026, 9, 1), "question": XSS}])
    page = html_page(data, Meta("Report", XSS, "now"))
    assert "<script" not in page and page.count("&lt;script&gt;") == 4
    assert not re.search(r"(?<!\\)<", markdown(data, Meta("Report", "scope", "now")))  # every "<" escaped


def test_csv_cells_cannot_become_spreadsheet_formulas():
    assert spreadsheet_safe('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert [spreadsheet_safe(v) for v in ("+1", "-x", "@SUM(A1)", "fine", 3, None)] == [
        "'+1", "'-x", "'@SUM(A1)", "fine", 3, None]


# -- the command on a database with known rows -----------------------------------------------------------
def _turn(store, turn_id, at, route="answer", flags=(), question="What is the max Pell Grant?", school=None,
          cite="pell-max-award"):
    cites = [Citation(cite, "t", "https://studentaid.gov", "2026-27")] if cite else []
    store.record_turn(TurnRecord(turn_id, question, Answer("text", cites, route, True, list(flags)), "s", school, "en",
                                 datetime.fromisoformat(at)))


@pytest.fixture
def known_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'known.db'}"
    store = Store(url)
    _turn(store, "t1", "2026-09-01T09:00", cite="sai-what-is-it")
    _turn(store, "t2", "2026-09-01T10:00", "abstain", ["low-confidence"], "How do I appeal my SAI?", cite=None)
    _turn(store, "t3", "2026-09-01T11:00", "abstain", ["low-confidence"], "how do i appeal my sai", cite=None)
    _turn(store, "t4", "2026-09-02T09:00", "redirect", question=f"I need a person {XSS}", cite="help-contact")
    _turn(store, "t5", "2026-09-02T10:00", "answer", ["fallback"])
    _turn(store, "t6", "2026-09-02T11:00", "calculator", school="demo-college", cite="pell-max-award")
    _turn(store, "t8", "2026-09-04T10:00", "refuse", question="write my essay", cite=None)
    store.start_turn("t7", "When is the FAFSA due?", at=datetime(2026, 9, 4, 9))  # crashed mid-answer
    store.record_feedback("t1", "up")
    store.record_feedback("t4", "down", XSS)
    store.record_feedback("t6", "down", '=HYPERLINK("http://evil")')
    store.close()
    return url


def test_the_report_has_every_file_and_the_right_counts(known_db, tmp_path):
    out = tmp_path / "report"
    assert main(["--database", known_db, "--out", str(out)]) == 0
    names = {"report.md", "report.html", "turns.csv", "feedback.csv", "questions_per_day.png", "top_topics.png",
             "outcomes.png", "thumbs_down.png"}
    assert names <= {p.name for p in out.iterdir()}
    for png in out.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    md = (out / "report.md").read_text()
    for line in ("| Questions | 8 |", "| Days | 2026-09-01 to 2026-09-04 |", "| Thumbs up / down | 1 / 2 |",
                 "| Thumbs-down rate | 67% |", "| Comments | 2 |", "1. How do I appeal my SAI? (2x)"):
        assert line in md, line
    assert "| Answered: answered from the knowledge base or a calculator | 2 (25%) |" in md
    assert "| Not sure: abstained, low confidence, or fell back to the source passage | 3 (38%) |" in md
    assert "| Incomplete: never finished (crash or error) | 1 (12%) |" in md
    assert "- sai: 1" in md and "- help: 1" in md  # topics from the knowledge base's entries
    page = (out / "report.html").read_text()
    assert "<script" not in page and "&lt;script&gt;" in page and "<img src='outcomes.png'" in page
    with open(out / "turns.csv", newline="") as f:
        turns = list(csv.DictReader(f))
    assert len(turns) == 8 and {t["id"]: t["status"] for t in turns}["t7"] == "started"
    assert {t["id"]: t["outcome"] for t in turns}["t5"] == "not sure"
    with open(out / "feedback.csv", newline="") as f:
        feedback = {r["turn_id"]: r for r in csv.DictReader(f)}
    assert set(feedback) == {"t1", "t4", "t6"} and feedback["t6"]["comment"].startswith("'=HYPERLINK")


def test_school_and_since_narrow_the_report(known_db, tmp_path):
    assert main(["--database", known_db, "--out", str(tmp_path / "a"), "--school", "demo-college"]) == 0
    md = (tmp_path / "a" / "report.md").read_text()
    assert "| Questions | 1 |" in md and "school demo-college" in md and "| Thumbs up / down | 0 / 1 |" in md
    assert main(["--database", known_db, "--out", str(tmp_path / "b"), "--since", "2026-09-02"]) == 0
    md = (tmp_path / "b" / "report.md").read_text()
    assert "| Questions | 5 |" in md and "None in this period." in md  # both unanswered questions were earlier


def test_an_empty_database_still_gives_a_whole_report(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    Store(url).close()
    assert main(["--database", url, "--out", str(tmp_path / "out")]) == 0
    assert "| Questions | 0 |" in (tmp_path / "out" / "report.md").read_text()
    assert len(list((tmp_path / "out").glob("*.png"))) == 4


def test_bad_arguments_give_clear_errors(tmp_path, capsys):
    missing = tmp_path / "nope.db"
    assert main(["--database", f"sqlite:///{missing}", "--out", str(tmp_path / "out")]) == 2
    assert f"no database at {missing}" in capsys.readouterr().err and not missing.exists()
    with pytest.raises(SystemExit):
        main(["--out", str(tmp_path), "--since", "last week"])
    assert "not a date (YYYY-MM-DD): 'last week'" in capsys.readouterr().err


def test_the_command_is_reachable_from_python_m_chatbot(known_db, tmp_path):
    result = run_cli("-m", "chatbot", "report", "--database", known_db, "--out", str(tmp_path / "cli"), timeout=120)
    assert result.returncode == 0, result.stderr
    assert str(tmp_path / "cli" / "report.html") in result.stdout
