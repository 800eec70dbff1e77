"""The calculator turn: gather a calculator's inputs in conversation, run it, show the result.

    turn = calc_turn("how much pell would I get?", [], "pell", "2026-27")
    turn.missing   # ['sai', 'enrollment', 'cost_of_attendance']; turn.text asks for them
    history = [{"role": "user", "content": "how much pell would I get?"},
               {"role": "assistant", "content": turn.text}]
    turn = calc_turn("sai 2000, full time, coa about 25k", history, None, "2026-27")
    turn.result    # the CalcResult; turn.text shows its numbers, its steps and the estimate line

Pure: no model, no I/O. The inputs come from the latest message and the earlier user messages of the
same calculator conversation (read by calc_extract.py with the tables in calc_fields.py; the words are
in calc_reply.py); every number in a reply comes from the calculator or from the user, and
`facts_text` holds them all for the grounding check. Show `text` as it is: our questions start with
fixed phrases, which is how `in_calc_conversation` knows that the next message ("full time, 2000")
answers one. We ask only for what the calculator needs and never for an SSN, FSA ID, bank or account
number. Run the tests: `python -m pytest tests/test_calculators_chat.py`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from chatbot.answers import Citation
from chatbot.calculators.extract import Extracted, extract
from chatbot.calculators.fields import MONEY, YES_NO_FIELDS
from chatbot.calculators.which import topic, wants_calculation
from chatbot.calculators import reply
from chatbot.lang import DEFAULT, LANGUAGES
from chatbot.calculators.reply import BAD_VALUE, CHOOSE, HEADING, INTRO, LABEL, QUESTION, label
from chatbot.calculators.checks import AWARD_YEARS
from chatbot.calculators import CALCULATORS, CalcInputError, CalcResult, run
from chatbot.calculators.tables import data

__all__ = ["CalcTurn", "calc_turn", "in_calc_conversation", "refines_result", "wants_calculation"]

NUMERIC = re.compile(MONEY.pattern[:-2] + r"|sai|interest_rate|dependents|family_size)$")   # take a bare number


@dataclass
class CalcTurn:
    calculator: str | None
    fields: dict[str, Any]                 # the inputs understood so far (calculator field names)
    missing: list[str]                     # fields still needed (or rejected); empty once there is a result
    text: str                              # the reply: a short question, or the rendered result
    result: CalcResult | None = None
    citations: list[Citation] = field(default_factory=list)
    facts_text: str = ""                   # states every number in `text`, for the grounding check


def in_calc_conversation(history: list[dict]) -> str | None:
    """The calculator whose question the last assistant turn was, so the next message answers it."""
    last = next((m["content"] for m in reversed(history or []) if m.get("role") == "assistant"), "")
    name, kind = _ours(last)
    return name if kind == "question" else None


def refines_result(history: list[dict], text: str) -> str | None:
    """The calculator whose result the last reply was, when this message gives one of its inputs
    ("my cost of attendance is $25,000" after a Pell estimate that assumed it): the estimate is redone."""
    last = next((m["content"] for m in reversed(history or []) if m.get("role") == "assistant"), "")
    name, kind = _ours(last)
    if kind != "result" or name is None:
        return None
    ex = extract(text)
    got, _ = _for_calculator(name, ex.values, ex.notes, AWARD_YEARS[-1])
    return name if got else None


def _ours(text: str) -> tuple[str | None, str | None]:
    for name in INTRO:
        if any(p in text for p in INTRO[name].values()):
            return name, "question"
        if any(p in text for p in HEADING[name].values()):
            return name, "result"
    return (None, "choose") if any(c[:30] in text for c in CHOOSE.values()) else (None, None)


def calc_turn(question: str, history: list[dict], calculator: str | None, award_year: str,
              lang: str = "en") -> CalcTurn:
    """One calculator turn. `calculator` is the router's guess (None: from the conversation or the text);
    `award_year` is used unless the user names one; `lang` "es" gives Spanish questions and framing."""
    history = list(history or [])
    lang = lang if lang in LANGUAGES else DEFAULT
    last = next((m["content"] for m in reversed(history) if m.get("role") == "assistant"), "")
    name = (calculator if calculator in CALCULATORS else None) or in_calc_conversation(history) \
        or wants_calculation(question) or (topic(question) if _ours(last)[1] == "choose" else None)
    if name is None:
        return CalcTurn(None, {}, ["calculator"], CHOOSE[lang], facts_text=CHOOSE[lang])
    fields, notes, hints, rounds = _gather(name, history, question, award_year)
    assumed = _assume_defaults(name, fields, notes)
    errors, rejected, result = [], [], None
    while result is None:
        missing = [f for f in _needed(name, fields) if _empty(fields.get(f))]
        try:
            result = run(name, fields)
        except CalcInputError as e:
            bad = "born_before_cutoff" if e.field == "date_of_birth" else e.field
            if _empty(fields.get(bad)):            # a field only this case needs (e.g. legacy_borrower)
                missing += [bad] if bad not in missing else []
                break
            fields.pop(bad)                         # given but impossible: say why, ask again if needed
            notes.pop(bad, None)
            errors.append(_bad_value(bad, e.message, lang))
            rejected.append(bad)
    missing = [f for f in rejected if f in missing] + [f for f in missing if f not in rejected]
    if result is not None and not missing:
        _other_levels(name, fields, notes, assumed)
        text = "\n".join(errors + [reply.result_text(result, fields, notes, lang, hide=assumed)])
        return CalcTurn(name, fields, [], text, result, list(result.sources), text + "\n\n" + result.text())
    # With the calculator not run, or run but guessing without `missing`, ask.
    text = reply.question(name, fields, missing, {} if errors else hints, 0 if errors else rounds,
                          fields.get("award_year"), lang, "\n".join(errors), cutoff_year(fields.get("award_year")))
    return CalcTurn(name, fields, missing, text, facts_text=text)


def _assume_defaults(name: str, fields: dict, notes: dict) -> set[str]:
    """Inputs with a safe default, filled in and stated rather than asked for (the fields assumed).

    Pell from an SAI: the cost of attendance lowers Pell only when it is below the award itself, which
    for a full-time student almost never happens, so it is taken as at least the maximum Pell; and
    enrollment is taken as full-time, with the three-quarter and half-time amounts stated next to it.
    A payment from a balance and a rate: the Standard 10-year plan (loans made before July 1, 2026),
    with the Tiered Standard payment for newer loans stated next to it. Loan limits: full-time, with
    the half-time limit stated next to it (from 2026-27 limits are prorated below full time)."""
    if name == "repayment" and not _empty(fields.get("balance")) and not _empty(fields.get("interest_rate")) \
            and _empty(fields.get("new_loans")) and _empty(fields.get("term_years")):
        fields["new_loans"] = "no"
        return {"new_loans"}
    if name == "loan-limits" and _empty(fields.get("enrollment")) and not _empty(fields.get("level")) and (
            fields["level"] != "undergraduate" or not any(_empty(fields.get(f)) for f in ("year_in_school", "dependency"))):
        fields["enrollment"] = "full-time"  # most borrowers are; the half-time limit is stated next to it
        return {"enrollment"}
    if name != "pell" or _empty(fields.get("sai")) or _empty(fields.get("award_year")):
        return set()
    try:  # a run checks the SAI and the year as well as reading the year's maximum
        maximum = run("pell", {**fields, "cost_of_attendance": 10**6, "enrollment": "full-time"}).values["pell_maximum"]
    except CalcInputError:
        return set()  # the SAI or year itself is wrong: the normal path says why
    assumed = set()
    if _empty(fields.get("cost_of_attendance")):
        fields["cost_of_attendance"] = maximum
        notes["cost_of_attendance:assumed"] = ("coa_not_binding", maximum)
        assumed.add("cost_of_attendance")
    if _empty(fields.get("enrollment")):
        fields["enrollment"] = "full-time"
        assumed.add("enrollment")
    return assumed


def _other_levels(name: str, fields: dict, notes: dict, assumed: set[str]) -> None:
    """The result under the other value of an assumed input: Pell at three-quarter and half time, the
    Tiered Standard payment for loans made from July 1, 2026, so nobody has to ask again."""
    if name == "repayment" and "new_loans" in assumed:
        try:
            v = run("repayment", {**fields, "new_loans": "yes"}).values
        except CalcInputError:
            return
        notes["interest_rate:tiered"] = ("standard_assumed", str(v["tiered_standard_years"]),
                                      f"${v['tiered_standard_monthly']:,.2f}")
        return
    if name == "loan-limits" and "enrollment" in assumed:
        try:
            half = run("loan-limits", {**fields, "enrollment": "half-time"}).values["annual_total"]
        except CalcInputError:
            return
        notes["enrollment:assumed"] = ("loan_full_time_assumed", f"${half:,}")
        return
    if name != "pell" or "enrollment" not in assumed:
        return
    at = [run("pell", {**fields, "enrollment": level}).values["annual_award"] for level in ("three-quarter-time", "half-time")]
    notes["enrollment:assumed"] = ("full_time_assumed", *(f"${a:,}" for a in at))


def _empty(v: Any) -> bool:
    return v is None or v == ""


def _bad_value(f: str, message: str, lang: str) -> str:
    """Why an input was refused, with the calculator's field names put in words."""
    message = re.sub(r"\b[a-z]+(?:_[a-z]+)+\b", lambda m: label(m.group(), lang) if m.group() in LABEL
                     else m.group().replace("_", " "), message.rstrip("."))
    return BAD_VALUE[lang].format(label=label(f, lang), message=message)


