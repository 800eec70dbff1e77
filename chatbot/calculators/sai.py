"""Student Aid Index worksheet, Formulas A (dependent), B and C (independent), 2025-26 tables.

`sai_worksheet(inp)` runs the formula and returns every worksheet line under the names the ISIR uses
(`parent_total_income`, `student_contribution_from_assets`, ...), so each line can be checked against
the Department's test ISIRs (`python -m eval sai`). The Max/Min Pell short-cuts and the Pell award live
in pell.py; `estimate_sai` in __init__ ties them together.

Method: /work/shared/isir-2025-26/SAI-FORMULA-NOTES.md (sections 2-4, tables in section 6). Every
step is in whole dollars, rounded half away from zero, as the Department's worksheet does.
"""
from __future__ import annotations

from decimal import Decimal, ROUND_HALF_UP

from chatbot.calculators.result import CalcInputError
from chatbot.calculators.sai_inputs import Assets, Person, SaiInput
from chatbot.calculators.tables import Table, table

D = Decimal


def rnd(x: Decimal | int) -> int:
    """Whole dollars, halves away from zero (ROUND_HALF_UP in decimal means exactly that)."""
    return int(D(x).quantize(D(1), rounding=ROUND_HALF_UP))


def pct(rate: str, amount: int) -> int:
    return rnd(D(rate) * amount)


def total_income(p: Person) -> int:
    """AGI plus untaxed income, minus the exclusions (notes section 2, step 1)."""
    return (p.agi + p.ira_deductible_payments + p.tax_exempt_interest
            + max(0, p.untaxed_ira_distributions - p.ira_rollover)
            + max(0, p.untaxed_pensions - p.pension_rollover)
            # Some returns carry the exclusion as a negative number; it is income either way.
            + abs(p.foreign_income_exclusion)
            - p.college_grants - p.education_credits - p.work_study)


def payroll_tax(people: list[Person], t: Table, *, dependent_student: bool = False) -> int:
    """Table A1. Each person separately; OASDI and Medicare rounded separately, then added."""
    pr = t["payroll"]
    oasdi = hi = D(0)
    for p in people:
        earned = max(0, p.earned_income)
        joint = p.filing_status == "married_filing_jointly" and not dependent_student
        base = pr["oasdi_wage_base_joint"] if joint else pr["oasdi_wage_base"]
        oasdi += D(pr["oasdi_rate"]) * min(earned, base)
        key = "single" if dependent_student or p.filing_status not in pr["hi_threshold"] else p.filing_status
        threshold = pr["hi_threshold"][key]
        hi += (D(pr["hi_rate"]) * min(earned, threshold)
               + D(pr["hi_rate_above_threshold"]) * max(0, earned - threshold))
    return rnd(oasdi) + rnd(hi)


def employment_expense(people: list[Person], t: Table) -> int:
    eea = t["employment_expense_allowance"]
    return min(eea["cap"], pct(eea["rate"], sum(max(0, p.earned_income) for p in people)))


def sized_allowance(spec: dict, size: int, what: str) -> int:
    by_size = {int(k): v for k, v in spec["by_size"].items()}
    if size in by_size:
        return by_size[size]
    top = max(by_size)
    if size < min(by_size):
        raise CalcInputError("family_size", f"{what} starts at family size {min(by_size)}, got {size}")
    return by_size[top] + spec["each_additional"] * (size - top)


def business_farm(net_worth: int, t: Table, who: str) -> int:
    """Table A3 adjusted net worth. Refuses amounts above the confirmed first band."""
    spec = t["business_farm_adjustment"]
    if net_worth < 1:
        return 0
    if spec.get("confirmed_up_to") is not None and net_worth > spec["confirmed_up_to"]:
        raise CalcInputError(f"{who}_business_farm", (
            f"net worth above ${spec['confirmed_up_to']:,} needs the upper bands of the {t.award_year} "
            "Table A3, which we have not confirmed; ask the school's aid office for an exact figure"))
    band = spec["bands"][0]
    return rnd(D(band["base"]) + D(band["rate"]) * (net_worth - band["over"]))


def net_worth(a: Assets, t: Table, who: str, *, child_support: bool = True) -> int:
    """Cash + investments + adjusted business/farm (+ child support received, which the formula treats
    as an asset for parents and independent students but not for a dependent student)."""
    return (a.cash + a.investments + business_farm(a.business_farm, t, who)
            + (a.child_support_received if child_support else 0))


def aai_contribution(aai: int, t: Table) -> int:
    """Table A5: contribution from adjusted available income (parents; Formula C students)."""
    s = t["aai_schedule"]
    if aai < s["floor_below"]:
        return s["floor"]
    band = [b for b in s["bands"] if aai >= b["from"]][-1]
    if band.get("zero_based"):
        return pct(band["rate"], aai)
    return rnd(D(band["base"]) + D(band["rate"]) * (aai - band["from"]))


def _clamp(sai: int, t: Table) -> int:
    return max(t["sai_floor"], min(t["sai_ceiling"], sai))


