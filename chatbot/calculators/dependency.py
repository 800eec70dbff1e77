"""The `dependency` calculator: the FAFSA's dependency questions as one short decision.

    dependency_status({"award_year": "2026-27", "date_of_birth": "2005-04-02", "married": "no", ...})

Questions are asked in the form's order (tables/dependency.yaml); the first "yes" makes the student
independent and is named in the result. Only the answers up to that point are needed; a missing one is
reported by field name. A dependent result explains why parent information is needed and what to do if
parents won't provide it (provisional independence for unusual circumstances; unsubsidized loan only
when parents just refuse).
"""
from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from chatbot.calculators import checks
from chatbot.calculators.result import CalcInputError, CalcResult
from chatbot.calculators.tables import citations, data


def _born_before(fields: Mapping[str, Any], cutoff: date) -> bool | None:
    dob = fields.get("date_of_birth")
    if dob in (None, ""):
        return checks.flag("born_before_cutoff", fields.get("born_before_cutoff"), required=False)
    try:
        born = date.fromisoformat(str(dob).strip())
    except ValueError:
        raise CalcInputError("date_of_birth", f"must be a date as YYYY-MM-DD, got {dob!r}") from None
    if not date(1900, 1, 1) <= born <= date.today():
        raise CalcInputError("date_of_birth", f"{born.isoformat()} is not a possible date of birth")
    return born < cutoff


def dependency_status(fields: Mapping[str, Any]) -> CalcResult:
    spec = data("dependency")
    year = checks.award_year(fields.get("award_year"))
    cut = spec["age_cutoff"][year]
    cutoff = date.fromisoformat(cut["born_before"])
    fmt = {"cutoff_year": cutoff.year, "first_year": cutoff.year + 23, "award_year": year}
    steps: list[str] = []
    unconfirmed = [f"The {year} age cutoff (born before {cutoff:%B} 1, {cutoff.year}) is derived from the rule "
                   "'24 or older by December 31 of the award year's first calendar year'; we have not seen it "
                   "on the form itself"]
    sources = list(spec["sources"])
    for q in spec["questions"]:
        text = q["text"].format(**fmt)
        if q["id"] == "born_before_cutoff":
            answer = _born_before(fields, cutoff)
            if answer is None:
                raise CalcInputError("date_of_birth", "missing; give date_of_birth (YYYY-MM-DD) or "
                                                      "born_before_cutoff (yes/no)")
        else:
            answer = checks.flag(q["id"], fields.get(q["id"]), required=False)
            if answer is None:
                raise CalcInputError(q["id"], f"missing; answer yes or no: {text}")
        steps.append(f"{text} {'Yes' if answer else 'No'}")
        if answer:
            return CalcResult(
                calculator="dependency", award_year=year,
                values={"status": "independent", "deciding_question": q["id"], "deciding_question_text": text,
                        "parent_information_needed": False},
                steps=steps, rules=["FAFSA dependency questions"], sources=citations(sources),
                unconfirmed=unconfirmed,
                estimate_note=("Based on your answers; the FAFSA asks these questions itself, and the school may "
                               "ask for documentation (for example for veteran or homeless status)."))
    steps.append(spec["why_parents"])
    steps.append(spec["not_grounds"])
    unusual = checks.flag("unusual_circumstances", fields.get("unusual_circumstances"), required=False)
    refuse = checks.flag("parents_refuse", fields.get("parents_refuse"), required=False)
    options = {"provisional_independence": spec["unusual_circumstances"], "parents_refuse": spec["parents_refuse"]}
    if unusual:
        next_step = "provisional_independence"
    elif refuse:
        next_step = "parents_refuse"
    else:
        next_step = "provide_parent_information"
    sources += ["dependency-not-grounds", "dependency-override", "dependency-parent-refusal"]
    return CalcResult(
        calculator="dependency", award_year=year,
        values={"status": "dependent", "deciding_question": None, "parent_information_needed": True,
                "next_step": next_step, **options},
        steps=steps, rules=["FAFSA dependency questions", "Dependency override (unusual circumstances)",
                            "Parent refusal: Direct Unsubsidized Loan only"],
        sources=citations(sources), unconfirmed=unconfirmed,
        estimate_note=("Based on your answers. Only the college's financial aid office can grant a dependency "
                       "override or an unsubsidized-loan-only exception."))
