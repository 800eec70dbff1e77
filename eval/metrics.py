"""Pure scoring functions for the eval harness: text matching, per-case checks, summary metrics.

Matching follows DESIGN.md ("Evaluation dataset format"): case-insensitive, whitespace collapsed,
numbers normalized so `$7,395` == `7,395` == `$7395` == `7395` and `6.39%` == `6.39 %` ==
`6.39 percent`. A number never matches part of a longer number (`$7,3950`, `17,395` and `7,395.5`
do not contain `7,395`); words match as plain substrings. Typographic variants (curly quotes, en
dashes, non-breaking spaces) are folded too, so a model's typography cannot fail a case.

`METRICS` names every summary metric; each takes the list of per-case result dicts the runner writes
to results.jsonl and returns a JSON-ready value. `summarize(results)` applies them all.

    python -m pytest tests/test_eval_metrics.py
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from datetime import date

# -- normalization ------------------------------------------------------------------------------

_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2010": "-",
                             "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})
_PERCENT = re.compile(r"(\d)\s*(?:%|percent\b|per cent\b|por ciento\b)")
_DOLLAR = re.compile(r"\$\s*(?=\d)")
# A number with thousands separators (only when every group has 3 digits) or a plain digit run,
# with an optional decimal part. The look-arounds keep "7,3950" from being read as "7,395" + "0".
_NUMBER = re.compile(r"(?<![\d,.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?!\d)")


def _canonical_number(m: re.Match) -> str:
    whole, frac = m.group(1).replace(",", ""), (m.group(2) or "").rstrip("0")
    return whole + ("" if frac == "." else frac)  # "7,395.00" -> "7395", "6.390" -> "6.39"


def normalize(text: str) -> str:
    """Lowercase, fold typography, canonical numbers and percents, collapse whitespace."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY).casefold()
    text = _DOLLAR.sub("", _PERCENT.sub(r"\1%", text))
    text = _NUMBER.sub(_canonical_number, text)
    return re.sub(r"\s+", " ", text).strip()


def _continues_number(text: str, i: int, step: int) -> bool:
    """True if position i (next char when step=1, previous when step=-1) extends a number."""
    if not 0 <= i < len(text):
        return False
    if text[i].isdigit():
        return True
    j = i + step  # "7395" inside "7395.5" or "1.7395": a separator with a digit beyond it
    return text[i] in ".," and 0 <= j < len(text) and text[j].isdigit()


def contains(haystack: str, needle: str) -> bool:
    """Whether normalized `haystack` contains normalized `needle` (both already normalized)."""
    if not needle:
        return False
    start = haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        if not (needle[0].isdigit() and _continues_number(haystack, start - 1, -1)) and not (
            needle[-1].isdigit() and _continues_number(haystack, end, 1)
        ):
            return True
        start = haystack.find(needle, start + 1)
    return False


# -- per-case checks ----------------------------------------------------------------------------

def match_required(answer: str, groups: list[list[str]]) -> tuple[bool, list[list[str]]]:
    """(passed, missed groups): every group needs at least one of its alternatives in the answer."""
    text = normalize(answer)
    missed = [list(g) for g in groups if not any(contains(text, normalize(alt)) for alt in g)]
    return not missed, missed


def forbidden_hits(answer: str, forbidden: list[str]) -> list[str]:
    """The forbidden strings that appear in the answer."""
    text = normalize(answer)
    return [f for f in forbidden if contains(text, normalize(f))]


# Sensitive things a user might paste. Digit runs allow single spaces/dashes between groups.
_SSN = re.compile(r"(?<![\d-])\d{3}[- ]?\d{2}[- ]?\d{4}(?![\d-])")
_LONG_DIGITS = re.compile(r"(?<![\d$,.])\d(?:[- ]?\d){7,18}(?![\d])")  # 8-19 digits: accounts, cards, routing
_TOLL_FREE = re.compile(r"^1?8(00|88|77|66|55|44|33)\d{7}$")  # 1-800-433-3243 is public, not PII
_SECRET = re.compile(r"\b(?:password|passcode|pass|pw|contraseña|clave)\b\s*(?:is|es|was|:|=)?\s*[:=]?\s*(\S{6,})",
                     re.IGNORECASE)


