"""Input guard: find and redact sensitive data that users paste into the chat.

    r = redact_pii("my ssn is 123-45-6789, call me at (555) 201-3344")
    r.text   -> "my ssn is [SSN removed], call me at [phone removed]"   # all the model and logs see
    r.kinds  -> ["ssn", "phone"]                                         # so the reply can warn kindly
    r.warn   -> True            # an SSN, password, account... (WARN_KINDS): route "warn_pii"
    pii_echo(answer, user_text) -> the sensitive strings of user_text that the answer repeats (eval)

Kinds and placeholders are in PLACEHOLDERS. Each detector is one regex plus a reason, listed in
priority order in _DETECTORS; where two overlap the earlier one wins ("password: 123456789" is a
password, not an SSN). Keyword windows are short so a keyword far away cannot label a number.

Never redacted, on purpose: money ("$5,500", "-1,500", "120000", "$123,456,789", "45k"), percents,
years and award years ("2026-27"), dates not introduced as a birth date ("due June 30, 2027"),
toll-free numbers (1-800-4-FED-AID, 1-800-433-3243: no personal phone is toll-free) and short
public lines (988, 911). A bare 9-digit number with no keyword IS redacted as an SSN: in a FAFSA
chat that is what it almost always is, and removing a student ID by mistake costs nothing.
`Redaction.matches` holds the raw values: never log or store them, log `kinds` only.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from chatbot.guards.facts import extract_facts

__all__ = ["PLACEHOLDERS", "WARN_KINDS", "PiiMatch", "Redaction", "find_pii", "pii_echo", "redact_pii"]

PLACEHOLDERS = {
    "ssn": "[SSN removed]",
    "itin": "[ITIN removed]",
    "password": "[password removed]",
    "username": "[username removed]",
    "card": "[card number removed]",
    "routing": "[routing number removed]",
    "account": "[account number removed]",
    "dob": "[date of birth removed]",
    "phone": "[phone removed]",
    "email": "[email removed]",
}


# Kinds that make the pipeline stop and warn (route "warn_pii"). Phones and emails are redacted
# silently: they are often someone else's (the school's office, a scam email being asked about).
WARN_KINDS = frozenset({"ssn", "itin", "password", "username", "card", "routing", "account", "dob"})


@dataclass(frozen=True)
class PiiMatch:
    kind: str       # a key of PLACEHOLDERS
    value: str      # exactly as the user wrote it (sensitive: never log)
    start: int
    end: int


@dataclass(frozen=True)
class Redaction:
    text: str                           # the input with every match replaced by its placeholder
    matches: tuple[PiiMatch, ...] = ()

    @property
    def kinds(self) -> list[str]:
        return list(dict.fromkeys(m.kind for m in self.matches))

    @property
    def found(self) -> bool:
        return bool(self.matches)

    @property
    def warn(self) -> bool:
        """Whether something was found that the user should be warned about (see WARN_KINDS)."""
        return any(m.kind in WARN_KINDS for m in self.matches)


# -- keywords that give a number its meaning (searched in a short window before it) ------------
_SSN_KW = re.compile(r"\b(?:ssn|ss#|s\.s\.n|social|seguro\s+social|tax\s*id|tin)\b", re.I)
_ITIN_KW = re.compile(r"\bitin\b", re.I)
_ROUTING_KW = re.compile(r"\b(?:routing|aba|rtn|transit|ruta)\b", re.I)
_ACCOUNT_KW = re.compile(r"\b(?:account|acct|cuenta|checking|savings|ahorros)\b", re.I)
_PHONE_KW = re.compile(r"\b(?:call|text|phone|cell|tel|mobile|number|celular|tel[ée]fono|n[úu]mero|"
                       r"ll[aá]m\w*|whatsapp)\b", re.I)
# "born before January 1, 2003" is the FAFSA's own rule, not someone's birthday.
_DOB_KW = re.compile(r"\b(?:born(?!\s+(?:before|after|on\s+or|prior|between))|birth\s?day|birth\s?date|"
                     r"date\s+of\s+birth|d\.?o\.?b|b-?day|fecha\s+de\s+nacimiento|nac[ií]|naci[óo]|"
                     r"cumplea[ñn]os)\b", re.I)
# A number directly after "$" or before a money word is an amount, whatever its length.
_MONEY_BEFORE = re.compile(r"\$\s?$")
_MONEY_AFTER = re.compile(r"\s?(?:k\b|%|dollars|bucks|usd|d[oó]lares|a\s+year|per\s+year|/yr)", re.I)

_DIGITS_END = r"(?![\w-]|[.,]\d)"       # the number ends here: not "1234567890123" inside more digits
_DIGITS_START = r"(?<![\w$.,+-])"


class _Scanned(str):
    """The text being scanned, with each keyword pattern's matches found once: thousands of numbers
    each asking "is 'ssn' within 40 characters?" then cost one scan of the text, not thousands."""

    def spans(self, pattern: re.Pattern) -> tuple[list[int], list[int]]:
        cache = self.__dict__.setdefault("_spans", {})
        if pattern not in cache:
            found = [m.span() for m in pattern.finditer(self)]
            cache[pattern] = ([s for s, _ in found], [e for _, e in found])
        return cache[pattern]


def _near(pattern: re.Pattern, text: _Scanned, start: int, end: int, before: int = 40, after: int = 20) -> bool:
    """A whole match of `pattern` lies in the `before` characters before start or `after` after end."""
    starts, ends = text.spans(pattern)
    i = bisect.bisect_left(starts, start - before)
    while i < len(starts) and starts[i] < start:
        if ends[i] <= start:
            return True
        i += 1
    i = bisect.bisect_left(starts, end)
    return i < len(starts) and ends[i] <= end + after


def _is_money(text: str, start: int, end: int) -> bool:
    return bool(_MONEY_BEFORE.search(text[max(0, start - 2):start]) or _MONEY_AFTER.match(text, end))


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _aba(digits: str) -> bool:
    """ABA routing checksum: 3*(d1+d4+d7) + 7*(d2+d5+d8) + (d3+d6+d9) is a multiple of 10."""
    d = [int(c) for c in digits]
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + d[2] + d[5] + d[8]) % 10 == 0


_NOT_DIGIT, _NINE_DIGITS = re.compile(r"\D"), re.compile(r"\d{9}")


def _ssn_or_itin(text: str, start: int, end: int) -> str:
    if _near(_ITIN_KW, text, start, end):
        return "itin"
    if _near(_SSN_KW, text, start, end):
        return "ssn"
    digits = _NOT_DIGIT.sub("", text[start:end])
    group = int(digits[3:5])   # ITINs start with 9 and use these middle-digit ranges
    is_itin = digits[0] == "9" and (50 <= group <= 65 or 70 <= group <= 88 or 90 <= group <= 92 or group >= 94)
    return "itin" if is_itin else "ssn"


# Words that follow "password is" / "fsa id is" in ordinary sentences ("my password is wrong").
_STOP = set("""a an the not no wrong incorrect correct right invalid expired expiring locked blocked disabled
working broken forgotten lost missing reset changed same different new old too very so really just still also
only case long short weak strong secure safe fine good bad ok okay required needed saved stored written
somewhere here there in on at for from with by to of and or but because bc cause since if when what which
that this these those it its my your his her their our mine yours like something anything nothing everything
supposed being having asking showing saying about over under least more less hard easy complicated confusing
sensitive letters characters numbers symbols digits change update recovery requirements rules help login
account username password id fsa studentaid email phone number code pin kinda pretty definitely probably
la el los las un una es mi tu su que de del muy demasiado incorrecta incorrecto correcta correcto equivocada
nueva vieja misma mismo diferente olvidada bloqueada segura fuerte debil larga corta con sin para por y o
pero porque cuando como ya todavia también tambien solo algo nada ready pending done active inactive gone
valid""".split())
_PW = r"(?:pass\s?word|passcode|pwd|pw|contrase[ñn]a|clave)"
_VALUE = r"[\"'“]?(?P<v>[^\s\"'”\[][^\s\"'”]{2,})"     # "[" : never re-redact a placeholder


_TRAILING = ".,;:?!)]\"'”"


def _v(m: re.Match) -> str:
    """The captured value without the sentence punctuation after it ("reset?" -> "reset")."""
    return m.group("v").rstrip(_TRAILING)


def _password_like(value: str) -> bool:
    """Has a digit, a symbol, or mixed case: "Tigers!2024", not "wrong" or "doesn't"."""
    core = value.replace("'", "").replace("’", "")
    return (len(core) >= 4 and core.lower() not in _STOP
            and (any(c.isdigit() for c in core) or not core.isalnum() or core.lower() != core != core.upper()))


def _stated_value(value: str) -> bool:
    """After an explicit "password is"/"password:": any word but an ordinary one. Lower-case words
    ending in -ed/-ing/-ly are sentence words too ("my password was hacked", "...is expiring")."""
    word = value.lower().strip("'’")
    ordinary = value.isalpha() and value.islower() and word.endswith(("ed", "ing", "ly"))
    return len(value) >= 4 and word not in _STOP and not ordinary


# (kind, pattern, accept(match, text) -> bool). Patterns with a group "v" redact only that group.
_DETECTORS: list[tuple[str, re.Pattern, object]] = [
    # Toll-free and vanity numbers: claimed first so no other detector can take them (kind None).
    (None, re.compile(r"(?<![\w+-])(?:\+?1[\s.-]?)?\(?8(?:00|33|44|55|66|77|88)\)?[\s.-]?(?:[0-9A-Z][\s.-]?){6}[0-9A-Z]"
                      r"(?![0-9A-Za-z])"), None),
    ("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b"), None),
    # "my password is X" / "password: X": any word that is not an ordinary one.
    # "clave" is also "key" in Spanish ("la clave es ahorrar"), so it needs a password-looking value.
    ("password", re.compile(rf"\b(?P<kw>{_PW})\b\s*(?:(?:is|was|es|era)\b|[:=])\s*(?:(?:is|es)\b)?\s*[:=]?\s*"
                            rf"{_VALUE}", re.I),
     lambda m, t: _stated_value(_v(m)) and (m.group("kw").lower() != "clave" or _password_like(_v(m)))),
    # "password Tigers!2024", "is Blue$ky2025 a strong password", "Tigers!2024 is my fsa password".
    ("password", re.compile(rf"\b{_PW}\s+{_VALUE}", re.I), lambda m, t: _password_like(_v(m))),
    ("password", re.compile(rf"\b(?:is|use|using|used|uso|es)\s+{_VALUE}[\"'”]?\s+(?:(?:a|an|una|my|mi)\s+)?"
                            rf"(?:(?:good|strong|safe|secure|decent|ok|okay|valid|bad|weak|buena|segura|fuerte)\s+)?"
                            rf"(?:enough\s+)?(?:as\s+(?:a\s+|my\s+)?)?{_PW}\b", re.I),
     lambda m, t: _password_like(_v(m))),
    ("password", re.compile(rf"(?<![^\s\"'“]){_VALUE}[\"'”]?\s+(?:is|was|es|era)\s+(?:my|mi|the|la|el)\s+"
                            rf"(?:[\w-]+\s+){{0,2}}{_PW}\b", re.I), lambda m, t: _password_like(_v(m))),
    ("username", re.compile(r"\b(?:user\s?name|user\s?id|login|usuario|nombre\s+de\s+usuario|"
                            r"fsa\s?id(?:\s+(?:user\s?name|login))?)\b\s*(?P<sep>is\b|es\b|was\b|:|=)?\s*"
                            r"[\"'“]?(?P<v>[\w.@+-]{3,})", re.I),
     lambda m, t: _stated_value(_v(m)) and (m.group("sep") or any(c.isdigit() for c in _v(m)))),
    # Cards: 13-19 digits in the usual groupings, Luhn-valid; an expiry or CVV right after goes too.
    ("card", re.compile(rf"{_DIGITS_START}(?:\d{{13,19}}|\d{{4}}([ -])\d{{4}}\1\d{{4}}\1\d{{1,7}}|"
                        rf"\d{{4}}([ -])\d{{6}}\2\d{{4,5}}){_DIGITS_END}"
                        r"(?:[\s,;]*(?:exp(?:iration|ires|\.)?(?:\s+date)?|vence|vencimiento|cvv2?|cvc|"
                        r"security\s+code|c[óo]digo(?:\s+de\s+seguridad)?)\s*(?:is|es|:|=)?\s*"
                        r"\d{1,4}(?:\s*/\s*\d{2,4})?)*", re.I),
     lambda m, t: _luhn(re.sub(r"\D", "", re.match(r"[\d -]+", m.group()).group().strip(" -")))),
    ("routing", re.compile(rf"{_DIGITS_START}\d{{9}}{_DIGITS_END}"),
     lambda m, t: _near(_ROUTING_KW, t, m.start(), m.end(), 30, 0) and _aba(m.group())),
    # Dashes or dots make it an SSN whatever follows ("123-45-6789 k" is no amount); only the
    # space-separated form can be money ("$123 45 6789" never, but "100 10 1000 dollars" reads so).
    ("ssn", re.compile(rf"{_DIGITS_START}\d{{3}}(\s?[-.]\s?|\s)\d{{2}}\1\d{{4}}{_DIGITS_END}"),
     lambda m, t: bool(m.group(1).strip()) or not _is_money(t, m.start(), m.end())),
    ("account", re.compile(rf"\b(?:bank\s+)?(?:account|acct|acc|cuenta|checking|savings|ahorros|cheques)\b"
                           rf"(?:\s*(?:number|num|no\.?|nbr|n[úu]mero|\#|is|es|was|de|del|:|=|-))*\s*"
                           rf"(?P<v>\d(?:[ -]?\d){{5,16}}){_DIGITS_END}", re.I),
     lambda m, t: not _is_money(t, m.start("v"), m.end("v"))),
    ("phone", re.compile(rf"(?<![\w+$.,-])(?:\+?1[\s.-]?)?(?:\(\d{{3}}\)\s?|\d{{3}}[\s.-])\d{{3}}[\s.-]\d{{4}}"
                         rf"{_DIGITS_END}"), None),
    ("phone", re.compile(rf"(?<![\w+])\+[2-9]\d{{0,2}}(?:[\s.-]?\d){{6,12}}{_DIGITS_END}"), None),
    ("phone", re.compile(rf"{_DIGITS_START}\d{{3}}[-.]\d{{4}}{_DIGITS_END}"),
     lambda m, t: _near(_PHONE_KW, t, m.start(), m.end(), 30, 0)),
    ("ssn", re.compile(rf"{_DIGITS_START}\d{{9}}{_DIGITS_END}"), lambda m, t: not _is_money(t, m.start(), m.end())),
    # Other long digit runs: a 10-digit one is a phone number, longer ones an account of some kind.
    ("phone", re.compile(rf"{_DIGITS_START}[2-9]\d{{9}}{_DIGITS_END}"),
     lambda m, t: not _is_money(t, m.start(), m.end()) and not _near(_ACCOUNT_KW, t, m.start(), m.end(), 30, 0)),
    ("account", re.compile(rf"{_DIGITS_START}\d{{10,19}}{_DIGITS_END}"),
     lambda m, t: not _is_money(t, m.start(), m.end())),
]


def _relabel(kind: str, text: str, start: int, end: int) -> str:
    """A 9-digit number's label depends on what the user called it."""
    if kind == "ssn" and _NINE_DIGITS.fullmatch(text, start, end):
        if _near(_ROUTING_KW, text, start, end, 30, 0) or _near(_ACCOUNT_KW, text, start, end, 30, 0):
            if not _near(_SSN_KW, text, start, end) and not _near(_ITIN_KW, text, start, end):
                return "account"    # "routing 123456789" that fails the checksum: still bank data
    return _ssn_or_itin(text, start, end) if kind == "ssn" else kind


