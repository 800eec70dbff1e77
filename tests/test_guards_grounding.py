"""Output grounding (chatbot/guards/grounding.py): fact extraction and the check against sources.

The sources below are short versions of real knowledge entries. The check compares values, so the
tables include near misses that a substring match would wrongly accept ("$7,3950", "$740" in "$7,400").
"""
from __future__ import annotations

import pytest

from chatbot.guards import Fact, Grounding, extract_facts, grounding_check

PELL = ("For the 2026-27 award year, the maximum Federal Pell Grant is $7,395 and the minimum is $740. "
        "You cannot receive Pell if your SAI is $14,790 or more.")
DEADLINE = ("The 2026-27 FAFSA form launched October 1, 2025. The federal deadline is June 30, 2027 at "
            "11:59 p.m. Central Time. Corrections are due by September 12, 2027. The help line is open "
            "8 a.m.-11 p.m. ET.")
RATES = "For loans first disbursed on or after July 1, 2025, the undergraduate interest rate is 6.39%."
PSLF = ("PSLF forgives the remaining balance after 120 qualifying monthly payments, about 10 years, while "
        "working full time (at least 30 hours a week) for a qualifying employer.")
HELP = "Call the Federal Student Aid Information Center at 1-800-4-FED-AID (1-800-433-3243)."
LIMITS = ("A dependent first-year undergraduate can borrow up to $5,500, of which up to $3,500 may be "
          "subsidized. Parent PLUS is capped at $20,000 a year and $65,000 per student.")
SAI = "The SAI ranges from -1,500 to 999,999. A negative SAI is not a payment to you."
ES = ("Para el año de ayuda 2026-27, la Beca Federal Pell máxima es de $7,395 y la mínima es de $740. "
      "La fecha límite es el 30 de junio de 2027.")
LEU = "You can receive Pell for up to 12 full-time semesters, about six years: 600% Lifetime Eligibility Used."
WORKFORCE = "Workforce Pell programs run 150 to 599 clock hours over 8 to 15 weeks, starting July 1, 2026."
ALL = [PELL, DEADLINE, RATES, PSLF, HELP, LIMITS, SAI, ES, LEU, WORKFORCE]

SUPPORTED = [
    "The maximum Pell Grant for 2026-27 is $7,395.",
    "The maximum is 7395 dollars and the minimum $740.",
    "The max is $7395.",
    "The max is 7,395.",
    "The max is $7,395.00.",
    "The rate is 6.39 %.",
    "The rate is 6.39 percent.",
    "The rate is 6.390%.",
    "The deadline is June 30, 2027.",
    "The deadline is June 30 2027.",
    "The deadline is 6/30/2027.",
    "The deadline is 06/30/27.",
    "The deadline is 2027-06-30.",
    "The deadline is Jun. 30th, 2027.",
    "La fecha límite es el 30 de junio de 2027.",
    "La fecha límite es el 30 de junio del 2027.",
    "The deadline is June 30.",                       # month-day only: any source year
    "It is due at 11:59 p.m. Central Time.",
    "It is due at 11:59 PM.",
    "It is due at 23:59.",
    "Phones are answered from 8 a.m. to 11 p.m. ET.",
    "The form opened Oct. 1, 2025.",
    "The form opens on Oct. 1.",
    "The 2026-27 FAFSA is due in 2027.",
    "The 2026–27 FAFSA (2026-2027) is due June 30, 2027.",
    "For the 26-27 fafsa, apply early.",
    "After 120 payments (10 years) the rest is forgiven.",
    "You need 120 qualifying payments and at least 30 hours a week.",
    "Call 1-800-4-FED-AID.",
    "Call 1-800-433-3243 or (800) 433-3243.",
    "Freshmen can borrow $5,500, and up to $3,500 can be subsidized.",
    "Parent PLUS: $20k a year, $65k total.",
    "Parent PLUS: $20 thousand a year.",
    "An SAI of -1,500 is the lowest possible.",
    "An SAI of −1500 is not a check for 1,500.",         # positive supported by the negative
    "The SAI can be as high as 999,999.",
    "You have 12 semesters, or 600%, of Pell.",
    "You have 600 percent of Pell eligibility.",
    "Programs are 150 clock hours to 599 hours long, 8 to 15 weeks.",
    "Short programs can last 8 weeks.",                 # single digit in a source range still supports
    "La Beca Pell máxima es de 7.395 dólares.",           # Spanish thousands separator
    "It is $7,395 [1]. See studentaid.gov for more [2].",
    "1. Go to StudentAid.gov\n2. Sign in\n3. Open the form",   # list numbering, small counts
    "There are 3 steps and 2 forms.",
    "First, sign in. Second, submit.",
    "See the W-2 and the 1098-E in your 2nd year.",
    "Visit 988lifeline.org.",
    "",
]