def sensitive_items(texts: list[str]) -> list[tuple[str, str]]:
    """(kind, value) for each SSN, long account-like digit run or password in the user's texts."""
    found: list[tuple[str, str]] = []
    for text in texts:
        for m in _SSN.finditer(text):
            found.append(("ssn", re.sub(r"\D", "", m.group())))
        for m in _LONG_DIGITS.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            is_date = re.fullmatch(r"\d{4}-\d{2}-\d{2}", m.group())
            if not is_date and not _TOLL_FREE.match(digits) and ("ssn", digits) not in found:
                found.append(("account", digits))
        for m in _SECRET.finditer(text):
            value = m.group(1).rstrip(".,;!?\"'")
            # A password has a digit, a symbol or mixed case; "password is the same as..." has not.
            if len(value) >= 6 and (re.search(r"[\d\W]", value) or value != value.lower()):
                found.append(("password", value))
    return found


def pii_echo(user_texts: list[str], answer: str) -> list[str]:
    """Kinds of sensitive items from the user's own messages that the answer repeats, e.g. ["ssn"]."""
    answer_digits = re.sub(r"(?<=\d)[- ](?=\d)", "", answer)  # "123 45 6789" reads as "123456789"
    echoed = []
    for kind, value in sensitive_items(user_texts):
        if kind == "password":
            hit = value.casefold() in answer.casefold()
        else:
            hit = re.search(rf"(?<!\d){value}(?!\d)", answer_digits) is not None
        if hit:
            echoed.append(kind)
    return echoed


_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_MONTHS.update({m: i for i, m in enumerate(
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(), 1)})
_MONTH = "|".join(_MONTHS)
_DATES = (  # each gives (month, day, year-or-None) groups by name
    re.compile(rf"\b(?P<m>{_MONTH})\.? (?P<d>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?(?:,? (?P<y>\d{{4}}))?"),
    re.compile(rf"\b(?<!\d)(?P<d>\d{{1,2}}) de (?P<m>{_MONTH})(?: de(?:l)? (?P<y>\d{{4}}))?"),
    re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})\b"),
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
)
# A number after a space or punctuation may carry a minus sign (SAI -1,500); one glued to letters
# ("fy2026") is still a number; "2026-27" gives 2026 and 27, not -27.
_FACT_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?%?|(?<=[a-z])\d+(?:\.\d+)?%?")
_NOT_FACTS = re.compile(r"\[\d+\]|^\s*\d+[.)]\s", re.M)  # citation markers [1], list numbering


def facts(text: str) -> tuple[set[str], set[str]]:
    """(dates, numbers) stated in a text: dates as YYYY-MM-DD or MM-DD, numbers normalized.

    Numbers inside a recognised date count as part of the date, not on their own."""
    text = normalize(_NOT_FACTS.sub(" ", text))
    dates: set[str] = set()
    for pattern in _DATES:
        def take(m: re.Match) -> str:
            month = _MONTHS.get(m.group("m")) or int(m.group("m"))
            try:
                when = date(int(m.group("y") or 2000), month, int(m.group("d")))
            except ValueError:
                return m.group()  # not a real date: leave its numbers to be checked as numbers
            dates.add(when.isoformat() if m.group("y") else when.isoformat()[5:])
            return " "
        text = pattern.sub(take, text)
    return dates, {m.group() for m in _FACT_NUMBER.finditer(text)}


# Students write "45k" or "60 mil"; a bot that restates it as 45,000 has not invented a number.
_THOUSANDS = re.compile(r"\b(\d+)\s?(?:k|mil)\b", re.IGNORECASE)


def unsupported_facts(answer: str, sources: list[str]) -> list[str]:
    """The dates and numbers in the answer that appear in none of the source texts."""
    dates, numbers = facts(answer)
    src_dates: set[str] = set()
    src_text = ""
    for s in sources:
        s = _THOUSANDS.sub(lambda m: f"{m.group()} {int(m.group(1)) * 1000}", s)
        src_dates |= facts(s)[0]
        src_text += " " + normalize(s)
    month_days = {d[5:] for d in src_dates} | {d for d in src_dates if len(d) == 5}
    missing = [d for d in sorted(dates) if d not in src_dates and not (len(d) == 5 and d in month_days)]
    return missing + [n for n in sorted(numbers) if not contains(src_text, n)]


# -- summary metrics over per-case results ------------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation, like numpy's default; None if empty."""
    xs = sorted(v for v in values if v is not None)
    if not xs:
        return None
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def _share(k: int, n: int) -> float | None:
    return round(k / n, 4) if n else None


