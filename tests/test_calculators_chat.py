"""The conversational calculator turn: reading inputs, asking only for what is missing, and showing the
calculator's own numbers. Expected dollar amounts are never written here: they come from running the
calculator directly (chatbot.calculators.run) on the inputs the conversation should have gathered.

    python -m pytest tests/test_calculators_chat.py
"""
from __future__ import annotations

import re

import pytest

from chatbot.calculators.chat import calc_turn, in_calc_conversation, wants_calculation
from chatbot.calculators.extract import extract
from chatbot.calculators.reply import CHOOSE, ESTIMATE, QUESTION
from chatbot.calculators import CALCULATORS, run

YEAR = "2026-27"


def talk(messages, calculator=None, lang="en", year=YEAR):
    """Play a conversation; returns every CalcTurn and the history."""
    history, turns = [], []
    for m in messages:
        turn = calc_turn(m, history, calculator, year, lang)
        turns.append(turn)
        history += [{"role": "user", "content": m}, {"role": "assistant", "content": turn.text}]
    return turns, history


def money(v) -> str:
    return f"${v:,.2f}" if isinstance(v, float) else f"${v:,}"


# -- reading inputs ---------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("my sai is 2000", {"sai": 2000}), ("My SAI is -1500", {"sai": -1500}), ("SAI: 1,200", {"sai": 1200}),
    ("sai is around 3k", {"sai": 3000}), ("sai of negative 1500", {"sai": -1500}), ("mi SAI es 800", {"sai": 800}),
    ("full time", {"enrollment": "full-time"}), ("I'm a fulltime student", {"enrollment": "full-time"}),
    ("half-time", {"enrollment": "half-time"}), ("3/4 time", {"enrollment": "three-quarter-time"}),
    ("three quarter time", {"enrollment": "three-quarter-time"}), ("¾ time", {"enrollment": "three-quarter-time"}),
    ("enrolled 60% of full time", {"enrollment": "60"}), ("estudio tiempo completo", {"enrollment": "full-time"}),
    ("medio tiempo", {"enrollment": "half-time"}),
    ("cost of attendance is $25,000", {"cost_of_attendance": 25000}), ("coa 18k", {"cost_of_attendance": 18000}),
    ("cost of attendence 20,500", {"cost_of_attendance": 20500}),          # typo
    ("my school costs 30 grand", {"cost_of_attendance": 30000}),
    ("el costo de asistencia es de 20 mil", {"cost_of_attendance": 20000}),
    ("freshman", {"year_in_school": 1}), ("first-year", {"year_in_school": 1}),
    ("sophmore", {"year_in_school": 2}), ("junior", {"year_in_school": 3}), ("senior", {"year_in_school": 3}),
    ("I'm a high school senior", {"year_in_school": 1}),
    ("I'm a dependent student", {"dependency": "dependent"}), ("independent", {"dependency": "independent"}),
    ("soy independiente", {"dependency": "independent"}),
    ("law school", {"level": "professional"}), ("med school", {"level": "professional"}),
    ("master's program", {"level": "graduate"}), ("undergrad", {"level": "undergraduate"}),
    ("I owe $30k", {"balance": 30000}), ("balance of 27,000", {"balance": 27000}),
    ("30k in student loans", {"balance": 30000}), ("debo 15 mil", {"balance": 15000}),
    ("at 6.39%", {"interest_rate": 6.39}), ("interest rate is 5.5", {"interest_rate": 5.5}),
    ("tasa de interés de 6.5 por ciento", {"interest_rate": 6.5}),
    ("I make 40k", {"student_income": 40000}), ("AGI of $35,000", {"student_agi": 35000}),
    ("my parents make 80k and I make 10k", {"parent_income": 80000, "student_income": 10000}),
    ("gano 30 mil", {"student_income": 30000}),
    ("family of 3", {"family_size": 3}), ("family of four", {"family_size": 4}), ("familia de 5", {"family_size": 5}),
    ("I'm married", {"married": "yes"}), ("I'm not married", {"married": "no"}),
    ("my parents are married", {"parents_married": "yes"}),
    ("I live in New Jersey", {"state": "NJ"}), ("state: tx", {"state": "TX"}),
    ("my parents filed jointly", {"parent_filing_status": "married_filing_jointly"}),
    ("I didn't file taxes", {"student_tax_return": "not_filed"}),
    ("I'm a veteran", {"veteran": "yes"}), ("not a veteran, no kids", {"veteran": "no", "kids": 0}),
])
def test_extraction(text, expected):
    values = extract(text).values
    assert {k: values.get(k) for k in expected} == expected


