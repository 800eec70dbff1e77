"""Deterministic aid calculators: SAI and Pell, Pell award, Direct Loan limits, repayment, dependency.

Every calculator is a pure function `fields -> CalcResult` (result.py): values, the steps that produced
them, the rules and sources used (for citations), and an estimate note. Bad or missing input raises
`CalcInputError` naming the field. Numbers come from the data files in tables/, never from the model.
Run one directly: `python -m chatbot calc NAME --field value ... [--json]`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from chatbot.calculators.dependency import dependency_status
from chatbot.calculators.loans import loan_limits
from chatbot.calculators.pell import pell_award
from chatbot.calculators.repayment import repayment
from chatbot.calculators.result import CalcInputError, CalcResult
from chatbot.calculators.sai_estimate import estimate_sai
from chatbot.calculators.sai_inputs import ASSET_FIELDS, FILING_STATUSES, PERSON_FIELDS, TAX_RETURNS

__all__ = ["CALCULATORS", "CalcInputError", "CalcResult", "Calculator", "dependency_status", "estimate_sai",
           "loan_limits", "pell_award", "repayment", "run"]


@dataclass(frozen=True)
class Calculator:
    func: Callable[[Mapping[str, Any]], CalcResult]
    summary: str
    fields: dict[str, str]          # accepted field -> help


def _sai_fields() -> dict[str, str]:
    f = {
        "award_year": "2025-26 or 2026-27",
        "dependency": "dependent or independent (see the dependency calculator)",
        "family_size": "people in the household: the parents' (dependent) or the student's (independent)",
        "state": "two-letter state of legal residence (the parents' for a dependent student)",
        "parents_married": "dependent: are the parents married/remarried to each other (yes/no)",
        "married": "independent: is the student married (yes/no)",
        "has_dependents": "independent: children or other dependents besides a spouse (yes/no)",
        "special_rule": "a parent or guardian died in the line of duty (yes/no, optional)",
        "has_bachelors_or_graduate": "graduate student or already has a bachelor's degree (optional)",
        "teacher_certification": "in a post-baccalaureate teacher certification program (optional)",
    }
    for who in ("student", "spouse", "parent", "parent_spouse"):
        f[f"{who}_tax_return"] = f"{who}: {' | '.join(TAX_RETURNS)} (default filed)"
        f[f"{who}_filing_status"] = f"{who}: {' | '.join(FILING_STATUSES)}"
        f[f"{who}_received_eitc"] = f"{who}: received the earned income tax credit (yes/no, optional)"
        for item, (text, _) in PERSON_FIELDS.items():
            f[f"{who}_{item}"] = f"{who}: {text}"
    for who in ("student", "parent"):
        for item, text in ASSET_FIELDS.items():
            f[f"{who}_{item}"] = f"{who}: {text}"
    return f


CALCULATORS: dict[str, Calculator] = {
    "sai": Calculator(estimate_sai, "Student Aid Index and Pell eligibility (Formulas A, B, C)", _sai_fields()),
    "pell": Calculator(pell_award, "Pell Grant for the year from SAI, enrollment and cost of attendance", {
        "award_year": "2025-26 or 2026-27",
        "sai": "Student Aid Index (-1500 to 999999)",
        "enrollment": "full-time, three-quarter-time, half-time, or percent of full time (1-100)",
        "cost_of_attendance": "the school's cost of attendance for the year",
        "max_pell_eligible": "FAFSA results show Maximum Pell eligibility (optional)",
        "min_pell_eligible": "FAFSA results show Minimum Pell eligibility (optional)",
        "special_rule": "a parent or guardian died in the line of duty (optional)",
        "has_bachelors_or_graduate": "graduate student or already has a bachelor's degree (optional)",
        "teacher_certification": "post-baccalaureate teacher certification program (optional)",
        "non_federal_grant_aid": "2026-27: state, school and private grants for the year (optional)",
    }),
    "loan-limits": Calculator(loan_limits, "Direct Loan annual limits (subsidized, unsubsidized, PLUS)", {
        "award_year": "2025-26 or 2026-27 (loan periods from July 1, 2026 follow the new rules)",
        "level": "undergraduate, graduate or professional",
        "dependency": "undergraduate: dependent or independent",
        "year_in_school": "undergraduate: 1, 2, 3 (3 and above are the same)",
        "enrollment": "full-time, three-quarter-time, half-time, or percent of full time",
        "parent_plus_denied": "dependent undergraduate whose parent was denied PLUS (optional)",
        "legacy_borrower": "2026-27: had a Direct Loan for this program before July 1, 2026 (yes/no)",
        "borrowed_so_far": "loans already borrowed toward this level's aggregate limit (optional)",
        "borrowed_subsidized_so_far": "of which subsidized (optional)",
    }),
    "repayment": Calculator(repayment, "Monthly payment: Standard / Tiered Standard and RAP", {
        "balance": "total loan balance entering repayment",
        "interest_rate": "interest rate in percent (e.g. 6.39)",
        "new_loans": "loans made on or after July 1, 2026 (yes/no): Tiered Standard instead of 10-year Standard",
        "term_years": "a term the borrower chose, in years, or several (e.g. 10, 20) (optional; replaces the plan)",
        "parent_plus": "these are Parent PLUS loans (optional)",
        "agi": "adjusted gross income, for RAP (optional)",
        "dependents": "number of dependents, for RAP (optional)",
        "family_size": "instead of dependents: family size (with married)",
        "married": "with family_size: married (yes/no)",
    }),
    "dependency": Calculator(dependency_status, "FAFSA dependency status: independent or parents needed", {
        "award_year": "2025-26 or 2026-27",
        "date_of_birth": "YYYY-MM-DD (or born_before_cutoff yes/no)",
        "born_before_cutoff": "born before Jan 1, 2002 (2025-26) / 2003 (2026-27)",
        "married": "married or remarried as of today",
        "graduate_student": "graduate or professional student in the award year",
        "active_duty": "active duty in the U.S. armed forces other than training",
        "veteran": "veteran of the U.S. armed forces",
        "supports_dependents": "children or other dependents get more than half their support from you",
        "orphan_foster_ward": "since age 13: both parents deceased, foster care, or ward of the court",
        "emancipated_or_guardianship": "emancipated minor or legal guardianship (court-determined)",
        "homeless": "unaccompanied homeless youth, or self-supporting and at risk of homelessness",
        "unusual_circumstances": "cannot contact parents or unsafe to (abuse, abandonment, ...) (optional)",
        "parents_refuse": "parents refuse to provide information, no unusual circumstance (optional)",
    }),
}


def run(name: str, fields: Mapping[str, Any]) -> CalcResult:
    """Run calculator `name`; unknown fields are refused so a typo never goes unnoticed."""
    if name not in CALCULATORS:
        raise CalcInputError("calculator", f"unknown calculator {name!r}; choose one of: {', '.join(CALCULATORS)}")
    calc = CALCULATORS[name]
    unknown = sorted(set(fields) - set(calc.fields))
    if unknown:
        raise CalcInputError(unknown[0], f"not a field of the {name} calculator")
    return calc.func(fields)
