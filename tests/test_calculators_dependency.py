"""FAFSA dependency questions: the first "yes" decides; otherwise parents' information is needed."""
from __future__ import annotations

import pytest

from chatbot.calculators import CalcInputError, dependency_status

ALL_NO = {"married": "no", "graduate_student": "no", "active_duty": "no", "veteran": "no",
          "supports_dependents": "no", "orphan_foster_ward": "no", "emancipated_or_guardianship": "no",
          "homeless": "no"}


def status(**kw):
    fields = {"award_year": "2025-26", "date_of_birth": "2006-05-01", **ALL_NO}
    fields.update(kw)
    return dependency_status(fields)


@pytest.mark.parametrize("year, dob, independent", [
    ("2025-26", "2001-12-31", True), ("2025-26", "2002-01-01", False),
    ("2026-27", "2002-12-31", True), ("2026-27", "2003-01-01", False),
])
def test_age_cutoff(year, dob, independent):
    r = status(award_year=year, date_of_birth=dob)
    assert (r.values["status"] == "independent") is independent
    if independent:
        assert r.values["deciding_question"] == "born_before_cutoff"


@pytest.mark.parametrize("question", list(ALL_NO))
def test_each_question_makes_independent_and_is_named(question):
    r = status(**{question: "yes"})
    assert r.values["status"] == "independent" and r.values["deciding_question"] == question
    assert r.values["parent_information_needed"] is False


def test_first_yes_wins_and_later_answers_are_not_needed():
    r = dependency_status({"award_year": "2025-26", "date_of_birth": "2006-01-01", "married": "yes"})
    assert r.values["deciding_question"] == "married"


def test_missing_answer_before_a_yes_is_named():
    with pytest.raises(CalcInputError) as e:
        dependency_status({"award_year": "2025-26", "date_of_birth": "2006-01-01", "married": "no"})
    assert e.value.field == "graduate_student"


@pytest.mark.parametrize("flags, next_step", [
    ({}, "provide_parent_information"),
    ({"unusual_circumstances": "yes"}, "provisional_independence"),
    ({"parents_refuse": "yes"}, "parents_refuse"),
])
def test_dependent_explains_what_to_do(flags, next_step):
    r = status(**flags)
    assert r.values["status"] == "dependent" and r.values["next_step"] == next_step
    assert "provisionally independent" in r.values["provisional_independence"]
    assert "Unsubsidized Loan only" in r.values["parents_refuse"]
    assert any("do not by themselves make you independent" in s for s in r.steps)


@pytest.mark.parametrize("change, field", [
    ({"date_of_birth": None}, "date_of_birth"), ({"date_of_birth": "05/01/2006"}, "date_of_birth"),
    ({"date_of_birth": "2990-01-01"}, "date_of_birth"), ({"married": "sort of"}, "married"),
    ({"award_year": None}, "award_year"),
])
def test_bad_input(change, field):
    with pytest.raises(CalcInputError) as e:
        status(**change)
    assert e.value.field == field


def test_born_before_cutoff_answer_instead_of_date():
    r = dependency_status({"award_year": "2026-27", "born_before_cutoff": "yes"})
    assert r.values["status"] == "independent"
