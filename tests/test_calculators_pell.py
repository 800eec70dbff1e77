"""Pell award by enrollment intensity and cost of attendance, 2025-26 and 2026-27 rules."""
from __future__ import annotations

import pytest

from chatbot.calculators import CalcInputError, pell_award


def award(**kw):
    fields = {"award_year": "2025-26", "sai": 0, "enrollment": "full-time", "cost_of_attendance": 20000}
    fields.update(kw)
    return pell_award(fields)


@pytest.mark.parametrize("sai, scheduled", [
    (-1500, 7395), (0, 7395), (1, 7395), (2, 7395), (3, 7390), (6601, 795), (6655, 740),
    (6656, 0), (20000, 0),
])
def test_scheduled_award_and_5_dollar_rounding(sai, scheduled):
    assert award(sai=sai).values["scheduled_award_full_time"] == scheduled


@pytest.mark.parametrize("enrollment, pct, annual", [
    ("full-time", 100, 7395), ("three-quarter-time", 75, 5546), ("3/4", 75, 5546), ("half-time", 50, 3698),
    ("58", 58, 4289), ("58.3", 58, 4289), ("25%", 25, 1849), (1, 1, 74), (100, 100, 7395),
])
def test_enrollment_intensity(enrollment, pct, annual):
    r = award(enrollment=enrollment)
    assert r.values["enrollment_intensity_percent"] == pct and r.values["annual_award"] == annual


@pytest.mark.parametrize("enrollment", ["less-than-half-time", None, "0", "101", "part time", -5])
def test_bad_enrollment_names_the_field(enrollment):
    with pytest.raises(CalcInputError) as e:
        award(enrollment=enrollment)
    assert e.value.field == "enrollment"


def test_cost_of_attendance_caps_the_award():
    r = award(cost_of_attendance=5000)
    assert r.values["scheduled_award_full_time"] == 5000 and r.unconfirmed


@pytest.mark.parametrize("flags, scheduled, route", [
    ({"sai": 9000, "min_pell_eligible": "yes"}, 740, "minimum"),
    ({"sai": -1500, "max_pell_eligible": "yes"}, 7395, "maximum"),
    ({"sai": 50000, "special_rule": "yes"}, 7395, "maximum"),
    ({"sai": 0, "has_bachelors_or_graduate": "yes"}, 0, "none"),
    ({"sai": 0, "has_bachelors_or_graduate": "yes", "teacher_certification": "yes"}, 7395, "calculated"),
])
def test_routes(flags, scheduled, route):
    r = award(**flags)
    assert (r.values["scheduled_award_full_time"], r.values["route"]) == (scheduled, route)


@pytest.mark.parametrize("sai, scheduled", [(14789, 740), (14790, 0)])
def test_2026_27_no_pell_at_twice_max(sai, scheduled):
    r = award(award_year="2026-27", sai=sai, min_pell_eligible="yes")
    assert r.values["scheduled_award_full_time"] == scheduled
    assert award(award_year="2025-26", sai=sai, min_pell_eligible="yes").values["scheduled_award_full_time"] == 740


def test_2026_27_special_rule_ignores_the_cap():
    assert award(award_year="2026-27", sai=50000, special_rule="yes").values["annual_award"] == 7395


def test_a_zero_award_names_the_special_rule_that_would_change_it():
    # "If my SAI is above $14,790, is Pell always $0?": $0, except for a Special Rule student.
    zero = award(award_year="2026-27", sai=15000)
    assert zero.values["annual_award"] == 0 and any("Special Rule" in s for s in zero.steps)
    # At or above the 2026-27 cap no minimum Pell is offered either.
    assert not any("minimum can still apply" in s for s in zero.steps)
    assert any("minimum can still apply" in s for s in award(award_year="2026-27", sai=9000).steps)
    assert not any("Special Rule" in s for s in award(award_year="2026-27", sai=1000).steps)


@pytest.mark.parametrize("grants, annual", [(19999, 7395), (20000, 0), (25000, 0)])
def test_2026_27_full_coa_grant_exclusion(grants, annual):
    assert award(award_year="2026-27", non_federal_grant_aid=grants).values["annual_award"] == annual
    assert award(award_year="2025-26", non_federal_grant_aid=grants).values["annual_award"] == 7395


@pytest.mark.parametrize("change, field", [
    ({"sai": None}, "sai"), ({"sai": -1501}, "sai"), ({"sai": 1000000}, "sai"), ({"sai": "1.5"}, "sai"),
    ({"cost_of_attendance": None}, "cost_of_attendance"), ({"cost_of_attendance": 0}, "cost_of_attendance"),
    ({"cost_of_attendance": -100}, "cost_of_attendance"), ({"award_year": "2027-28"}, "award_year"),
    ({"non_federal_grant_aid": -1}, "non_federal_grant_aid"),
])
def test_bad_input(change, field):
    with pytest.raises(CalcInputError) as e:
        award(**change)
    assert e.value.field == field


def test_result_cites_the_award_year_letter():
    assert award(award_year="2026-27").sources[0].id == "pell-dcl-2026-27"
    assert award().sources[0].id == "pell-dcl-2025-26"
