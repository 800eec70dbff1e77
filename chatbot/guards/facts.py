"""Facts in a text: the numbers, money, percents, dates and years it states, each with a canonical
value, for the grounding check (chatbot/guards/grounding.py) and for PII detection.

    extract_facts("The max is $7,395 through June 30, 2027.")
        -> [Fact(kind="money", value="7395", ...), Fact(kind="date", value="2027-06-30", ...)]

Facts are compared by value, never by substring, so "$7,3950" is not "$7,395" and "$740" is not part
of "$7,400". Equal values: "$7,395" == "7395" == "$7395" == "7,395 dollars"; "$20k" == "$20,000";
"6.39%" == "6.39 %" == "6.39 percent" == "6,39 por ciento"; "June 30, 2027" == "June 30 2027" ==
"6/30/2027" == "2027-06-30" == "30 de junio de 2027"; "1-800-4-FED-AID" == "1-800-433-3243".

What is NOT checked (the rule, so reviewers know what slips through):
  - single-digit numbers without a unit ("3 steps", "2 forms", list numbering "1."), ordinals
    ("2nd year"), citation markers "[1]", numbers inside web addresses ("988lifeline.org") and
    form/identifier names glued to letters ("W-2", "I-94", "GEN-26-01");
  - numbers written as words ("six years", "one", "dos").
  A single digit WITH a unit is checked ("6 years", "$5", "5%"), because those carry the facts.

Units must be compatible: a dollar amount is supported by the same dollar amount or the same bare
number in a source, but not by "10 years"; a count needs the same unit ("120 payments" is not
"120 months"; a range "8 to 15 weeks" gives both numbers the unit); a bare number is supported by
any use of that value. A positive amount is supported by its negative ("1,500" by "SAI -1,500"),
not the other way round. A month-day without a year ("Oct. 1") is supported by that day in any
year. Times ("11:59 p.m." == "23:59") and phone numbers (digits only) are checked too.
Ambiguous forms keep every reading and pass if any reading is supported ("03/04/2027").
All patterns are linear-time on long pastes (tests/test_guards_input_and_routing.py checks pathological inputs).
Standard library only; `python -m pytest tests/test_guards_grounding.py`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Fact", "extract_all", "extract_facts"]


@dataclass(frozen=True)
class Fact:
    kind: str      # money | percent | date | award_year | year | count | number | time | phone
    text: str      # as written in the text
    value: str     # canonical: "7395", "6.39", "2027-06-30" (or "06-30" without a year), "2026-27"
    start: int
    end: int
    # Other readings of an ambiguous form: "03/04/2027" (March 4 or 3 April), "$1.500" (1.5 or 1500).
    alternatives: tuple[str, ...] = ()
    unit: str = ""  # counts: year | month | week | day | hour | semester | payment | credit | ...

    @property
    def readings(self) -> tuple[str, ...]:
        return (self.value, *self.alternatives)


# -- number parsing -------------------------------------------------------------------------------

# US thousands "7,395.50"; Spanish thousands "7.395,50"; plain/decimal "7395", "6.39", "6,39".
NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d{1,3}(?:\.\d{3})+(?:,\d+)?(?!\d)|\d+(?:[.,]\d+)?)"
# Same-length folds so match offsets stay valid: typographic dashes, minus sign, no-break spaces.
_FOLD = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                       "\u2212": "-", "\u00a0": " ", "\u202f": " ", "\u2009": " "})
_SCALES = {"k": 3, "thousand": 3, "mil": 3, "million": 6, "millon": 6, "millón": 6, "millones": 6, "m": 6,
           "billion": 9, "b": 9}


def _dec(s: str) -> str:
    """Canonical decimal string: "007" -> "7", "6.390" -> "6.39", "7395.00" -> "7395"."""
    whole, _, frac = s.partition(".")
    whole, frac = whole.lstrip("0") or "0", frac.rstrip("0")
    return f"{whole}.{frac}" if frac else whole


def _scale(s: str, zeros: int) -> str:
    """s * 10**zeros without floats: "1.5" * 10**6 -> "1500000"."""
    whole, _, frac = s.partition(".")
    frac = frac.ljust(zeros, "0")
    return _dec(f"{whole}{frac[:zeros]}.{frac[zeros:]}")


def parse_number(s: str) -> tuple[str, ...]:
    """All plausible canonical readings of a written number (usually one)."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", s):
        return (_dec(s.replace(",", "")),)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):         # Spanish "7.395" / "1.500.000,50"
        spanish = _dec(s.replace(".", "").replace(",", "."))
        return (_dec(s), spanish) if s.count(".") == 1 and "," not in s else (spanish,)
    if re.fullmatch(r"\d+,\d{1,2}", s):                             # Spanish decimal "6,39"
        return (_dec(s.replace(",", ".")),)
    return (_dec(s.replace(",", "")),)                              # "7,3950" -> 73950: never 7395


