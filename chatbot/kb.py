"""The knowledge base: load and validate the Markdown knowledge files (format: knowledge/README.md).

    python -m chatbot.kb check [--root DIR]

prints every problem as `path:line: message` and exits 1 if there is any, 0 otherwise. The root is
--root, else $CHATBOT_KNOWLEDGE, else the repository's knowledge/ folder. `load_kb(root)` returns the
entries and raises `KBError` (listing every problem) if any file is broken: the bot must not answer
from a knowledge base that fails the check.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from chatbot import award_year

DEFAULT_ROOT = Path(__file__).resolve().parent.parent / "knowledge"
REQUIRED = ("id", "title", "topics", "award_years", "sources", "verified", "status")
OPTIONAL = ("supersedes", "superseded_by", "effective", "school", "lang")
STATUSES = ("confirmed", "unconfirmed")
LANGS = ("en", "es")
TOPICS = frozenset(
    "fafsa deadlines sai dependency pell workforce-pell fseog work-study teach loans loan-limits "
    "interest-rates parent-plus grad-loans repayment pslf default eligibility verification "
    "special-circumstances coa award-letters scams help state-aid taxes school".split()
)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    date: date


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    topics: tuple[str, ...]
    award_years: tuple[str, ...]  # ("2026-27", ...) or ("all",)
    sources: tuple[Source, ...]
    verified: date
    status: str
    body: str
    path: str = ""
    supersedes: str | None = None
    superseded_by: str | None = None
    effective: date | None = None
    school: str | None = None
    lang: str = "en"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class KBError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the knowledge base:\n" + "\n".join(map(str, problems)))


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text: PyYAML would raise on 2026-02-30 before we could say
    which field is wrong, and we want to parse and report dates ourselves."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def default_root() -> Path:
    return Path(os.environ.get("CHATBOT_KNOWLEDGE") or DEFAULT_ROOT)


def entry_files(root: Path) -> list[Path]:
    """Every entry file under root: *.md except README.md (school.yaml profiles are not entries)."""
    return sorted(p for p in Path(root).rglob("*.md") if p.name.lower() != "readme.md")


class _File:
    """Collects the problems of one file; `line_of` maps a front-matter key to its line number."""

    def __init__(self, path: Path, root: Path):
        self.path, self.root = path, root
        self.shown = str(path)
        self.problems: list[Problem] = []
        self.lines: dict[str, int] = {}

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.shown, line, message))

    def at(self, key: str, message: str) -> None:
        self.add(self.lines.get(key, 1), message)


def _parse_date(f: _File, key: str, value: object, line: int, latest: date | None) -> date | None:
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


def _url_problem(url: object) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return "url is missing"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or "." not in parts.netloc or re.search(r"\s", url):
        return f"url {url!r} is not a well-formed http(s) URL"
    if "..." in url or "example.com" in parts.netloc:
        return f"url {url!r} looks like a placeholder"
    return None


def _sources(f: _File, node: yaml.Node | None, value: object, today: date) -> tuple[Source, ...]:
    if not isinstance(value, list) or not value:
        f.at("sources", "sources must be a non-empty list of {title, url, date}")
        return ()
    out = []
    for i, item in enumerate(value):
        item_node = node.value[i] if isinstance(node, yaml.SequenceNode) else None
        line = item_node.start_mark.line + 2 if item_node else f.lines["sources"]
        # the line of each sub-field, so a bad url or date points at its own line
        sub = {k.value: k.start_mark.line + 2 for k, _ in item_node.value} if isinstance(item_node, yaml.MappingNode) else {}
        if not isinstance(item, dict):
            f.add(line, f"sources[{i}] must be a mapping with title, url and date")
            continue
        extra = sorted(set(item) - {"title", "url", "date"})
        if extra:
            f.add(line, f"sources[{i}]: unknown field(s) {', '.join(map(str, extra))}")
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            f.add(line, f"sources[{i}]: title is missing")
        bad_url = _url_problem(item.get("url"))
        if bad_url:
            f.add(sub.get("url", line), f"sources[{i}]: {bad_url}")
        when = _parse_date(f, f"sources[{i}].date", item.get("date"), sub.get("date", line), today)
        if title and not bad_url and when:
            out.append(Source(str(title).strip(), str(item["url"]).strip(), when))
    return tuple(out)


def _award_years(f: _File, value: object) -> tuple[str, ...]:
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
        hint = ""
        try:
            hint = f"; write {award_year.normalize(str(item))}"
        except ValueError:
            pass
        f.at("award_years", f"award_years: {item!r} is not an award year like 2026-27{hint}")
    return tuple(years)


def _split(f: _File, text: str) -> tuple[yaml.Node | None, str, int]:
    """(front-matter node, body, body's first line) or (None, ...) after reporting the problem."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        f.add(1, "the file must start with a '---' front-matter line")
        return None, "", 1
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        f.add(1, "front matter is not closed by a second '---' line")
        return None, "", 1
    try:
        node = yaml.compose("\n".join(lines[1:end]), Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        f.add(mark.line + 2 if mark else 1, f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}")
        return None, "", 1
    if not isinstance(node, yaml.MappingNode):
        f.add(2, "front matter must be a mapping of field: value")
        return None, "", 1
    return node, "\n".join(lines[end + 1:]).strip(), end + 2


def parse_file(path: Path, root: Path, today: date | None = None) -> tuple[Entry | None, list[Problem]]:
    """Parse and validate one file on its own (cross-file checks are in `check`)."""
    today = today or date.today()
    f = _File(path, root)
    node, body, body_line = _split(f, path.read_text(encoding="utf-8"))
    if node is None:
        return None, f.problems
    nodes: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in nodes:
            f.add(key_node.start_mark.line + 2, f"field {key!r} appears twice")
        nodes[key], f.lines[key] = value_node, key_node.start_mark.line + 2
    data = _Loader(" ").construct_document(node)
    for key in sorted(set(data) - set(REQUIRED) - set(OPTIONAL)):
        f.at(key, f"unknown field {key!r} (known: {', '.join(REQUIRED + OPTIONAL)})")
    for key in REQUIRED:
        if data.get(key) in (None, "", []):
            f.add(1, f"required field {key!r} is missing or empty")
    if not body:
        f.add(body_line, "the body (the text after the front matter) is empty")

    entry_id, title = data.get("id"), data.get("title")
    if entry_id is not None and (not isinstance(entry_id, str) or not SLUG.match(entry_id)):
        f.at("id", f"id {entry_id!r} must be lowercase letters, digits and single hyphens")
    elif isinstance(entry_id, str) and path.name not in (f"{entry_id}.md", f"{entry_id.removesuffix('-es')}.es.md"):
        f.at("id", f"id {entry_id!r} does not match the file name {path.name!r}")
    topics = data.get("topics")
    topics = [topics] if isinstance(topics, str) else topics
    if topics is not None and (not isinstance(topics, list) or not all(isinstance(t, str) for t in topics)):
        f.at("topics", f"topics must be a list of topic names, got {topics!r}")
        topics = []
    for t in sorted(set(topics or []) - TOPICS):
        f.at("topics", f"unknown topic {t!r} (see knowledge/README.md for the list)")
    given = {k for k, v in data.items() if v not in (None, "", [])}
    years = _award_years(f, data["award_years"]) if "award_years" in given else ()
    sources = _sources(f, nodes.get("sources"), data["sources"], today) if "sources" in given else ()
    verified = _parse_date(f, "verified", data["verified"], f.lines["verified"], today) if "verified" in given else None
    status = data.get("status")
    if status is not None and status not in STATUSES:
        f.at("status", f"status {status!r} must be one of: {', '.join(STATUSES)}")
    # No "in the future" check: a rule may be announced before it takes effect.
    effective = _parse_date(f, "effective", data["effective"], f.lines["effective"], None) if "effective" in given else None
    links = {}
    for key in ("supersedes", "superseded_by"):
        value = data.get(key)
        if value is not None and (not isinstance(value, str) or not SLUG.match(value)):
            f.at(key, f"{key} must be one entry id, got {value!r}")
        links[key] = value if isinstance(value, str) else None
    if links["supersedes"] and effective is None and "effective" not in data:
        f.at("supersedes", "an entry with supersedes needs an effective date (the day the new rule starts)")
    lang = data.get("lang", "en")
    if lang not in LANGS:
        f.at("lang", f"lang {lang!r} must be one of: {', '.join(LANGS)}")
    elif lang == "es" and isinstance(entry_id, str) and not entry_id.endswith("-es"):
        f.at("id", f"a Spanish entry's id ends in -es (got {entry_id!r})")
    school = data.get("school")
    parts = path.relative_to(root).parts if path.is_relative_to(root) else ()
    folder_school = parts[1] if len(parts) > 2 and parts[0] == "schools" else None
    if school is not None and (not isinstance(school, str) or not SLUG.match(school)):
        f.at("school", f"school must be a school id like example-college, got {school!r}")
    elif school != folder_school:
        where = f"knowledge/schools/{folder_school}/" if folder_school else "outside knowledge/schools/"
        f.at("school" if school else "id", f"school is {school!r} but the file is {where}")
    if title is not None and not isinstance(title, str):
        f.at("title", f"title must be text, got {title!r}")
    if f.problems:
        return None, f.problems
    entry = Entry(
        id=entry_id, title=title.strip(), topics=tuple(topics), award_years=years, sources=sources,
        verified=verified, status=status, body=body, path=str(path), supersedes=links["supersedes"],
        superseded_by=links["superseded_by"], effective=effective, school=school, lang=lang,
    )
    return entry, []


def _cross_check(entries: list[Entry]) -> list[Problem]:
    problems = []
    by_id: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        by_id[e.id].append(e)
    for entry_id, same in by_id.items():
        if len(same) > 1:
            for e in same:
                others = ", ".join(o.path for o in same if o is not e)
                problems.append(Problem(e.path, _key_line(e.path, "id"), f"id {entry_id!r} is also used by {others}"))
    for e in entries:
        for key, back in (("supersedes", "superseded_by"), ("superseded_by", "supersedes")):
            target = getattr(e, key)
            if target is None:
                continue
            line = _key_line(e.path, key)
            if target == e.id:
                problems.append(Problem(e.path, line, f"{key} points to the entry itself"))
            elif target not in by_id:
                problems.append(Problem(e.path, line, f"{key}: no entry has id {target!r}"))
            else:
                other = getattr(by_id[target][0], back)
                if other is not None and other != e.id:
                    problems.append(Problem(e.path, line, f"{key}: {target!r} says its {back} is {other!r}, not {e.id!r}"))
    return problems


def scan(root: Path, today: date | None = None) -> tuple[list[Entry], list[Problem]]:
    """All valid entries and all problems (file-level and cross-file) under root."""
    root = Path(root)
    if not root.is_dir():
        return [], [Problem(str(root), 0, "knowledge folder not found")]
    entries, problems = [], []
    if not entry_files(root):
        return [], [Problem(str(root), 0, "no knowledge files (*.md) found")]
    for path in entry_files(root):
        entry, found = parse_file(path, root, today)
        problems += found
        if entry:
            entries.append(entry)
    problems += _cross_check(entries)
    return entries, problems


def _key_line(path: str, key: str) -> int:
    """The line of `key:` in a file that already parsed (for the cross-file problems)."""
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").split("\n"), start=1):
        if line.startswith(f"{key}:"):
            return n
    return 1


def check(root: Path | None = None, today: date | None = None) -> list[Problem]:
    return scan(root or default_root(), today)[1]


def load_kb(root: Path | None = None, today: date | None = None) -> list[Entry]:
    entries, problems = scan(root or default_root(), today)
    if problems:
        raise KBError(problems)
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chatbot.kb", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["check"])
    parser.add_argument("--root", type=Path, default=None, help="knowledge folder (default: $CHATBOT_KNOWLEDGE or knowledge/)")
    args = parser.parse_args(argv)
    root = args.root or default_root()
    entries, problems = scan(root)
    for problem in problems:
        print(problem)
    files = len(entry_files(root)) if root.is_dir() else 0
    print(f"{len(problems)} problem(s) in {files} file(s); {len(entries)} valid entr{'y' if len(entries) == 1 else 'ies'}",
          file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