@pytest.mark.parametrize("text, absent", [
    ("I have 2 kids", "family_size"),            # children are not a household size
    ("my parents are married", "married"),        # the parents', not the student's
    ("dependent or independent?", "dependency"),  # both named: ask
    ("full time in fall, half time in spring", "enrollment"),
    ("I'm 19", "sai"),
])
def test_extraction_does_not_guess(text, absent):
    assert absent not in extract(text).values


@pytest.mark.parametrize("text, hint", [("I'm part time", "part-time"), ("tiempo parcial", "part-time"),
                                        ("I take 12 credits", "credits"), ("9 credit hours", "credits")])
def test_enrollment_words_we_will_not_turn_into_a_level(text, hint):
    ex = extract(text)
    assert "enrollment" not in ex.values and ex.hints["enrollment"] == hint and not ex.numbers


@pytest.mark.parametrize("text, field, lo, hi, mid", [
    ("coa between 20 and 25k", "cost_of_attendance", 20000, 25000, 22500),
    ("cost of attendance 20k-25k", "cost_of_attendance", 20000, 25000, 22500),
    ("costo de asistencia entre 20 y 25 mil", "cost_of_attendance", 20000, 25000, 22500),
    ("I owe between $28,000 and $32,000", "balance", 28000, 32000, 30000),
])
def test_ranges_use_the_midpoint_and_say_so(text, field, lo, hi, mid):
    ex = extract(text)
    assert ex.values[field] == mid and ex.notes[field] == ("midpoint", lo, hi, mid)


@pytest.mark.parametrize("text, year", [("pell for 2025-26", "2025-26"), ("for 2025/2026", "2025-26"),
                                        ("next year", "2027-28"), ("sai 2000", None)])
def test_award_year(text, year):
    assert extract(text, current_year=YEAR).award_year == year


def test_ssn_and_account_numbers_are_never_read():
    ex = extract("my ssn is 123-45-6789, account 000123456789, sai 2000")
    assert ex.values == {"sai": 2000} and ex.numbers == []


@pytest.mark.parametrize("text, calculator", [
    ("how much pell will I get?", "pell"), ("my sai is 2000, how much Pell?", "pell"),
    ("pell estimate: sai 1000, coa 15k", "pell"), ("¿Cuánto Pell recibiría con un SAI de 2000?", "pell"),
    ("how much can I borrow as a sophomore?", "loan-limits"), ("am I independent?", "dependency"),
    ("I owe 30k at 6%, what's my monthly payment?", "repayment"), ("calculate my SAI", "sai"),
    ("what is a Pell Grant?", None), ("how much is the maximum Pell Grant for 2026-27?", None),
    ("what is an SAI?", None), ("when is the FAFSA deadline?", None),
])
def test_wants_calculation(text, calculator):
    assert wants_calculation(text) == calculator


# -- asking -------------------------------------------------------------------------------------------
def asked_fields(name, text):
    """Which fields a reply asks for, by their question lines."""
    return [f for f in CALCULATORS[name].fields if f in QUESTION
            and "- " + re.split(r"[({]", QUESTION[f]["en"])[0] in text]


@pytest.mark.parametrize("name, message, missing", [
    ("pell", "how much pell would I get?", ["sai", "enrollment", "cost_of_attendance"]),
    ("loan-limits", "how much can I borrow as a sophomore?", ["dependency", "enrollment"]),
    ("loan-limits", "loan limits for law school, full time", ["legacy_borrower"]),
    ("repayment", "monthly payment on 30k at 6%, old loans from before July 2026, I make 40k", ["dependents"]),
])
def test_asks_only_for_what_is_missing(name, message, missing):
    turn = calc_turn(message, [], name, YEAR)
    assert turn.result is None and turn.missing == missing
    assert asked_fields(name, turn.text) == missing[:3]


@pytest.mark.parametrize("name, message, fields, said", [
    ("pell", "how much pell with an sai of 2000?",
     {"award_year": YEAR, "sai": 2000, "enrollment": "full-time", "cost_of_attendance": 7395},
     ["assumed it is at least $7,395", "At three-quarter time it would be about $4,046, at half time about $2,698"]),
    ("pell", "pell for sai 2000, half time",
     {"award_year": YEAR, "sai": 2000, "enrollment": "half-time", "cost_of_attendance": 7395},
     ["assumed it is at least $7,395"]),
    ("repayment", "I owe 30k at 6%, monthly payment?", {"balance": 30000, "interest_rate": 6, "new_loans": "no"},
     ["before July 1, 2026 (the Standard 10-year plan)", "Tiered Standard plan instead: 15 years, about $253.16 a month"]),
])
def test_safe_defaults_are_assumed_and_said_instead_of_asked(name, message, fields, said):
    turn = calc_turn(message, [], name, YEAR)
    assert turn.result is not None and not turn.missing
    assert turn.result.values == run(name, fields).values
    for words in said:
        assert words in turn.text
    # The assumed inputs are stated as assumptions, not listed as if the user had given them.
    assert "cost of attendance: $7,395" not in turn.text


