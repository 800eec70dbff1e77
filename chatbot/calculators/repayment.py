"""The `repayment` calculator: monthly payment estimates for federal student loans.

    repayment({"balance": 30000, "interest_rate": 6.39, "agi": 45000, "dependents": 1,
               "new_loans": "yes"})

- Standard plan: fixed payments over 10 years (loans made before July 1, 2026).
- Tiered Standard plan: fixed payments over 10-25 years by balance (loans made from July 1, 2026).
- A term the borrower chose (`term_years`: "pay it off in 5 years", a textbook's "6% for 15 years"):
  the level payment over each term given, instead of a plan's (any federal loan may be paid faster).
- Repayment Assistance Plan (RAP, from July 1, 2026): a percent of AGI by income band, less $50 a
  month per dependent, at least $10 a month. Parent PLUS loans cannot use RAP.
All figures are estimates: the servicer computes the real payment.
"""
from __future__ import annotations

from decimal import Decimal, ROUND_HALF_UP
from typing import Any, Mapping

from chatbot.calculators import checks
from chatbot.calculators.result import CalcInputError, CalcResult
from chatbot.calculators.tables import citations, data

CENT = Decimal("0.01")


def cents(x: Decimal) -> float:
    return float(x.quantize(CENT, rounding=ROUND_HALF_UP))


def amortized_payment(balance: Decimal, annual_rate_pct: Decimal, months: int) -> Decimal:
    """Level monthly payment that pays off `balance` in `months` at a fixed annual rate."""
    if annual_rate_pct == 0:
        return balance / months
    r = annual_rate_pct / 100 / 12
    return balance * r / (1 - (1 + r) ** -months)


def tiered_term(balance: Decimal, spec: dict) -> int:
    for band in spec["terms"]:
        if band["below"] is None or balance < band["below"]:
            return band["years"]
    raise AssertionError("tiered_standard terms must end with an open band")


def rap_payment(agi: int, dependents: int, spec: dict) -> tuple[Decimal, str]:
    """Monthly RAP payment and the band that set it."""
    for band in spec["bands"]:
        if band["up_to"] is None or agi <= band["up_to"]:
            break
    if "annual_flat" in band:
        annual, how = Decimal(band["annual_flat"]), f"AGI ${agi:,} is at most ${band['up_to']:,}: ${band['annual_flat']} a year"
    else:
        annual = Decimal(agi) * band["percent"] / 100
        how = f"{band['percent']}% of AGI ${agi:,} = ${cents(annual):,.2f} a year"
    monthly = annual / 12 - spec["per_dependent_monthly"] * dependents
    floor = Decimal(spec["minimum_monthly"])
    return max(monthly, floor), how


def _dependents(fields: Mapping[str, Any], steps: list[str]) -> int:
    """RAP subtracts $50 a month per dependent: from `dependents`, or family size less the borrower and
    a spouse."""
    if fields.get("dependents") not in (None, ""):
        return checks.integer("dependents", fields.get("dependents"), lo=0, hi=30)
    if fields.get("family_size") in (None, ""):
        raise CalcInputError("dependents", "missing; give the number of dependents (children or others you "
                                           "support; not yourself or your spouse), or family_size")
    size = checks.integer("family_size", fields.get("family_size"), lo=1, hi=30)
    married = bool(checks.flag("married", fields.get("married")))
    if size < 1 + married:
        raise CalcInputError("family_size", f"must be at least {1 + married} (you{' and your spouse' if married else ''})")
    deps = size - 1 - married
    steps.append(f"Dependents for RAP: family size {size} minus you{' and your spouse' if married else ''} = {deps}")
    return deps


def _terms(value: Any) -> list[int]:
    """`term_years`: one term or several ("10, 20" or a list), each 1-40 years."""
    if value in (None, "", []):
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).replace(";", ",").split(",")
    return [checks.integer("term_years", item, lo=1, hi=40) for item in items if str(item).strip()][:3]


