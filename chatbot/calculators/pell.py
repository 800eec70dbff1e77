"""The `pell` calculator: a Pell Grant for one award year from the SAI, enrollment and cost of attendance.

    pell_award({"award_year": "2025-26", "sai": 2500, "enrollment": "half-time",
                "cost_of_attendance": 18000})

Steps (FSA Handbook Vol. 7): the full-time Scheduled Award is the maximum Pell minus the SAI (a
negative SAI counts as 0), rounded to the nearest $5, payable when at least the minimum Pell, or the
maximum / minimum award when the FAFSA results say so; it cannot exceed the cost of attendance. The
Annual Award is the Scheduled Award times the enrollment intensity (percent of full time, rounded to
a whole percent). 2026-27 adds: no Pell at SAI >= 2 x maximum Pell, and no Pell when non-federal grant
aid covers the whole cost of attendance.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from chatbot.calculators import checks
from chatbot.calculators.result import CalcInputError, CalcResult
from chatbot.calculators.sai import rnd
from chatbot.calculators.sai_outcome import round_to_5
from chatbot.calculators.tables import citations, table

ENROLLMENT_LEVELS = {"full-time": 100, "three-quarter-time": 75, "half-time": 50}
ALIASES = {"full": "full-time", "fulltime": "full-time", "three-quarter": "three-quarter-time",
           "3/4": "three-quarter-time", "3/4-time": "three-quarter-time", "half": "half-time",
           "halftime": "half-time", "less-than-half": "less-than-half-time"}


def enrollment_intensity(value: Any) -> tuple[int, str]:
    """Percent of full-time enrollment. Names map to 100/75/50; a number is a percent (1-100), rounded
    to a whole percent as the Handbook does. Less than half-time needs the actual percent."""
    if value is None or value == "":
        raise CalcInputError("enrollment", "missing; give full-time, three-quarter-time, half-time, or the "
                                           "percent of full time (e.g. 58 for 7 of 12 credits)")
    text = str(value).strip().lower().replace("_", "-").replace(" ", "-").rstrip("%")
    text = ALIASES.get(text, text)
    if text in ENROLLMENT_LEVELS:
        return ENROLLMENT_LEVELS[text], text
    if text == "less-than-half-time":
        raise CalcInputError("enrollment", "less than half-time Pell is prorated by the exact enrollment "
                                           "intensity: give it as a percent of full time (1-49), e.g. 25 for 3 of 12 credits")
    pct = checks.number("enrollment", text, lo=1, hi=100)
    whole = rnd(pct)
    label = ("full-time" if whole == 100 else "three-quarter-time" if whole >= 75
             else "half-time" if whole >= 50 else "less-than-half-time")
    return whole, label


def pell_award(fields: Mapping[str, Any]) -> CalcResult:
    year = checks.award_year(fields.get("award_year"))
    t = table("sai", year)
    pell = t["pell"]
    maximum, minimum = pell["maximum"], pell["minimum"]
    sai = checks.integer("sai", fields.get("sai"), lo=-1500, hi=999999)
    coa = checks.money("cost_of_attendance", fields.get("cost_of_attendance"))
    if coa == 0:
        raise CalcInputError("cost_of_attendance", "must be more than 0 (the school's cost of attendance for the year)")
    intensity, level = enrollment_intensity(fields.get("enrollment"))
    special = bool(checks.flag("special_rule", fields.get("special_rule"), required=False))
    max_flag = bool(checks.flag("max_pell_eligible", fields.get("max_pell_eligible"), required=False))
    min_flag = bool(checks.flag("min_pell_eligible", fields.get("min_pell_eligible"), required=False))
    bachelors = bool(checks.flag("has_bachelors_or_graduate", fields.get("has_bachelors_or_graduate"), required=False))
    teacher = bool(checks.flag("teacher_certification", fields.get("teacher_certification"), required=False))
    grants = checks.money("non_federal_grant_aid", fields.get("non_federal_grant_aid"), required=False)

    steps: list[str] = []
    unconfirmed: list[str] = []
    sources = ["pell-dcl-2025-26" if year == "2025-26" else "pell-dcl-2026-27", "pell-handbook-calc",
               "pell-handbook-intensity", "pell-handbook-2025-26"]
    cap = pell.get("sai_cap_multiple_of_maximum")
    # The cap rules out every Pell, the minimum too: SAI 14,790 had been told "the $740 minimum can
    # still apply when the family's AGI is low enough".
    if cap and sai >= cap * maximum and not special:
        steps.append(f"{year}: an SAI at or above {cap} x ${maximum:,} = ${cap * maximum:,} rules out Pell "
                     "(Special Rule students excepted)")
        scheduled, route = 0, "none"
        sources.append("pell-updates-2026-27")
    else:
        scheduled, route = _scheduled(sai, maximum, minimum, special, max_flag, min_flag, steps)
    if scheduled and pell.get("full_coa_grant_exclusion") and grants >= coa:
        steps.append(f"{year}: non-federal grant and scholarship aid (${grants:,}) covers the whole cost of "
                     f"attendance (${coa:,}), so no Pell (the school may reduce that aid to keep Pell)")
        scheduled, route = 0, "none"
        sources.append("pell-coa-exclusion-2026-27")
    if scheduled and bachelors and not teacher:
        steps.append("No Pell: the student is a graduate student or already has a bachelor's degree")
        scheduled, route = 0, "none"
    if scheduled > coa:
        steps.append(f"Scheduled Award limited to the cost of attendance: ${coa:,}")
        unconfirmed.append("Applying the cost-of-attendance limit after the $5 rounding follows a third-party "
                           "transcription of the guide")
        scheduled = coa
    if not scheduled and not special:
        # "If my SAI is above $14,790, is Pell always $0?": not for a Special Rule student.
        steps.append("Except under the Pell Special Rule: a student whose parent or guardian died in the line of duty "
                     "(a U.S. service member in Iraq or Afghanistan, or a public safety officer) gets the maximum Pell "
                     f"(${maximum:,}) whatever the SAI")
    annual = rnd(Decimal(scheduled) * intensity / 100)
    if scheduled * intensity % 100:
        unconfirmed.append("The prorated award is rounded to the nearest dollar here; the school's disbursement "
                           "rounding can differ by a dollar")
    if scheduled:
        steps.append(f"Annual Award = ${scheduled:,} x {intensity}% enrollment intensity ({level}) = ${annual:,}")
    if level == "less-than-half-time" and scheduled:
        steps.append("Less than half-time: the school uses a less-than-half-time cost of attendance, which can lower this")
    return CalcResult(
        calculator="pell", award_year=year,
        values={"annual_award": annual, "scheduled_award_full_time": scheduled, "route": route,
                "enrollment_intensity_percent": intensity, "enrollment_level": level,
                "pell_maximum": maximum, "pell_minimum": minimum},
        steps=steps,
        rules=[f"Pell maximum ${maximum:,} / minimum ${minimum:,} ({year})", "Scheduled Award = maximum - SAI, nearest $5",
               "Annual Award = Scheduled Award x enrollment intensity"],
        sources=citations(sources), unconfirmed=unconfirmed,
        estimate_note=("Estimate. The school's financial aid office sets the actual award from your official "
                       "SAI, enrollment and cost of attendance; summer and year-round Pell can add to it."))


def _scheduled(sai: int, maximum: int, minimum: int, special: bool, max_flag: bool, min_flag: bool,
               steps: list[str]) -> tuple[int, str]:
    if special or max_flag:
        why = "Special Rule (parent or guardian died in the line of duty)" if special else "Maximum Pell eligibility"
        steps.append(f"{why}: Scheduled Award = maximum Pell ${maximum:,}")
        return maximum, "maximum"
    if sai <= maximum - minimum:
        raw = maximum - max(sai, 0)
        award = round_to_5(raw)
        steps.append(f"Scheduled Award = ${maximum:,} - SAI {max(sai, 0):,} = ${raw:,}, to the nearest $5 = ${award:,}")
        return award, "calculated"
    if min_flag:
        steps.append(f"Minimum Pell eligibility: Scheduled Award = ${minimum:,}")
        return minimum, "minimum"
    steps.append(f"SAI {sai:,} is above ${maximum - minimum:,} (maximum - minimum Pell): no calculated Pell. "
                 f"The ${minimum:,} minimum can still apply when the family's AGI is low enough: run the sai "
                 "calculator or check the FAFSA Submission Summary, then set min_pell_eligible")
    return 0, "none"
