"""Reading calculator inputs out of one message, with the tables in calc_fields.py.

    >>> extract("my sai is around 3k, full time, coa between 20 and 25k").values
    {'enrollment': 'full-time', 'sai': 3000, 'cost_of_attendance': 22500}

Used by chatbot/calculators/chat.py. Pure: no model, no I/O. Each piece of the message is blanked once it is
read (same length, so positions stay valid), so no number is read twice; what is left over are the
unlabelled numbers and yes/no words, which calc_chat gives to the fields it just asked for, in order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from chatbot import award_year as ay
from chatbot.calculators.fields import (AMT, WORDS, WORDY_CODES, AFTER_GAP, AMOUNT, AMOUNT_KEYS, BARE_CODE, BIRTH, CHOICES,
                                 COUNTS, ENROLL_PERCENT, FLAGS, HEDGES, HINTS, MONTHLY, NEGATION, NO_COUNT, NONE_OF,
                                 NOT_AMOUNTS, NOT_MARRIED, PARENT, PERCENT, RANGE, SELF, STATE_CODE, STATE_NAME, STATES,
                                 TERM, TERM_ALSO, term_years,
                                 WHO, WHO_CHOICES, YES_NO_WORDS, normalize)


@dataclass
class Extracted:
    values: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, tuple] = field(default_factory=dict)      # field -> ("midpoint", lo, hi, mid) | ("monthly", m, y)
    hints: dict[str, str] = field(default_factory=dict)        # field -> "part-time" | "credits" | "ambiguous"
    numbers: list[tuple[float, tuple | None]] = field(default_factory=list)  # unlabelled amounts, in order
    answers: list[bool] = field(default_factory=list)          # bare yes/no answers, in order
    none_of: bool = False                                      # "none of these"
    award_year: str | None = None


def number(text: str) -> float | int:
    v = float(text.replace(",", ""))
    return int(v) if v == int(v) else v


def _amount(m: re.Match, p: str = "") -> float | int:
    v = number(m[p + "num"]) * (1000 if m[p + "k"] else 1)
    return -v if m[p + "neg"] else v


class _Text:
    """The message being read; each piece is blanked once used, so no number is read twice."""

    def __init__(self, text: str):
        self.plain = normalize(text)
        self.low = self.plain.lower()
        self.subjects = HEDGES.sub(lambda m: " " * len(m.group()), self.low)   # "I think it's 80k" is not the student's
        self.ranges: list[tuple[int, int, tuple]] = []
        # Clause ends decide whose amount it is: "my parents make 80k and I make 10k".
        self.ends = [m.start() for m in re.finditer(r"[.;!?\n]|,(?!\d{3})|\b(?:and|but|y|pero|while)\b", self.low)]

    def blank(self, start: int, end: int) -> None:
        self.low = self.low[:start] + " " * (end - start) + self.low[end:]

    def clause(self, pos: int) -> str:
        start = max([e for e in self.ends if e < pos], default=0)
        pos = max(pos, start + 1)
        return self.subjects[start:min([e for e in self.ends if e >= pos], default=len(self.subjects))]

    def note_for(self, start: int, end: int) -> tuple | None:
        return next((n for a, b, n in self.ranges if a < end and start < b), None)


def _who(t: _Text, pos: int, default: str) -> str:
    """Whose amount: the clause's subject, else the last subject before it ("my parents filed jointly,
    AGI 80k"), else `default`."""
    for end in [pos] + sorted((e for e in t.ends if e < pos), reverse=True):
        c = t.clause(end)
        if PARENT.search(c) or SELF.search(c):
            return "parent" if PARENT.search(c) else "student"
    return default


def extract(text: str, *, default_who: str = "student", current_year: str | None = None,
            state_asked: bool = False, filing_asked: bool = False) -> Extracted:
    """Read one user message. `default_who` is whose amount an unqualified "AGI 80k" is (the parent when
    we just asked about the parents); `state_asked`/`filing_asked` allow a bare "NJ" / "single"."""
    t, ex = _Text(text), Extracted()
    if current_year:
        years = ay.years_in_text(t.low, ay.first_day(current_year))
        ex.award_year = years[-1] if years else None
    for m in re.finditer(r"(?<![\d$])(?:20\d\d|[23]\d)\s?[-–/]\s?(?:20\d\d|\d\d)(?![\d%k,])", t.low):
        try:
            ay.normalize(m.group())
            t.blank(*m.span())
        except ValueError:
            pass
    if state_asked:
        codes = [m["code"] for m in BARE_CODE.finditer(t.plain) if m["code"] in STATES.values()]
        codes = [c for c in codes if c not in WORDY_CODES or t.plain.strip(" .!") == c]
        if codes:
            ex.values["state"] = codes[0]
    if (m := STATE_CODE.search(t.low)) and m["code"].upper() in STATES.values():
        ex.values["state"] = m["code"].upper()
    if m := STATE_NAME.search(t.low):
        ex.values["state"] = STATES[m["name"]]
    elif state_asked and t.low.strip(" .!") in STATES:
        ex.values["state"] = STATES[t.low.strip(" .!")]
    _counts(t, ex)                               # before the choices: "1 dependent" is a count, not a status
    if m := ENROLL_PERCENT.search(t.low):        # before the choices: "60% of full time" is not full-time
        ex.values["enrollment"] = m["v"] or m["w"]
        t.blank(*m.span())
    _choices(t, ex, default_who, filing_asked)
    _flags(t, ex)
    if m := BIRTH.search(t.low):
        ex.values["birth_year"] = int(m["y"])
        t.blank(*m.span())
    _terms(t, ex)                                # before NOT_AMOUNTS blanks "15 years"
    for m in NOT_AMOUNTS.finditer(t.low):
        t.blank(*m.span())
    _ranges(t)
    _amounts(t, ex, default_who)
    for m in AMOUNT.finditer(t.low):
        ex.numbers.append((_amount(m), t.note_for(*m.span())))
        t.blank(*m.span())
    ex.none_of = bool(NONE_OF.search(t.low))
    ex.answers = [m.group().strip() not in ("no", "nope", "nah") for m in YES_NO_WORDS.finditer(t.low)]
    return ex