@pytest.mark.parametrize("answer", SUPPORTED)
def test_supported(answer):
    g = grounding_check(answer, ALL)
    assert g.ok and g.unsupported == [], g


UNSUPPORTED = [
    ("The maximum Pell Grant is $7,3950.", ["$7,3950"]),
    ("The maximum Pell Grant is $7,580.", ["$7,580"]),
    ("The maximum Pell Grant is $7,400.", ["$7,400"]),
    ("The minimum is $74.", ["$74"]),
    ("The max is $17,395.", ["$17,395"]),
    ("The max is $7,395.50.", ["$7,395.50"]),
    ("The rate is 6.53%.", ["6.53%"]),
    ("The rate is 6.4%.", ["6.4%"]),
    ("The rate is 639%.", ["639%"]),
    ("The deadline is June 30, 2026.", ["June 30, 2026"]),
    ("The deadline is December 31, 2027.", ["December 31, 2027"]),
    ("The deadline is 7/30/2027.", ["7/30/2027"]),
    ("The deadline is 30 de julio de 2027.", ["30 de julio de 2027"]),
    ("It opens Nov. 1.", ["Nov. 1"]),
    ("The 2027-28 FAFSA is due June 30, 2028.", ["2027-28", "June 30, 2028"]),
    ("That changes in 2029.", ["2029"]),
    ("After 100 payments the rest is forgiven.", ["100 payments"]),
    ("PSLF takes 15 years.", ["15 years"]),
    ("You need 20 hours a week.", ["20 hours"]),
    ("You must be 24 years old.", ["24 years old"]),
    ("Pell lasts 8 years.", ["8 years"]),                  # a single digit WITH a unit is checked
    ("Call 1-800-555-0199.", ["1-800-555-0199"]),
    ("Parent PLUS is capped at $25k.", ["$25k"]),
    ("The program has $1.5 million left.", ["$1.5 million"]),
    ("The SAI goes down to -2,000.", ["-2,000"]),
    ("A negative SAI of -1,400 means nothing.", ["-1,400"]),
    ("The limit is 5,000 a year.", ["5,000"]),           # a rate, not a count of years
    ("Programs last 9 weeks.", ["9 weeks"]),
    ("Interest is 6.39% and the fee is 1.057%.", ["1.057%"]),
    ("You get $7,395, or about 6.2% of costs, by 9/1/2026.", ["6.2%", "9/1/2026"]),
    ("The minimum is $740, the maximum $7,395 and the average $4,400 or $4,400.", ["$4,400"]),   # deduplicated
]


@pytest.mark.parametrize("answer,unsupported", UNSUPPORTED)
def test_unsupported(answer, unsupported):
    g = grounding_check(answer, ALL)
    assert not g.ok
    assert g.unsupported == unsupported


def test_only_the_cited_sources_count():
    assert grounding_check("The rate is 6.39%.", [PELL]).unsupported == ["6.39%"]
    assert grounding_check("The rate is 6.39%.", [PELL, RATES]).ok
    assert grounding_check("Anything with $7,395.", []).unsupported == ["$7,395"]


def test_checked_counts_every_fact():
    g = grounding_check("The max is $7,395, the rate 6.39%, due June 30, 2027, for 2026-27. 3 steps.", ALL)
    assert g == Grounding(ok=True, unsupported=[], checked=4)


def test_counts_must_have_the_same_unit():
    assert grounding_check("PSLF takes 120 payments.", [PSLF]).ok
    assert not grounding_check("PSLF takes 120 months.", [PSLF]).ok         # payments are not months
    assert grounding_check("Programs run 8 to 15 weeks.", [WORKFORCE]).ok   # a range carries its unit
    assert grounding_check("Some run 8 weeks.", [WORKFORCE]).ok
    assert not grounding_check("Some run 8 months.", [WORKFORCE]).ok
    assert grounding_check("About 10 years.", ["Plans last 10, 20 or 25 years."]).ok
    assert grounding_check("You must be 24 years old.", ["You are independent at 24 or older."]).ok   # bare


def test_units_must_be_compatible():
    source = ["Repay over 10 years."]
    assert grounding_check("Repay over 10 years.", source).ok
    assert not grounding_check("The fee is $10.", source).ok          # "10 years" does not support $10
    assert not grounding_check("The rate is 10%.", source).ok
    assert grounding_check("Repay over 10 years.", ["Plans last 10, 20 or 25 years."]).ok   # bare 10


def test_sources_must_be_a_list():
    with pytest.raises(TypeError):
        grounding_check("$7,395", PELL)


def test_calculator_results_are_sources():
    calc = "Estimated Pell Grant: $6,145 (SAI 1,250, full-time, 2026-27)."
    assert grounding_check("With an SAI of 1,250 you could get about $6,145 in 2026-27.", [calc]).ok


# -- extract_facts ------------------------------------------------------------------------------

