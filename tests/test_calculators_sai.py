"""SAI formulas and tables: table-driven checks at every threshold, and input validation."""
from __future__ import annotations

import pytest

from chatbot.calculators import CalcInputError, estimate_sai
from chatbot.calculators.sai import (aai_contribution, business_farm, employment_expense, payroll_tax, rnd,
                                     sai_worksheet, sized_allowance)
from chatbot.calculators.sai_inputs import Person, sai_input_from_fields
from chatbot.calculators.tables import table

T25 = table("sai", "2025-26")


def dependent(**kw):
    fields = {"award_year": "2025-26", "dependency": "dependent", "family_size": 3, "state": "NJ",
              "parents_married": "no", "parent_filing_status": "single", "parent_agi": 0,
              "parent_income_tax_paid": 0, "parent_earned_income": 0, "student_filing_status": "single",
              "student_agi": 0, "student_income_tax_paid": 0, "student_earned_income": 0}
    fields.update(kw)
    return fields


def independent(**kw):
    fields = {"award_year": "2025-26", "dependency": "independent", "family_size": 1, "state": "NJ",
              "married": "no", "has_dependents": "no", "student_filing_status": "single", "student_agi": 0,
              "student_income_tax_paid": 0, "student_earned_income": 0}
    fields.update(kw)
    return fields


@pytest.mark.parametrize("x, expected", [(0.5, 1), (1.49, 1), (-0.5, -1), (-1.5, -2), (17513.5, 17514), (2, 2)])
def test_rounding_half_away_from_zero(x, expected):
    from decimal import Decimal
    assert rnd(Decimal(str(x))) == expected


@pytest.mark.parametrize("aai, contribution", [
    (-100000, -1826), (-8301, -1826), (-8300, -1826), (-8299, -1826), (-1000, -220), (0, 0),
    (21300, 4686), (21301, 4686), (21304, 4687), (26700, 6036), (32000, 7573), (37500, 9443),
    (42900, 11603), (42901, 11603), (100000, 11603 + 26837),
])
def test_table_a5_bands(aai, contribution):
    assert aai_contribution(aai, T25) == contribution


@pytest.mark.parametrize("earned, status, expected", [
    (82521, "head_of_household", 5116 + 1197),
    (160200, "single", 9932 + 2323),
    (170000, "single", 9932 + 2465),                        # OASDI stops at the wage base
    (200000, "single", 9932 + 2900),
    (210000, "single", 9932 + 2900 + 235),                  # 2.35% above the HI threshold
    (320400, "married_filing_jointly", 19865 + 5279),
    (130000, "married_filing_separately", 8060 + 1930),
    (0, "single", 0),
])
def test_payroll_tax_table_a1(earned, status, expected):
    assert payroll_tax([Person(earned_income=earned, filing_status=status)], T25) == expected


def test_payroll_rounds_oasdi_and_hi_separately_then_adds_people():
    a, b = Person(earned_income=12349), Person(earned_income=1)
    # 6.2% x 12350 = 765.70 -> 766; 1.45% x 12350 = 179.075 -> 179
    assert payroll_tax([a, b], T25) == 766 + 179


@pytest.mark.parametrize("size, ipa", [(2, 28530), (3, 35510), (4, 43870), (5, 51750), (6, 60540),
                                       (7, 67380), (14, 115260)])
def test_parents_ipa_table_a2(size, ipa):
    assert sized_allowance(T25["ipa_parents"], size, "") == ipa


@pytest.mark.parametrize("status, size, ipa", [("unmarried", 2, 53710), ("unmarried", 6, 113950),
                                               ("unmarried", 14, 216990), ("married", 3, 56430),
                                               ("married", 9, 128730)])
def test_formula_c_ipa(status, size, ipa):
    assert sized_allowance(T25["ipa_independent_with_dependents"][status], size, "") == ipa


def test_married_formula_c_has_no_size_2():
    with pytest.raises(CalcInputError) as e:
        sized_allowance(T25["ipa_independent_with_dependents"]["married"], 2, "x")
    assert e.value.field == "family_size"


@pytest.mark.parametrize("earned, eea", [(0, 0), (13971, 4890), (13970, 4890), (13900, 4865), (100000, 4890)])
def test_employment_expense_allowance_cap(earned, eea):
    assert employment_expense([Person(earned_income=earned)], T25) == eea


@pytest.mark.parametrize("net_worth, adjusted", [(0, 0), (1, 0), (3, 1), (78924, 31570)])
def test_business_farm_first_band(net_worth, adjusted):
    assert business_farm(net_worth, T25, "parent") == adjusted


def test_business_farm_above_confirmed_band_is_refused():
    with pytest.raises(CalcInputError) as e:
        business_farm(78925, T25, "parent")
    assert e.value.field == "parent_business_farm"