def _formula_a(inp: SaiInput, t: Table) -> dict[str, int]:
    w: dict[str, int] = {}
    parents = list(inp.parents)
    w["parent_total_income"] = sum(total_income(p) for p in parents)
    w["parent_payroll_tax_allowance"] = payroll_tax(parents, t)
    w["parent_income_protection_allowance"] = sized_allowance(t["ipa_parents"], inp.family_size,
                                                              "the parents' income protection allowance")
    w["parent_employment_expense_allowance"] = employment_expense(parents, t)
    w["parent_total_allowances"] = (sum(p.income_tax_paid for p in parents) + w["parent_payroll_tax_allowance"]
                                    + w["parent_income_protection_allowance"]
                                    + w["parent_employment_expense_allowance"])
    w["parent_available_income"] = w["parent_total_income"] - w["parent_total_allowances"]
    w["parent_net_worth"] = net_worth(inp.parent_assets, t, "parent")
    w["parent_asset_protection_allowance"] = t["asset_protection_allowance"]
    w["parent_discretionary_net_worth"] = w["parent_net_worth"] - w["parent_asset_protection_allowance"]
    w["parent_contribution_from_assets"] = pct(t["rates"]["parent_assets"], w["parent_discretionary_net_worth"])
    w["parent_adjusted_available_income"] = w["parent_available_income"] + w["parent_contribution_from_assets"]
    w["parent_contribution"] = aai_contribution(w["parent_adjusted_available_income"], t)

    s = inp.student
    w["student_total_income"] = total_income(s)
    w["student_payroll_tax_allowance"] = payroll_tax([s], t, dependent_student=True)
    w["student_income_protection_allowance"] = t["ipa_dependent_student"]
    # A family whose parents have negative adjusted available income shields that much student income.
    w["student_allowance_for_parents_negative_aai"] = max(0, -w["parent_adjusted_available_income"])
    w["student_employment_expense_allowance"] = 0
    w["student_total_allowances"] = (s.income_tax_paid + w["student_payroll_tax_allowance"]
                                     + w["student_income_protection_allowance"]
                                     + w["student_allowance_for_parents_negative_aai"])
    w["student_available_income"] = w["student_total_income"] - w["student_total_allowances"]
    w["student_contribution_from_income"] = max(0, pct(t["rates"]["dependent_student_income"],
                                                       w["student_available_income"]))
    w["student_net_worth"] = net_worth(inp.student_assets, t, "student", child_support=False)
    w["student_asset_protection_allowance"] = 0
    w["student_contribution_from_assets"] = pct(t["rates"]["dependent_student_assets"], w["student_net_worth"])
    w["sai"] = _clamp(w["parent_contribution"] + w["student_contribution_from_income"]
                      + w["student_contribution_from_assets"], t)
    return w


def _formula_bc(inp: SaiInput, t: Table) -> dict[str, int]:
    w: dict[str, int] = {}
    people = [inp.student] + ([inp.spouse] if inp.married and inp.spouse else [])
    c = inp.has_dependents
    w["student_total_income"] = sum(total_income(p) for p in people)
    w["student_payroll_tax_allowance"] = payroll_tax(people, t)
    status = "married" if inp.married else "unmarried"
    if c:
        w["student_income_protection_allowance"] = sized_allowance(
            t["ipa_independent_with_dependents"][status], inp.family_size,
            f"the income protection allowance for {status} students with dependents")
    else:
        w["student_income_protection_allowance"] = t["ipa_independent_without_dependents"][status]
    # Formula B gives the employment allowance only to married students; Formula C to everyone.
    w["student_employment_expense_allowance"] = employment_expense(people, t) if (c or inp.married) else 0
    w["student_total_allowances"] = (sum(p.income_tax_paid for p in people) + w["student_payroll_tax_allowance"]
                                     + w["student_income_protection_allowance"]
                                     + w["student_employment_expense_allowance"])
    w["student_available_income"] = w["student_total_income"] - w["student_total_allowances"]
    w["student_net_worth"] = net_worth(inp.student_assets, t, "student")
    w["student_asset_protection_allowance"] = t["asset_protection_allowance"]
    discretionary = w["student_net_worth"] - w["student_asset_protection_allowance"]
    r = t["rates"]
    if c:
        w["student_contribution_from_assets"] = pct(r["independent_with_dependents_assets"], discretionary)
        w["student_adjusted_available_income"] = (w["student_available_income"]
                                                  + w["student_contribution_from_assets"])
        w["student_contribution_from_saai"] = aai_contribution(w["student_adjusted_available_income"], t)
        w["sai"] = _clamp(w["student_contribution_from_saai"], t)
    else:
        # Formula B's income contribution may be negative (no floor at 0, unlike Formula A's student).
        w["student_contribution_from_income"] = pct(r["independent_without_dependents_income"],
                                                    w["student_available_income"])
        w["student_contribution_from_assets"] = pct(r["independent_without_dependents_assets"], discretionary)
        w["sai"] = _clamp(w["student_contribution_from_income"] + w["student_contribution_from_assets"], t)
    return w


def sai_worksheet(inp: SaiInput) -> dict[str, int]:
    """The full worksheet for `inp`, ending with the calculated SAI (before any Max Pell override)."""
    t = table("sai", inp.award_year)
    return _formula_a(inp, t) if inp.dependent else _formula_bc(inp, t)
