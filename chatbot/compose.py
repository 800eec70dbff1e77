"""Compose a knowledge answer from retrieved passages, one part per question the message asked.

Pure functions: the pipeline retrieves (chatbot/kb/retrieval.py) for each part that
`chatbot.understand` found, and these turn the results into the text the user sees and its citations:

- each part is answered by its own best passage, in the order asked; two parts never repeat one
  passage (the second takes its next hit); a one-question answer shows the second passage too when
  retrieval cannot tell the two apart (`answering`);
- a part with no confident passage says so for that part and points to studentaid.gov or the aid
  office, rather than padding with a neighbouring passage;
- a passage's opening "Yes."/"No." is dropped: it was written for one phrasing and may answer a
  different question the wrong way round ("Yes." to "do I have to repay it?"); the sentence after it
  states the fact;
- the award year is named and unconfirmed facts hedged per part.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from chatbot.guards.draft_gate import tidy
from chatbot.lang import fold
from chatbot.prompts import reply
from chatbot.replies import name_year
from chatbot.understand import conflicts

# "Yes." / "No," / "Sí." / "Possibly." at the start of a passage or a draft: a verdict that only fits
# the phrasing the passage was written for.
_VERDICT = (r"(?:\*\*)?(?:yes|no|nope|yep|sí|si|possibly|probably|maybe|not necessarily|not always|usually|"
            r"generally|depends)(?:\*\*)?")
LEAD_VERDICT = re.compile(rf"^\s*{_VERDICT}\s*[.,:;!—-]+\s*(?=\S)", re.I)
BARE_VERDICT = re.compile(rf"\s*{_VERDICT}\s*[.,:;!]*\s*", re.I)


@dataclass(frozen=True)
class PartAnswer:
    question: str
    text: str
    hits: tuple = ()  # the passages used (empty: no confident answer for this part)


def is_bare_verdict(sentence: str) -> bool:
    """A sentence that is only "Yes." / "No." (its reasons, if any, come in the next one)."""
    return bool(BARE_VERDICT.fullmatch(sentence))


def drop_verdict(text: str) -> str:
    """The passage without a leading bare verdict, its next word capitalised."""
    rest = LEAD_VERDICT.sub("", text, count=1)
    if rest is text or not rest:
        return text
    return rest[0].upper() + rest[1:]


def passage_text(hit, lang: str) -> str:
    """One passage as an answer: tidy, no lead verdict, the award year named, hedged if unconfirmed."""
    text = name_year(drop_verdict(tidy(hit.entry.body)), hit.award_year, lang)
    if hit.entry.status == "unconfirmed":
        text += " " + reply("unconfirmed", lang).render()
    return text


# A question that asks "how much" or "when" is answered only by a passage holding an amount or a date:
# among hits nearly as good as the first (SUITED x its score), those that hold one go first. "How much
# can I borrow with a Stafford loan?" had been answered by the entry saying Stafford is the old name.
# Measured with the checked passage: real-dev 76.0 -> 76.5%, dev 96.0% and real-test 54.3 -> 54.9%.
SUITED = 0.7
_AMOUNT_Q = re.compile(r"\b(?:how much|how many|what(?:'s| is) the (?:max|maximum|limit|amount|most)|max(?:imum)? amount|"
                       r"cuant[oa]s?|cual es el (?:maximo|limite|monto))\b", re.I)
# "Free" is the amount a cost question is answered with ("How much does it cost to file a FAFSA?").
_AMOUNT = re.compile(r"\$\s?\d|\d[\d,.]*\s?(?:%|percent|dollars|d[oó]lares)|\b(?:free|gratis|gratuit[oa]|no cost|no fee)\b",
                     re.I)
_WHEN_Q = re.compile(r"^\W*(?:when|cuando)\b|\b(?:what (?:date|day|time)|deadline|how soon|fecha limite|plazo)\b", re.I)
_LONG_Q = re.compile(r"\b(?:how long|how many (?:years|months|days)|cuanto tiempo|cuantos (?:anos|meses|dias))\b", re.I)
_SPAN = re.compile(r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|twenty-five|thirty|"
                   r"un|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|doce|quince|veinte|treinta)[- ]"
                   r"(?:days?|weeks?|months?|years?|semesters?|d[ií]as|semanas|meses|a[nñ]os|semestres)\b", re.I)
_WHEN = re.compile(r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december|"
                   r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
                   r"\d+ (?:days?|weeks?|months?|years?|d[ií]as|semanas|meses|a[nñ]os))\b|\b20\d\d\b", re.I)


def wanted(question: str):
    """What a passage must contain to answer `question` at all: an amount for "how much", a date for
    "when", a span for "how long"; None for other questions."""
    q = fold(question)
    if _LONG_Q.search(q):
        return _SPAN
    if _AMOUNT_Q.search(q):
        return _AMOUNT
    if _WHEN_Q.search(q):
        return _WHEN
    return None


def fitting(hits, facts: dict, question: str = "") -> list:
    """The hits with those written for the other side of the user's facts moved last (an
    independent student asking for a limit gets the independent table, not the dependent one), and,
    among the hits nearly as good as the first, those without the kind of answer asked for after those
    with it."""
    want, top = wanted(question), (hits[0].score if hits else 0.0)

    def tier(h) -> int:  # 0: close and holds the answer asked for; 1: close, lacks it; 2: not close
        if not want:
            return 0
        return 2 if h.score < SUITED * top else int(not want.search(h.entry.body))

    return sorted(hits, key=lambda h: (conflicts(h.entry.title, facts), tier(h)))


NEAR_TIE = 0.85  # a hit this close to the first is as good an answer for the part
# A second hit this close to the first (fused score), on the same topic: retrieval cannot tell which of
# the two answers the question, so a one-question answer shows both, each cited. Measured with the
# checked passage (the embedded default): 0.8 took real-dev 70.0% -> 72.4%, dev 89.8% -> 94.7%; on
# 2026-12-04, 0.8 -> 0.6 took real-dev 77.0 -> 78.4%, dev 96.0 -> 96.9%, real-test 55.5 -> 56.6% and 35
# new real questions 31.4 -> 34.3%, forbidden hits unchanged, median answer 878 -> 999 characters (0.5
# scored the same as 0.6 on both dev sets; without the topic and myth rules, real-dev fell).
TIED = 0.6


def answering(hits, facts: dict | None = None) -> list:
    """The passage(s) that answer one question: the first hit, and the second too when it is tied
    with it, shares a topic with it, is not written for the other side of the user's facts and does
    not correct a myth (a rebuttal next to a plain fact reads as a contradiction)."""
    first, shown = hits[0], [hits[0]]
    if len(hits) > 1:
        second = hits[1]
        if (second.score >= TIED * first.score and set(second.entry.topics) & set(first.entry.topics)
                and not conflicts(second.entry.title, facts or {}) and "myths" not in second.entry.topics
                and "myths" not in first.entry.topics):
            shown.append(second)
    return shown


def pick(result, used: set[str], facts: dict | None = None, question: str = ""):
    """The best hit of a part's search, among those nearly as good as the first, that fits the
    user's facts and that no earlier part has shown; "used" when the best one was shown already."""
    if result is None or not result.found:
        return None
    close = [h for h in result.hits if h.rank == 1 or h.score >= result.hits[0].score * NEAR_TIE]
    fresh = [h for h in fitting(close, facts or {}, question) if h.entry.id not in used]
    return fresh[0] if fresh else "used"