def _signed(text: str, start: int, readings: tuple[str, ...]) -> tuple[str, ...]:
    """Apply a minus sign or the word 'negative' just before `start` (but not a hyphen: "2026-27")."""
    before = text[max(0, start - 10):start]
    minus = re.search(r"(?:^|[\s(:=])-\$?$|\bnegati(?:ve|vo)\s+\$?$", before, re.I)
    if minus or (start == 1 and text[0] == "-"):
        return tuple("-" + r if r != "0" else r for r in readings)
    return readings


# -- dates ----------------------------------------------------------------------------------------

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    "enero": 1, "ene": 1, "febrero": 2, "marzo": 3, "abril": 4, "abr": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "ago": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "dic": 12,
}
# Month words that are also ordinary words ("you may 2...", "3 years ago 15..."): need a capital or "de".
_AMBIGUOUS_MONTHS = {"may", "mar", "ago"}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _date(y: int | None, m: int, d: int) -> str | None:
    if not (1 <= m <= 12 and 1 <= d <= _DAYS[m]):
        return None
    if y is None:
        return f"{m:02d}-{d:02d}"
    if m == 2 and d == 29 and not (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _year(s: str | None) -> int | None:
    return None if not s else int(s) + (2000 if len(s) == 2 else 0)


def _month_ok(m: re.Match, text: str) -> bool:
    word = m.group("mon")
    if word.lower() not in _AMBIGUOUS_MONTHS or word[0].isupper():
        return True
    return bool(re.search(r"\bde\s+$", text[max(0, m.start("mon") - 4):m.start("mon")], re.I))


def _named_date(m: re.Match, text: str):
    if not _month_ok(m, text):
        return None
    value = _date(_year(m.group("y")), MONTHS[m.group("mon").lower()], int(m.group("d")))
    return ("date", value, ()) if value else None


def _numeric_date(m: re.Match, text: str):
    a, b, y = int(m.group("a")), int(m.group("b")), _year(m.group("y"))
    readings = [v for v in (_date(y, a, b), _date(y, b, a)) if v]   # US month-first, then day-first
    readings = list(dict.fromkeys(readings))
    return ("date", readings[0], tuple(readings[1:])) if readings else None


def _iso_date(m: re.Match, text: str):
    value = _date(int(m.group("y")), int(m.group("a")), int(m.group("b")))
    return ("date", value, ()) if value else None


# -- the extractors, in priority order: an earlier one claims its span --------------------------

def _skip(m, text):                 # claim the span, state no fact
    return "skip"


def _phone(m, text):
    keypad = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "22233344455566677778889999")
    digits = re.sub(r"\D", "", m.group().upper().translate(keypad))
    return ("phone", digits[1:] if len(digits) == 11 and digits[0] == "1" else digits, ())


def _time(m, text):
    h, mins, ampm = int(m.group("h")), m.group("m") or "00", (m.group("ap") or "").lower()
    raw = f"{h}:{mins}"
    if not ampm:
        return ("time", raw, ())
    h24 = h % 12 + (12 if ampm.startswith("p") else 0)
    return ("time", f"{h24:02d}:{mins}", (raw,))


def _award_year(m, text):
    first, second = int(m.group("y1")), int(m.group("y2")[-2:])
    if second != (first + 1) % 100:
        return None                 # "2026-2028" is a range of years, not an award year
    return ("award_year", f"{first}-{second:02d}", ())


def _short_award_year(m, text):
    first, second = int(m.group("y1")), int(m.group("y2"))
    if second != first + 1:
        return None
    return ("award_year", f"20{first}-{second:02d}", ())


def _money(m, text):
    scale = (m.group("mult") or "").lower().rstrip(".")
    readings = parse_number(m.group("n"))
    if scale in _SCALES:
        zeros = [_SCALES[scale]] + ([6] if scale == "mil" else [])   # "$20 mil": 20,000 (es) or 20 million
        readings = tuple(dict.fromkeys(_scale(r, z) for z in zeros for r in readings))
    readings = _signed(text, m.start(), readings)
    return ("money", readings[0], readings[1:])


def _percent(m, text):
    readings = _signed(text, m.start(), parse_number(m.group("n")))
    return ("percent", readings[0], readings[1:])


