"""`chatbot.kb.coverage`: the coverage map over the real knowledge base, and its report."""
from pathlib import Path

from chatbot.kb import coverage
from chatbot.kb.loader import DEFAULT_ROOT, load_kb

GOOD = Path(__file__).parent / "fixtures" / "kb" / "good"


def test_every_most_asked_topic_has_an_english_entry():
    rows = coverage.coverage(coverage.load_topics(DEFAULT_ROOT), load_kb(DEFAULT_ROOT))
    assert len(rows) >= 100 and sum(t.asked for t, _, _ in rows) >= 100
    assert not [t.name for t, en, _ in rows if t.asked and not en]


def test_the_report_lists_entries_per_topic_and_names_the_empty_ones(tmp_path):
    (tmp_path / "coverage.yaml").write_text(
        '- {area: Pell, topic: "max Pell", pattern: "max", asked: true}\n'
        '- {area: Loans, topic: "bankruptcy", pattern: "bankrupt", asked: false}\n')
    rows = coverage.coverage(coverage.load_topics(tmp_path), load_kb(GOOD))
    text = coverage.report(rows)
    assert "| Pell | max Pell * | 2 | 1 | pell-max-2026-27, pell-max-2027-28 |" in text
    assert "| Loans | bankruptcy | 0 | 0 | **none** |" in text and "no English entry: bankruptcy" in text
