"""Pell Grant eligibility routes from an SAI estimate: Maximum Pell, Minimum Pell, calculated Pell.

Follows SAI-FORMULA-NOTES.md section 5 (rules reproduced on the Department's 2025-26 test ISIRs) and,
for 2026-27, the confirmed changes of Pub. L. 119-21: no Pell at SAI >= 2 x maximum Pell (except the
Special Rule) and the foreign earned income exclusion counted in the AGI tests.

Indicator codes are the ISIR's: Max Pell 1 nonfiler, 2 single parent <= 225%, 3 other <= 175% of the
poverty guideline; Min Pell 1-5 for (dependent | independent) x (single parent | other parent | not a
parent).
"""
from __future__ import annotations

from decimal import Decimal

from chatbot.calculators.sai import rnd
from chatbot.calculators.sai_inputs import SaiInput
from chatbot.calculators.tables import Table



def poverty_guideline(size: int, state: str, t: Table) -> int:
    pg = t["poverty_guidelines"]
    g = pg.get(state, pg["default"])
    return g["first"] + g["each_additional"] * (size - 1)


def contributors(inp: SaiInput) -> list:
    if inp.dependent:
        return list(inp.parents)
    return [inp.student] + ([inp.spouse] if inp.married and inp.spouse else [])


def is_parent(inp: SaiInput) -> bool:
    """Dependents' families are parents by definition; an independent student is one with dependents."""
    return inp.dependent or inp.has_dependents


def is_single_parent(inp: SaiInput, t: Table) -> bool:
    """Unmarried, and filing as head of household / surviving spouse or having received the EITC.
    This definition is inferred from the test ISIRs (see the table's `single_parent` entry)."""
    rule = t["pell"]["single_parent"]
    if inp.dependent:
        unmarried, person = not inp.parents_married, inp.parents[0]
    else:
        unmarried, person = inp.has_dependents and not inp.married, inp.student
    return unmarried and (person.filing_status in rule["filing_statuses"]
                          or (rule["or_received_eitc"] and person.received_eitc))


def pell_agi(inp: SaiInput, t: Table) -> int:
    people = contributors(inp)
    agi = sum(p.agi for p in people)
    if t["pell"].get("foreign_income_in_pell_agi"):
        agi += sum(abs(p.foreign_income_exclusion) for p in people)
    return agi


def limit(percent: int, guideline: int) -> int:
    return rnd(Decimal(percent) * guideline / 100)


def max_pell_indicator(inp: SaiInput, t: Table) -> tuple[int | None, str]:
    """(indicator, reason). Indicator 1 means the worksheet is not run at all (SAI -1,500)."""
    people = contributors(inp)
    who = "parents" if inp.dependent else ("student and spouse" if len(people) > 1 else "student")
    if all(p.tax_return == "not_filed" for p in people):
        return 1, f"the {who} did not file and were not required to file a tax return (nonfiler Max Pell)"
    agi = pell_agi(inp, t)
    g = poverty_guideline(inp.family_size, inp.state, t)
    single = is_single_parent(inp, t)
    pct = t["pell"]["max_pell_limits"]["single_parent" if single else "other"]
    cut = limit(pct, g)
    kind = "single parent" if single else "not a single parent"
    if 0 < agi <= cut:
        return (2 if single else 3), (f"AGI ${agi:,} is above $0 and at most {pct}% of the poverty guideline "
                                      f"(${g:,} for {inp.family_size} in {inp.state}) = ${cut:,} ({kind})")
    return None, f"AGI ${agi:,} is not between $1 and {pct}% of the poverty guideline (${cut:,}; {kind})"


def min_pell_indicator(inp: SaiInput, t: Table) -> tuple[int | None, str]:
    agi = pell_agi(inp, t)
    g = poverty_guideline(inp.family_size, inp.state, t)
    limits = t["pell"]["min_pell_limits"]
    if inp.dependent:
        code, key = (1, "single_parent") if is_single_parent(inp, t) else (2, "other")
        pct = limits["dependent"][key]
    elif is_single_parent(inp, t):
        code, pct = 3, limits["independent"]["single_parent"]
    elif is_parent(inp):
        code, pct = 4, limits["independent"]["parent"]
    else:
        code, pct = 5, limits["independent"]["not_parent"]
    cut = limit(pct, g)
    if agi <= cut:
        return code, f"AGI ${agi:,} is at most {pct}% of the poverty guideline (${cut:,})"
    return None, f"AGI ${agi:,} is above {pct}% of the poverty guideline (${cut:,})"