def test_a_low_cost_of_attendance_the_user_gives_still_caps_pell():
    turn = calc_turn("my sai is 0, how much pell? my school's cost of attendance is only 5000", [], "pell", YEAR)
    assert turn.result.values["annual_award"] == 5000 and "assumed it is at least" not in turn.text


def test_asks_at_most_three_at_a_time_and_sai_points_to_the_estimator():
    turns, _ = talk(["calculate my SAI", "dependent, family of 4, NJ", "yes, married filing jointly, 90k", "7k"])
    assert all(len([ln for ln in t.text.splitlines() if ln.startswith("- ")]) <= 3 for t in turns)
    assert all(t.calculator == "sai" for t in turns)
    assert "https://studentaid.gov/aid-estimator/" in turns[-1].text
    assert turns[-1].fields["parent_agi"] == 90000 and turns[-1].fields["parent_income_tax_paid"] == 7000


def test_two_turn_pell_conversation_shows_the_calculators_numbers():
    turns, history = talk(["How much Pell can I get?", "full time, my sai is 2000, coa about 25k"])
    first, second = turns
    assert first.result is None and first.missing == ["sai", "enrollment", "cost_of_attendance"]
    assert in_calc_conversation(history[:2]) == "pell"
    direct = run("pell", {"award_year": YEAR, "sai": 2000, "enrollment": "full-time", "cost_of_attendance": 25000})
    assert second.result is not None and second.missing == []
    assert second.result.values == direct.values
    assert money(direct.values["annual_award"]) in second.text.split("\n")[1]   # the key number comes first
    assert all(step in second.text for step in direct.steps)
    assert second.text.rstrip().endswith(ESTIMATE["en"])
    assert second.citations == direct.sources
    assert in_calc_conversation(history) is None   # a result is not a question


def test_unlabelled_answers_fill_the_asked_fields_in_order():
    turns, _ = talk(["how much pell would I get?", "full time, 2000"])
    assert turns[1].fields["sai"] == 2000 and turns[1].fields["enrollment"] == "full-time" and not turns[1].missing
    # The cost of attendance, not given, is assumed non-binding: the same award as with a real one.
    assert turns[1].result.values == run("pell", {"award_year": YEAR, "sai": 2000, "enrollment": "full-time",
                                                  "cost_of_attendance": 18000}).values


COMPLETE = [  # a message with everything, and the fields the calculator should receive
    ("pell", "pell: sai 1500, 3/4 time, coa 20k", {"sai": 1500, "enrollment": "three-quarter-time",
                                                     "cost_of_attendance": 20000}),
    ("loan-limits", "how much can I borrow as a dependent sophomore, full time?",
     {"level": "undergraduate", "year_in_school": 2, "dependency": "dependent", "enrollment": "full-time"}),
    ("repayment", "I owe $30k at 6.39% on loans from before July 1, 2026; I make 40k; 1 dependent",
     {"balance": 30000, "interest_rate": 6.39, "new_loans": "no", "agi": 40000, "dependents": 1}),
    ("dependency", "am I independent? I was born in 1999", {"born_before_cutoff": "yes"}),
    ("sai", "estimate my SAI: independent, single, no dependents, family of 1, state: TX, I filed single, "
            "AGI 30k, income tax paid 2k, I make 32k",
     {"dependency": "independent", "married": "no", "has_dependents": "no", "family_size": 1, "state": "TX",
      "student_filing_status": "single", "student_agi": 30000, "student_income_tax_paid": 2000,
      "student_earned_income": 32000}),
]


@pytest.mark.parametrize("name, message, fields", COMPLETE)
def test_result_numbers_come_from_the_calculator(name, message, fields):
    turn = calc_turn(message, [], name, YEAR)
    expected = dict(fields, **({"award_year": YEAR} if "award_year" in CALCULATORS[name].fields else {}))
    assert turn.fields == expected and turn.missing == []
    direct = run(name, expected)
    assert turn.result.values == direct.values
    for v in direct.values.values():
        if isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) >= 10:
            assert f"{v:,.2f}" in turn.facts_text if isinstance(v, float) else f"{v:,}" in turn.facts_text
    assert all(step in turn.text for step in direct.steps)
    assert ESTIMATE["en"] in turn.text and turn.citations == direct.sources


