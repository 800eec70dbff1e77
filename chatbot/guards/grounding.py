"""Output guard: check that every fact an answer states (chatbot/guards/facts.py finds them)
appears in a cited source or calculator result.

    grounding_check(answer, [passage.text, ...]) -> Grounding(ok, unsupported, checked)

Facts are compared by value, never by substring; the rules for what counts as the same value, and
what is not checked, are in chatbot/guards/facts.py. Units must be compatible: a dollar amount is
supported by the same dollar amount or the same bare number in a source, but not by "10 years"; a
count needs the same unit; a bare number is supported by any use of that value; a positive amount is
supported by its negative, not the other way round; a month-day without a year is supported by
that day in any year. Ambiguous forms pass if any reading is supported.
Standard library only; `python -m pytest tests/test_guards_grounding.py`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from chatbot.guards.facts import Fact, extract_all, extract_facts

__all__ = ["Fact", "Grounding", "extract_facts", "grounding_check"]


@dataclass(frozen=True)
class Grounding:
    ok: bool
    unsupported: list[str] = field(default_factory=list)   # fact texts as written in the answer
    checked: int = 0


# -- the check ------------------------------------------------------------------------------------

# Which kinds of source fact can support each kind of answer fact (see the module docstring).
_ACCEPTS = {
    "money": ("money", "number"),
    "percent": ("percent", "number"),
    "count": ("count", "number", "small"),      # a count also needs the same unit, see _keys
    "number": ("number", "count-value", "money", "percent", "year", "small"),
    "year": ("year", "number"),
    "award_year": ("award_year",),
    "time": ("time",),
    "phone": ("phone",),
}


def _keys(f: Fact, reading: str) -> str:
    return f"{reading} {f.unit}" if f.kind == "count" else reading


def _index(sources: list[str]) -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}

    def add(kind: str, *keys: str) -> None:
        index.setdefault(kind, set()).update(keys)

    for source in sources:
        for f in extract_all(source):
            for r in f.readings:
                if f.kind == "date":
                    add("monthday", r[-5:])
                    if len(r) == 10:
                        add("date", r)
                        add("year", r[:4])
                    continue
                add(f.kind, _keys(f, r), _keys(f, r.lstrip("-")))
                if f.kind == "count":
                    add("count-value", r)
                if f.kind == "award_year":
                    add("year", r[:4], r[:2] + r[-2:])
    return index


def _supported(fact: Fact, index: dict[str, set[str]]) -> bool:
    if fact.kind == "date":
        return any(r in index.get("date" if len(r) == 10 else "monthday", ()) for r in fact.readings)
    return any((_keys(fact, r) if kind == "count" else r) in index.get(kind, ())
               for kind in _ACCEPTS[fact.kind] for r in fact.readings)


def grounding_check(answer: str, sources: list[str]) -> Grounding:
    """Check every fact in `answer` against `sources` (passage texts and calculator results).

    Pass only trusted texts as sources: never the user's question, or a false premise in it
    ("pell max is $7,580, right?") would count as support."""
    if isinstance(sources, str):
        raise TypeError("sources must be a list of texts, not one string")
    index = _index(list(sources))
    facts = extract_facts(answer)
    unsupported = [f.text for f in facts if not _supported(f, index)]
    return Grounding(ok=not unsupported, unsupported=list(dict.fromkeys(unsupported)), checked=len(facts))
