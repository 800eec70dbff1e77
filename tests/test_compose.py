"""`chatbot.compose`: each question answered by its own passage; no borrowed "Yes."; no filler."""
from dataclasses import dataclass, replace
from datetime import date

from chatbot.compose import answering, compose, drop_verdict, is_bare_verdict, render_parts
from chatbot.kb.loader import Entry, Source


def entry(id_, body, title="t", status="confirmed", years=("all",)):
    return Entry(id=id_, title=title, topics=("loans",), award_years=years,
                 sources=(Source("src", "https://studentaid.gov/x", date(2026, 1, 1)),), verified=date(2026, 2, 1),
                 status=status, body=body)


@dataclass
class Hit:
    entry: Entry
    score: float
    rank: int
    award_year: str = "all"

    @property
    def citation(self):
        return self.entry.id


@dataclass
class Result:
    hits: list
    found: bool = True


def test_a_leading_verdict_is_dropped_and_the_fact_kept():
    assert drop_verdict("Yes. A contributor with no SSN can still sign.") == "A contributor with no SSN can still sign."
    assert drop_verdict("No, you do not repay a Pell Grant.") == "You do not repay a Pell Grant."
    assert drop_verdict("Nobody repays it.") == "Nobody repays it."  # a word that starts with "No" stays
    assert is_bare_verdict("Yes. ") and not is_bare_verdict("Yes, you can.")


def test_each_part_gets_its_own_passage_in_order_and_a_repeat_is_not_shown_twice():
    limits, rates = entry("limits", "Yes. The limit is $7,500."), entry("rates", "Rates are fixed for the life of the loan.")
    parts = compose(["how much?", "is the rate fixed?", "how much again?"],
                    [Result([Hit(limits, 1.0, 1)]), Result([Hit(rates, 1.0, 1)]), Result([Hit(limits, 1.0, 1)])], "en")
    assert [p.hits[0].entry.id if p.hits else None for p in parts] == ["limits", "rates", None]
    assert parts[0].text == "The limit is $7,500."
    assert "answer above" in parts[2].text
    text = render_parts(parts, 0, "en")
    assert text.index("how much?") < text.index("is the rate fixed?")


def test_a_part_without_a_confident_passage_says_so_instead_of_a_neighbour():
    parts = compose(["what about my brother's school?"], [Result([Hit(entry("x", "Unrelated."), 1.0, 1)], found=False)], "en")
    assert not parts[0].hits and "studentaid.gov" in parts[0].text and "Unrelated" not in parts[0].text


def test_the_user_facts_choose_between_near_tied_passages():
    dep = entry("dep", "Dependent limits.", title="Limits for a dependent undergraduate")
    ind = entry("ind", "Independent limits.", title="Limits for an independent undergraduate")
    parts = compose(["how much can i borrow?"], [Result([Hit(dep, 1.0, 1), Hit(ind, 0.95, 2)])], "en",
                    {"dependency": "independent"})
    assert parts[0].hits[0].entry.id == "ind"


def test_an_unconfirmed_passage_is_hedged_and_the_award_year_named():
    hit = Hit(entry("u", "The rate is 6.52%.", status="unconfirmed", years=("2026-27",)), 1.0, 1, "2026-27")
    text = compose(["rate?"], [Result([hit])], "en")[0].text
    assert text.startswith("For the 2026-27 award year:") and "not officially confirmed" in text


def test_a_tied_second_passage_on_the_same_topic_is_shown_too():
    a, b = entry("a", "Loans are paid out in two disbursements."), entry("b", "The school applies loan money to your bill first.")
    assert [h.entry.id for h in answering([Hit(a, 1.0, 1), Hit(b, 0.85, 2)])] == ["a", "b"]
    assert [h.entry.id for h in answering([Hit(a, 1.0, 1), Hit(b, 0.5, 2)])] == ["a"]       # not tied
    other = replace(b, topics=("pell",))
    assert [h.entry.id for h in answering([Hit(a, 1.0, 1), Hit(other, 0.9, 2)])] == ["a"]   # another topic
    myth = replace(b, topics=("loans", "myths"))
    assert [h.entry.id for h in answering([Hit(a, 1.0, 1), Hit(myth, 0.9, 2)])] == ["a"]    # a rebuttal
    dependent = replace(b, title="Loan limits for a dependent student")
    assert [h.entry.id for h in answering([Hit(a, 1.0, 1), Hit(dependent, 0.9, 2)], {"dependency": "independent"})] == ["a"]


def test_a_how_much_or_when_question_prefers_a_close_passage_that_holds_an_amount_or_a_date():
    naming = entry("naming", "Stafford Loans are what Direct Loans used to be called.")
    limits = entry("limits", "A dependent first-year student can borrow up to $5,500.")
    far = entry("far", "Fees are 1.057% of the loan.")
    hits = [Hit(naming, 1.0, 1), Hit(limits, 0.9, 2), Hit(far, 0.4, 3)]
    assert compose(["How much can I borrow with a Stafford loan?"], [Result(hits)], "en")[0].hits[0].entry.id == "limits"
    assert compose(["What is a Stafford loan?"], [Result(hits)], "en")[0].hits[0].entry.id == "naming"
    # A passage far below the first never jumps ahead, whatever it holds.
    assert compose(["how much?"], [Result([Hit(naming, 1.0, 1), Hit(far, 0.4, 2)])], "en")[0].hits[0].entry.id == "naming"
    free = entry("free", "Filing the FAFSA form is free.")
    assert compose(["¿Cuánto cuesta la FAFSA?"], [Result([Hit(naming, 1.0, 1), Hit(free, 0.9, 2)])], "es")[0].hits[0].entry.id == "free"
    deadline = entry("deadline", "The 2026-27 FAFSA form closes June 30, 2027.")
    assert compose(["When is the deadline?"], [Result([Hit(naming, 1.0, 1), Hit(deadline, 0.86, 2)])], "en")[0].hits[0].entry.id == "deadline"
    who = entry("who", "A parent of a dependent undergraduate can borrow from July 1, 2026.")
    term = entry("term", "The standard plan repays the loan over 10 years.")
    assert compose(["How long do I have to pay it back?"], [Result([Hit(who, 1.0, 1), Hit(term, 0.9, 2)])], "en")[0].hits[0].entry.id == "term"


def test_a_part_shows_its_tied_second_passage_unless_an_earlier_part_showed_it():
    a, b = entry("a", "Loans are paid out in two disbursements."), entry("b", "The school applies loan money to your bill first.")
    c = entry("c", "Rates are fixed for the life of the loan.")
    parts = compose(["when is it paid?", "is the rate fixed?"],
                    [Result([Hit(a, 1.0, 1), Hit(b, 0.7, 2)]), Result([Hit(c, 1.0, 1), Hit(b, 0.9, 2)])], "en")
    assert [[h.entry.id for h in p.hits] for p in parts] == [["a", "b"], ["c"]]
    assert "two disbursements" in parts[0].text and "your bill first" in parts[0].text
