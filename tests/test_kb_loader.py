"""`chatbot.kb.loader`: loading the fixture knowledge base, and `check` catching each kind of broken entry.

Each broken case copies tests/fixtures/kb/good into a temporary folder and breaks one file in one way,
so every assertion shows exactly which problem (and which line) one mistake produces.
"""
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from chatbot.kb import loader as kb

GOOD = Path(__file__).parent / "fixtures" / "kb" / "good"
TODAY = date(2026, 11, 26)
PELL = "pell/pell-max-2026-27.md"


def test_loads_the_good_fixture():
    entries = {e.id: e for e in kb.load_kb(GOOD, TODAY)}
    assert len(entries) == 10  # README.md and school.yaml are not entries
    pell = entries["pell-max-2026-27"]
    assert pell.award_years == ("2026-27",) and pell.status == "confirmed" and pell.lang == "en"
    assert pell.sources[0].date == date(2026, 1, 15) and pell.verified == date(2026, 11, 1)
    assert pell.body.startswith("For 2026-27, the maximum Pell Grant is $7,395")
    assert entries["pslf-basics"].award_years == ("all",)
    assert entries["pell-max-2026-27-es"].lang == "es"
    assert entries["example-college-fafsa-deadline"].school == "example-college"
    new = entries["grad-loan-limits-from-2026-07"]
    assert new.supersedes == "grad-loan-limits-before-2026-07" and new.effective == date(2026, 7, 1)
    assert kb.check(GOOD, TODAY) == []


@pytest.fixture
def broken(tmp_path):
    """Copy the good knowledge base; return a function that edits one file and runs the check."""
    root = tmp_path / "knowledge"
    shutil.copytree(GOOD, root)

    def run(rel: str, old: str, new: str) -> list[kb.Problem]:
        path = root / rel
        text = path.read_text()
        assert old in text, f"fixture changed: {old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1))
        return kb.check(root, TODAY)

    run.root = root
    return run


CASES = [
    # (what breaks, file, old text, new text, expected line, message fragment)
    ("missing field", PELL, "status: confirmed\n", "", 1, "required field 'status' is missing"),
    ("impossible date", PELL, "verified: 2026-11-01", "verified: 2026-02-30", 10, "not a valid date"),
    ("date not ISO", PELL, "date: 2026-01-15", "date: Jan 15 2026", 9, "sources[0].date: 'Jan 15 2026' is not a date"),
    ("future verified date", PELL, "verified: 2026-11-01", "verified: 2027-01-01", 10, "in the future"),
    ("malformed URL", PELL, "url: https://fsapartners", "url: htps//fsapartners", 8, "not a well-formed http(s) URL"),
    ("placeholder URL", PELL, "electronic-announcements/2026-01-15/pell", "...", 8, "looks like a placeholder"),
    ("award year spelled long", PELL, "award_years: [2026-27]", "award_years: [2026-2027]", 5, "write 2026-27"),
    ("award year not a year", PELL, "award_years: [2026-27]", "award_years: [next]", 5, "'next' is not an award year"),
    ("bad status", PELL, "status: confirmed", "status: maybe", 12, "status 'maybe' must be one of"),
    ("empty body", PELL, "For 2026-27, the maximum Pell Grant is $7,395 for a full-time student for the full year and the\n"
     "minimum award is $740.\n", "", 18, "body"),
    ("unknown field", PELL, "status: confirmed", "status: confirmed\ntags: [pell]", 13, "unknown field 'tags'"),
    ("unknown topic", PELL, "topics: [pell]", "topics: [grants]", 4, "unknown topic 'grants'"),
    ("duplicate field", PELL, "status: confirmed", "status: confirmed\nstatus: confirmed", 13, "'status' appears twice"),
    ("id not matching file", PELL, "id: pell-max-2026-27", "id: pell-maximum", 2, "does not match the file name"),
    ("id not a slug", PELL, "id: pell-max-2026-27", "id: Pell_Max", 2, "lowercase letters"),
    ("no front matter", PELL, "---\nid:", "id:", 1, "must start with a '---'"),
    ("invalid YAML", PELL, "topics: [pell]", "topics: [pell", 5, "not valid YAML"),
    ("bad lang", PELL, "status: confirmed", "status: confirmed\nlang: fr", 13, "lang 'fr' must be one of"),
    ("school outside schools/", PELL, "status: confirmed", "status: confirmed\nschool: example-college", 13, "outside knowledge/schools/"),
    ("supersedes unresolved", "loan-limits/grad-loan-limits-from-2026-07.md", "supersedes: grad-loan-limits-before-2026-07",
     "supersedes: grad-loan-limits-old", 13, "no entry has id 'grad-loan-limits-old'"),
    ("supersedes without effective", "loan-limits/grad-loan-limits-from-2026-07.md", "effective: 2026-07-01\n", "", 13,
     "needs an effective date"),
    ("superseded_by unresolved", "loan-limits/grad-loan-limits-before-2026-07.md",
     "superseded_by: grad-loan-limits-from-2026-07", "superseded_by: grad-loan-limits-new", 13, "no entry has id"),
    ("review date not after verified", PELL, "review_by: 2027-07-01", "review_by: 2026-10-01", 11,
     "must come after verified"),
    ("source newer than verified", PELL, "date: 2026-01-15", "date: 2026-11-20", 10, "after verified 2026-11-01"),
    ("too few questions", PELL, "  - how much is the most pell i can get\n  - minimum pell grant 26-27", "", 13,
     "give 3 to 12"),
    ("question listed twice", PELL, "  - minimum pell grant 26-27", "  - Whats the max pell grant for 2026-27", 13,
     "listed twice"),
    ("questions not a list", PELL, "questions:\n  - whats the max pell grant for 2026-27\n", "questions: max pell\n", 13,
     "must be a list of question texts"),
]


