"""Repayment estimates: Standard 10-year, Tiered Standard, Repayment Assistance Plan."""
from __future__ import annotations

import pytest

from chatbot.calculators import CalcInputError, repayment


def pay(**kw):
    fields = {"balance": 10000, "interest_rate": 6, "new_loans": "no"}
    fields.update(kw)
    return repayment(fields)


def test_standard_10_year_known_value():
    v = pay().values
    assert v["standard_monthly"] == 111.02 and v["standard_years"] == 10
    assert v["standard_total_interest"] == pytest.approx(3322.46, abs=0.01)


def test_zero_rate():
    assert pay(interest_rate=0, balance=12000).values["standard_monthly"] == 100.0


@pytest.mark.parametrize("balance, years", [
    (1000, 10), (24999.99, 10), (25000, 15), (49999, 15), (50000, 20), (99999.99, 20), (100000, 25), (400000, 25),
])
def test_tiered_standard_terms(balance, years):
    v = pay(new_loans="yes", balance=balance).values
    assert v["tiered_standard_years"] == years and "standard_monthly" not in v


@pytest.mark.parametrize("agi, dependents, monthly", [
    (-5000, 0, 10.0), (0, 0, 10.0), (10000, 0, 10.0), (10001, 0, 10.0), (20000, 0, 16.67), (20001, 0, 33.34),
    (45000, 1, 100.0), (60000, 2, 150.0), (60000, 10, 10.0), (100000, 0, 750.0), (100001, 0, 833.34),
])
def test_rap_bands(agi, dependents, monthly):
    assert pay(agi=agi, dependents=dependents).values["rap_monthly"] == monthly


def test_rap_dependents_from_family_size():
    r = pay(agi=60000, family_size=4, married="yes")
    assert r.values["rap_monthly"] == 150.0
    assert any("family size 4" in s for s in r.steps)


def test_rap_skipped_without_income_and_refused_for_parent_plus():
    assert "rap_monthly" not in pay().values
    r = pay(agi=50000, dependents=0, parent_plus="yes")
    assert "rap_monthly" not in r.values and any("Parent PLUS" in s for s in r.steps)


@pytest.mark.parametrize("change, field", [
    ({"balance": None}, "balance"), ({"balance": 0}, "balance"), ({"balance": -100}, "balance"),
    ({"balance": "ten thousand"}, "balance"), ({"interest_rate": None}, "interest_rate"),
    ({"interest_rate": -1}, "interest_rate"), ({"interest_rate": 40}, "interest_rate"),
    ({"new_loans": None}, "new_loans"), ({"agi": 50000}, "dependents"),
    ({"agi": 50000, "dependents": -1}, "dependents"), ({"agi": 50000, "dependents": 1.5}, "dependents"),
    ({"agi": 50000, "family_size": 1, "married": "yes"}, "family_size"),
    ({"agi": "abc", "dependents": 0}, "agi"),
])
def test_bad_input(change, field):
    with pytest.raises(CalcInputError) as e:
        pay(**change)
    assert e.value.field == field


def test_results_are_labelled_estimates_with_sources():
    r = pay(agi=40000, dependents=0)
    assert r.estimate_note.startswith("Estimate")
    assert {c.id for c in r.sources} >= {"repay-plans-2026", "repay-rap"}


def test_chosen_terms_replace_the_plan_and_need_no_loan_date():
    # Textbook values: $25,000 at 6% over 15, 20 and 10 years.
    v = repayment({"balance": 25000, "interest_rate": 6, "term_years": [15]}).values
    assert v["term_1_monthly"] == 210.96 and v["term_1_years"] == 15 and "standard_monthly" not in v
    v = repayment({"balance": 25000, "interest_rate": 6, "term_years": "20, 10"}).values
    assert (v["term_1_monthly"], v["term_2_monthly"]) == (179.11, 277.55)
    assert v["term_1_total_paid"] > v["term_2_total_paid"]


@pytest.mark.parametrize("term", [0, 41, "forever"])
def test_chosen_term_out_of_range(term):
    with pytest.raises(CalcInputError) as e:
        repayment({"balance": 25000, "interest_rate": 6, "term_years": [term]})
    assert e.value.field == "term_years"
