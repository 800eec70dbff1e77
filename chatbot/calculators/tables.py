"""Load the calculators' data files (chatbot/calculators/tables/*.yaml) and their source catalogue.

Tables are data, one file per topic and award year, so a new year's numbers are a data change.
A file may say `based_on: <other award year>`: keys it does not define come from that year's file,
and the caller is told so (the result then carries an "estimate based on ..." note).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from chatbot.answers import Citation

TABLES_DIR = Path(__file__).parent / "tables"


@lru_cache(maxsize=None)
def _read(name: str) -> dict:
    path = TABLES_DIR / f"{name}.yaml"
    if not path.exists():
        raise FileNotFoundError(f"calculator table {path} is missing")
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


class Table:
    """One award year's table, with fallback to the year it is based on."""

    def __init__(self, kind: str, award_year: str):
        self.kind = kind
        self.award_year = award_year
        self.own = _read(f"{kind}-{award_year}")
        base_year = self.own.get("based_on")
        self.base = Table(kind, base_year) if base_year else None

    def __getitem__(self, key: str) -> Any:
        base = self.base.get(key) if self.base is not None else None
        if key in self.own:
            own = self.own[key]
            # A section set in both years: this year's entries win, the rest come from the base year.
            return {**base, **own} if isinstance(own, dict) and isinstance(base, dict) else own
        if base is not None:
            return base
        raise KeyError(f"{self.kind}-{self.award_year} has no {key!r}")

    def inherited_keys(self) -> list[str]:
        """Top-level entries this year takes whole from the base year (empty for a complete table)."""
        if self.base is None:
            return []
        base_keys = set(self.base.own) | set(self.base.inherited_keys())
        meta = {"award_year", "tax_year", "status", "sources", "estimate_note", "based_on"}
        return sorted(k for k in base_keys - set(self.own) - meta)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default


@lru_cache(maxsize=None)
def table(kind: str, award_year: str) -> Table:
    return Table(kind, award_year)


def data(name: str) -> dict:
    """A table that does not vary by award year (e.g. repayment plans)."""
    return _read(name)


def citation(source_id: str) -> Citation:
    src = _read("sources")[source_id]
    return Citation(id=source_id, title=src["title"], url=src["url"], award_year=src["award_year"])


def citations(ids: list[str]) -> list[Citation]:
    seen: list[str] = []
    for i in ids:
        if i not in seen:
            seen.append(i)
    return [citation(i) for i in seen]