def cutoff_year(year: str | None) -> int:
    """Dependency: born before January 1 of this year counts as 24 or older (tables/dependency.yaml)."""
    cutoffs = data("dependency")["age_cutoff"]
    return int(cutoffs.get(year, cutoffs[AWARD_YEARS[-1]])["born_before"][:4])


# -- gathering inputs across the conversation --------------------------------------------------
def _gather(name: str, history: list[dict], question: str, year: str):
    """Fields from this calculator's conversation, latest answer winning; notes say what was assumed."""
    turns, rounds = [], 0
    for i in range(len(history) - 1, -1, -1):       # walk back through our questions and results
        m = history[i]
        if m.get("role") == "assistant":
            if _ours(m["content"])[0] != name:
                break
            rounds += _ours(m["content"])[1] == "question"
        elif m.get("role") == "user":
            before = history[i - 1]["content"] if i and history[i - 1].get("role") == "assistant" else ""
            turns.append((m["content"], before))
    turns.reverse()
    turns.append((question, history[-1]["content"] if history and history[-1].get("role") == "assistant" else ""))
    fields: dict[str, Any] = {}
    notes: dict[str, tuple] = {}
    hints: dict[str, str] = {}
    for text, before in turns:
        asked = _asked(name, before) if _ours(before) == (name, "question") else []
        who = "parent" if any(a.startswith("parent_") for a in asked) and not any(
            a.startswith("student_") for a in asked) else "student"
        ex = extract(text, default_who=who, current_year=year, state_asked="state" in asked,
                     filing_asked=any(a.endswith("filing_status") for a in asked))
        year = ex.award_year or year
        got, got_notes = _for_calculator(name, ex.values, ex.notes, year)
        _fill_asked(asked, got, got_notes, ex, year)
        if name == "repayment" and not asked and "balance" not in got and "balance" not in fields:
            _lone_balance(ex, got, got_notes)
        for k in got:
            notes.pop(k, None)
            notes.pop(f"{k}:assumed", None)
        fields.update(got)
        notes.update(got_notes)
        hints = ex.hints or hints
    if "award_year" in CALCULATORS[name].fields:
        fields["award_year"] = year
    return fields, notes, hints, rounds