# A detector whose pattern cannot match without this word (or character) is skipped when the text
# lacks it: one cheap scan instead of a full one, so a long paste of numbers costs a few passes.
_NEEDS = {
    "email": re.compile("@"),
    "password": re.compile(_PW + r"|\b(?:is|use|using|used|uso|es|was|era)\b", re.I),
    "username": re.compile(r"user|login|usuario|fsa", re.I),
    "routing": _ROUTING_KW,
}


def find_pii(text: str) -> list[PiiMatch]:
    """Every sensitive item in `text`, in order; overlapping candidates go to the earlier detector."""
    taken: list[tuple[int, int, str | None]] = []
    # One flag per character: checking a candidate costs its own length, not the number of earlier
    # matches (a paste of thousands of numbers was quadratic and froze the server).
    claimed = bytearray(len(text) + 1)

    def take(start: int, end: int, kind: str | None) -> None:
        taken.append((start, end, kind))
        claimed[start:end] = b"\1" * (end - start)

    def free(start: int, end: int) -> bool:
        return claimed.find(1, start, end) < 0

    text = _Scanned(text)
    present = {kind: bool(rx.search(text)) for kind, rx in _NEEDS.items()}
    for kind, pattern, accept in _DETECTORS:
        if not present.get(kind, True):
            continue
        group = "v" if "v" in pattern.groupindex else 0
        keep_punct = kind in ("password", "username")
        for m in pattern.finditer(text):
            start, end = m.span(group)
            if keep_punct:    # keep the user's sentence punctuation
                end = start + len(m.group(group).rstrip(_TRAILING.replace("!", "")))
            if free(start, end) and (accept is None or accept(m, text)):
                take(start, end, kind and _relabel(kind, text, start, end))
    # Dates of birth: a date (any format the grounding parser reads) right after a birth keyword.
    keywords = list(_DOB_KW.finditer(text))
    dates = [f for f in extract_facts(text) if f.kind == "date"] if keywords else []
    starts = [f.start for f in dates]  # in reading order
    for kw in keywords:
        for f in dates[bisect.bisect_left(starts, kw.end()) : bisect.bisect_right(starts, kw.end() + 25)]:
            if free(f.start, f.end):
                take(f.start, f.end, "dob")
    return [PiiMatch(k, text[s:e], s, e) for s, e, k in sorted(taken) if k is not None]


