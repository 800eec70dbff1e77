"""Understand a message before retrieving: the questions it asks, and the facts the user gave.

    msg = understand("im a junior and independent. how much can i borrow, and is the rate fixed?", "en")
    [p.query for p in msg.parts]  # ["how much can i borrow junior independent", "is the rate fixed borrow ..."]
    msg.facts                     # {"year_in_school": "junior", "dependency": "independent"}

Why: retrieval over the whole message answers the wrong thing when a message asks two questions
(one of them is lost), or tells a story and asks at the end (the story's words win). So the message
is cut into sentences; the sentences that ask something are its parts, in the order asked; one
sentence that asks two things ("..., and is the rate fixed?") is cut in two. A part too short to stand
alone ("is it fixed?") borrows the words of the part or sentence before it. The facts the user states
(year in school, dependency, enrollment) go into each part's query, since they pick the entry
(a dependent freshman's limit, not an independent senior's). Pure functions, standard library only;
rules rather than the model, because the tiny default model rewrites questions badly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from chatbot.lang import fold

MAX_PARTS = 3  # more than three questions in one message: answer the first three, say so
_SENTENCE = re.compile(r"(?<=[?!.])\s+|\n+|(?<=\?)(?=\S)")
# Words that open a question (accent-folded; Spanish too).
_ASKS = re.compile(
    r"^\W*(?:and |also |so |but |then |ok(?:ay)? |y |pero |entonces |tambien )?"
    r"(?:what|whats|what's|how|hows|when|where|why|who|whose|which|can|could|do|does|did|is|isn't|isnt|are|am|"
    r"will|would|should|may|might|has|have|any|anyone|if|wondering|i wonder|i want to know|i need to know|"
    r"tell me|explain|que|como|cuando|donde|por que|porque|cual|cuales|quien|cuanto|cuanta|cuantos|cuantas|"
    r"puedo|puede|pueden|podemos|hay|tengo que|necesito|debo|deberia|es|son|se puede)\b",
    re.I)
# Inside one sentence: ", and is the rate fixed" starts a second question.
_SECOND = re.compile(
    r",?\s+(?:and|also|plus|y|tambien|ademas)\s+(?=(?:what|how|when|where|why|who|which|can|could|do|does|is|"
    r"are|will|would|should|que|como|cuando|donde|cual|cuanto|cuanta|puedo|puede|hay|es)\b)", re.I)
_CONTENT = re.compile(r"[a-z0-9$][a-z0-9$,.%'-]*")
_FILLER = frozenset("""a an the and or but if of to in on at for from by with as is are was were be it its this that
i me my we our you your they them he she his her do does did can could will would should have has had so just
what how when where why who which any there here also then still like really about get got im i'm whats
y o de la el los las que en un una es mi mis por para con se lo le como cuando donde cual cuanto puedo""".split())
# A bracketed or verbless scrap beside a question ("(FSEOG)", "For California residents.") names what
# the question is about: "How much can I get through this grant program? (FSEOG)" lost the program.
MAX_SCRAP_WORDS = 3
MIN_OWN_WORDS = 6  # a first question with fewer content words borrows the sentence before it
# A later question borrows the one before only when it points back at it ("is it fixed?"): measured,
# "is the rate fixed?" alone finds the rate entry, and with the loan-limit question before it does not.
_POINTS_BACK = re.compile(r"\b(?:it|its|that|this|they|them|those|these|the same|one|eso|esto|esa|ese|ellos|lo mismo)\b",
                          re.I)

# Aid things a story names that its closing question leaves out ("I got a bill for my Parent PLUS loan.
# My child is still in school. Why is there a payment?" was searched as "...why is there a payment?" and
# got IDR payment entries): they are added to the query of a question that names none of them. (Added to
# every question after a story, or to every short one, they cost real-test cases: a question with a topic
# of its own is better searched without the story's.)
TOPIC_TERMS = re.compile(
    r"\b(?:parent ?plus|grad ?plus|plus loans?|pell(?: grant)?|pslf|public service loan forgiveness|teacher loan forgiveness|"
    r"(?:identity )?verification|v[45]|fafsa|css profile|sai|efc|student aid index|consolidat\w+|default\w*|forbearance|"
    r"deferment|idr|ibr|paye|icr|rap|save plan|(?:un)?subsidized|direct loans?|stafford|private loans?|work[- ]study|fseog|"
    r"teach grant|contributors?|step-?(?:dad|mom|father|mother|parent)|divorced?|(?:legally )?separated|remarried|"
    r"dependency override|independent|dependent|professional judgment|special circumstances?|sap|academic progress|"
    r"cost of attendance|refund|disbursement|entrance counseling|exit counseling|endorser|adverse credit|credit|"
    r"tax returns?|transcripts?|w-?2|fsa id|award letter|aid offer|scholarships?|529|forgiveness|discharge|"
    r"garnish\w*|rehabilitat\w*|servicer|grace period|interest|co-?sign\w*|scam\w*|fraud|phishing|identity theft|"
    r"social security(?: number)?|ssn|nslds|estafa\w*|fraude|robo de identidad|"
    r"prestamos? parent plus|beca pell|verificacion|consolidacion|condonacion|perdon|aplazamiento|indulgencia|"
    r"padrastro|madrastra|divorciad[oa]s?|separad[oa]s?|reembolso|desembolso|declaracion de impuestos|beca)\b", re.I)

YEAR_IN_SCHOOL = [
    ("first-year", re.compile(r"\b(?:freshman|freshmen|first[- ]year|1st[- ]year|incoming|primer ano)\b", re.I)),
    ("second-year", re.compile(r"\b(?:sophomore|second[- ]year|2nd[- ]year|segundo ano)\b", re.I)),
    ("third-year", re.compile(r"\b(?:junior|third[- ]year|3rd[- ]year|tercer ano)\b", re.I)),
    ("fourth-year", re.compile(r"\b(?:senior|fourth[- ]year|4th[- ]year|fifth[- ]year|5th[- ]year|cuarto ano)\b", re.I)),
    ("graduate", re.compile(r"\b(?:grad(?:uate)? (?:student|school)|master'?s|phd|doctoral|law school|med school|"
                            r"medical school|posgrado|maestria|doctorado)\b", re.I)),
]
DEPENDENCY = [
    ("independent", re.compile(r"\b(?:i'?m|i am|as an?|considered|soy|como)\s+(?:an? )?independ(?:ent|iente)\b", re.I)),
    ("dependent", re.compile(r"\b(?:i'?m|i am|as an?|considered|soy|como)\s+(?:an? )?dependi?(?:ent|ente)\b", re.I)),
]
ENROLLMENT = [
    ("full-time", re.compile(r"\bfull[- ]?time\b|\btiempo completo\b", re.I)),
    ("half-time", re.compile(r"\bhalf[- ]?time\b|\bmedio tiempo\b", re.I)),
    ("part-time", re.compile(r"\bpart[- ]?time\b|\btiempo parcial\b", re.I)),
]
# The facts whose value is added to a query as it stands: entries use these words ("third-year").
QUERY_FACTS = frozenset("first-year second-year third-year fourth-year graduate independent dependent".split())


@dataclass(frozen=True)
class Part:
    text: str   # the question as asked
    query: str  # what retrieval searches for: the question, context it needs, the user's facts


@dataclass(frozen=True)
class Message:
    parts: tuple[Part, ...]
    facts: dict = field(default_factory=dict)
    dropped: int = 0  # questions past MAX_PARTS


# Abbreviations whose full stop does not end a sentence ("Can it be used for the U.S. Department of
# Education V4 purposes?" had been cut into "Can it be used for the U.S." and "Department of ...").
_ABBREVIATION = re.compile(r"\b(?:U\.S|U\.S\.A|e\.g|i\.e|etc|vs|Dr|Mr|Mrs|Ms|St|Jr|Sr|No|approx|EE\.UU|Ud|Uds|Sra?)\.(?=\s)")
_HELD = "\u2024"  # ONE DOT LEADER: stands in for an abbreviation's full stop while splitting


def sentences(text: str) -> list[str]:
    held = _ABBREVIATION.sub(lambda m: m.group(0)[:-1] + _HELD, text.strip())
    return [s.strip().replace(_HELD, ".") for s in _SENTENCE.split(held) if s and s.strip()]


# "When my son graduates, he will be 18." opens like a question but ends as a statement.
_CLAUSE_OPENER = re.compile(r"^\W*(?:when|if|since|because|while|as|once|cuando|si|como|porque)\b", re.I)


def is_question(sentence: str) -> bool:
    s = sentence.rstrip()
    if s.endswith("?"):
        return True
    if s.endswith((".", "!")) and _CLAUSE_OPENER.match(fold(s)):
        return False
    return bool(_ASKS.match(fold(s)))


def content_words(text: str) -> list[str]:
    return [w for w in _CONTENT.findall(fold(text).lower()) if w not in _FILLER]


def facts_of(text: str) -> dict:
    """The facts the user stated that change which entry or which number is right."""
    folded = fold(text)
    found = {}
    for key, table in (("year_in_school", YEAR_IN_SCHOOL), ("dependency", DEPENDENCY), ("enrollment", ENROLLMENT)):
        value = next((name for name, rx in table if rx.search(folded)), None)
        if value:
            found[key] = value
    return found


def _split_sentence(sentence: str) -> list[str]:
    """One sentence that asks two things -> two questions; a lone clause stays whole."""
    pieces = [p.strip(" ,") for p in _SECOND.split(sentence) if p.strip(" ,")]
    # Only split when each piece is a question of its own (has words beyond "and what"), and the first
    # is not a clause that the rest completes ("If a student who has left college and is now independent
    # wants to go back, what would his limits be?"). "Or" never splits: "X or Y?" asks one thing.
    if (len(pieces) > 1 and all(len(content_words(p)) >= 2 for p in pieces)
            and not _CLAUSE_OPENER.match(fold(pieces[0]))):
        return pieces
    return [sentence]


def understand(text: str, lang: str = "en") -> Message:
    """The message's questions in the order asked, each with the query that finds its answer."""
    all_sentences = sentences(text)
    facts = facts_of(text)
    asked: list[tuple[int, str]] = []
    for n, s in enumerate(all_sentences):
        if is_question(s):
            asked += [(n, piece) for piece in _split_sentence(s)]
    if not asked:  # a statement ("need help with my fafsa") is one part: the whole message
        return Message((Part(text.strip(), _with_facts(text.strip(), facts)),), facts)
    parts, previous = [], None
    for n, question in asked[:MAX_PARTS]:
        query = question
        short = len(content_words(question)) < MIN_OWN_WORDS
        if previous is None and short and n:
            # The question closing a story ("Whose info do I put?") takes the sentence before it.
            query = f"{all_sentences[n - 1]} {question}"
        elif previous is not None and short and _POINTS_BACK.search(fold(question)):
            query = f"{parts[0].text} {question}"  # "and do I pay it back in school?": "it" is the first topic
        scraps = [c for c in (_scrap(all_sentences, n - 1), _scrap(all_sentences, n + 1)) if c and c not in query]
        if not _names_topic(question):
            scraps += _story_topics(all_sentences[:n], query)
        query = " ".join([query, *scraps])
        parts.append(Part(question, _with_facts(query, facts)))
        previous = question
    return Message(tuple(parts), facts, dropped=max(0, len(asked) - MAX_PARTS))