@pytest.mark.parametrize("name, message, fields", COMPLETE)
def test_every_number_in_the_reply_is_in_facts_text(name, message, fields):
    grounding = pytest.importorskip("chatbot.guards.grounding")
    turn = calc_turn(message, [], name, YEAR)
    assert grounding.grounding_check(turn.text, [turn.facts_text]).ok
    question = calc_turn(f"{name}?", [], name, YEAR)
    assert grounding.grounding_check(question.text, [question.facts_text]).ok


def test_a_follow_up_keeps_the_earlier_answers():
    _, history = talk(["pell: sai 1500, full time, coa 20k"], calculator="pell")
    turn = calc_turn("what if I'm half time instead?", history, "pell", YEAR)
    assert turn.result.values == run("pell", {"award_year": YEAR, "sai": 1500, "enrollment": "half-time",
                                              "cost_of_attendance": 20000}).values


def test_messages_before_the_calculator_conversation_are_not_used():
    history = [{"role": "user", "content": "my sai is 5000, what does that mean?"},
               {"role": "assistant", "content": "The SAI is an index of your family's ability to pay."}]
    turn = calc_turn("how much pell would I get at full time, coa 20k?", history, "pell", YEAR)
    assert turn.missing == ["sai"]


def test_range_answer_is_stated_in_the_reply():
    turn = calc_turn("pell: sai 1000, full time, coa between 20 and 25k", [], "pell", YEAR)
    assert turn.fields["cost_of_attendance"] == 22500
    assert "midpoint" in turn.text and "$20,000" in turn.text and "$25,000" in turn.text


@pytest.mark.parametrize("name, message, field, says", [
    ("pell", "pell with sai -5000, full time, coa 20k", "sai", "-1,500"),
    ("pell", "pell: sai 2000, full time, coa 0", "cost_of_attendance", "more than 0"),
    ("pell", "pell: sai 2000, less than half time, coa 9k", "enrollment", "percent of full time"),
    ("repayment", "I owe 30k at 40% interest, old loans from before July 2026", "interest_rate", "25"),
    ("pell", "pell for 2031-32: sai 0, full time, coa 20k", "award_year", "2026-27"),
])
def test_impossible_values_are_refused_kindly(name, message, field, says):
    turn = calc_turn(message, [], name, YEAR)
    assert turn.result is None and turn.missing[0] == field and field not in turn.fields
    assert turn.text.startswith("I can't use this answer") and says in turn.text
    assert in_calc_conversation([{"role": "assistant", "content": turn.text}]) == name   # still our question


def test_spanish_questions_and_result():
    turns, _ = talk(["¿Cuánto Pell me toca?", "Mi SAI es 1000, tiempo completo, costo de asistencia 20 mil"],
                    calculator="pell", lang="es")
    assert "necesito" in turns[0].text and "costo de asistencia" in turns[0].text
    assert "(detalles en inglés)" in turns[1].text
    assert "Esto es una estimación; la oficina de ayuda financiera de tu escuela decide tu ayuda real." in turns[1].text
    direct = run("pell", {"award_year": YEAR, "sai": 1000, "enrollment": "full-time", "cost_of_attendance": 20000})
    assert money(direct.values["annual_award"]) in turns[1].text
    assumed = calc_turn("¿Cuánto Pell me toca? Mi SAI es 1000", [], "pell", YEAR, "es")
    assert "Supuse que estudiarás a tiempo completo" in assumed.text and "supuse que es al menos $7,395" in assumed.text


def test_dependency_yes_no_answers_in_order_and_none_of_these():
    turns, _ = talk(["am I independent?", "born in 2006, no, no", "no, no, no", "none"])
    assert turns[1].fields["born_before_cutoff"] == "no" and turns[1].fields["graduate_student"] == "no"
    last = turns[-1]
    assert last.result is not None and last.result.values["status"] == "dependent"
    assert last.result.values == run("dependency", last.fields).values


def test_choosing_a_calculator_first():
    first = calc_turn("can you estimate something for me?", [], None, YEAR)
    assert first.calculator is None and first.missing == ["calculator"] and first.text == CHOOSE["en"]
    history = [{"role": "user", "content": "can you estimate something for me?"},
               {"role": "assistant", "content": first.text}]
    assert calc_turn("pell", history, None, YEAR).calculator == "pell"