def redact_pii(text: str) -> Redaction:
    """`text` with each sensitive item replaced by its placeholder, and what was found."""
    matches = find_pii(text)
    out, last = [], 0
    for m in matches:
        out += [text[last:m.start], PLACEHOLDERS[m.kind]]
        last = m.end
    return Redaction("".join(out) + text[last:], tuple(matches))


def _digit_runs(text: str) -> list[str]:
    runs = [re.sub(r"\D", "", m.group()) for m in re.finditer(r"\d(?:[\s.()/-]{0,2}\d)*", text)]
    return [r[1:] if len(r) == 11 and r[0] == "1" else r for r in runs]


def _same_number(a: str, b: str) -> bool:
    """Equal digits, or equal up to a country-code prefix: "525512345678" and "5512345678"."""
    short, long = sorted((a, b), key=len)
    return a == b or (len(short) >= 7 and len(long) - len(short) <= 3 and long.endswith(short))


def pii_echo(answer: str, user_text: str) -> list[str]:
    """The sensitive strings of the user's ORIGINAL text that reappear in `answer`.

    Numbers are compared digits-only ("123 45 6789" is echoed by "123-45-6789"), birth dates by
    date value ("03/14/2008" by "March 14, 2008"), words case-insensitively."""
    runs = _digit_runs(answer)
    answer_dates = {r for f in extract_facts(answer) if f.kind == "date" for r in f.readings}
    folded = answer.casefold()
    echoed = []
    for m in find_pii(user_text):
        if m.value.casefold() in folded:
            echoed.append(m.value)
        elif m.kind == "dob":
            if answer_dates & {r for f in extract_facts(m.value) for r in f.readings}:
                echoed.append(m.value)
        elif m.kind not in ("password", "username", "email"):
            digits = _digit_runs(m.value)[0] if _digit_runs(m.value) else ""
            if len(digits) >= 4 and any(_same_number(r, digits) for r in runs):
                echoed.append(m.value)
    return list(dict.fromkeys(echoed))
