"""What every calculator returns: `CalcResult`, plus the one error type for bad input.

A result carries its numbers (`values`), the human-readable steps that produced them, the rules and
tables it used and their sources (as `Citation`s the pipeline can show), and an `estimate_note` when
the numbers rest on anything short of confirmed official figures.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from chatbot.answers import Citation


class CalcInputError(ValueError):
    """Bad or missing input. `field` names the input so the caller can ask for exactly that."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass
class CalcResult:
    calculator: str
    award_year: str
    values: dict[str, Any]
    steps: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)        # e.g. "Table A5 contribution schedule (2025-26)"
    sources: list[Citation] = field(default_factory=list)
    estimate_note: str = ""                                # always set: every result is an estimate
    unconfirmed: list[str] = field(default_factory=list)   # facts used that our sources mark unconfirmed

    def to_json(self) -> dict:
        return asdict(self)

    def text(self) -> str:
        """Plain-text rendering for the CLI."""
        lines = [f"{self.calculator} ({self.award_year})"]
        lines += [f"  {k}: {_fmt(v)}" for k, v in self.values.items()]
        if self.steps:
            lines.append("Steps:")
            lines += [f"  - {s}" for s in self.steps]
        if self.unconfirmed:
            lines.append("Unconfirmed:")
            lines += [f"  - {u}" for u in self.unconfirmed]
        if self.estimate_note:
            lines.append(f"Note: {self.estimate_note}")
        if self.sources:
            lines.append("Sources:")
            lines += [f"  [{i}] {c.title} ({c.award_year}) {c.url}" for i, c in enumerate(self.sources, 1)]
        return "\n".join(lines)


def _fmt(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.2f}"
    return str(v)
