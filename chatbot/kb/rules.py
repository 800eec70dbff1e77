"""The rules a knowledge file must follow (knowledge/README.md), as checks that report problems.

`chatbot.kb.loader` reads each file's front matter and hands the values here: `check_fields` validates one
file and `cross_check` the links between files. Every problem names its file and line, so the
output of `python -m chatbot.kb check` leads straight to the mistake.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from chatbot import award_year
from chatbot.lang import LANGUAGES

REQUIRED = ("id", "title", "topics", "award_years", "sources", "verified", "review_by", "status", "questions")
OPTIONAL = ("supersedes", "superseded_by", "effective", "school", "lang")
MIN_QUESTIONS, MAX_QUESTIONS = 3, 12
STATUSES = ("confirmed", "unconfirmed")
TOPICS = frozenset(
    "fafsa deadlines sai dependency pell workforce-pell fseog work-study teach loans loan-limits "
    "interest-rates parent-plus grad-loans repayment pslf default eligibility verification "
    "special-circumstances coa award-letters scams help state-aid taxes school myths "
    "withdrawals sap disbursement consolidation forgiveness deferment fsa-id".split()
)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class FileProblems:
    """The problems of one file; `lines` maps each front-matter field to its line number."""

    def __init__(self, path: Path, root: Path):
        self.path, self.root = path, root
        self.problems: list[Problem] = []
        self.lines: dict[str, int] = {}

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(str(self.path), line, message))

    def at(self, key: str, message: str) -> None:
        self.add(self.lines.get(key, 1), message)


def parse_date(f: FileProblems, key: str, value: object, line: int, latest: date | None) -> date | None:
    if not isinstance(value, str) or not ISO_DATE.match(value):
        f.add(line, f"{key}: {value!r} is not a date; write YYYY-MM-DD")
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        f.add(line, f"{key}: {value!r} is not a valid date ({exc})")
        return None
    if latest and parsed > latest:
        f.add(line, f"{key}: {value} is in the future")
    return parsed


def url_problem(url: object) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return "url is missing"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or "." not in parts.netloc or re.search(r"\s", url):
        return f"url {url!r} is not a well-formed http(s) URL"
    if "..." in url or "example.com" in parts.netloc:
        return f"url {url!r} looks like a placeholder"
    return None


def check_sources(f: FileProblems, value: object, lines: list[dict[str, int]], today: date) -> list[dict]:
    """The valid sources as {title, url, date}; `lines[i]` maps source i's sub-fields (and "-",
    the item itself) to line numbers, so a bad url or date points at its own line."""
    if not isinstance(value, list) or not value:
        f.at("sources", "sources must be a non-empty list of {title, url, date}")
        return []
    out = []
    for i, item in enumerate(value):
        at = lines[i] if i < len(lines) else {}
        line = at.get("-", f.lines.get("sources", 1))
        if not isinstance(item, dict):
            f.add(line, f"sources[{i}] must be a mapping with title, url and date")
            continue
        extra = sorted(map(str, set(item) - {"title", "url", "date"}))
        if extra:
            f.add(line, f"sources[{i}]: unknown field(s) {', '.join(extra)}")
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            f.add(line, f"sources[{i}]: title is missing")
        bad_url = url_problem(item.get("url"))
        if bad_url:
            f.add(at.get("url", line), f"sources[{i}]: {bad_url}")
        when = parse_date(f, f"sources[{i}].date", item.get("date"), at.get("date", line), today)
        if isinstance(title, str) and title.strip() and not bad_url and when:
            out.append({"title": title.strip(), "url": item["url"].strip(), "date": when})
    return out


def check_questions(f: FileProblems, value: object) -> tuple[str, ...]:
    """The 3-12 questions an entry answers, as people put them: retrieval matches a user's question
    to these as well as to the text, so an entry is found by how students ask, not by our wording."""
    if not isinstance(value, list) or not all(isinstance(q, str) and q.strip() for q in value):
        f.at("questions", f"questions must be a list of question texts, got {value!r}")
        return ()
    if not MIN_QUESTIONS <= len(value) <= MAX_QUESTIONS:
        f.at("questions", f"questions lists {len(value)} phrasing(s); give {MIN_QUESTIONS} to {MAX_QUESTIONS}")
    seen = set()
    for q in value:
        if q.strip().lower() in seen:
            f.at("questions", f"question {q!r} is listed twice")
        seen.add(q.strip().lower())
    return tuple(q.strip() for q in value)


def check_dates(f: FileProblems, clean: dict) -> None:
    """A source cannot be newer than the day we checked it, and a review date comes after that day."""
    verified, review_by = clean.get("verified"), clean.get("review_by")
    if verified:
        for i, s in enumerate(clean["sources"]):
            if s["date"] > verified:
                f.at("verified", f"sources[{i}] is dated {s['date']}, after verified {verified}: re-check the entry")
    if verified and review_by and review_by <= verified:
        f.at("review_by", f"review_by {review_by} must come after verified {verified}")


def check_award_years(f: FileProblems, value: object) -> tuple[str, ...]:
    if value == award_year.ALL or value == [award_year.ALL]:
        return (award_year.ALL,)
    if not isinstance(value, list) or not value:
        f.at("award_years", f"award_years must be a list like [2026-27] or 'all', got {value!r}")
        return ()
    years = []
    for item in value:
        if isinstance(item, str) and award_year.is_valid(item):
            years.append(item)
            continue
        try:
            hint = f"; write {award_year.normalize(str(item))}"
        except ValueError:
            hint = ""
        f.at("award_years", f"award_years: {item!r} is not an award year like 2026-27{hint}")
    return tuple(years)


def _check_identity(f: FileProblems, data: dict) -> None:
    """id, lang and school agree with each other and with where the file lives."""
    entry_id, name = data.get("id"), f.path.name
    if entry_id is not None and (not isinstance(entry_id, str) or not SLUG.match(entry_id)):
        f.at("id", f"id {entry_id!r} must be lowercase letters, digits and single hyphens")
        entry_id = None
    elif entry_id and name not in (f"{entry_id}.md", f"{entry_id.removesuffix('-es')}.es.md"):
        f.at("id", f"id {entry_id!r} does not match the file name {name!r}")
    lang = data.get("lang", "en")
    if lang not in LANGUAGES:
        f.at("lang", f"lang {lang!r} must be one of: {', '.join(LANGUAGES)}")
    elif lang == "es" and entry_id and not entry_id.endswith("-es"):
        f.at("id", f"a Spanish entry's id ends in -es (got {entry_id!r})")
    school = data.get("school")
    parts = f.path.relative_to(f.root).parts if f.path.is_relative_to(f.root) else ()
    folder = parts[1] if len(parts) > 2 and parts[0] == "schools" else None
    if school is not None and (not isinstance(school, str) or not SLUG.match(school)):
        f.at("school", f"school must be a school id like example-college, got {school!r}")
    elif school != folder:
        where = f"knowledge/schools/{folder}/" if folder else "outside knowledge/schools/"
        f.at("school" if school else "id", f"school is {school!r} but the file is {where}")


def check_fields(f: FileProblems, data: dict, source_lines: list[dict[str, int]], body: str, body_line: int,
                 today: date) -> dict:
    """Validate one file's front matter `data` and body; returns the clean values of the valid
    fields (the entry is usable only if `f.problems` stays empty)."""
    for key in sorted(set(data) - set(REQUIRED) - set(OPTIONAL)):
        f.at(key, f"unknown field {key!r} (known: {', '.join(REQUIRED + OPTIONAL)})")
    given = {k for k, v in data.items() if v not in (None, "", [])}
    for key in REQUIRED:
        if key not in given:
            f.add(1, f"required field {key!r} is missing or empty")
    if not body:
        f.add(body_line, "the body (the text after the front matter) is empty")
    if "title" in given and not isinstance(data["title"], str):
        f.at("title", f"title must be text, got {data['title']!r}")
    _check_identity(f, data)
    topics = data.get("topics") or []
    topics = [topics] if isinstance(topics, str) else topics
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        f.at("topics", f"topics must be a list of topic names, got {topics!r}")
        topics = []
    for t in sorted(set(topics) - TOPICS):
        f.at("topics", f"unknown topic {t!r} (see knowledge/README.md for the list)")
    status = data.get("status")
    if status is not None and status not in STATUSES:
        f.at("status", f"status {status!r} must be one of: {', '.join(STATUSES)}")
    clean = {
        "topics": tuple(topics), "status": status, "lang": data.get("lang", "en"), "school": data.get("school"),
        "award_years": check_award_years(f, data["award_years"]) if "award_years" in given else (),
        "sources": check_sources(f, data["sources"], source_lines, today) if "sources" in given else [],
        "verified": parse_date(f, "verified", data["verified"], f.lines["verified"], today) if "verified" in given else None,
        # Not "in the future" either: a review date always is. Being past it is `overdue`, below.
        "review_by": parse_date(f, "review_by", data["review_by"], f.lines["review_by"], None) if "review_by" in given else None,
        "questions": check_questions(f, data["questions"]) if "questions" in given else (),
        # No "in the future" check: a rule may be published before it takes effect.
        "effective": parse_date(f, "effective", data["effective"], f.lines["effective"], None) if "effective" in given else None,
    }
    for key in ("supersedes", "superseded_by"):
        value = data.get(key)
        if value is not None and (not isinstance(value, str) or not SLUG.match(value)):
            f.at(key, f"{key} must be one entry id, got {value!r}")
        clean[key] = value if isinstance(value, str) else None
    check_dates(f, clean)
    if clean["supersedes"] and "effective" not in data:
        f.at("supersedes", "an entry with supersedes needs an effective date (the day the new rule starts)")
    return clean


def overdue(entries: list, today: date) -> list[Problem]:
    """Entries whose review date has passed: `kb check` fails on them so a fact cannot quietly go
    stale, while the running bot still loads them (an aid office's page must not go dark on a date)."""
    return [Problem(e.path, key_line(e.path, "review_by"), f"review_by {e.review_by} has passed: re-check the sources")
            for e in entries if e.review_by and e.review_by < today]


def key_line(path: str, key: str) -> int:
    """The line of `key:` in a file that already parsed (for the cross-file problems)."""
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").split("\n"), start=1):
        if line.startswith(f"{key}:"):
            return n
    return 1


def cross_check(entries: list) -> list[Problem]:
    """Ids are unique; supersedes / superseded_by name existing entries and do not contradict."""
    problems = []
    by_id: dict[str, list] = defaultdict(list)
    for e in entries:
        by_id[e.id].append(e)
    for entry_id, same in by_id.items():
        for e in same if len(same) > 1 else ():
            others = ", ".join(o.path for o in same if o is not e)
            problems.append(Problem(e.path, key_line(e.path, "id"), f"id {entry_id!r} is also used by {others}"))
    for e in entries:
        for key, back in (("supersedes", "superseded_by"), ("superseded_by", "supersedes")):
            target = getattr(e, key)
            if target is None:
                continue
            line = key_line(e.path, key)
            if target == e.id:
                problems.append(Problem(e.path, line, f"{key} points to the entry itself"))
            elif target not in by_id:
                problems.append(Problem(e.path, line, f"{key}: no entry has id {target!r}"))
            elif (other := getattr(by_id[target][0], back)) is not None and other != e.id:
                problems.append(Problem(e.path, line, f"{key}: {target!r} says its {back} is {other!r}, not {e.id!r}"))
    return problems
