"""The one entry point for a turn: `Pipeline.answer(question, history, session)`.

It yields `Token` events while the reply streams and ends with exactly one `Answer`:

1. input guard: clean, length cap, PII redaction (the model and the logs see only redacted text),
   prompt-injection signals                                                  (chatbot/guards/)
2. route: answer | calculator | refuse | redirect | smalltalk (+ warn_pii when PII was shared)
3. understand the message: the questions it asks, the facts the user gave    (chatbot/understand.py)
4. retrieve passages per question, award-year aware                        (chatbot/kb/retrieval.py)
   or run a calculator conversationally                                    (chatbot/calculators/chat.py);
   a message with several questions is composed part by part                (chatbot/compose.py)
5. build messages from the prompt files                                      (chatbot/prompts.py)
6. stream the model's draft sentence by sentence; each sentence is shown only once its numbers
   and words are found in the passages (chatbot/guards/draft_gate.py); a failing draft is cut off and
   replaced by the grounded passage text, and `grounded=False` records that the draft failed
7. citations attached; unconfirmed facts hedged; the award year named

Run one turn from the shell: `python -m chatbot ask "QUESTION" [--json]`.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Iterator

from chatbot import award_year as ay
from chatbot import guards
from chatbot.answers import Answer, Token
from chatbot.config import Settings
from chatbot.guards.draft_gate import (
    MIN_SUPPORT, SentenceGate, content_words, fallback_text, is_degenerate, passages_block, support_ratio,
)
from chatbot.calculators.which import asks_to_calculate
from chatbot.compose import (answering, compose, drop_verdict, fitting, is_bare_verdict, passage_text,
                             render_parts)
from chatbot.history import follow_up_query, trim_history
from chatbot.lang import DEFAULT, PROMPT_NAMES, detect
from chatbot.model.chat_model import as_chat_model
from chatbot.prompts import chat_template, render, reply
from chatbot.replies import Replies, finish, refusal_name, unique
from chatbot.understand import is_question, sentences, understand

# Placeholders like "[SSN removed]", and the words that introduced them ("my ssn is"), say nothing
# about the question: "my ssn is ... can you check my status" matched the entry on having no SSN.
PLACEHOLDER = re.compile(
    r"(?:\b(?:my|his|her|their|our|mi|su)\s+)?(?:\b(?:ssn|social security(?: number)?|social|password|passcode|pin|"
    r"itin|account(?: number)?|routing(?: number)?|card(?: number)?|seguro social|contrase[nñ]a|cuenta)\b\W*"
    r"(?:is|es|=|:)?\s*)?\[[^\]]* removed\]", re.I)
# A redirect explains the general rule first only when the passage clearly fits the question.
REDIRECT_CONFIDENCE = 0.6
RECORD_REASONS = ("individual-case", "own-record")  # redirects that ask about the user's own record
# The prompt's own scaffolding echoed back ("[2] Title (award year: ...)") is never an answer.
SCAFFOLD = re.compile(r"^\s*\[\d+\]|\(award year:|^\s*(question|sources?|answer)\s*:", re.I | re.M)
# After a user shared sensitive data earlier, these ask about it again ("repeat it", "what was my ssn").
ASKS_ABOUT_SHARED = re.compile(
    r"\b(ssn|social|password|passcode|account|routing|card|pin|itin|repeat|say it|read it back|what was my|"
    r"seguro social|contraseña|cuenta|tarjeta|repite|repítelo|cuál era mi)\b", re.I)
ANSWER_TOKENS = 160  # 2-4 short sentences; a longer draft is the model wandering off


@dataclass
class Turn:
    """What the pipeline learned about this turn before composing the reply."""

    text: str                      # cleaned, redacted, neutralized question
    lang: str
    flags: list[str] = field(default_factory=list)
    pii_kinds: list[str] = field(default_factory=list)
    calc_ongoing: str | None = None  # the calculator whose question the last reply asked


class Pipeline:
    def __init__(self, chat_model, settings: Settings | None = None, retriever=None, entries=None,
                 today: date | None = None, history_tokens: int = 768):
        # Any LangChain chat model, or one of the model layer's engines (wrapped): a turn is
        # `prompt | chat_model` either way.
        self.chat_model = as_chat_model(chat_model)
        self.settings = settings or Settings()
        self.drafts = {"on": True, "off": False}.get(self.settings.draft, getattr(chat_model, "draft_by_default", True))
        self.retriever = retriever
        self.entries = {e.id: e for e in (entries or (retriever.entries if retriever else []))}
        self.today = today
        self.history_tokens = history_tokens
        self.replies = Replies(self.entries)
        self.template = chat_template("system", human=_answer_prompt())

    # -- the turn ---------------------------------------------------------------------------
    def answer(self, question: str, history: list[dict] | None = None, session: dict | None = None,
               cancel: threading.Event | None = None) -> Iterator[Token | Answer]:
        session = session or {}
        today = self.today or date.today()
        redacted = [(m["role"], guards.redact_pii(str(m.get("content", ""))))
                    for m in history or [] if m.get("role") in ("user", "assistant")]
        history = [{"role": role, "content": r.text} for role, r in redacted]
        shared_before = [k for role, r in redacted if role == "user" and r.warn for k in r.kinds]
        text = guards.clean_input(question or "")
        lang = detect(text)
        problem = guards.check_length(text, self.settings.max_input_chars)
        if problem:
            yield Answer(problem, [], "refuse", True, ["empty" if not text else "too-long"])
            return
        redaction = guards.redact_pii(text)
        # Phones and emails are removed silently (often the school's or a scammer's, asked about);
        # the kinds in WARN_KINDS (SSN, passwords, account numbers...) get the kind warning.
        turn = Turn(redaction.text, lang, pii_kinds=[k for k in redaction.kinds if k in guards.WARN_KINDS])
        turn.flags += [f"pii:{k}" for k in dict.fromkeys(redaction.kinds)]
        if not turn.pii_kinds and shared_before and ASKS_ABOUT_SHARED.search(turn.text):
            # "what was my ssn again?": the data was removed earlier and is never repeated.
            turn.pii_kinds = list(dict.fromkeys(k for k in shared_before if k in guards.WARN_KINDS))
            turn.flags.append("pii:history")
        signals = guards.injection_signals(turn.text)
        if signals:
            turn.flags += [f"injection:{s}" for s in signals]
            turn.text = guards.neutralize(turn.text)
        yield from self._route(turn, history, session, today, cancel)

    def _route(self, turn: Turn, history, session, today, cancel) -> Iterator[Token | Answer]:
        decision = guards.classify(turn.text)
        route = decision.route
        from chatbot.calculators import chat as calc_chat

        ongoing = turn.calc_ongoing = (calc_chat.in_calc_conversation(history)
                                       or calc_chat.refines_result(history, turn.text))
        if ongoing and route in ("answer", "calculator", "smalltalk"):
            route, calculator = "calculator", decision.calculator or ongoing
        else:
            calculator = decision.calculator
        if route in ("answer", "smalltalk") and asks_to_calculate(turn.text):
            # "calculate it for me" (what the calculator offer invites): the calculator asks which
            # estimate, then only for the inputs it needs.
            route, turn.calc_ongoing = "calculator", calculator or "choose"
        if turn.pii_kinds:
            yield from self._with_pii_warning(turn, route, calculator, history, session, today, cancel)
            return
        if decision.lead and route == "redirect" and decision.reason == "crisis":  # 988, the safety reply, the answer
            yield self._redirect(turn, decision.reason, history, session, today, lead=decision.lead)
            return
        if decision.lead:
            # A safety reply first (fraud's consequences, no guarantee, a scam warning), then the answer.
            events = self._dispatch(turn, route, decision.reason, calculator, history, session, today, cancel)
            yield self._led(decision.lead, _final(events), turn)
            return
        yield from self._dispatch(turn, route, decision.reason, calculator, history, session, today, cancel)

    def _led(self, lead: str, rest: Answer, turn: Turn) -> Answer:
        first = self._safety_reply(lead, turn, rest.route)
        text = first.text if rest.route == "abstain" else f"{first.text}\n\n{rest.text}"
        return Answer(text, unique(first.citations + rest.citations), rest.route, rest.grounded,
                      rest.flags + [f"safety:{lead}"])

    def _safety_reply(self, lead: str, turn: Turn, route: str) -> Answer:
        """Fraud's consequences, no guarantee, or a scam warning."""
        return self.replies.answer("fraud_lead" if lead == "fraud" else lead, turn.lang, route, [])

    def _dispatch(self, turn, route, reason, calculator, history, session, today, cancel):
        lang, flags = turn.lang, turn.flags
        if route == "smalltalk":
            yield self.replies.answer("thanks" if reason == "thanks" else "smalltalk", lang, "smalltalk", flags)
        elif route == "refuse":
            yield self.replies.answer(refusal_name(reason), lang, "refuse", flags)
        elif route == "redirect":
            yield self._redirect(turn, reason, history, session, today)
        elif route == "calculator":
            yield from self._calculate(turn, calculator, history, session, today, cancel)
        else:
            yield from self._knowledge(turn, history, session, today, cancel)

    def _with_pii_warning(self, turn, route, calculator, history, session, today, cancel):
        lead, citations = self.replies.pii_warning(turn.pii_kinds, turn.lang)
        rest = None
        if route in ("answer", "calculator", "redirect"):
            rest = _final(self._dispatch(turn, route, "", calculator, history, session, today, cancel))
        text = lead if rest is None or rest.route == "abstain" else f"{lead}\n\n{rest.text}"
        if rest is not None and rest.route != "abstain":
            citations = unique(rest.citations + citations)
        grounded = rest.grounded if rest is not None else True
        extra = [f for f in rest.flags if f not in turn.flags] if rest else []
        yield Answer(text, citations, "warn_pii", grounded, turn.flags + extra)

    # -- routes -----------------------------------------------------------------------------
    def _redirect(self, turn: Turn, reason: str, history, session, today, lead: str | None = None) -> Answer:
        if reason == "crisis":
            # 988 first, always; then the aid question the message also asks, if it asks one.
            crisis = self.replies.answer("crisis", turn.lang, "redirect", turn.flags + ["crisis"])
            if lead:  # and before any answer, the safety reply its other words call for
                safety = self._safety_reply(lead, turn, "redirect")
                crisis = Answer(f"{crisis.text}\n\n{safety.text}", unique(crisis.citations + safety.citations),
                                "redirect", True, crisis.flags + [f"safety:{lead}"])
            # The aid question is in the sentences that are not themselves the crisis ("whats the point of
            # even trying anymore." was answered as a part: "I couldn't find a reliable answer"); when
            # every sentence is, the question is mixed into one ("...being alive, how do i appeal").
            asked = " ".join(s for s in sentences(turn.text) if guards.classify(s).reason != "crisis") or turn.text
            # A question that only a borderline guess called crisis is answered too (988 still first).
            borderline_question = is_question(turn.text) and not guards.crisis_certain(turn.text)
            if not guards.asks_about_aid(turn.text) and not borderline_question:
                return crisis
            rest = _final(self._knowledge(replace(turn, text=asked), history, session, today, None))
            if rest.route != "answer":
                return crisis
            return Answer(f"{crisis.text}\n\n{rest.text}", unique(crisis.citations + rest.citations), "redirect",
                          rest.grounded, crisis.flags + [f for f in rest.flags if f not in crisis.flags])
        # Explain the general rule when we know it, then point to a person.
        template = reply("redirect", turn.lang)
        result = self._search(turn, history, session, today)
        parts, citations = [], []
        # "can you check my status" or "how much do I still owe" asks for a record we cannot see: a
        # general passage is filler there.
        if reason not in RECORD_REASONS and result is not None and result.found and result.confidence >= REDIRECT_CONFIDENCE:
            hit = result.hits[0]
            parts.append(passage_text(hit, turn.lang))
            citations.append(hit.citation)
        parts.append(template.render())
        return Answer("\n\n".join(parts), unique(citations + self.replies.cite(template.cite)), "redirect", True, turn.flags)

    def _calculate(self, turn: Turn, calculator, history, session, today, cancel) -> Iterator[Token | Answer]:
        from chatbot.calculators import chat as calc_chat

        year = (ay.years_in_text(turn.text, today) or ay.current(today))[0]
        result = calc_chat.calc_turn(turn.text, history, calculator, year, turn.lang)
        flags = turn.flags + ([f"calculator:{result.calculator}"] if result.calculator else [])
        if result.missing and not turn.calc_ongoing:
            # A first question like "how much can a freshman borrow?" deserves the general answer
            # now; the calculator's question for a personal estimate follows it.
            general = None
            for event in self._knowledge(turn, history, session, today, cancel):
                if isinstance(event, Token):
                    yield event
                else:
                    general = event
            if general is not None and general.route == "answer":
                yield Answer(f"{general.text}\n\n{self._calc_offer(result.text, general, turn)}", general.citations,
                             "answer", general.grounded, general.flags + flags[len(turn.flags):] + ["calc-offer"])
                return
        if result.missing:
            flags.append("calc-needs-input")
        yield Answer(result.text, list(result.citations), "calculator", True, flags)

    def _calc_offer(self, question: str, general: Answer, turn: Turn) -> str:
        """The calculator's next question, when every number in it is backed by the cited entries or
        the user's own words; otherwise a plain offer (an unbacked number is never shown)."""
        support = [turn.text] + [c.award_year for c in general.citations] + [
            self.entries[c.id].body for c in general.citations if c.id in self.entries]
        if guards.grounding_check(question, support).ok:
            return question
        return reply("calc_offer", turn.lang).render()

    def _search(self, turn: Turn, history, session, today, query: str | None = None):
        """Search for the whole message, or for one of its questions (`query`); a follow-up
        ("and for grad school?") is searched together with the question before it."""
        if self.retriever is None:
            return None
        text = PLACEHOLDER.sub(" ", turn.text)
        full, year = follow_up_query(text, history, today)
        if query is not None:
            query = PLACEHOLDER.sub(" ", query)
            full = full[: len(full) - len(text)] + query if full != text else query
        return self.retriever.search(full, k=3, award_year=year, school=session.get("school"),
                                     lang=turn.lang, today=today)

    def _composed(self, turn: Turn, message, results) -> Answer:
        """Several questions in one message: each answered by its own passage, in the order asked."""
        parts = compose([p.text for p in message.parts], results, turn.lang, message.facts)
        citations = unique([h.citation for p in parts for h in p.hits])
        if not citations:
            return self.replies.answer("abstain", turn.lang, "abstain", turn.flags + ["low-confidence"])
        flags = turn.flags + ["parts:%d" % len(parts)] + (["part-unknown"] if any(not p.hits for p in parts) else [])
        return Answer(render_parts(parts, message.dropped, turn.lang), citations, "answer", True, flags)

    def answer_variables(self, question: str, lang: str, hits, history, today: date) -> dict:
        """What the answer prompt is filled with."""
        return dict(
            question=question,
            history=trim_history(history, self.chat_model.get_num_tokens, self.history_tokens),
            passages=passages_block(hits),
            language=PROMPT_NAMES.get(lang, PROMPT_NAMES[DEFAULT]),
            today=today.isoformat(),
            award_year=hits[0].award_year if hits[0].award_year != "all" else ay.current(today)[0],
        )

    def answer_messages(self, question: str, lang: str, hits, history, today: date) -> list[dict]:
        """The chat messages the model drafts from, as role/content dicts (what `python -m eval bench` sends)."""
        return render(self.template, **self.answer_variables(question, lang, hits, history, today))

    def _knowledge(self, turn: Turn, history, session, today, cancel) -> Iterator[Token | Answer]:
        message = understand(turn.text, turn.lang)
        results = [self._search(turn, history, session, today, part.query) for part in message.parts]
        if len(message.parts) > 1:
            answer = self._composed(turn, message, results)
            yield Token(answer.text)
            yield answer
            return
        result = results[0]
        if (result is None or not result.found) and message.parts[0].query != turn.text:
            result = self._search(turn, history, session, today)  # the question alone found nothing
        if result is None or not result.found:
            yield self.replies.answer("abstain", turn.lang, "abstain", turn.flags + ["low-confidence"])
            return
        hits = fitting(result.hits, message.facts, message.parts[0].text)
        shown = answering(hits, message.facts)
        if not self.drafts:  # the checked passage itself, at once (no draft to wait for)
            text = _checked_passage(shown, turn.lang)
            yield Token(text)
            yield Answer(text, [h.citation for h in shown], "answer", True, turn.flags + ["passage"])
            return
        sources = [h.entry.body for h in hits] + [h.entry.title for h in hits]
        source_words = content_words(" ".join(sources))
        variables = self.answer_variables(turn.text, turn.lang, hits, history, today)
        accepted: list[str] = []
        draft_ok, finish_reason = True, None
        options = {"max_new_tokens": min(self.settings.max_new_tokens, ANSWER_TOKENS), "repetition_penalty": 1.1}
        if cancel is not None:
            options["cancel"] = cancel
        chain = self.template | self.chat_model.bind(stop=["\n\n\n", "\n[", "Question:"], **options)
        stream = chain.stream(variables)
        gate = SentenceGate()
        try:
            for chunk in stream:
                finish_reason = chunk.response_metadata.get("finish_reason") or finish_reason
                for sentence in gate.feed(chunk.text):
                    if not accepted and is_bare_verdict(sentence):
                        continue  # a lone "Yes." may answer the passage's question, not this one
                    if not self._sentence_ok(sentence, accepted, sources, source_words):
                        draft_ok = False
                        break
                    accepted.append(sentence)
                    yield Token(sentence)
                if draft_ok and _drifting(gate.buffer, source_words):
                    draft_ok = False  # no need to wait for the sentence to end
                if not draft_ok:
                    break
            if draft_ok:
                for sentence in gate.flush():
                    if self._sentence_ok(sentence, accepted, sources, source_words):
                        accepted.append(sentence)
                        yield Token(sentence)
        finally:
            # Read before closing: closing the stream sets the same event to cut a failing draft short.
            user_stopped = cancel is not None and cancel.is_set()
            stream.close()
        if user_stopped:
            yield Answer("".join(accepted).strip(), [h.citation for h in hits[:1]], "answer", draft_ok, turn.flags + ["cancelled"])
            return
        draft = "".join(accepted).strip()
        flags = list(turn.flags)
        if not draft_ok or not accepted or not _states_key_facts(draft, hits[0].entry.body):
            text, citations, grounded = _checked_passage(shown, turn.lang), [h.citation for h in shown], False
            flags.append("fallback")
        else:
            text, grounded = finish(draft, hits, turn.lang), True
            citations = [h.citation for h in hits if support_ratio(draft, content_words(h.entry.body)) >= 0.3] or [hits[0].citation]
            if finish_reason == "length":
                flags.append("truncated")
        if not accepted:
            yield Token(text)  # nothing was shown yet: stream the grounded answer now
        yield Answer(text, unique(citations), "answer", grounded, flags)

    def _sentence_ok(self, sentence: str, accepted: list[str], sources: list[str], source_words: set[str]) -> bool:
        if is_degenerate("".join(accepted) + sentence) or SCAFFOLD.search(sentence):
            return False
        if not guards.grounding_check(sentence, sources).ok:
            return False
        return support_ratio(sentence, source_words) >= MIN_SUPPORT