def _asked(name: str, question: str) -> list[str]:
    """The fields one of our questions asked for, in its order."""
    found = []
    for f in list(CALCULATORS[name].fields) + (["born_before_cutoff"] if name == "dependency" else []):
        for text in QUESTION.get(f, {}).values():
            head = re.split(r"[({]", text)[0]
            if f"- {head}" in question:
                found.append((question.index(f"- {head}"), f))
    return [f for _, f in sorted(set(found))]


def _fill_asked(asked: list[str], got: dict, notes: dict, ex: Extracted, year: str) -> None:
    """Unlabelled answers go to the fields we asked for, in order: "full time, 2000" -> SAI 2000."""
    open_ = [f for f in asked if f not in got]
    numbers = list(ex.numbers)
    if "enrollment" in open_ and "interest_rate" not in asked and ex.values.get("interest_rate") is not None:
        got["enrollment"] = str(ex.values["interest_rate"])     # a bare "60%" answers our enrollment question
    if "born_before_cutoff" in open_ and numbers and 1900 <= numbers[0][0] <= 2030:
        got["born_before_cutoff"] = "yes" if numbers.pop(0)[0] < cutoff_year(year) else "no"
    for f in [f for f in open_ if NUMERIC.match(f)]:
        if numbers:
            got[f], note = numbers.pop(0)
            if note:
                notes[f] = note
    answers = ["no"] * len(asked) if ex.none_of else ["yes" if a else "no" for a in ex.answers]
    for f in [f for f in open_ if f in YES_NO_FIELDS and f not in got]:
        if answers:
            got[f] = answers.pop(0)