# Unit words of counts -> the unit they measure; "120 payments" only matches another count of payments.
UNIT_FAMILIES = {
    "year": r"years?\s+old|year-olds?|years?|yrs?|a[nñ]os", "month": r"months?|meses",
    "semester": r"semesters?|semestres", "quarter": r"quarters?|trimestres", "term": r"terms?",
    "payment": r"payments?|installments?|pagos|cuotas", "credit": r"credit\s+hours?|credits?|cr[eé]ditos",
    "hour": r"clock\s+hours?|hours?|horas", "day": r"days?|d[ií]as", "week": r"weeks?|semanas",
    "time": r"times|veces",
}
_UNIT_OF = [(re.compile(rf"(?:{p})$", re.I), family) for family, p in UNIT_FAMILIES.items()]


# A number and a range separator right before a count: the "8 to " of "8 to 15 weeks".
_RANGE_TAIL = re.compile(rf"(?<![\w.,])({NUM})(?:\s*-\s*|\s+(?:to|or|and|a|y|o)\s+|,\s+(?:(?:or|and|y|o)\s+)?)$",
                         re.I)


def _count(m, text):
    """"120 payments" -> one fact; a range "8 to 15 weeks" / "10, 20 or 25 years" -> one per number.

    The range is collected backwards from the count, a few numbers at most: a regex that tried every
    start of "1-1-1-..." would take quadratic time on a long paste."""
    if re.fullmatch(r"(19|20)\d\d", m.group("n")):
        return None                 # "2027 many years..." : leave it to the year extractor
    unit = next(family for rx, family in _UNIT_OF if rx.search(m.group("u")))
    spans = [(m.start("n"), m.end())]
    while len(spans) < 6:
        window_start = max(0, spans[0][0] - 40)
        before = _RANGE_TAIL.search(text, window_start, spans[0][0])
        if not before or re.fullmatch(r"(19|20)\d\d", before.group(1)):
            break
        spans.insert(0, before.span(1))
    facts = []
    for start, end in spans:
        readings = parse_number(re.match(NUM, text[start:end]).group())
        facts.append(("count", readings[0], readings[1:], start, end, unit))
    return facts


def _bare_year(m, text):
    return ("year", m.group(), ())


def _number(m, text):
    readings = _signed(text, m.start(), parse_number(m.group()))
    if all(re.fullmatch(r"-?\d", r) for r in readings):
        return ("small", readings[0], readings[1:])   # single digits in prose ("3 steps"): see _extract
    return ("number", readings[0], readings[1:])


