"""The knowledge base: load and validate the Markdown knowledge files (format: knowledge/README.md).

    python -m chatbot.kb check [--root DIR]     every problem as `path:line: message`; exit 1 if any
    python -m chatbot.kb stale [--root DIR] [--limit N]   what to re-check next, soonest review first
    python -m chatbot.kb coverage [--root DIR] [--write]  topic -> entries (chatbot/kb/coverage.py)

`check` also fails on an entry whose `review_by` date has passed (the running bot still loads it). The root is
--root, else $CHATBOT_KNOWLEDGE, else the repository's knowledge/ folder. `load_kb(root)` returns the
entries and raises `KBError` (listing every problem) if any file is broken: the bot must not answer
from a knowledge base that fails the check. The rules themselves are in chatbot/kb/rules.py.
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from chatbot.kb.rules import FileProblems, Problem, check_fields, cross_check, overdue

__all__ = ["Entry", "KBError", "Problem", "Source", "check", "load_kb", "parse_file", "scan"]
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "knowledge"


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
    review_by: date | None = None
    questions: tuple[str, ...] = ()  # how people ask what this entry answers (retrieval matches them)
    supersedes: str | None = None
    superseded_by: str | None = None
    effective: date | None = None
    school: str | None = None
    lang: str = "en"


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


NOT_ENTRIES = ("readme.md", "changes.md", "coverage.md")  # the folder's own documents


def entry_files(root: Path) -> list[Path]:
    """Every entry file under root: *.md except the folder's documents (README, the CHANGES log,
    the COVERAGE map); school.yaml profiles are not entries either."""
    return sorted(p for p in Path(root).rglob("*.md") if p.name.lower() not in NOT_ENTRIES)


def _split(f: FileProblems, text: str) -> tuple[yaml.Node | None, str, int]:
    """(front-matter node, body, body's first line) or (None, ...) after reporting the problem."""
    lines = text.split("\n")
    if lines[0].strip() != "---":
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


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 2  # +1 for 1-based lines, +1 for the opening '---'


def parse_file(path: Path, root: Path, today: date | None = None) -> tuple[Entry | None, list[Problem]]:
    """Parse and validate one file on its own (cross-file checks are in `scan`)."""
    f = FileProblems(Path(path), Path(root))
    try:
        text = f.path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        f.add(1, f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})")
        return None, f.problems
    node, body, body_line = _split(f, text)
    if node is None:
        return None, f.problems
    source_lines: list[dict[str, int]] = []
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in f.lines:
            f.add(_line(key_node), f"field {key!r} appears twice")
        f.lines[key] = _line(key_node)
        if key == "sources" and isinstance(value_node, yaml.SequenceNode):
            source_lines = [{"-": _line(item), **({str(k.value): _line(k) for k, _ in item.value}
                                                   if isinstance(item, yaml.MappingNode) else {})}
                            for item in value_node.value]
    data = _Loader("").construct_document(node)
    clean = check_fields(f, data, source_lines, body, body_line, today or date.today())
    if f.problems:
        return None, f.problems
    sources = tuple(Source(**s) for s in clean.pop("sources"))
    return Entry(id=data["id"], title=data["title"].strip(), body=body, path=str(path), sources=sources, **clean), []


def scan(root: Path, today: date | None = None) -> tuple[list[Entry], list[Problem]]:
    """All valid entries and all problems (file-level and cross-file) under root."""
    root = Path(root)
    if not root.is_dir():
        return [], [Problem(str(root), 0, "knowledge folder not found")]
    files = entry_files(root)
    if not files:
        return [], [Problem(str(root), 0, "no knowledge files (*.md) found")]
    entries, problems = [], []
    for path in files:
        entry, found = parse_file(path, root, today)
        problems += found
        if entry:
            entries.append(entry)
    problems += cross_check(entries)
    return entries, problems


def check(root: Path | None = None, today: date | None = None) -> list[Problem]:
    """Every problem `kb check` reports: broken files, broken links, and entries past review."""
    entries, problems = scan(root or default_root(), today)
    return problems + overdue(entries, today or date.today())


def stale(entries: list[Entry]) -> list[Entry]:
    """Entries in the order they should be re-checked: soonest review date first."""
    return sorted(entries, key=lambda e: (e.review_by or date.max, e.verified, e.id))


def load_kb(root: Path | None = None, today: date | None = None) -> list[Entry]:
    entries, problems = scan(root or default_root(), today)
    if problems:
        raise KBError(problems)
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chatbot.kb", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["check", "stale", "coverage"])
    parser.add_argument("--write", action="store_true", help="coverage: also write knowledge/COVERAGE.md")
    parser.add_argument("--limit", type=int, default=30, help="stale: how many entries to list (default 30)")
    parser.add_argument("--root", type=Path, default=None, help="knowledge folder (default: $CHATBOT_KNOWLEDGE or knowledge/)")
    args = parser.parse_args(argv)
    root = args.root or default_root()
    if args.command == "coverage":
        from chatbot.kb.coverage import main as coverage_main

        return coverage_main(root, args.write)
    entries, problems = scan(root)
    if args.command == "stale":
        return _print_stale(entries, problems, args.limit)
    problems += overdue(entries, date.today())
    for problem in problems:
        print(problem)
    files = len(entry_files(root)) if root.is_dir() else 0
    print(f"{len(problems)} problem(s) in {files} file(s); {len(entries)} valid entr{'y' if len(entries) == 1 else 'ies'}",
          file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


def _print_stale(entries: list[Entry], problems: list[Problem], limit: int) -> int:
    today = date.today()
    for e in stale(entries)[:limit]:
        days = (e.review_by - today).days if e.review_by else None
        when = "no review date" if days is None else (f"{-days} day(s) overdue" if days < 0 else f"in {days} day(s)")
        print(f"{e.review_by or '-'}  {when:>18}  {e.status:<11}  {e.id}  ({e.path})")
    if problems:
        print(f"{len(problems)} file problem(s): run `python -m chatbot.kb check`", file=sys.stderr)
    return 0
