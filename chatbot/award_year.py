"""Award years: parse, normalize, and work out which ones are "current" on a given day.

A federal aid award year runs July 1 to June 30 and is written "2026-27" everywhere in this project.
The FAFSA for award year Y opens by October 1 before Y starts (by law, 20 U.S.C. 1090(a)(1)), so
from October 1 to June 30 two award years are live: the one in progress and the next one.

Pure functions only; no I/O. Example:

    >>> current(date(2026, 11, 26))
    ('2026-27', '2027-28')
    >>> years_in_text("how much pell can i get in 26-27?", date(2026, 11, 26))
    ('2026-27',)
"""
from __future__ import annotations

import re
from datetime import date

ALL = "all"
_CANONICAL = re.compile(r"^(\d{4})-(\d{2})$")
# "2026-27", "2026-2027", "2026/27", "26-27", "2026–27" (en dash); not part of a longer number,
# and not a date like 2026-07-01 (the look-ahead refuses a third "-NN" part). Two-digit years are
# limited to 20-39 so "10-12 credits" or "18-19 year olds" are not read as award years.
_SPAN = re.compile(r"(?<![\d/$.,-])(20\d{2}|[23]\d)\s?[-–/]\s?(20\d{2}|[23]\d)(?![\d%]|-\d|/\d)")
_SEASON = re.compile(r"\b(fall|autumn|spring|otoño|otono|primavera)\s+(?:of\s+|de\s+)?(20\d{2})\b")
_NEXT_SCHOOL_YEAR = re.compile(
    r"\bnext (?:school|academic|award|aid) year\b|\bpr[oó]ximo año (?:escolar|académico|academico)\b"
)
_THIS_SCHOOL_YEAR = re.compile(
    r"\b(?:this|current) (?:school|academic|award|aid) year\b|\beste año (?:escolar|académico|academico)\b"
)
_NEXT_YEAR = re.compile(r"\bnext year\b|\bel (?:año|ano) que viene\b|\bpr[oó]ximo (?:año|ano)\b")
_THIS_YEAR = re.compile(r"\bthis year\b|\beste (?:año|ano)\b")


def make(start_year: int) -> str:
    """The award year that starts on July 1 of `start_year`: make(2026) == "2026-27"."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def start_year(award_year: str) -> int:
    """2026 for "2026-27". Raises ValueError for anything not canonical."""
    m = _CANONICAL.match(award_year)
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise ValueError(f"not an award year: {award_year!r} (expected e.g. 2026-27)")
    return int(m.group(1))


def is_valid(text: str) -> bool:
    try:
        start_year(text)
    except ValueError:
        return False
    return True


def normalize(text: str) -> str:
    """Canonical form of one written award year: "2026-2027", "26/27", "2026–27" -> "2026-27".

    Raises ValueError when the two years are not consecutive or the text is not a year span.
    """
    m = _SPAN.fullmatch(text.strip())
    if not m:
        raise ValueError(f"not an award year: {text!r} (expected e.g. 2026-27)")
    first, second = m.group(1), m.group(2)
    start = int(first) if len(first) == 4 else 2000 + int(first)
    end = int(second) if len(second) == 4 else start - start % 100 + int(second)
    if end != start + 1:
        raise ValueError(f"not an award year: {text!r} (the two years must be consecutive)")
    return make(start)


def shift(award_year: str, n: int) -> str:
    return make(start_year(award_year) + n)


def first_day(award_year: str) -> date:
    return date(start_year(award_year), 7, 1)


def last_day(award_year: str) -> date:
    return date(start_year(award_year) + 1, 6, 30)


def containing(day: date) -> str:
    """The award year in progress on `day` (July 1 to June 30)."""
    return make(day.year if day.month >= 7 else day.year - 1)


def fafsa_opens(award_year: str) -> date:
    """The latest date the FAFSA for `award_year` may open: October 1 before it starts."""
    return date(start_year(award_year) - 1, 10, 1)


def current(day: date) -> tuple[str, ...]:
    """The award years a student may be asking about on `day`: the one in progress, plus the
    next one once its FAFSA is open (October 1 onward)."""
    now = containing(day)
    upcoming = shift(now, 1)
    return (now, upcoming) if day >= fafsa_opens(upcoming) else (now,)


def years_in_text(text: str, today: date) -> tuple[str, ...]:
    """Award years a question names, in order of appearance; () if it names none unambiguously.

    Explicit spans ("2026-27", "26-27", "2026-2027") and seasons ("fall 2027" -> 2027-28,
    "spring 2027" -> 2026-27) always count. "next/this school year" is relative to the award year
    in progress. A bare "next year" / "this year" counts only from July to December, when the
    calendar year and the award year agree; in spring "next year" might mean next fall
    (one award year ahead) or the calendar year after (two ahead), so we do not guess.
    """
    low = text.lower()
    found: list[str] = []
    for m in _SPAN.finditer(low):
        try:
            found.append(normalize(m.group(0)))
        except ValueError:
            continue  # "2026-2028" or "25-30" is not an award year
    # Summer is left out on purpose: a summer term can belong to either award year.
    for m in _SEASON.finditer(low):
        year = int(m.group(2))
        found.append(make(year) if m.group(1) in ("fall", "autumn", "otoño", "otono") else make(year - 1))
    now = containing(today)
    autumn = today.month >= 7
    if _NEXT_SCHOOL_YEAR.search(low) or (autumn and _NEXT_YEAR.search(low)):
        found.append(shift(now, 1))
    if _THIS_SCHOOL_YEAR.search(low) or (autumn and _THIS_YEAR.search(low)):
        found.append(now)
    return tuple(dict.fromkeys(found))  # de-duplicated, first mention first


def covers(entry_years: tuple[str, ...], award_year: str) -> bool:
    """Whether an entry with `entry_years` (or ("all",)) applies to `award_year`."""
    return ALL in entry_years or award_year in entry_years
