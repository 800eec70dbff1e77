"""The `sai` calculator: SAI estimate and Pell eligibility, explained step by step with sources.

    estimate_sai({"award_year": "2025-26", "dependency": "dependent", "family_size": 3, "state": "NJ",
                  "parents_married": "no", "parent_filing_status": "head_of_household",
                  "parent_agi": 80198, "parent_income_tax_paid": 10987, "parent_earned_income": 82521, ...})

Field names are in sai_inputs.py. Extra Pell fields: `special_rule` (a parent or guardian died in the
line of duty), `has_bachelors_or_graduate`, `teacher_certification`.
"""
from __future__ import annotations

from typing import Any, Mapping

from chatbot.calculators import checks
from chatbot.calculators.result import CalcResult
from chatbot.calculators.sai_inputs import sai_input_from_fields
from chatbot.calculators.sai_outcome import PellContext, SaiOutcome, assess
from chatbot.calculators.tables import citations, table

LINE_LABELS = {
    "parent_total_income": "Parents' total income (AGI + untaxed income - exclusions)",
    "parent_payroll_tax_allowance": "Parents' payroll tax allowance (Table A1)",
    "parent_income_protection_allowance": "Parents' income protection allowance (Table A2)",
    "parent_employment_expense_allowance": "Parents' employment expense allowance",
    "parent_total_allowances": "Parents' total allowances (incl. income tax paid)",
    "parent_available_income": "Parents' available income",
    "parent_net_worth": "Parents' net worth (cash + investments + business/farm adj. + child support)",
    "parent_asset_protection_allowance": "Asset protection allowance (Table A4)",
    "parent_discretionary_net_worth": "Parents' discretionary net worth",
    "parent_contribution_from_assets": "Parents' contribution from assets (12%)",
    "parent_adjusted_available_income": "Parents' adjusted available income",
    "parent_contribution": "Parents' contribution (Table A5)",
    "student_total_income": "Student's total income",
    "student_payroll_tax_allowance": "Student's payroll tax allowance (Table A1)",
    "student_income_protection_allowance": "Student's income protection allowance",
    "student_allowance_for_parents_negative_aai": "Allowance for parents' negative adjusted available income",
    "student_employment_expense_allowance": "Student's employment expense allowance",
    "student_total_allowances": "Student's total allowances (incl. income tax paid)",
    "student_available_income": "Student's available income",
    "student_contribution_from_income": "Student's contribution from income",
    "student_net_worth": "Student's net worth",
    "student_asset_protection_allowance": "Asset protection allowance (Table A4)",
    "student_contribution_from_assets": "Student's contribution from assets",
    "student_adjusted_available_income": "Student's adjusted available income",
    "student_contribution_from_saai": "Contribution from adjusted available income (Table A5)",
    "sai": "Calculated SAI (limited to -1,500 ... 999,999)",
}
FORMULA_NAMES = {"A": "Formula A (dependent student)",
                 "B": "Formula B (independent, no dependents other than a spouse)",
                 "C": "Formula C (independent, with dependents other than a spouse)"}


def pell_context_from_fields(fields: Mapping[str, Any]) -> tuple[PellContext, list[str]]:
    assumed: list[str] = []
    values = {}
    for name, meaning in (("special_rule", "no parent or guardian died in the line of duty"),
                          ("has_bachelors_or_graduate", "an undergraduate without a bachelor's degree"),
                          ("teacher_certification", "not in a teacher certification program")):
        v = checks.flag(name, fields.get(name), required=False)
        if v is None:
            assumed.append(f"Assumed {meaning} (set {name} to change this)")
        values[name] = bool(v)
    return PellContext(**values), assumed


def estimate_sai(fields: Mapping[str, Any]) -> CalcResult:
    inp = sai_input_from_fields(fields)
    ctx, assumed = pell_context_from_fields(fields)
    out = assess(inp, ctx)
    t = table("sai", inp.award_year)
    inherited = t.inherited_keys()
    tables_year = t.base.award_year if inherited else t.award_year
    steps = list(assumed)
    if inp.dependent and inp.parents_married and len(inp.parents) == 1:
        steps.append("No parent_spouse amounts given: the parent's amounts are taken as the couple's (joint return)")
    if not inp.dependent and inp.married and inp.spouse is None:
        steps.append("No spouse amounts given: the student's amounts are taken as the couple's (joint return)")
    if out.formula:
        steps.append(f"{FORMULA_NAMES[out.formula]}, {tables_year} tables"
                     + (f" (the {inp.award_year} tables are not confirmed)" if inherited else ""))
        steps += [f"{LINE_LABELS[k]}: {v:,}" for k, v in out.worksheet.items()]
    steps += out.reasons
    if inp.award_year != "2025-26" and t.get("business_farm_exclusion_note") and (
            inp.parent_assets.business_farm or inp.student_assets.business_farm):
        steps.append(t["business_farm_exclusion_note"])
    rules = [f"SAI {FORMULA_NAMES[out.formula]} ({tables_year} tables)"
             if out.formula else "Maximum Pell nonfiler short-cut (SAI -1,500)",
             "Maximum/Minimum Pell tests against the HHS poverty guidelines",
             "Calculated Pell = maximum Pell - SAI, rounded to the nearest $5"]
    unconfirmed = ["Who counts as a single parent for the Pell tests (unmarried and head of household / "
                   "surviving spouse or EITC) is inferred from the Department's test ISIRs, not read in the guide"]
    if inherited:
        unconfirmed.append(f"{inp.award_year} SAI tables: using {tables_year} values for " + ", ".join(inherited))
    note = t.get("estimate_note") if inherited else (
        "Estimate using the 2025-26 SAI formula and tables, which reproduce all 535 of the Department's "
        "2025-26 test ISIRs exactly. Your official SAI is on your FAFSA Submission Summary; your school "
        "sets the actual Pell award.")
    return CalcResult(
        calculator="sai", award_year=inp.award_year, values=_values(out, t["pell"]), steps=steps, rules=rules,
        sources=citations(list(t["sources"]) + ["pell-handbook-calc", "pell-handbook-2025-26"]),
        estimate_note=note, unconfirmed=unconfirmed)


def _values(out: SaiOutcome, pell: dict) -> dict[str, Any]:
    return {
        "sai": out.sai,
        "formula": out.formula or "none (nonfiler short-cut)",
        "calculated_sai": out.calculated_sai,
        "pell_eligible": out.pell_eligible,
        "pell_route": out.pell_route,
        "max_pell_indicator": out.max_pell_indicator,
        "min_pell_indicator": out.min_pell_indicator,
        "pell_full_time_scheduled_award": out.scheduled_award,
        "pell_maximum": pell["maximum"],
        "pell_minimum": pell["minimum"],
    }