@pytest.mark.parametrize("what, rel, old, new, line, fragment", CASES, ids=[c[0] for c in CASES])
def test_check_catches(broken, what, rel, old, new, line, fragment):
    problems = broken(rel, old, new)
    assert problems, f"{what}: no problem reported"
    mine = [p for p in problems if p.path.endswith(rel) and fragment in p.message]
    assert mine, f"{what}: expected {fragment!r} in {rel}, got:\n" + "\n".join(map(str, problems))
    assert mine[0].line == line, str(mine[0])


def test_links_must_agree(broken):
    # the old entry now names another replacement, contradicting the new entry's supersedes
    problems = broken("loan-limits/grad-loan-limits-before-2026-07.md", "superseded_by: grad-loan-limits-from-2026-07",
                      "superseded_by: pslf-basics")
    new = "loan-limits/grad-loan-limits-from-2026-07.md"
    assert [(p.line, p.message) for p in problems if p.path.endswith(new)] == [
        (13, "supersedes: 'grad-loan-limits-before-2026-07' says its superseded_by is 'pslf-basics', "
             "not 'grad-loan-limits-from-2026-07'")
    ]


def test_duplicate_ids_name_both_files(broken):
    other = broken.root / "other" / "pell-max-2026-27.md"
    other.parent.mkdir()
    shutil.copy(broken.root / PELL, other)
    problems = kb.check(broken.root, TODAY)
    dupes = [p for p in problems if "is also used by" in p.message]
    assert len(dupes) == 2 and {Path(p.path).parent.name for p in dupes} == {"pell", "other"}
    assert all(p.line == 2 for p in dupes)


def test_school_entry_must_live_in_its_folder(broken):
    problems = broken("schools/example-college/example-college-fafsa-deadline.md", "school: example-college", "school: other-college")
    assert any("knowledge/schools/example-college/" in p.message for p in problems), problems


def test_load_kb_refuses_a_broken_base(broken):
    broken(PELL, "status: confirmed", "status: maybe")
    with pytest.raises(kb.KBError, match="status 'maybe'"):
        kb.load_kb(broken.root, TODAY)


def test_missing_folder_empty_folder_and_non_utf8_file_are_problems(tmp_path):
    assert "not found" in kb.check(tmp_path / "nope")[0].message
    assert "no knowledge files" in kb.check(tmp_path)[0].message
    (tmp_path / "latin1.md").write_bytes("---\ntitle: Préstamos\n---\n".encode("latin-1"))
    assert "not UTF-8" in kb.check(tmp_path)[0].message


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "chatbot.kb", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=Path(__file__).parent.parent)


def test_cli_exit_codes(broken):
    ok = _cli("check", "--root", str(GOOD))
    assert ok.returncode == 0 and "0 problem(s)" in ok.stdout
    broken(PELL, "status: confirmed", "status: maybe")
    bad = _cli("check", env={"CHATBOT_KNOWLEDGE": str(broken.root)})
    assert bad.returncode == 1
    assert f"{broken.root / PELL}:12: status 'maybe'" in bad.stdout


def test_an_entry_past_its_review_date_fails_the_check_but_still_loads(tmp_path):
    root = tmp_path / "knowledge"
    shutil.copytree(GOOD, root)
    late = date(2027, 7, 2)  # the day after the fixtures' review_by
    overdue = [p for p in kb.check(root, late) if "has passed" in p.message]
    assert len(overdue) == 10 and all(p.line > 1 for p in overdue)
    assert len(kb.load_kb(root, late)) == 10  # the bot keeps answering; `kb check` is what fails


def test_stale_lists_the_soonest_review_first(tmp_path, capsys):
    root = tmp_path / "knowledge"
    shutil.copytree(GOOD, root)
    path = root / "pslf" / "pslf-basics.md"
    path.write_text(path.read_text().replace("review_by: 2027-07-01", "review_by: 2027-01-15"))
    order = [e.id for e in kb.stale(kb.load_kb(root, TODAY))]
    assert order[0] == "pslf-basics" and len(order) == 10
    assert kb.main(["stale", "--root", str(root), "--limit", "2"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("2027-01-15") and "pslf-basics" in lines[0]
