"""Direct Loan limits before and after July 1, 2026."""
from __future__ import annotations

import pytest

from chatbot.calculators import CalcInputError, loan_limits


def limits(**kw):
    fields = {"award_year": "2025-26", "level": "undergraduate", "dependency": "dependent", "year_in_school": 1,
              "enrollment": "full-time"}
    fields.update(kw)
    return loan_limits(fields).values


@pytest.mark.parametrize("year", ["2025-26", "2026-27"])
@pytest.mark.parametrize("dependency, year_in_school, total, sub", [
    ("dependent", 1, 5500, 3500), ("dependent", 2, 6500, 4500), ("dependent", 3, 7500, 5500),
    ("dependent", 5, 7500, 5500), ("independent", 1, 9500, 3500), ("independent", 2, 10500, 4500),
    ("independent", 4, 12500, 5500),
])
def test_undergraduate_limits_unchanged(year, dependency, year_in_school, total, sub):
    v = limits(award_year=year, dependency=dependency, year_in_school=year_in_school,
               **({"legacy_borrower": "no"} if year == "2026-27" else {}))
    assert (v["annual_total"], v["subsidized_max"]) == (total, sub)
    assert v["unsubsidized_if_full_subsidized"] == total - sub


def test_parent_plus_denied_gets_independent_limits():
    assert limits(parent_plus_denied="yes")["annual_total"] == 9500


def test_aggregates():
    assert (limits()["aggregate_limit"], limits()["aggregate_subsidized_limit"]) == (31000, 23000)
    assert limits(dependency="independent")["aggregate_limit"] == 57500


@pytest.mark.parametrize("enrollment, total_2526, total_2627", [
    ("full-time", 6500, 6500), ("three-quarter-time", 6500, 4875), ("half-time", 6500, 3250), ("88", 6500, 5720),
])
def test_less_than_full_time_proration_only_from_2026(enrollment, total_2526, total_2627):
    assert limits(year_in_school=2, enrollment=enrollment)["annual_total"] == total_2526
    assert limits(award_year="2026-27", year_in_school=2, enrollment=enrollment)["annual_total"] == total_2627


@pytest.mark.parametrize("year", ["2025-26", "2026-27"])
def test_less_than_half_time_no_direct_loans(year):
    with pytest.raises(CalcInputError) as e:
        limits(award_year=year, enrollment="49")
    assert e.value.field == "enrollment"


def test_graduate_before_and_after_july_2026():
    old = limits(level="graduate")
    assert (old["annual_total"], old["subsidized_max"], old["aggregate_limit"]) == (20500, 0, 138500)
    assert "cost of attendance" in old["grad_plus"]
    new = limits(award_year="2026-27", level="graduate", legacy_borrower="no")
    assert (new["annual_total"], new["aggregate_limit"], new["lifetime_cap"]) == (20500, 100000, 257500)
    assert "not available" in new["grad_plus"]


def test_professional_after_july_2026():
    v = limits(award_year="2026-27", level="professional", legacy_borrower="no")
    assert (v["annual_total"], v["aggregate_limit"]) == (50000, 200000)
    assert limits(level="professional")["annual_total"] == 20500     # no separate limit in 2025-26


def test_legacy_borrower_keeps_old_limits():
    r = loan_limits({"award_year": "2026-27", "level": "graduate", "enrollment": "full-time",
                     "legacy_borrower": "yes"})
    assert "cost of attendance" in r.values["grad_plus"] and r.values["aggregate_limit"] == 138500
    assert any(c.id == "loan-legacy-exception" for c in r.sources)


def test_graduate_2026_needs_legacy_answer():
    with pytest.raises(CalcInputError) as e:
        limits(award_year="2026-27", level="graduate")
    assert e.value.field == "legacy_borrower"


def test_parent_plus_caps():
    assert limits()["parent_plus_annual"] == "up to cost of attendance minus other aid"
    v = limits(award_year="2026-27", enrollment="half-time")
    assert (v["parent_plus_annual"], v["parent_plus_aggregate_per_student"]) == (20000, 65000)
    assert "parent_plus_annual" not in limits(dependency="independent")


@pytest.mark.parametrize("prior, prior_sub, total, sub", [
    (0, 0, 7500, 5500), (27000, 20000, 4000, 3000), (31000, 23000, 0, 0), (25000, 18000, 6000, 5000),
])
def test_prior_borrowing_against_aggregates(prior, prior_sub, total, sub):
    v = limits(year_in_school=3, borrowed_so_far=prior, borrowed_subsidized_so_far=prior_sub)
    assert (v["annual_total"], v["subsidized_max"]) == (total, sub)
    assert ("aggregate_left" in v) == bool(prior) and v.get("aggregate_left", 31000 - prior) == 31000 - prior


def test_rates_only_where_confirmed():
    assert limits()["interest_rate_percent"] == "6.39"
    assert limits(level="graduate")["plus_interest_rate_percent"] == "8.94"
    r = loan_limits({"award_year": "2026-27", "level": "undergraduate", "dependency": "dependent",
                     "year_in_school": 1, "enrollment": "full-time"})
    assert "interest_rate_percent" not in r.values
    assert any("interest rates" in u for u in r.unconfirmed)


@pytest.mark.parametrize("change, field", [
    ({"level": "postdoc"}, "level"), ({"year_in_school": 0}, "year_in_school"),
    ({"year_in_school": "first"}, "year_in_school"), ({"dependency": None}, "dependency"),
    ({"borrowed_so_far": -1}, "borrowed_so_far"),
    ({"borrowed_so_far": 100, "borrowed_subsidized_so_far": 200}, "borrowed_subsidized_so_far"),
])
def test_bad_input(change, field):
    with pytest.raises(CalcInputError) as e:
        limits(**change)
    assert e.value.field == field