def _chosen_terms(balance: Decimal, rate: Decimal, terms: list[int], spec: dict) -> CalcResult:
    """The level monthly payment over each term the borrower chose, with what it costs in total."""
    values: dict[str, Any] = {}
    steps = [f"Monthly rate: {rate}% / 12 = {cents(rate / 12 * 100) / 100:g}%; payment = balance x r / (1 - (1 + r)^-months)"]
    for i, years in enumerate(terms, 1):
        months = years * 12
        pay = amortized_payment(balance, rate, months)
        total, interest = cents(pay * months), cents(pay * months - balance)
        values.update({f"term_{i}_years": years, f"term_{i}_monthly": cents(pay),
                       f"term_{i}_total_paid": total, f"term_{i}_total_interest": interest})
        steps.append(f"${cents(balance):,.2f} at {rate}% over {years} years ({months} months): ${cents(pay):,.2f} a month, "
                     f"${total:,.2f} in total, ${interest:,.2f} of it interest")
    if len(terms) > 1:
        first, last = values["term_1_total_paid"], values[f"term_{len(terms)}_total_paid"]
        steps.append(f"Difference in total paid between {terms[0]} and {terms[-1]} years: ${abs(first - last):,.2f}")
    return CalcResult(
        calculator="repayment", award_year="loans in repayment", values=values, steps=steps,
        rules=["Level-payment amortization over the term you gave (monthly compounding)"],
        sources=citations([spec["standard"]["source"]]),
        estimate_note="A federal loan's required payment is set by its repayment plan; paying more each month to "
                      "finish sooner is allowed. Your loan servicer has the exact figures.")


def repayment(fields: Mapping[str, Any]) -> CalcResult:
    spec = data("repayment")
    balance = checks.number("balance", fields.get("balance"), lo=0.01, hi=10_000_000)
    rate = checks.number("interest_rate", fields.get("interest_rate"), lo=0, hi=25)
    terms = _terms(fields.get("term_years"))
    if terms:
        return _chosen_terms(balance, rate, terms, spec)
    new_loans = checks.flag("new_loans", fields.get("new_loans"))
    parent_plus = bool(checks.flag("parent_plus", fields.get("parent_plus"), required=False))
    steps: list[str] = []
    values: dict[str, Any] = {}
    sources: list[str] = []

    if new_loans:
        years = tiered_term(balance, spec["tiered_standard"])
        plan, src = "tiered_standard", spec["tiered_standard"]["source"]
        steps.append(f"Tiered Standard plan ({spec['tiered_standard']['applies_to']}): a ${cents(balance):,.2f} "
                     f"balance is repaid over {years} years")
    else:
        years = spec["standard"]["term_years"]
        plan, src = "standard", spec["standard"]["source"]
        steps.append(f"Standard plan: fixed payments over {years} years")
    months = years * 12
    pay = amortized_payment(balance, rate, months)
    values.update({f"{plan}_monthly": cents(pay), f"{plan}_years": years,
                   f"{plan}_total_paid": cents(pay * months), f"{plan}_total_interest": cents(pay * months - balance)})
    steps.append(f"${cents(balance):,.2f} at {rate}% over {months} months: ${cents(pay):,.2f} a month, "
                 f"${cents(pay * months):,.2f} in total")
    sources.append(src)

    rap = spec["rap"]
    if parent_plus:
        steps.append("Parent PLUS loans cannot be repaid under RAP (and new Parent PLUS loans from July 1, 2026 "
                     "have only the standard plan)")
    elif all(fields.get(k) in (None, "") for k in ("agi", "dependents", "family_size")):
        steps.append("RAP estimate skipped: give agi and dependents (or family_size) to include it")
    else:
        agi = checks.money("agi", fields.get("agi"), negative_ok=True)
        dependents = _dependents(fields, steps)
        monthly, how = rap_payment(agi, dependents, rap)
        interest = balance * rate / 100 / 12
        values.update({"rap_monthly": cents(monthly), "rap_first_month_interest": cents(interest)})
        steps.append(f"RAP: {how}; / 12, minus ${rap['per_dependent_monthly']} x {dependents} dependent(s), at "
                     f"least ${rap['minimum_monthly']} = ${cents(monthly):,.2f} a month")
        steps.append(f"RAP: for on-time payments, interest the payment does not cover is not charged, and the "
                     f"Department adds up to ${rap['principal_match_up_to_monthly']} so the principal falls by at least "
                     f"${rap['principal_match_up_to_monthly']} a month; any balance left after "
                     f"{rap['forgiveness_after_payments']} qualifying payments is forgiven")
        sources += rap["sources"]
    return CalcResult(
        calculator="repayment", award_year="loans in repayment", values=values, steps=steps,
        rules=[f"{plan.replace('_', ' ').title()} plan amortization", "Repayment Assistance Plan (RAP) bands"],
        sources=citations(sources),
        estimate_note=("Estimate. Your loan servicer sets the actual payment; RAP uses the AGI from your "
                       "latest tax return (your own AGI if married filing separately)."))
