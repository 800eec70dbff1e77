from datetime import date

from chatbot.history import follow_up_query, is_follow_up, trim_history

TODAY = date(2026, 11, 26)
HISTORY = [
    {"role": "user", "content": "how much can a dependent freshman borrow in 2025-26?"},
    {"role": "assistant", "content": "For 2025-26 a dependent first-year student can borrow up to $5,500."},
]


def test_elliptical_follow_up_carries_the_previous_question_and_its_year():
    query, year = follow_up_query("what about for grad school?", HISTORY, TODAY)
    assert query.startswith("how much can a dependent freshman borrow") and query.endswith("grad school?")
    assert year == "2025-26"


def test_a_year_named_in_the_follow_up_wins():
    query, year = follow_up_query("and for 2026-27?", HISTORY, TODAY)
    assert "freshman" in query and year == "2026-27"


def test_pronoun_follow_up_in_spanish():
    assert is_follow_up("¿y eso cuánto es?", HISTORY)


def test_a_new_standalone_question_is_left_alone():
    text = "What documents do I need for verification of my household size and income?"
    assert follow_up_query(text, HISTORY, TODAY) == (text, None)
    assert not is_follow_up("what about it", [])  # no earlier question to continue


def test_trim_keeps_the_newest_turns_within_budget_and_starts_with_a_user_turn():
    history = [{"role": r, "content": f"{r} message {i} " + "word " * 20}
               for i in range(10) for r in ("user", "assistant")]
    kept = trim_history(history, lambda t: len(t.split()), budget=80)
    assert kept and kept[-1] == history[-1]
    assert kept[0]["role"] == "user"
    assert sum(len(m["content"].split()) + 4 for m in kept) <= 80
    assert trim_history(history, lambda t: len(t.split()), budget=5) == []