def _answer_prompt() -> str:
    from chatbot.prompts import prompt_text

    return prompt_text("answer")


def _checked_passage(shown, lang: str) -> str:
    """The answering passage(s) as the answer: what is shown without a draft, or when the draft failed."""
    if len(shown) == 1:
        return finish(drop_verdict(fallback_text(shown)), shown, lang)
    return "\n\n".join(passage_text(h, lang) for h in shown)


def _final(events) -> Answer:
    """The Answer that ends a stream of events (the streamed pieces are in it)."""
    return next(e for e in events if isinstance(e, Answer))


def _drifting(partial: str, source_words: set[str]) -> bool:
    """A sentence still being written that is already mostly words the sources never use."""
    return len(content_words(partial)) >= 10 and support_ratio(partial, source_words) < MIN_SUPPORT


def _states_key_facts(draft: str, top_body: str) -> bool:
    """A draft that states none of the top passage's numbers has not answered a numeric question."""
    facts = guards.extract_facts(top_body)
    return not facts or any(guards.grounding_check(f.text, [draft]).ok for f in facts)


def build_pipeline(settings: Settings, chat_model=None, log=print) -> Pipeline:
    """Load the knowledge base, the retriever and the model named by the settings (unless given)."""
    from chatbot.kb.loader import load_kb
    from chatbot.model.embedder import load_embedder  # heavy: torch + transformers
    from chatbot.kb.retrieval import Retriever

    if chat_model is None:
        from chatbot.model.registry import load_chat_model

        chat_model = load_chat_model(settings, log=log)
    entries = load_kb()
    retriever = Retriever.build(entries, load_embedder(), settings.cache_dir)
    from chatbot.guards import safety

    safety.model()  # trained once per process (seconds): here, not in the first user's answer
    return Pipeline(chat_model, settings, retriever, entries)
