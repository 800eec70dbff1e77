"""Inputs of the SAI estimator: who the contributors are and what each reported.

`SaiInput` is the structured form the formulas use. `sai_input_from_fields` builds it from flat
`name -> value` fields (the CLI and the chat pipeline), checking every value and naming any field that
is missing or impossible. Field names: `<who>_<item>`, where who is `student`, `spouse` (an independent
student's spouse), `parent` or `parent_spouse`; see PERSON_FIELDS and ASSET_FIELDS.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from chatbot.calculators import checks
from chatbot.calculators.result import CalcInputError

FILING_STATUSES = ("single", "married_filing_jointly", "married_filing_separately",
                   "head_of_household", "qualifying_surviving_spouse")
# Did the person file a 2023 (2025-26) / 2024 (2026-27) tax return? "not_filed" covers the FAFSA's
# "did not file a U.S. return" answers (low income, no income, other reasons); a person who earned
# foreign income without filing abroad answers differently and does not get the nonfiler Max Pell.
TAX_RETURNS = ("filed", "not_filed", "not_filed_foreign_income")

# item -> (help text, may be negative)
PERSON_FIELDS: dict[str, tuple[str, bool]] = {
    "agi": ("adjusted gross income", True),
    "income_tax_paid": ("U.S. income tax paid", False),
    "earned_income": ("income earned from work (wages + net self-employment)", False),
    "tax_exempt_interest": ("tax-exempt interest income", False),
    "ira_deductible_payments": ("deductible payments to IRA/Keogh/other", False),
    "untaxed_ira_distributions": ("untaxed portions of IRA distributions", False),
    "ira_rollover": ("IRA rollover", False),
    "untaxed_pensions": ("untaxed portions of pensions", False),
    "pension_rollover": ("pension rollover", False),
    "foreign_income_exclusion": ("foreign earned income exclusion", True),
    "education_credits": ("education credits", False),
    "college_grants": ("taxable college grant and scholarship aid", False),
    "work_study": ("Federal Work-Study earnings", False),
}
ASSET_FIELDS: dict[str, str] = {
    "cash": "cash, savings and checking",
    "investments": "net worth of current investments (0 if worth less than what is owed)",
    "business_farm": "net worth of businesses and investment farms",
    "child_support_received": "annual child support received",
}


@dataclass(frozen=True)
class Person:
    agi: int = 0
    income_tax_paid: int = 0
    earned_income: int = 0
    tax_exempt_interest: int = 0
    ira_deductible_payments: int = 0
    untaxed_ira_distributions: int = 0
    ira_rollover: int = 0
    untaxed_pensions: int = 0
    pension_rollover: int = 0
    foreign_income_exclusion: int = 0
    education_credits: int = 0
    college_grants: int = 0
    work_study: int = 0
    tax_return: str = "filed"
    filing_status: str = "single"
    received_eitc: bool = False         # earned income tax credit in the tax year (single-parent test)


@dataclass(frozen=True)
class Assets:
    cash: int = 0
    investments: int = 0
    business_farm: int = 0
    child_support_received: int = 0


@dataclass(frozen=True)
class SaiInput:
    award_year: str
    dependent: bool
    family_size: int                    # parents' household (dependent) or the student's (independent)
    state: str                          # state of legal residence (parents' for a dependent student)
    student: Person
    student_assets: Assets = field(default_factory=Assets)
    # Independent students only.
    married: bool = False
    has_dependents: bool = False        # children or other dependents besides a spouse -> Formula C
    spouse: Person | None = None
    # Dependent students only.
    parents: tuple[Person, ...] = ()
    parents_married: bool = False
    parent_assets: Assets = field(default_factory=Assets)

    @property
    def formula(self) -> str:
        if self.dependent:
            return "A"
        return "C" if self.has_dependents else "B"


def _person(who: str, fields: Mapping[str, Any], required: tuple[str, ...]) -> Person:
    values: dict[str, Any] = {}
    for item, (_, negative_ok) in PERSON_FIELDS.items():
        name = f"{who}_{item}"
        values[item] = checks.money(name, fields.get(name), negative_ok=negative_ok,
                                    required=item in required)
    tax_return = checks.choice(f"{who}_tax_return", fields.get(f"{who}_tax_return") or "filed", TAX_RETURNS)
    status = fields.get(f"{who}_filing_status")
    if tax_return == "filed" and not status:
        raise CalcInputError(f"{who}_filing_status", f"missing; choose one of: {', '.join(FILING_STATUSES)}")
    values["filing_status"] = checks.choice(f"{who}_filing_status", status or "single", FILING_STATUSES)
    values["tax_return"] = tax_return
    values["received_eitc"] = bool(checks.flag(f"{who}_received_eitc", fields.get(f"{who}_received_eitc"),
                                               required=False))
    if tax_return == "not_filed":
        # A nonfiler reports earnings from work, not a tax return: AGI and tax paid do not exist. (Someone
        # with foreign earnings who did not have to file abroad reports their AGI-equivalent.)
        for item in ("agi", "income_tax_paid"):
            if values[item]:
                raise CalcInputError(f"{who}_{item}", f"{who}_tax_return is {tax_return}, so there is no "
                                                      f"{PERSON_FIELDS[item][0]}; leave it out or set the tax return")
    return Person(**values)


def _assets(who: str, fields: Mapping[str, Any]) -> Assets:
    return Assets(**{item: checks.money(f"{who}_{item}", fields.get(f"{who}_{item}"), required=False)
                     for item in ASSET_FIELDS})


def sai_input_from_fields(fields: Mapping[str, Any]) -> SaiInput:
    """Build and check an SaiInput from flat fields. Amounts not given count as 0; the fields that
    decide the formula (dependency, family size, state, AGI, tax paid, earnings) are required."""
    year = checks.award_year(fields.get("award_year"))
    dependent = checks.choice("dependency", fields.get("dependency"), ("dependent", "independent")) == "dependent"
    family_size = checks.integer("family_size", fields.get("family_size"), lo=1, hi=99)
    state = str(fields.get("state") or "").strip().upper()
    if not (len(state) == 2 and state.isalpha()):
        raise CalcInputError("state", "missing or not a two-letter state code (e.g. NJ, AK, HI; FC if abroad)")
    filer_items = ("agi", "income_tax_paid", "earned_income")

    def needs(who: str) -> tuple[str, ...]:
        filed = (fields.get(f"{who}_tax_return") or "filed") == "filed"
        return filer_items if filed else ("earned_income",)

    def given(prefix: str) -> list[str]:
        return sorted(k for k, v in fields.items() if k.startswith(prefix) and v not in (None, ""))

    student = _person("student", fields, needs("student"))
    if dependent:
        for name in ["married", "has_dependents"] + given("spouse_"):
            if fields.get(name) not in (None, "", False, "no"):
                raise CalcInputError(name, "applies only to independent students; a married student or one "
                                           "with dependents is independent (see the dependency calculator)")
        if family_size < 2:
            raise CalcInputError("family_size", "a dependent student's family includes the student and at least one parent (2 or more)")
        parents_married = bool(checks.flag("parents_married", fields.get("parents_married")))
        parents = [_person("parent", fields, needs("parent"))]
        if any(k.startswith("parent_spouse_") and v not in (None, "") for k, v in fields.items()):
            parents.append(_person("parent_spouse", fields, needs("parent_spouse")))
        return SaiInput(award_year=year, dependent=True, family_size=family_size, state=state,
                        student=student, student_assets=_assets("student", fields),
                        parents=tuple(parents), parents_married=parents_married,
                        parent_assets=_assets("parent", fields))
    # An independent student's parents are not contributors: their amounts would be silently unused.
    for name in given("parent"):
        raise CalcInputError(name, "parents' information is not used for an independent student; leave it out")
    married = bool(checks.flag("married", fields.get("married")))
    has_dependents = bool(checks.flag("has_dependents", fields.get("has_dependents")))
    if not married and given("spouse_"):
        raise CalcInputError(given("spouse_")[0], "spouse amounts need married = yes")
    minimum = 1 + int(married) + int(has_dependents)
    if family_size < minimum:
        raise CalcInputError("family_size", f"must be at least {minimum} for this household, got {family_size}")
    spouse = None
    if married and any(k.startswith("spouse_") and v not in (None, "") for k, v in fields.items()):
        spouse = _person("spouse", fields, needs("spouse"))
    return SaiInput(award_year=year, dependent=False, family_size=family_size, state=state,
                    student=student, student_assets=_assets("student", fields), married=married,
                    has_dependents=has_dependents, spouse=spouse)