def test_worked_example_formula_a():
    """SAI-FORMULA-NOTES.md section 7, record app-20241023-L029."""
    r = estimate_sai(dependent(parent_filing_status="head_of_household", parent_agi=80198,
                               parent_income_tax_paid=10987, parent_earned_income=82521,
                               parent_tax_exempt_interest=3000, parent_cash=600, student_agi=10456,
                               student_income_tax_paid=1532, student_earned_income=12348,
                               student_college_grants=5000, student_foreign_income_exclusion=-10225))
    assert r.values["sai"] == 6601
    assert r.values["pell_full_time_scheduled_award"] == 795
    assert any("Parents' contribution (Table A5): 5,754" in s for s in r.steps)
    assert r.sources and r.sources[0].url.startswith("https://")


def test_dependent_student_child_support_is_not_an_asset():
    w = sai_worksheet(sai_input_from_fields(dependent(parent_agi=200000, parent_earned_income=200000,
                                                      student_cash=1000, student_child_support_received=500)))
    assert w["student_net_worth"] == 1000
    w = sai_worksheet(sai_input_from_fields(independent(student_cash=1000, student_child_support_received=500)))
    assert w["student_net_worth"] == 1500


def test_formula_b_income_contribution_can_be_negative_and_sai_floors():
    w = sai_worksheet(sai_input_from_fields(independent(student_agi=1000, student_earned_income=1000)))
    assert w["student_contribution_from_income"] < 0
    r = estimate_sai(independent(student_agi=-50000, student_earned_income=0))
    assert r.values["calculated_sai"] == -1500


def test_sai_ceiling():
    r = estimate_sai(independent(student_agi=5_000_000, student_earned_income=0))
    assert r.values["sai"] == 999999


@pytest.mark.parametrize("fields, formula", [
    (dependent(parent_agi=300000, parent_earned_income=300000), "A"),
    (independent(student_agi=90000, student_earned_income=90000), "B"),
    (independent(student_agi=90000, student_earned_income=90000, has_dependents="yes", family_size=2), "C"),
])
def test_formula_choice(fields, formula):
    assert estimate_sai(fields).values["formula"] == formula


# ---- Max / Min Pell: thresholds (NJ, 2023 guidelines: 14,580 + 5,140 per extra person) ------------

# Family of 3 (dependent): guideline 24,860; 175% = 43,505; 225% = 55,935; 275% = 68,365; 325% = 80,795.
@pytest.mark.parametrize("agi, single, indicator", [
    (43505, False, 3), (43506, False, None), (0, False, None), (1, False, 3),
    (55935, True, 2), (55936, True, None), (43506, True, 2),
])
def test_max_pell_thresholds(agi, single, indicator):
    f = dependent(parent_agi=agi, parent_earned_income=0,
                  parent_filing_status="head_of_household" if single else "single")
    assert estimate_sai(f).values["max_pell_indicator"] == indicator


def test_single_parent_by_eitc():
    f = dependent(parent_agi=50000, parent_received_eitc="yes")
    assert estimate_sai(f).values["max_pell_indicator"] == 2
    f = dependent(parent_agi=50000, parent_received_eitc="yes", parents_married="yes")
    assert estimate_sai(f).values["max_pell_indicator"] is None


def test_max_pell_sai_is_at_most_zero():
    r = estimate_sai(dependent(parent_agi=40000, parent_earned_income=0, student_cash=50000))
    assert r.values["calculated_sai"] > 0 and r.values["sai"] == 0 and r.values["pell_route"] == "maximum"


def test_nonfiler_parents_get_minus_1500_without_worksheet():
    r = estimate_sai(dependent(parent_tax_return="not_filed", parent_agi=None, parent_income_tax_paid=None,
                               parent_earned_income=9000))
    assert r.values["sai"] == -1500 and r.values["max_pell_indicator"] == 1 and r.values["calculated_sai"] is None


def test_foreign_income_nonfiler_is_not_max_pell_nonfiler():
    r = estimate_sai(dependent(parent_tax_return="not_filed_foreign_income", parent_agi=90000,
                               parent_earned_income=90000))
    assert r.values["max_pell_indicator"] is None


@pytest.mark.parametrize("agi, indicator", [(68365, 2), (68366, None)])
def test_min_pell_dependent_not_single_parent(agi, indicator):
    # High assets push the SAI above 6,655 while AGI stays near the 275% line.
    r = estimate_sai(dependent(parent_agi=agi, parent_earned_income=agi, parent_cash=300000))
    assert r.values["sai"] > 6655
    assert r.values["min_pell_indicator"] == indicator
    assert r.values["pell_eligible"] is (indicator is not None)


@pytest.mark.parametrize("extra, indicator", [
    ({"student_cash": 200000, "student_agi": 35000, "student_earned_income": 35000}, 5),
    ({"has_dependents": "yes", "family_size": 2, "student_cash": 900000}, 4),
    ({"has_dependents": "yes", "family_size": 2, "student_cash": 900000,
      "student_filing_status": "head_of_household"}, 3),
])
def test_min_pell_independent_codes(extra, indicator):
    # AGI above the Max Pell line (175% / 225%) but within the Min Pell one (275% / 350% / 400%).
    r = estimate_sai(independent(**{"student_agi": 45000, "student_earned_income": 45000, **extra}))
    assert r.values["min_pell_indicator"] == indicator and r.values["pell_full_time_scheduled_award"] == 740