def _choices(t: _Text, ex: Extracted, default_who: str, filing_asked: bool) -> None:
    for name, table in HINTS.items():
        for pattern, value in table:
            for m in re.finditer(pattern, t.low):
                ex.hints.setdefault(name, value)
                t.blank(*m.span())
    single = [(r"\bsingle\b|\bsolter[oa]\b", "single")] if filing_asked else []  # a bare answer to our question
    for name, table in CHOICES.items():
        found: dict[str, set] = {}
        for pattern, value in table + (single if name == "filing_status" else []):
            for m in re.finditer(pattern, t.low):
                negated = bool(NEGATION.search(t.low[:m.start()]))
                t.blank(*m.span())
                if negated and name == "enrollment" and value == "full-time":
                    ex.hints[name] = "part-time"
                    continue
                key = f"{_who(t, m.start(), default_who)}_{name}" if name in WHO_CHOICES else name
                found.setdefault(key, set()).add(value)
        for key, values in found.items():
            if len(values) == 1:
                ex.values[key] = values.pop()
            else:
                ex.hints[key] = "ambiguous"


def _flags(t: _Text, ex: Extracted) -> None:
    for name, pattern in {**FLAGS, "not_married": NOT_MARRIED}.items():
        for m in re.finditer(pattern, t.low):
            if PARENT.search(t.clause(m.start())):
                continue
            neg = NEGATION.search(t.low[:m.start()])
            value = "no" if bool(neg) != (name == "not_married") else "yes"
            ex.values["married" if name == "not_married" else name] = value
            t.blank(neg.start() if neg else m.start(), m.end())


def _ranges(t: _Text) -> None:
    for m in RANGE.finditer(t.low):
        lo, hi = _amount(m, "a"), _amount(m, "")
        if m["k"] and not m["ak"] and lo < 1000 <= hi:
            lo *= 1000
        marked = m["k"] or "$" in m.group() or "," in m["num"] or hi >= 100
        if lo >= hi or not marked or not (m["b"] or m["sep"] in ("-", "–", "to", "hasta", "a")):
            continue
        mid = number(str(round((lo + hi) / 2, 2)))
        text = str(mid).ljust(m.end() - m.start())
        if len(text) > m.end() - m.start():
            continue
        t.low = t.low[:m.start()] + text + t.low[m.end():]
        t.ranges.append((m.start(), m.end(), ("midpoint", lo, hi, mid)))


def _amounts(t: _Text, ex: Extracted, default_who: str) -> None:
    if m := PERCENT.search(t.low):
        ex.values["interest_rate"] = number(m["v"])
        t.blank(*m.span())
    for name, (after, before) in AMOUNT_KEYS.items():
        hits = [(a.start(), a) for a in re.finditer(rf"(?:{after}){AFTER_GAP}{AMT}", t.low)]
        if before:
            hits += [(b.start(), b) for b in re.finditer(rf"{AMT}\s*(?:{before})", t.low)]
        for key_pos, a in sorted(hits, key=lambda h: h[0]):
            value, span = _amount(a), (a.start(), a.end())
            key = f"{_who(t, key_pos, default_who)}_{name}" if name in WHO else name
            if key in ex.values:
                continue   # the first mention counts
            note = t.note_for(a.start("num"), a.end())
            if name == "income" and (mo := MONTHLY.match(t.low, a.end())):
                note, value, span = ("monthly", value, value * 12), value * 12, (span[0], mo.end())
            ex.values[key] = value
            if note:
                ex.notes[key] = note
            t.blank(*span)


def _terms(t: _Text, ex: Extracted) -> None:
    """Repayment terms the user chose, in years (1-40), in the order given: "over 20 years ... in 10"."""
    terms = []
    for m in TERM.finditer(t.low):
        n = term_years(next(g for g in (m["n"], m["m"], m["o"], m["p"]) if g))
        if 1 <= n <= 40:
            terms.append(n)
            if m["also"] and 1 <= (k := int(m["also"])) <= 40:
                terms.append(k)
            t.blank(*m.span())
            if also := TERM_ALSO.match(t.low, m.end()) or TERM_ALSO.match(t.low, m.end() + 1):
                if 1 <= (k := term_years(also["n"])) <= 40:
                    terms.append(k)
                    t.blank(*also.span())
    if terms:
        ex.values["term_years"] = list(dict.fromkeys(terms))[:3]


def _counts(t: _Text, ex: Extracted) -> None:
    for name, patterns in COUNTS.items():
        if m := re.search(NO_COUNT.get(name, r"$^"), t.low):
            ex.values[name] = 0
            t.blank(*m.span())
        for p in patterns:
            if m := re.search(p, t.low):
                n = m["n"]
                ex.values[name] = int(n) if n.isdigit() else WORDS[n]
                t.blank(*m.span())
                break
