"""Retrieval rules that only show on the real knowledge base (the session `retriever` fixture)."""
from datetime import date

import pytest

pytestmark = pytest.mark.slow
TODAY = date(2026, 11, 26)


def top(retriever, question):
    return retriever.search(question, today=TODAY).hits[0].entry.id


def test_plain_question_gets_the_fact_not_the_rebuttal_of_a_rumour(retriever):
    assert top(retriever, "whats the max pell grant for 2026-27?") == "pell-max-min-2026-27"


@pytest.mark.parametrize("question, myth", [
    ("is it true the max pell is $7,580 for 2026-27?", "pell-misinformation-7580-5710"),
    ("i heard IBR is going away in 2028??", "myth-ibr-eliminated-2028"),
    # Either the correction or the entry on who can use RAP, which says Parent PLUS loans cannot.
    ("can parent plus borrowers use RAP?", ("myth-parent-plus-can-use-rap", "rap-who-can-use")),
])
def test_a_question_about_a_claim_gets_the_correction(retriever, question, myth):
    assert top(retriever, question) in ((myth,) if isinstance(myth, str) else myth)