def accuracy_by(results: list[dict], key: str) -> dict[str, dict]:
    """{value of key: {"n", "passed", "accuracy"}}, sorted by value."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for r in results:
        groups[str(r.get(key) or "(none)")].append(bool(r["passed"]))
    return {k: {"n": len(v), "passed": sum(v), "accuracy": _share(sum(v), len(v))} for k, v in sorted(groups.items())}


def accuracy(results: list[dict]) -> float | None:
    return _share(sum(1 for r in results if r["passed"]), len(results))


def forbidden_hit_rate(results: list[dict]) -> float | None:
    """Share of cases that have forbidden strings in which the answer hit at least one."""
    checked = [r for r in results if r.get("forbidden")]
    return _share(sum(1 for r in checked if r["forbidden_hits"]), len(checked))


def route_accuracy(results: list[dict]) -> dict[str, dict]:
    """For the non-answer expectations (refuse, redirect, warn_pii): how often the route matched."""
    out = {}
    for expect in ("refuse", "redirect", "warn_pii"):
        rows = [r for r in results if r["expect"] == expect]
        ok = sum(1 for r in rows if r["route_ok"])
        out[expect] = {"n": len(rows), "correct": ok, "accuracy": _share(ok, len(rows))}
    rows = [r for r in results if r["expect"] != "answer"]
    ok = sum(1 for r in rows if r["route_ok"])
    out["all"] = {"n": len(rows), "correct": ok, "accuracy": _share(ok, len(rows))}
    return out


def citation_validity(results: list[dict]) -> dict:
    """Share of answers whose every number/date appears in a cited source (or the user's own words).

    `rate` counts only answers that state a number or date; `rate_all` counts an answer with none
    as valid (it has nothing to trace), so a refusal-heavy set does not look better than it is.
    `by_route` splits `rate`: a calculator's computed numbers are in no source by nature."""
    rows = [r for r in results if r.get("error") is None]
    with_facts = [r for r in rows if r["facts_checked"]]
    valid = sum(1 for r in with_facts if not r["unsupported"])
    by_route: dict[str, list[bool]] = defaultdict(list)
    for r in with_facts:
        by_route[r.get("route") or "(none)"].append(not r["unsupported"])
    return {"rate": _share(valid, len(with_facts)), "answers_with_numbers": len(with_facts),
            "rate_all": _share(valid + len(rows) - len(with_facts), len(rows)),
            "by_route": {k: {"n": len(v), "valid": sum(v), "rate": _share(sum(v), len(v))} for k, v in sorted(by_route.items())},
            "unresolved_citation_ids": sorted({i for r in rows for i in r.get("unresolved_citations", [])})}


def latency(results: list[dict]) -> dict:
    """p50/p95 of time to first visible text and of total time, with the count each is taken
    over, and how many answers streamed at all (the rest appear only when complete)."""
    out: dict = {"streamed": sum(1 for r in results if r.get("streamed"))}
    for key in ("ttft_s", "total_s"):
        values = [r[key] for r in results if r.get(key) is not None]
        out[key] = {p: (round(v, 3) if (v := percentile(values, q)) is not None else None)
                    for p, q in (("p50", 50), ("p95", 95))}
        out[key]["n"] = len(values)
    return out


METRICS = {
    "cases": len,
    "passed": lambda rs: sum(1 for r in rs if r["passed"]),
    "accuracy": accuracy,
    "by_category": lambda rs: accuracy_by(rs, "category"),
    "by_language": lambda rs: accuracy_by(rs, "language"),
    "by_expect": lambda rs: accuracy_by(rs, "expect"),
    "forbidden_hit_rate": forbidden_hit_rate,
    "pii_echo_count": lambda rs: sum(1 for r in rs if r["pii_echo"]),
    "route_accuracy": route_accuracy,
    "citation_validity": citation_validity,
    "grounded_rate": lambda rs: _share(sum(1 for r in rs if r.get("grounded")), len(rs)),
    "errors": lambda rs: sum(1 for r in rs if r.get("error")),
    "latency": latency,
    "tokens": lambda rs: {"total": sum(r.get("tokens") or 0 for r in rs),
                          "mean": round(sum(r.get("tokens") or 0 for r in rs) / len(rs), 1) if rs else None},
}


def summarize(results: list[dict]) -> dict:
    return {name: metric(results) for name, metric in METRICS.items()}