@pytest.mark.parametrize("sai_target, route", [(6655, "calculated"), (6656, "minimum")])
def test_calculated_pell_boundary(sai_target, route):
    # Formula B, no income: SAI = 50% x (0 - 17,890) + 20% x cash, so cash sets the SAI exactly.
    # AGI 0 fails the Max Pell test (AGI must be above 0) and passes every Min Pell test.
    r = estimate_sai(independent(student_cash=(sai_target + 8945) * 5))
    assert r.values["sai"] == sai_target
    assert r.values["pell_route"] == route


def test_special_rule_and_graduates():
    rich = independent(student_agi=200000, student_earned_income=200000)
    assert estimate_sai({**rich, "special_rule": "yes"}).values["pell_route"] == "special_rule"
    poor = independent(student_agi=10000, student_earned_income=10000)
    assert estimate_sai({**poor, "has_bachelors_or_graduate": "yes"}).values["pell_eligible"] is False
    assert estimate_sai({**poor, "has_bachelors_or_graduate": "yes",
                         "teacher_certification": "yes"}).values["pell_eligible"] is True


def test_2026_27_uses_2025_26_tables_and_says_so():
    r = estimate_sai(dependent(award_year="2026-27", parent_agi=80198, parent_earned_income=82521,
                               parent_income_tax_paid=10987))
    assert "Estimate based on 2025-26 tables" in r.estimate_note
    assert any("ipa_parents" in u for u in r.unconfirmed)
    assert any(c.id == "pell-dcl-2026-27" for c in r.sources)


@pytest.mark.parametrize("agi, eligible", [(14789 * 2 + 17890, True), (14790 * 2 + 17890, False)])
def test_2026_27_sai_cap_at_twice_max_pell(agi, eligible):
    # Formula B, no tax, no earnings: SAI = 50% x (AGI - 17,890); AGI near 275% of the 1-person
    # guideline is far below these incomes, so only the cap decides.
    f = independent(award_year="2026-27", student_agi=agi, student_earned_income=0)
    r = estimate_sai(f)
    assert r.values["sai"] in (14789, 14790)
    assert r.values["pell_eligible"] is False  # above 6,655 and no Min Pell at this AGI either way
    r = estimate_sai({**f, "special_rule": "yes"})
    assert r.values["pell_eligible"] is True


def test_2026_27_foreign_income_counts_for_pell_tests():
    base = dependent(parent_agi=40000, parent_earned_income=0, parent_foreign_income_exclusion=10000)
    assert estimate_sai(base).values["max_pell_indicator"] == 3                       # 2025-26: 40,000
    assert estimate_sai({**base, "award_year": "2026-27"}).values["max_pell_indicator"] is None  # 50,000


# ---- input validation ---------------------------------------------------------------------------

@pytest.mark.parametrize("change, field", [
    ({"family_size": -1}, "family_size"),
    ({"family_size": 0}, "family_size"),
    ({"family_size": 100}, "family_size"),
    ({"family_size": 2.5}, "family_size"),
    ({"family_size": "three"}, "family_size"),
    ({"family_size": None}, "family_size"),
    ({"parent_earned_income": -5}, "parent_earned_income"),
    ({"parent_earned_income": "lots"}, "parent_earned_income"),
    ({"parent_earned_income": float("nan")}, "parent_earned_income"),
    ({"parent_agi": None}, "parent_agi"),
    ({"parent_cash": -1}, "parent_cash"),
    ({"parent_cash": True}, "parent_cash"),
    ({"state": "New Jersey"}, "state"),
    ({"dependency": "maybe"}, "dependency"),
    ({"award_year": "2019-20"}, "award_year"),
    ({"parents_married": None}, "parents_married"),
    ({"parent_filing_status": None}, "parent_filing_status"),
    ({"parent_tax_return": "not_filed", "parent_agi": 5000}, "parent_agi"),
    ({"married": "yes"}, "married"),
])
def test_bad_input_names_the_field(change, field):
    with pytest.raises(CalcInputError) as e:
        estimate_sai(dependent(**change))
    assert e.value.field == field


def test_negative_agi_is_accepted():
    r = estimate_sai(dependent(parent_agi=-25000, parent_earned_income=0))
    assert r.values["sai"] <= 0


@pytest.mark.parametrize("fields, field", [
    (dependent(spouse_agi=1000), "spouse_agi"),
    (independent(parent_agi=50000), "parent_agi"),
    (independent(parents_married="yes"), "parents_married"),
    (independent(spouse_earned_income=1000), "spouse_earned_income"),
])
def test_fields_for_the_wrong_household_are_refused(fields, field):
    with pytest.raises(CalcInputError) as e:
        estimate_sai(fields)
    assert e.value.field == field


def test_independent_family_size_must_fit_household():
    with pytest.raises(CalcInputError) as e:
        estimate_sai(independent(married="yes", family_size=1))
    assert e.value.field == "family_size"
