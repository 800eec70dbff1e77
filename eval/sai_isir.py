"""Turn one test-ISIR record (eval/datasets/isir-2025-26-cases.jsonl) into estimator inputs, and compare.

The record already holds the *effective* inputs (FAFSA value, else the IRS value); see the dataset
README. Here we only map names and codes:

- blank amounts count as 0 (the Department's worksheet does the same);
- a contributor block that is present but entirely blank is a spouse whose data sits on the other
  person's joint return, so it is dropped;
- "filed a tax return": the ISIR's filed-1040 answer, or the IRS match. A parent's non-U.S. answer is a
  code (1 territory return, 2 foreign return, 3 foreign income but no return, 4-6 no return); for the
  student and spouse the extractor gives yes/no.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chatbot.calculators.sai_inputs import Assets, Person, SaiInput
from chatbot.calculators.sai_outcome import PellContext, assess

PERSON_MAP = {  # our field -> ISIR field
    "agi": "adjusted_gross_income",
    "income_tax_paid": "income_tax_paid",
    "earned_income": "income_earned_from_work",
    "tax_exempt_interest": "tax_exempt_interest_income",
    "ira_deductible_payments": "ira_keogh_other_deductible_payments",
    "untaxed_ira_distributions": "untaxed_ira_distributions",
    "ira_rollover": "ira_rollover",
    "untaxed_pensions": "untaxed_pensions",
    "pension_rollover": "pension_rollover",
    "foreign_income_exclusion": "foreign_earned_income_exclusion",
    "education_credits": "education_credits",
    "college_grants": "college_grant_scholarship_aid",
    "work_study": "federal_work_study_earnings",
}
ASSET_MAP = {
    "cash": "cash_savings_checking",
    "investments": "investments_net_worth",
    "business_farm": "business_farm_net_worth",
    "child_support_received": "child_support_received",
}


def _blank(block: dict | None) -> bool:
    if block is None:
        return True
    return all(block.get(k) is None for k in list(PERSON_MAP.values()) + ["tax_filer", "tax_filing_status"])


def tax_return(block: dict, parent: bool) -> str:
    if block.get("tax_filer"):
        return "filed"
    code = block.get("filed_non_us_tax_return")
    if parent:
        if code in (True, False):          # codes 1 and 2: a territory or foreign return was filed
            return "filed"
        if code == "3":
            return "not_filed_foreign_income"
        return "not_filed"
    return "filed" if code is True else "not_filed"


def person(block: dict, parent: bool) -> Person:
    values: dict[str, Any] = {ours: int(block.get(theirs) or 0) for ours, theirs in PERSON_MAP.items()}
    values["tax_return"] = tax_return(block, parent)
    values["filing_status"] = block.get("tax_filing_status") or "single"
    values["received_eitc"] = block.get("eitc_received_in_tax_year") == "yes"
    if values["tax_return"] == "not_filed":
        # Someone who filed no return has no AGI or tax paid; the Department leaves any such amounts
        # out (push-20241023-L225: a non-filing spouse's AGI 800 and tax 75 are not in the worksheet).
        values["agi"] = values["income_tax_paid"] = 0
    return Person(**values)


def assets(block: dict | None) -> Assets:
    if block is None:
        return Assets()
    return Assets(**{ours: int(block.get(theirs) or 0) for ours, theirs in ASSET_MAP.items()})


def family_size(rec: dict) -> int | None:
    """The revised family size, else the Department's "assumed" one; None when the record has neither."""
    hh = rec["inputs"]["household"]
    im = rec["outputs"]["intermediate"]
    if hh["dependency_status"] == "dependent":
        return hh["parent_family_size"] or im["assumed_parent_family_size"]
    return hh["student_family_size"] or im["assumed_student_family_size"]


def inferred_family_size(rec: dict) -> int:
    """For a record without any family size (README caveat 6): the size whose income protection
    allowance equals the Department's (Formulas A and C), else the smallest household the answers
    allow (the student, plus a spouse, plus one dependent). Used only to report these records apart."""
    from chatbot.calculators.sai import sized_allowance
    from chatbot.calculators.tables import table

    t = table("sai", rec["award_year"])
    im = rec["outputs"]["intermediate"]
    inp = to_input(rec, size=99)
    if inp.dependent and im["parent_income_protection_allowance"]:
        spec, ipa = t["ipa_parents"], im["parent_income_protection_allowance"]
    elif inp.has_dependents and im["student_income_protection_allowance"]:
        spec = t["ipa_independent_with_dependents"]["married" if inp.married else "unmarried"]
        ipa = im["student_income_protection_allowance"]
    else:
        return 2 if inp.dependent else 1 + int(inp.married) + int(inp.has_dependents)
    for size in range(2, 100):
        try:
            if sized_allowance(spec, size, "") == ipa:
                return size
        except ValueError:
            continue
    raise ValueError(f"{rec['record_id']}: no family size gives the Department's IPA {ipa}")