def _lone_balance(ex: Extracted, got: dict, notes: dict) -> None:
    """A payment question's one unlabelled amount is what is owed: "cuánto pagaría al mes por $20,000
    al 5%" names no balance word, and its rate and term are taken already."""
    amounts = [(v, note) for v, note in ex.numbers if v >= 100]
    if len(amounts) == 1:
        got["balance"], note = amounts[0]
        if note:
            notes["balance"] = note


def _for_calculator(name: str, values: dict, notes: dict, year: str) -> tuple[dict, dict]:
    """Map what was read onto this calculator's fields; only fields it accepts are kept."""
    v, n = dict(values), dict(notes)

    def move(src: str, dst: str, assumed: str | None = None) -> None:
        if src in v and dst not in v:
            v[dst] = v.pop(src)
            n[dst] = n.pop(src, None)
            n[f"{dst}:assumed"] = (assumed, v[dst]) if assumed else None

    if "year_in_school" in v and "level" not in v:
        v["level"] = "undergraduate"
    if name == "repayment":
        move("student_agi", "agi")
        move("student_income", "agi", "income_as_agi")
        move("borrowed", "balance", "borrowed_as_balance")
        move("kids", "dependents", "kids_as_dependents")
    elif name == "loan-limits":  # "already borrowed 20k in loans" reads as a balance: here it is what was borrowed
        move("borrowed", "borrowed_so_far")
        move("balance", "borrowed_so_far")
    elif name == "sai":
        for who in ("student", "parent"):
            move(f"{who}_income", f"{who}_earned_income")
            move(f"{who}_tax_paid", f"{who}_income_tax_paid")
        if "dependents" in v:
            v.setdefault("has_dependents", "yes" if v["dependents"] else "no")
    elif name == "dependency":
        if "level" in v:
            v.setdefault("graduate_student", "no" if v["level"] == "undergraduate" else "yes")
        if "dependents" in v:
            v.setdefault("supports_dependents", "yes" if v["dependents"] else "no")
        if "birth_year" in v:
            v["born_before_cutoff"] = "yes" if v["birth_year"] < cutoff_year(year) else "no"
    accepted = CALCULATORS[name].fields
    return ({k: x for k, x in v.items() if k in accepted and k != "award_year"},
            {k: x for k, x in n.items() if x and k.split(":")[0] in accepted})


def _needed(name: str, f: dict) -> list[str]:
    """The inputs to ask for, in asking order; optional ones only when the user brought them up."""
    if name == "pell":
        return ["sai", "enrollment", "cost_of_attendance"]
    if name == "loan-limits":
        under = ["year_in_school", "dependency"] if f.get("level") == "undergraduate" else []
        return ["level"] + under + ["enrollment"]
    if name == "repayment":  # a term the user chose needs no plan, so not when the loans were made
        return ["balance", "interest_rate"] + ([] if f.get("term_years") else ["new_loans"])
    if name == "dependency":
        need = []
        for q in data("dependency")["questions"]:   # the form's order; the first "yes" settles it
            if _empty(f.get(q["id"])):
                need.append(q["id"])
            elif f[q["id"]] == "yes":
                break
        return need
    need = ["dependency", "family_size", "state"]
    dep = f.get("dependency")
    need += ["married", "has_dependents"] if dep == "independent" else ["parents_married"] if dep else []
    for who in (["parent"] if dep == "dependent" else []) + ["student"]:
        if (f.get(f"{who}_tax_return") or "filed") == "filed":
            need += [f"{who}_filing_status", f"{who}_agi", f"{who}_income_tax_paid"]
        need.append(f"{who}_earned_income")
    return need
