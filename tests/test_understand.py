"""`chatbot.understand`: a message's questions in order, the story's question found, the user's facts."""
import pytest

from chatbot.understand import conflicts, facts_of, is_question, understand


def texts(message):
    return [p.text for p in message.parts]


def test_two_questions_in_one_sentence_are_two_parts_in_the_order_asked():
    m = understand("how much can I borrow as a junior, and is the rate fixed?")
    assert texts(m) == ["how much can I borrow as a junior", "is the rate fixed?"]
    # The second part stands on its own: borrowing the first question's words found the limit again.
    assert "borrow" not in m.parts[1].query


def test_a_part_that_points_back_takes_the_first_question_as_its_topic():
    m = understand("what is a subsidized loan? and do i pay interest on it while in school?")
    assert len(m.parts) == 2 and "subsidized" in m.parts[1].query


def test_the_question_closing_a_story_is_the_part_and_takes_the_sentence_before_it():
    story = ("My parents divorced when I was five and I have lived with my mom ever since. My dad remarried and "
             "pays for most things now. Whose info do I put?")
    m = understand(story)
    assert texts(m) == ["Whose info do I put?"]
    assert "dad remarried" in m.parts[0].query and "five" not in m.parts[0].query


def test_a_question_that_names_no_aid_topic_takes_the_topics_the_story_named():
    m = understand("I got a bill for my Parent PLUS loan. My child is still in school. Why is there a payment?")
    assert texts(m) == ["Why is there a payment?"] and "parent plus" in m.parts[0].query.lower()
    es = understand("Tengo un préstamo Parent PLUS para mi hijo. Mi hijo se graduó y yo quería ponerlo a su nombre. "
                    "¿Puedo hacerlo?")
    assert "parent plus" in es.parts[0].query.lower()
    # A question with a topic of its own keeps to it: the story's loan is not what it asks about.
    own = understand("We already have a Parent PLUS loan for her brother. How much Pell Grant money can a full-time "
                     "student get this year?")
    assert "plus" not in own.parts[0].query.lower()
    # "FAFSA" alone does not say what a question is about.
    sep = understand("My parents are legally separated and have been for ten years. Do I have to put my father's "
                     "information on the FAFSA?")
    assert "separated" in sep.parts[0].query.lower()


def test_a_statement_is_one_part_the_whole_message():
    assert texts(understand("need help with my fafsa")) == ["need help with my fafsa"]


def test_more_than_three_questions_answers_three_and_counts_the_rest():
    m = understand("what is pell? what is fseog? what is work-study? what is a teach grant?")
    assert len(m.parts) == 3 and m.dropped == 1


def test_spanish_questions_are_split_too():
    m = understand("¿Cuánto es la beca Pell? ¿Y cuándo es la fecha límite de la FAFSA?")
    assert len(m.parts) == 2


@pytest.mark.parametrize("sentence, asks", [
    ("can i get pell as a part time student", True), ("wondering if my dad has to sign", True),
    ("cuanto puedo pedir prestado", True), ("I filed my FAFSA in October.", False),
])
def test_questions_are_recognised_with_or_without_a_question_mark(sentence, asks):
    assert is_question(sentence) is asks


def test_facts_the_user_gave_are_kept_and_pick_the_right_side():
    facts = facts_of("im independent and a sophomore, going full-time")
    assert facts == {"year_in_school": "second-year", "dependency": "independent", "enrollment": "full-time"}
    assert conflicts("Loan limits for a dependent undergraduate", facts)
    assert not conflicts("Loan limits for an independent undergraduate", facts)
    assert conflicts("Graduate loan limits", {"year_in_school": "first-year"})


@pytest.mark.parametrize("message, word", [
    ("How much money can I get through this grant program? (FSEOG)", "FSEOG"),   # an aid-office FAQ heading
    ("What if you are undocumented? (California)", "California"),
    ("Is a certain GPA required? (for a Federal Pell Grant)", "Pell"),
])
def test_a_bracketed_scrap_names_the_topic(message, word):
    (part,) = understand(message).parts
    assert word in part.query and part.text.endswith("?")


def test_a_sentence_beside_a_question_that_stands_alone_is_not_attached():
    message = "My parents both work at the hospital. How much Pell Grant money could a full-time student with a low SAI get?"
    (part,) = understand(message).parts
    assert "hospital" not in part.query


def test_a_statement_that_opens_like_a_question_is_not_one():
    message = ("When my son graduates, he will be 18 and we will no longer support him. "
               "What we would like to know is if he would qualify for a Pell Grant?")
    (part,) = understand(message).parts
    assert part.text.startswith("What we would like") and not is_question("When my son graduates, he will be 18.")
    assert is_question("if i fail a class do i lose my pell") and is_question("When is the deadline?")


def test_an_abbreviation_does_not_end_the_sentence():
    m = understand("The notary wrote 'personally known'. Can it be used for the U.S. Department of Education V4 purposes?")
    assert texts(m) == ["Can it be used for the U.S. Department of Education V4 purposes?"]


def test_a_clause_and_its_question_stay_one_question_and_or_never_splits():
    m = understand("If a student who has left college and is now independent wants to go back, what would his Pell limits be?")
    assert len(m.parts) == 1 and m.parts[0].text.startswith("If a student")
    m = understand("Would all of it be covered or would we have to pay a lot of it?")
    assert texts(m) == ["Would all of it be covered or would we have to pay a lot of it?"]
