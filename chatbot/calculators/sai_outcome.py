"""From an SAI input to the ISIR's results: SAI, Max/Min Pell indicators, Pell eligibility flag.

`assess` is the pure core that `python -m eval sai` checks against the Department's test ISIRs and
that the `sai` calculator (sai_estimate.py) explains to the user.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from chatbot.calculators.pell_rules import max_pell_indicator, min_pell_indicator
from chatbot.calculators.sai import sai_worksheet
from chatbot.calculators.sai_inputs import SaiInput
from chatbot.calculators.tables import Table, table


@dataclass(frozen=True)
class PellContext:
    """Facts outside the SAI that decide Pell eligibility."""
    special_rule: bool = False               # parent/guardian died in the line of duty (IASG / Fallen Heroes)
    has_bachelors_or_graduate: bool = False  # graduate student, or a first bachelor's degree already earned
    teacher_certification: bool = False     # post-baccalaureate teacher certification program


@dataclass
class SaiOutcome:
    formula: str | None                      # None when the worksheet is skipped (nonfiler Max Pell)
    worksheet: dict[str, int]
    calculated_sai: int | None               # the worksheet's SAI before the Max Pell override
    sai: int
    max_pell_indicator: int | None
    min_pell_indicator: int | None
    pell_eligible: bool
    pell_route: str                          # maximum | minimum | calculated | special_rule | none
    scheduled_award: int                     # full-time, full-year Pell (before COA and enrollment)
    reasons: list[str] = field(default_factory=list)


def round_to_5(amount: int) -> int:
    return 5 * ((amount + 2) // 5)          # nearest $5; integer amounts never tie


def assess(inp: SaiInput, ctx: PellContext = PellContext()) -> SaiOutcome:
    t = table("sai", inp.award_year)
    reasons: list[str] = []
    max_ind, why = max_pell_indicator(inp, t)
    if max_ind == 1:
        formula, worksheet, calculated = None, {}, None
        sai = t["sai_floor"]
        reasons.append(f"Maximum Pell: {why}; the SAI is {sai:,} without running the formula")
    else:
        formula = inp.formula
        worksheet = sai_worksheet(inp)
        calculated = worksheet["sai"]
        sai = min(calculated, 0) if max_ind else calculated
        if max_ind:
            reasons.append(f"Maximum Pell: {why}; the SAI is the lower of the calculated SAI and 0")
    route, award, min_ind = _route(sai, max_ind, inp, ctx, t, reasons)
    eligible = route != "none"
    if eligible and ctx.has_bachelors_or_graduate and not ctx.teacher_certification:
        reasons.append("No Pell: Pell Grants are for undergraduates without a bachelor's degree "
                       "(except post-baccalaureate teacher certification)")
        eligible, route, award = False, "none", 0
    return SaiOutcome(formula=formula, worksheet=worksheet, calculated_sai=calculated, sai=sai,
                      max_pell_indicator=max_ind, min_pell_indicator=min_ind, pell_eligible=eligible,
                      pell_route=route, scheduled_award=award, reasons=reasons)


def _route(sai: int, max_ind: int | None, inp: SaiInput, ctx: PellContext, t: Table,
           reasons: list[str]) -> tuple[str, int, int | None]:
    pell = t["pell"]
    maximum, minimum = pell["maximum"], pell["minimum"]
    if max_ind:
        return "maximum", maximum, None
    if ctx.special_rule:
        reasons.append("Maximum Pell under the Special Rule (parent or guardian died in the line of duty), "
                       "at any SAI")
        return "special_rule", maximum, None
    cap_multiple = pell.get("sai_cap_multiple_of_maximum")
    if cap_multiple and sai >= cap_multiple * maximum:
        reasons.append(f"No Pell: from {t.award_year} an SAI at or above {cap_multiple} x the maximum Pell "
                       f"(${cap_multiple * maximum:,}) rules Pell out")
        return "none", 0, None
    if sai <= maximum - minimum:
        award = round_to_5(maximum - max(sai, 0))
        reasons.append(f"Calculated Pell: ${maximum:,} maximum - SAI {max(sai, 0):,} = "
                       f"${maximum - max(sai, 0):,}, rounded to the nearest $5 = ${award:,}")
        return "calculated", award, None
    min_ind, why = min_pell_indicator(inp, t)
    if min_ind:
        reasons.append(f"Minimum Pell (${minimum:,}): the SAI is above ${maximum - minimum:,} but {why}")
        return "minimum", minimum, min_ind
    reasons.append(f"No Pell: the SAI is above ${maximum - minimum:,} (maximum minus minimum Pell) and {why}")
    return "none", 0, None
