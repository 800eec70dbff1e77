"""The `loan-limits` calculator: Direct Loan annual limits (subsidized / unsubsidized, PLUS) for a year.

    loan_limits({"award_year": "2026-27", "level": "undergraduate", "dependency": "dependent",
                 "year_in_school": 2, "enrollment": "full-time"})

2025-26 is the year before Pub. L. 119-21's loan changes; 2026-27 loan periods (from July 1, 2026)
follow the new rules: Grad PLUS ended for new borrowers, new graduate / professional / lifetime caps,
Parent PLUS caps, and less-than-full-time proration. The subsidized amount is a maximum: the school
awards it only up to the student's financial need.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from chatbot.calculators import checks
from chatbot.calculators.pell import enrollment_intensity
from chatbot.calculators.result import CalcInputError, CalcResult
from chatbot.calculators.sai import rnd
from chatbot.calculators.tables import citations, table

LEVELS = ("undergraduate", "graduate", "professional")


def loan_limits(fields: Mapping[str, Any]) -> CalcResult:
    year = checks.award_year(fields.get("award_year"))
    level = checks.choice("level", fields.get("level"), LEVELS)
    intensity, enrolled = enrollment_intensity(fields.get("enrollment"))
    if intensity < 50:
        raise CalcInputError("enrollment", "Direct Loans need at least half-time enrollment; "
                                           f"{intensity}% of full time is less than half-time")
    t = table("loans", year)
    sources = list(t["sources"])
    steps: list[str] = []
    unconfirmed: list[str] = []
    rules = _rules_table(fields, level, t, steps, sources, unconfirmed)
    if level == "undergraduate":
        values, why = _undergraduate(fields, rules, steps)
        if "parent_plus_aggregate_per_student" in values:
            sources.append(t["sources_by_topic"]["parent_plus"])
    else:
        values, why = _graduate(level, rules, steps)
        if t.get("sources_by_topic"):
            sources.append(t["sources_by_topic"]["graduate_aggregates"])
            if level == "professional" and rules.get("professional_programs"):
                sources.append(t["sources_by_topic"]["professional_programs"])
    if t["less_than_full_time_proration"] and intensity < 100:
        sources.append(t["sources_by_topic"]["proration"])
        for key in ("annual_total", "subsidized_max"):
            full = values[key]
            values[key] = rnd(Decimal(full) * intensity / 100)
            steps.append(f"Enrolled {intensity}% of full time: {key.replace('_', ' ')} ${full:,} x {intensity}% "
                         f"= ${values[key]:,}")
        unconfirmed.append("The rounding of prorated loan limits is not in our sources (rounded to the nearest dollar)")
    elif intensity < 100:
        steps.append(f"{year}: annual limits are not reduced for {enrolled} enrollment (at least half-time)")
    _apply_prior_borrowing(fields, values, steps)
    values["unsubsidized_if_full_subsidized"] = values["annual_total"] - values["subsidized_max"]
    if values["subsidized_max"]:
        steps.append(f"Split: up to ${values['subsidized_max']:,} subsidized (only up to financial need) and the rest "
                     f"of the ${values['annual_total']:,} unsubsidized: at least "
                     f"${values['unsubsidized_if_full_subsidized']:,}, more if less subsidized is awarded")
    values["enrollment_intensity_percent"] = intensity
    if t.get("rates"):
        r = t["rates"]
        values["interest_rate_percent"] = r["undergraduate" if level == "undergraduate" else "graduate"]
        values["plus_interest_rate_percent"] = r["plus"]
        sources.append(r["source"])
    else:
        unconfirmed.append(f"{year} interest rates: no official source found, so none is stated")
    return CalcResult(
        calculator="loan-limits", award_year=year, values=values, steps=steps, rules=why,
        sources=citations(sources), unconfirmed=unconfirmed,
        estimate_note=("Annual maximums under federal rules. Schools can set lower limits, subsidized loans "
                       "depend on financial need, and total aid cannot exceed the cost of attendance."))


def _rules_table(fields: Mapping[str, Any], level: str, t, steps: list[str], sources: list[str],
                 unconfirmed: list[str]):
    """The interim exception keeps a continuing student on the pre-July-2026 limits."""
    exc = t.get("legacy_exception")
    if not exc:
        return t
    # Graduate limits hinge on it, so it must be answered; for undergraduates it only affects Parent PLUS.
    legacy = checks.flag("legacy_borrower", fields.get("legacy_borrower"), required=level != "undergraduate")
    if not legacy:
        return t
    sources.append(exc["source"])
    steps.append(f"Interim exception: enrolled in this program with a Direct Loan for it before July 1, 2026, so "
                 f"the {exc['keeps_rules_of']} limits apply for up to {exc['max_academic_years']} academic years "
                 "or until the expected completion, if sooner")
    if level != "undergraduate":
        unconfirmed.append(f"Whether the ${t['lifetime_cap']:,} lifetime cap limits borrowing under the interim "
                           "exception is not stated in our sources")
    return table("loans", exc["keeps_rules_of"])


def _undergraduate(fields: Mapping[str, Any], t, steps: list[str]) -> tuple[dict, list[str]]:
    dependency = checks.choice("dependency", fields.get("dependency"), ("dependent", "independent"))
    year_in_school = checks.integer("year_in_school", fields.get("year_in_school"), lo=1, hi=10)
    band = min(year_in_school, 3)
    denied = dependency == "dependent" and bool(checks.flag("parent_plus_denied", fields.get("parent_plus_denied"),
                                                            required=False))
    kind = "independent" if dependency == "independent" or denied else "dependent"
    lim = t["undergraduate"][kind]
    annual, sub = lim["annual"][band], lim["subsidized"][band]
    year_label = {1: "first year", 2: "second year", 3: "third year and beyond"}[band]
    if denied:
        steps.append("Dependent student whose parent was denied a PLUS loan: independent-student limits apply")
    steps.append(f"{kind.capitalize()} undergraduate, {year_label}: up to ${annual:,} a year, of which at most "
                 f"${sub:,} subsidized")
    steps.append(f"Aggregate limit ${lim['aggregate']:,} (at most ${lim['aggregate_subsidized']:,} subsidized)")
    values = {"annual_total": annual, "subsidized_max": sub, "aggregate_limit": lim["aggregate"],
              "aggregate_subsidized_limit": lim["aggregate_subsidized"]}
    pp = t["parent_plus"]
    if dependency == "dependent":
        if pp["annual"] == "cost_of_attendance":
            values["parent_plus_annual"] = "up to cost of attendance minus other aid"
        else:
            values["parent_plus_annual"] = pp["annual"]
            values["parent_plus_aggregate_per_student"] = pp["aggregate"]
            steps.append(f"Parent PLUS: up to ${pp['annual']:,} a year and ${pp['aggregate']:,} in total for this "
                         "student, all parents combined (not reduced for part-time enrollment)")
    return values, [f"Direct Loan limits, {kind} undergraduate ({t.award_year})"]


def _graduate(level: str, t, steps: list[str]) -> tuple[dict, list[str]]:
    spec = t[level]
    if spec == "same_as_graduate":
        spec = t["graduate"]
    if level == "professional" and t.get("professional_programs"):
        steps.append(t["professional_programs"])
    steps.append(f"{level.capitalize()} student: up to ${spec['annual']:,} a year, all unsubsidized")
    incl = "including" if spec["aggregate_includes_undergraduate"] else "not counting"
    steps.append(f"Aggregate limit ${spec['aggregate']:,} ({incl} undergraduate loans)")
    values = {"annual_total": spec["annual"], "subsidized_max": 0, "aggregate_limit": spec["aggregate"]}
    if spec["grad_plus"] == "cost_of_attendance":
        values["grad_plus"] = "up to cost of attendance minus other aid"
    else:
        values["grad_plus"] = "not available (ended for new borrowers from July 1, 2026)"
        steps.append("Grad PLUS: not available to new borrowers for loan periods from July 1, 2026")
    if t["lifetime_cap"]:
        values["lifetime_cap"] = t["lifetime_cap"]
        steps.append(f"Lifetime cap on all federal student loans: ${t['lifetime_cap']:,} (Parent PLUS borrowed as a "
                     "parent not counted)")
    return values, [f"Direct Loan limits, {level} ({t.award_year} rules)"]


def _apply_prior_borrowing(fields: Mapping[str, Any], values: dict, steps: list[str]) -> None:
    """Optional: loans already borrowed that count toward this level's aggregate limit."""
    prior = checks.money("borrowed_so_far", fields.get("borrowed_so_far"), required=False)
    prior_sub = checks.money("borrowed_subsidized_so_far", fields.get("borrowed_subsidized_so_far"), required=False)
    if prior_sub > prior:
        raise CalcInputError("borrowed_subsidized_so_far", f"${prior_sub:,} is more than borrowed_so_far "
                                                           f"(${prior:,}), which includes subsidized loans")
    if not prior and not prior_sub:
        return
    left = max(0, values["aggregate_limit"] - prior)
    values["aggregate_left"] = left
    steps.append(f"Aggregate limit ${values['aggregate_limit']:,} minus ${prior:,} already borrowed: ${left:,} left")
    if left < values["annual_total"]:
        steps.append(f"That is less than the yearly limit, so at most ${left:,} this year")
        values["annual_total"] = left
    if "aggregate_subsidized_limit" in values:
        sub_left = max(0, values["aggregate_subsidized_limit"] - prior_sub)
        if sub_left < values["subsidized_max"]:
            steps.append(f"Already borrowed ${prior_sub:,} subsidized: ${sub_left:,} subsidized left")
            values["subsidized_max"] = sub_left
    values["subsidized_max"] = min(values["subsidized_max"], values["annual_total"])