EXTRACT = [
    ("$7,395", [("money", "$7,395", "7395")]),
    ("7395 dollars", [("money", "7395 dollars", "7395")]),
    ("US$7,395.00", [("money", "US$7,395.00", "7395")]),
    ("$20k", [("money", "$20k", "20000")]),
    ("20K", [("money", "20K", "20000")]),
    ("$1.5 million", [("money", "$1.5 million", "1500000")]),
    ("2 billion dollars", [("money", "2 billion dollars", "2000000000")]),
    ("-$1,500", [("money", "-$1,500", "-1500")]),
    ("6.39%", [("percent", "6.39%", "6.39")]),
    ("6.39 percent", [("percent", "6.39 percent", "6.39")]),
    ("6,39 por ciento", [("percent", "6,39 por ciento", "6.39")]),
    ("600%", [("percent", "600%", "600")]),
    ("June 30, 2027", [("date", "June 30, 2027", "2027-06-30")]),
    ("July 1, 2026", [("date", "July 1, 2026", "2026-07-01")]),
    ("10/1/2026", [("date", "10/1/2026", "2026-10-01")]),
    ("2026-07-01", [("date", "2026-07-01", "2026-07-01")]),
    ("Oct. 1", [("date", "Oct. 1", "10-01")]),
    ("1 de octubre", [("date", "1 de octubre", "10-01")]),
    ("30 de junio de 2027", [("date", "30 de junio de 2027", "2027-06-30")]),
    ("2026-27", [("award_year", "2026-27", "2026-27")]),
    ("2026-2027", [("award_year", "2026-2027", "2026-27")]),
    ("2027", [("year", "2027", "2027")]),
    ("120 payments", [("count", "120 payments", "120")]),
    ("10 years", [("count", "10 years", "10")]),
    ("a 10-year plan", [("count", "10-year", "10")]),
    ("24 years old", [("count", "24 years old", "24")]),
    ("150 clock hours", [("count", "150 clock hours", "150")]),
    ("12 full-time semesters", [("count", "12 full-time semesters", "12")]),
    ("1-800-4-FED-AID", [("phone", "1-800-4-FED-AID", "8004333243")]),
    ("11:59 p.m.", [("time", "11:59 p.m.", "23:59")]),
    ("8 a.m. to 11pm", [("time", "8 a.m.", "08:00"), ("time", "11pm", "23:00")]),
    ("SAI 999,999", [("number", "999,999", "999999")]),
    ("an SAI of -1500", [("number", "-1500", "-1500")]),
    ("negative 1,500", [("number", "1,500", "-1500")]),
    ("ages 18-24", [("number", "18", "18"), ("number", "24", "24")]),
    ("8 to 15 weeks", [("count", "8", "8"), ("count", "15 weeks", "15")]),
    ("10, 20 or 25 years", [("count", "10", "10"), ("count", "20", "20"), ("count", "25 years", "25")]),
    ("de 8 a 15 semanas", [("count", "8", "8"), ("count", "15 semanas", "15")]),
    ("5,000 a year", [("number", "5,000", "5000")]),
    ("3 steps, 2 forms, one deadline", []),
    ("six years", []),
    ("[1] [2, 3]", []),
    ("the W-2, I-94 and GEN-26-01", []),
    ("my 2nd and 3rd years", []),
    ("24/7", []),
    ("https://studentaid.gov/2026/fafsa?id=123456", []),
    ("fy2026", []),
    ("May I ask? You may 2 times.", [("count", "2 times", "2")]),   # "may" is a month only capitalised
    ("3 years ago 15 of them", [("count", "3 years", "3"), ("number", "15", "15")]),
]


@pytest.mark.parametrize("text,expected", EXTRACT)
def test_extract_facts(text, expected):
    assert [(f.kind, f.text, f.value) for f in extract_facts(text)] == expected


def test_ambiguous_forms_keep_every_reading():
    (f,) = extract_facts("03/04/2027")
    assert f.readings == ("2027-03-04", "2027-04-03")
    (f,) = extract_facts("14/03/2027")                       # only day-first makes sense
    assert f.readings == ("2027-03-14",)
    (f,) = extract_facts("$1.500")
    assert set(f.readings) == {"1.5", "1500"}
    (f,) = extract_facts("$20 mil")
    assert set(f.readings) == {"20000", "20000000"}


def test_invalid_dates_are_not_dates():
    assert [f.kind for f in extract_facts("February 30, 2027")] != ["date"]
    assert [f.kind for f in extract_facts("13/13/2027")] != ["date"]
    assert [f.value for f in extract_facts("Feb 29, 2028")] == ["2028-02-29"]


def test_fact_positions_point_into_the_text():
    text = "Pell: $7,395 by June 30, 2027 (6.39%)."
    for f in extract_facts(text):
        assert isinstance(f, Fact) and text[f.start:f.end] == f.text