def to_input(rec: dict, size: int | None = None) -> SaiInput:
    """The estimator input for `rec`. `size` overrides the family size (for records that lack one)."""
    i = rec["inputs"]
    hh = i["household"]
    dependent = hh["dependency_status"] == "dependent"
    size = size or family_size(rec) or 0
    student = person(i["student"], parent=False)
    if dependent:
        parents = tuple(person(b, parent=True) for b in (i["parent"], i["parent_spouse"]) if not _blank(b))
        return SaiInput(award_year=rec["award_year"], dependent=True, family_size=size,
                        state=hh["parent_state_of_legal_residence"] or "", student=student,
                        student_assets=assets(i["student"]), parents=parents,
                        parents_married=hh["parent_marital_status"] in ("married", "remarried"),
                        parent_assets=assets(i["parent"]))
    married = hh["student_marital_status"] in ("married", "remarried")
    spouse = None if _blank(i["student_spouse"]) else person(i["student_spouse"], parent=False)
    return SaiInput(award_year=rec["award_year"], dependent=False, family_size=size,
                    state=hh["student_state_of_legal_residence"] or "", student=student,
                    student_assets=assets(i["student"]), married=married,
                    has_dependents=_has_dependents(rec),
                    spouse=spouse)


def _has_dependents(rec: dict) -> bool:
    formula = rec["outputs"]["sai_formula"]
    if formula:
        return formula == "C"
    return bool(rec["inputs"]["household"]["student_has_children_or_other_dependents"])


# ---- comparison with the Department's results -------------------------------------------------

@dataclass
class RecordCheck:
    record_id: str
    group: str                       # A, B, C or "none" (no worksheet: Max Pell short-cut)
    size_inferred: bool              # the record has no family size; see inferred_family_size
    sai: tuple[int, int]             # (ours, Department's)
    pell: tuple[bool, bool]
    max_ind: tuple[int | None, int | None]
    min_ind: tuple[int | None, int | None]
    lines_compared: int = 0
    first_diff: tuple[str, int, int] | None = None   # (worksheet line, ours, Department's)
    error: str = ""

    @property
    def all_match(self) -> bool:
        return not self.error and all(a == b for a, b in (self.sai, self.pell, self.max_ind, self.min_ind))


def pell_context(rec: dict) -> PellContext:
    e = rec["inputs"]["eligibility_context"]
    return PellContext(
        special_rule=e["iasg_indicator"] in ("1", "2") or e["children_of_fallen_heroes_indicator"] in ("1", "2"),
        has_bachelors_or_graduate=(e["grade_level"] == "graduate_or_professional"
                                   or bool(e["first_bachelors_degree_before_award_year"])),
        teacher_certification=bool(e["pursuing_teacher_certification"]))


def _int(v: Any) -> int | None:
    return int(v) if v not in (None, "") else None


def check_record(rec: dict) -> RecordCheck:
    """Compare one record that has an SAI. A record with only a provisional SAI (provisional
    independent student) is checked as independent against that provisional SAI."""
    o = rec["outputs"]
    if not o["has_sai"] and o["provisional_sai"] is not None:
        rec = {**rec, "inputs": {**rec["inputs"], "household": {**rec["inputs"]["household"],
                                                                "dependency_status": "independent"}}}
        o = {**o, "sai": o["provisional_sai"]}
    size = family_size(rec)
    chk = RecordCheck(record_id=rec["record_id"], group=o["sai_formula"] or "none", size_inferred=size is None,
                      sai=(0, o["sai"]), pell=(False, bool(o["pell_grant_eligible"])),
                      max_ind=(None, _int(o["max_pell_indicator"])), min_ind=(None, _int(o["min_pell_indicator"])))
    try:
        out = assess(to_input(rec, size=size or inferred_family_size(rec)), pell_context(rec))
    except (ValueError, KeyError) as exc:
        chk.error = str(exc)
        return chk
    chk.sai = (out.sai, o["sai"])
    chk.pell = (out.pell_eligible, bool(o["pell_grant_eligible"]))
    chk.max_ind = (out.max_pell_indicator, chk.max_ind[1])
    chk.min_ind = (out.min_pell_indicator, chk.min_ind[1])
    if o["sai_formula"]:
        im = o["intermediate"]
        for line, ours in out.worksheet.items():
            if line == "sai" or line not in im:
                continue
            chk.lines_compared += 1
            theirs = im[line] or 0          # blank worksheet values (e.g. assets not collected) are 0
            if ours != theirs and chk.first_diff is None:
                chk.first_diff = (line, ours, theirs)
    if chk.first_diff is None and chk.sai[0] != chk.sai[1] and o["sai_formula"]:
        chk.first_diff = ("sai", chk.sai[0], chk.sai[1])
    return chk