_UNITS = "|".join(UNIT_FAMILIES.values())
_MULT = r"k|K|thousand|million|billion|mil(?:lones)?|mill[oó]n|M|B"
_YEAR_NUM = r"(?P<y>\d{4}|\d{2})"
_FULL_NAMED = (
    rf"\b(?P<mon>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?:de\s+|del\s+)?(?P<y>\d{{4}})(?![\d-])",
    rf"(?<!\d)(?P<d>\d{{1,2}})(?:º|°|st|nd|rd|th)?\s+(?:de\s+)?(?P<mon>{_MONTH})\.?,?\s+(?:de\s+|del\s+)?"
    rf"(?P<y>\d{{4}})(?![\d-])",
)
_PARTIAL_NAMED = (
    rf"\b(?P<mon>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:.,]\d|\d)(?P<y>)",
    rf"(?<!\d)(?P<d>\d{{1,2}})(?:º|°|st|nd|rd|th)?\s+(?:de\s+)?(?P<mon>{_MONTH})\b\.?(?P<y>)",
)
# Money has several written forms; one pattern per form keeps each readable.
_MONEY_FORMS = (
    rf"(?:US)?\$\s?(?P<n>{NUM})(?:\s?(?P<mult>{_MULT})\b)?",                       # $7,395  $20k  $1.5 million
    rf"(?<![\w.,])(?P<n>{NUM})\s?(?P<mult>k|K)\b",                                 # 20k
    rf"(?<![\w.,])(?P<n>{NUM})(?:\s?(?P<mult>{_MULT}))?\s+(?:dollars|bucks|usd|d[oó]lares)\b",  # 7395 dollars
    rf"(?<![\w.,])(?P<n>{NUM})\s+(?P<mult>million|billion|millones|mill[oó]n|mil)\b",  # 1.5 million, 60 mil
)
_EXTRACTORS = [
    (r"\bhttps?://\S+|(?<![\w.-])(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:gov|org|com|edu|net|us|io)\b(?:/\S*)?",
     _skip, re.I),
    (r"\[\d+(?:\s*[,-]\s*\d+)*\]|(?m:^[ \t]*(?:\d{1,2}[.)]|\(\d{1,2}\))[ \t])|\b24/7\b", _skip, 0),
    (r"(?<![\w+-])(?:\+?1[\s.-]?)?\(?8(?:00|33|44|55|66|77|88)\)?[\s.-]?(?:[0-9A-Z][\s.-]?){6}[0-9A-Z](?![0-9A-Za-z])",
     _phone, 0),  # toll-free, also vanity "1-800-4-FED-AID" (upper-case letters only)
    (r"(?<![\w])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\d)", _phone, 0),
    (r"\b(?P<h>\d{1,2}):(?P<m>[0-5]\d)(?:\s*(?P<ap>[ap]\.?\s?m\b\.?))?", _time, re.I),
    (r"\b(?P<h>\d{1,2})(?P<m>)\s*(?P<ap>[ap]\.?\s?m\.?)(?!\w)", _time, re.I),     # "8 a.m.", "11pm"
    *((p, _named_date, re.I) for p in _FULL_NAMED),
    (rf"(?<![\d/.-])(?P<a>\d{{1,2}})(?P<sep>[/.-])(?P<b>\d{{1,2}})(?P=sep){_YEAR_NUM}(?![\d/-]|\.\d)",
     _numeric_date, 0),
    (r"(?<![\d-])(?P<y>\d{4})-(?P<a>\d{1,2})-(?P<b>\d{1,2})(?![\d-])", _iso_date, 0),
    (r"(?<![\d-])(?P<y1>20\d\d)\s?[-/]\s?(?P<y2>20\d\d|\d\d)(?![\d-])", _award_year, 0),
    (r"(?<![\d-])(?P<y1>[23]\d)-(?P<y2>[23]\d)(?![\d-])(?=\s+(?:fafsa|award|school|academic|aid|year|a[nñ]o|ciclo))",
     _short_award_year, re.I),
    *((p, _money, re.I) for p in _MONEY_FORMS),
    (rf"(?<![\w.,])(?P<n>{NUM})\s?(?:%|percent\b|per\s?cent\b|por\s?ciento\b|porciento\b)", _percent, re.I),
    *((p, _named_date, re.I) for p in _PARTIAL_NAMED),
    # Up to two words between number and unit ("120 qualifying monthly payments"), but not a number
    # ("150 to 599 hours") and not a rate ("5,000 a year" is an amount per year, not a count of years).
    (rf"(?<![\w.,])(?P<n>{NUM})"
     rf"(?:-|\s+(?:(?!(?:a|an|per|each|every|por|al)\s)[^\W\d][\w-]*\s+){{0,2}}?)(?P<u>{_UNITS})\b", _count, re.I),
    (r"(?<![\w$.,/-])(?:19|20)\d\d(?![\w%]|[.,/-]\d)", _bare_year, 0),
    (r"\b\d+(?:st|nd|rd|th|er|do|ro|to|vo|º|°|ª)(?!\w)|\b[A-Za-z]{1,6}[-.]?\d+(?:-\d+)*\b|\b\d+[A-Za-z]+\b"
     r"|\b\d+-[A-Z]\b",
     _skip, 0),
    (rf"(?<![\w.,])(?:{NUM})(?!\w|[.,]\d)", _number, 0),
]
_COMPILED = [(re.compile(p, flags), build) for p, build, flags in _EXTRACTORS]


def extract_facts(text: str) -> list[Fact]:
    """Every checkable fact in `text`, in reading order (see the module docstring for the rules)."""
    return [f for f in extract_all(text) if f.kind != "small"]


def extract_all(text: str) -> list[Fact]:
    """All facts, plus single-digit numbers as kind "small": an answer does not have to support
    them, but a source's "8 to 15 weeks" must still support an answer's "8 weeks"."""
    folded = text.translate(_FOLD)
    claimed = bytearray(len(folded))
    facts: list[Fact] = []
    for pattern, build in _COMPILED:
        for m in pattern.finditer(folded):
            start, end = m.span()
            if start == end or any(claimed[start:end]):
                continue
            result = build(m, folded)
            if result is None:
                continue            # not this kind after all: a later extractor may take it
            claimed[start:end] = b"\1" * (end - start)
            if result == "skip":
                continue
            for kind, value, alternatives, *span in result if isinstance(result, list) else [result]:
                s, e, unit = span or (start, end, "")
                if s < start:       # the first numbers of a range, before the match ("8 to" 15 weeks)
                    if any(claimed[s:e]):
                        continue
                    claimed[s:e] = b"\1" * (e - s)
                if value.startswith("-") and folded[s - 1:s] == "-":
                    s -= 1          # show the sign in the reported text: "-1,500"
                facts.append(Fact(kind, text[s:e], value, s, e, tuple(alternatives), unit))
    return sorted(facts, key=lambda f: f.start)
