"""`python -m chatbot calc NAME --field value ... [--json]`: run one aid calculator directly.

    python -m chatbot calc                  list the calculators
    python -m chatbot calc NAME --help      list NAME's fields
    python -m chatbot calc pell --award-year 2025-26 --sai 2500 --enrollment half-time --cost-of-attendance 18000

Field names take dashes or underscores. Exit status 2 on bad input, with a message naming the field.
"""
from __future__ import annotations

import json
import sys

from chatbot.calculators import CALCULATORS, CalcInputError, run


def _usage() -> str:
    lines = [__doc__.strip(), "", "Calculators:"]
    lines += [f"  {name:<12} {c.summary}" for name, c in CALCULATORS.items()]
    return "\n".join(lines)


def _fields_help(name: str) -> str:
    c = CALCULATORS[name]
    lines = [f"python -m chatbot calc {name} --field value ... [--json]", c.summary, "", "Fields:"]
    lines += [f"  --{f.replace('_', '-'):<34} {h}" for f, h in c.fields.items()]
    return "\n".join(lines)


def parse_fields(args: list[str]) -> tuple[dict[str, str], bool]:
    fields: dict[str, str] = {}
    as_json = False
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--json":
            as_json = True
            i += 1
            continue
        if not arg.startswith("--") or arg == "--":
            raise CalcInputError(arg, "expected --field value")
        key, eq, value = arg[2:].partition("=")
        key = key.replace("-", "_")
        if not eq:
            if i + 1 >= len(args) or (args[i + 1].startswith("--") and not _is_number(args[i + 1])):
                raise CalcInputError(key, "missing value after the field name")
            value = args[i + 1]
            i += 1
        if key in fields:
            raise CalcInputError(key, "given twice")
        fields[key] = value
        i += 1
    return fields, as_json


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage())
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in CALCULATORS:
        print(f"error: unknown calculator {name!r}; choose one of: {', '.join(CALCULATORS)}", file=sys.stderr)
        return 2
    if any(a in ("-h", "--help") for a in rest):
        print(_fields_help(name))
        return 0
    try:
        fields, as_json = parse_fields(rest)
        result = run(name, fields)
    except CalcInputError as exc:
        print(f"error: {exc.field}: {exc.message}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_json(), indent=2) if as_json else result.text())
    return 0
