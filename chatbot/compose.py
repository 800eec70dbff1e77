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


def fitting(hits, facts: dict) -> list:
    """The hits with those written for the other side of the user's facts moved last (an
    independent student asking for a limit gets the independent table, not the dependent one)."""
    return sorted(hits, key=lambda h: conflicts(h.entry.title, facts))


NEAR_TIE = 0.85  # a hit this close to the first is as good an answer for the part
# A second hit this close to the first (fused score): retrieval cannot tell which of the two answers the
# question, so a one-question answer shows both, each cited. Measured with the checked passage (the
# embedded default): real-dev 70.0% -> 72.4%, dev 89.8% -> 94.7%, forbidden hits unchanged (0.9 without
# the topic and myth rules: real-dev 71.8%; a third tied passage: +1 case, longer answers).
TIED = 0.8


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


def pick(result, used: set[str], facts: dict | None = None):
    """The best hit of a part's search, among those nearly as good as the first, that fits the
    user's facts and that no earlier part has shown; "used" when the best one was shown already."""
    if result is None or not result.found:
        return None
    close = [h for h in result.hits if h.rank == 1 or h.score >= result.hits[0].score * NEAR_TIE]
    fresh = [h for h in fitting(close, facts or {}) if h.entry.id not in used]
    return fresh[0] if fresh else "used"


def compose(questions: list[str], results: list, lang: str, facts: dict | None = None) -> list[PartAnswer]:
    """One PartAnswer per question; results[i] is the search result for questions[i]."""
    used: set[str] = set()
    out = []
    for question, result in zip(questions, results):
        hit = pick(result, used, facts)
        if hit is None or hit == "used":
            # Never a neighbouring passage as filler: say the answer above covers it, or that we don't know.
            name = "part_unknown" if hit is None else "part_above"
            out.append(PartAnswer(question, reply(name, lang).render()))
            continue
        used.add(hit.entry.id)
        out.append(PartAnswer(question, passage_text(hit, lang), (hit,)))
    return out


def render_parts(parts: list[PartAnswer], dropped: int, lang: str) -> str:
    """The parts as one reply: each question restated in bold, then its answer, in the order asked."""
    blocks = [f"**{p.question.strip()}**\n{p.text}" for p in parts]
    if dropped:
        blocks.append(reply("parts_dropped", lang).render(n=dropped))
    return "\n\n".join(blocks)