def compose(questions: list[str], results: list, lang: str, facts: dict | None = None) -> list[PartAnswer]:
    """One PartAnswer per question, with its passage (and a tied second one); results[i] is the search
    result for questions[i]."""
    used: set[str] = set()
    out = []
    for question, result in zip(questions, results):
        hit = pick(result, used, facts, question)
        if hit is None or hit == "used":
            # Never a neighbouring passage as filler: say the answer above covers it, or that we don't know.
            name = "part_unknown" if hit is None else "part_above"
            out.append(PartAnswer(question, reply(name, lang).render()))
            continue
        # A part's tied second passage is shown too, as for a one-question message (not one an earlier
        # part showed): real-dev 78.4 -> 79.9%, dev 96.9 -> 97.4%, 35 new real questions 34.3 -> 45.7%;
        # multi-part answers grew from 1,246 to 1,910 characters (median). Only for messages of one or
        # two parts: the same scores, one new question fewer.
        rest = [h for h in result.hits if h.entry.id not in used and h.entry.id != hit.entry.id]
        shown = answering([hit, *rest], facts)
        used.update(h.entry.id for h in shown)
        out.append(PartAnswer(question, "\n\n".join(passage_text(h, lang) for h in shown), tuple(shown)))
    return out


def render_parts(parts: list[PartAnswer], dropped: int, lang: str) -> str:
    """The parts as one reply: each question restated in bold, then its answer, in the order asked."""
    blocks = [f"**{p.question.strip()}**\n{p.text}" for p in parts]
    if dropped:
        blocks.append(reply("parts_dropped", lang).render(n=dropped))
    return "\n\n".join(blocks)