@pytest.mark.parametrize("history, calculator", [
    ([], None), ([{"role": "assistant", "content": "Hi! Ask me about FAFSA."}], None),
    ([{"role": "assistant", "content": calc_turn("loan limits?", [], "loan-limits", YEAR).text}], "loan-limits"),
    ([{"role": "assistant", "content": calc_turn("payment?", [], "repayment", YEAR, "es").text}], "repayment"),
])
def test_in_calc_conversation(history, calculator):
    assert in_calc_conversation(history) == calculator


FORBIDDEN = re.compile(r"ssn|social security|password|contraseña|fsa id|account number|número de cuenta|routing|"
                       r"bank account|cuenta bancaria|\bpin\b", re.I)


def test_never_asks_for_ssn_passwords_or_account_numbers():
    texts = [t for pair in QUESTION.values() for t in pair.values()] + list(CHOOSE.values())
    for name in CALCULATORS:
        for lang in ("en", "es"):
            texts.append(calc_turn("?", [], name, YEAR, lang).text)
    turns, _ = talk(["my SSN is 123-45-6789, how much pell? sai 2000"], calculator="pell")
    texts += [t.text for t in turns]
    assert not [t for t in texts if FORBIDDEN.search(t)]
    assert "6789" not in turns[0].text and "123" not in turns[0].text


@pytest.mark.parametrize("message, shown", [
    # Homework-style questions from public Q&A pages: balance, rate and the term asked for.
    ("Consider a student loan of 25000 at a fixed APR of 6% for 15 years calculate the monthly payment", ["$210.96"]),
    ("You will have $32,800 in student loans. The interest rate is 4.5%. If you want this debt paid in full within "
     "five years, how much must you pay each month?", ["$611.49"]),
    ("A student loan of $25,000 with an APR of 6% for 20 years. What if you pay the loan off in 10 years instead "
     "of 20?", ["20 years, per month: $179.11", "10 years, per month: $277.55"]),
    ("quiero pagar un préstamo de $10,000 al 5% en 5 años, ¿cuánto pago al mes?", ["$188.71"]),
])
def test_repayment_over_the_term_the_user_chose(message, shown):
    turn = calc_turn(message, [], "repayment", YEAR, "es" if "quiero" in message else "en")
    assert not turn.missing, turn.text
    for s in shown:
        assert s in turn.text


def test_two_terms_in_one_phrase_and_a_rounded_payment_first():
    turn = calc_turn("If I owe $60,000 at 6.8% and want to pay it off in 10 or 20 years, what is my monthly payment?",
                     [], "repayment", YEAR)
    assert not turn.missing, turn.text
    first = turn.text.splitlines()[0]
    # The amount asked for, in whole dollars, before the cents and totals.
    assert first == "Your monthly payment estimate: about $690 a month over 10 years, or about $458 a month over 20 years."
    assert "10 years, per month: $690.48" in turn.text and "20 years, per month: $458.00" in turn.text


def test_a_payment_questions_one_amount_is_the_balance():
    turn = calc_turn("¿Cuánto pagaría al mes por $20,000 al 5% en 10 años?", [], "repayment", YEAR, "es")
    assert not turn.missing, turn.text
    assert turn.text.startswith("Tu estimación de pago mensual: unos $212 al mes durante 10 años.")
    # An amount with its own label (income) is not the balance; the one left is.
    two = calc_turn("I make $40,000 and have $20,000 at 5%, what would I pay a month over 10 years?", [], "repayment", YEAR)
    assert two.fields["balance"] == 20000 and two.fields["agi"] == 40000
    both = calc_turn("I have $20,000 and $9,000 at 5%, what would I pay a month over 10 years?", [], "repayment", YEAR)
    assert "balance" in both.missing  # two unlabelled amounts: which is owed is not guessed


def test_time_already_paid_is_not_a_term():
    assert "term_years" not in extract("I've been paying for 5 years and owe 20k at 6%").values


@pytest.mark.parametrize("text, asks", [
    ("calculate it for me", True), ("calcúlalo por favor", True), ("puedes calcular mi pell", True),
    ("run the numbers", True),
    ("I did the calculations and I will need to borrow loans; how do I borrow?", False),   # an aid-office FAQ
    ("the school calculated my aid wrong", False),
    ("is it something I'll need to calculate on my own or is it given to me by colleges?", False),   # real-dev
])
def test_asking_for_a_calculation_is_not_telling_of_one(text, asks):
    from chatbot.calculators.which import asks_to_calculate
    assert asks_to_calculate(text) == asks


def test_a_rules_question_that_mentions_the_calculation_is_answered_not_computed():
    from chatbot import guards
    question = ("My wife has a high income. What if we filed income taxes as married separately? Would that keep her "
                "out of the calculation and still allow me to be in IBR and PSLF?")
    assert guards.classify(question).route == "answer"
