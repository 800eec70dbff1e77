"""Load and validate an evaluation dataset (JSONL; format in DESIGN.md, "Evaluation dataset format").

    cases = load_dataset(Path("eval/datasets/dev.jsonl"))   # raises DatasetError listing every problem

Each problem names the file, the line and the field, e.g.
`dev.jsonl:12: required[1]: must be a non-empty list of strings`. A field that looks like a misspelt
known one ("forbiden") is an error, so a typo cannot silently turn a check off; any other extra field
(datasets from elsewhere carry `source`, `origin`, notes) is kept in `Case.extra`, ignored by grading,
and named once by `extra_fields(cases)` so the runner can warn.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from chatbot import award_year

EXPECTS = ("answer", "refuse", "redirect", "warn_pii")
ROLES = ("user", "assistant")
FIELDS = ("id", "question", "history", "required", "forbidden", "expect", "category", "award_year", "language")
MANDATORY = ("id", "question", "required", "expect")
_LANGUAGE = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class Case:
    id: str
    question: str
    required: tuple[tuple[str, ...], ...]
    expect: str
    forbidden: tuple[str, ...] = ()
    history: tuple[dict, ...] = ()
    category: str | None = None
    award_year: str | None = None
    language: str | None = None
    line: int = 0
    extra: dict = field(default_factory=dict)  # fields grading ignores (source, origin, notes...)


class DatasetError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the dataset:\n" + "\n".join(problems))


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(s, str) and s.strip() for s in value)


def _check(data: dict) -> list[str]:
    """Problems of one parsed line, as 'field: message'."""
    out = [f"{k}: unknown field; did you mean {close[0]!r}?" for k in data if k not in FIELDS
           for close in [difflib.get_close_matches(k, FIELDS, n=1, cutoff=0.75)] if close]
    out += [f"{k}: required field is missing" for k in MANDATORY if k not in data]
    for key in ("id", "question"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            out.append(f"{key}: must be a non-empty string")
    if "required" in data:
        groups = data["required"]
        if not isinstance(groups, list):
            out.append("required: must be a list of groups, e.g. [[\"$7,395\"], [\"$740\", \"740\"]]")
        else:
            out += [f"required[{i}]: must be a non-empty list of non-empty strings (got {g!r})"
                    for i, g in enumerate(groups) if not (_strings(g) and g)]
    if "forbidden" in data and not _strings(data["forbidden"]):
        out.append("forbidden: must be a list of non-empty strings")
    if "expect" in data and data["expect"] not in EXPECTS:
        out.append(f"expect: {data['expect']!r} is not one of {', '.join(EXPECTS)}")
    history = data.get("history", [])
    if not isinstance(history, list):
        out.append("history: must be a list of {role, content} messages")
    else:
        for i, m in enumerate(history):
            if not (isinstance(m, dict) and set(m) == {"role", "content"} and m["role"] in ROLES
                    and isinstance(m["content"], str)):
                out.append(f"history[{i}]: must be {{\"role\": \"user\"|\"assistant\", \"content\": \"...\"}} (got {m!r})")
    if "category" in data and not (isinstance(data["category"], str) and data["category"].strip()):
        out.append("category: must be a non-empty string")
    if "award_year" in data and not (isinstance(data["award_year"], str) and award_year.is_valid(data["award_year"])):
        out.append(f"award_year: {data['award_year']!r} is not an award year like 2026-27")
    if "language" in data and not (isinstance(data["language"], str) and _LANGUAGE.match(data["language"])):
        out.append(f"language: {data['language']!r} must be a two-letter code such as en or es")
    return out


def parse_lines(lines: list[str], name: str = "<dataset>") -> list[Case]:
    """Cases from JSONL lines; blank lines are skipped. Raises DatasetError with every problem."""
    problems: list[str] = []
    cases: list[Case] = []
    seen: dict[str, int] = {}
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{name}:{n}: not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(data, dict):
            problems.append(f"{name}:{n}: a case must be a JSON object, got {type(data).__name__}")
            continue
        found = _check(data)
        problems += [f"{name}:{n}: {p}" for p in found]
        case_id = data.get("id")
        if isinstance(case_id, str) and case_id in seen:
            problems.append(f"{name}:{n}: id: {case_id!r} is already used on line {seen[case_id]}")
        elif isinstance(case_id, str):
            seen[case_id] = n
        if found:
            continue
        cases.append(Case(
            id=data["id"], question=data["question"], expect=data["expect"],
            required=tuple(tuple(g) for g in data["required"]),
            forbidden=tuple(data.get("forbidden", ())), history=tuple(data.get("history", ())),
            category=data.get("category"), award_year=data.get("award_year"),
            language=data.get("language"), line=n,
            extra={k: v for k, v in data.items() if k not in FIELDS},
        ))
    if not problems and not cases:
        problems.append(f"{name}: no cases (the file is empty)")
    if problems:
        raise DatasetError(problems)
    return cases


def extra_fields(cases: list[Case]) -> list[str]:
    """The fields beyond the format that these cases carry, sorted (for one warning)."""
    return sorted({k for case in cases for k in case.extra})


def load_dataset(path: Path | str) -> list[Case]:
    path = Path(path)
    if not path.is_file():
        raise DatasetError([f"{path}: dataset file not found"])
    return parse_lines(path.read_text(encoding="utf-8").splitlines(), str(path))