# Terms too general to say what a question is about: "Do I have to put my father's information on the
# FAFSA?" after a legal-separation story is a question about separated parents.
GENERAL_TERMS = frozenset({"fafsa", "beca"})


def _names_topic(question: str) -> bool:
    return any(m.group(0).lower() not in GENERAL_TERMS for m in TOPIC_TERMS.finditer(fold(question)))


def _story_topics(story: list[str], query: str) -> list[str]:
    """The aid things the sentences before a question name that its query does not."""
    have = fold(query).lower()
    found = dict.fromkeys(m.group(0).lower() for m in TOPIC_TERMS.finditer(fold(" ".join(story))))
    return [t for t in found if t not in have]


def _scrap(all_sentences: list[str], n: int) -> str:
    """Sentence n when it is a short bracketed or question-less scrap that names a topic, else ""."""
    if not 0 <= n < len(all_sentences):
        return ""
    s = all_sentences[n]
    bracketed = s.startswith("(") and s.rstrip(".").endswith(")")
    if is_question(s) or not (bracketed or len(s.split()) <= MAX_SCRAP_WORDS) or not content_words(s):
        return ""
    return s.strip("().")


# Words that mark an entry as written for the other side of a fact the user stated.
OPPOSITE = {"independent": re.compile(r"\bdependent\b|\bdependiente\b", re.I),
            "dependent": re.compile(r"\bindependent\b|\bindependiente\b", re.I),
            "graduate": re.compile(r"\bundergrad", re.I)}
for _year in ("first-year", "second-year", "third-year", "fourth-year"):
    OPPOSITE[_year] = re.compile(r"\bgraduate\b|\bgrad\b|\bposgrado\b|\bprofessional students?\b", re.I)


def conflicts(title: str, facts: dict) -> bool:
    """An entry titled for the other side of what the user said ("...for a dependent student" when
    they said they are independent; a graduate limit for a sophomore)."""
    return any(rx.search(title) for value in facts.values() if (rx := OPPOSITE.get(value)))


def _with_facts(query: str, facts: dict) -> str:
    extra = [v for v in facts.values() if v in QUERY_FACTS and v not in fold(query).lower()]
    return " ".join([query, *extra])
