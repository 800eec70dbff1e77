"""Input checks shared by the calculators: reject bad values with a message naming the field.

Nothing here clamps or defaults silently: a value is either accepted as given or refused.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal, ROUND_HALF_UP
from typing import Any, Iterable

from chatbot.calculators.result import CalcInputError

# The FAFSA's own field limits (2025-26 ISIR layout): AGI +/- 999,999,999; other amounts up to 11 digits.
MONEY_LIMIT = 99_999_999_999
AWARD_YEARS = ("2025-26", "2026-27")


def number(name: str, value: Any, *, lo: float | None = None, hi: float | None = None) -> Decimal:
    """A finite real number (int, float, Decimal or a numeric string such as "12,500" or "$9.50")."""
    if value is None or value == "":
        raise CalcInputError(name, "missing; this value is required")
    if isinstance(value, bool):
        raise CalcInputError(name, f"must be a number, not {value!r}")
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("$", "")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise CalcInputError(name, f"must be a number, got {value!r}")
        d = Decimal(text)
    elif isinstance(value, (int, Decimal)):
        d = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise CalcInputError(name, f"must be a finite number, got {value!r}")
        d = Decimal(str(value))
    else:
        raise CalcInputError(name, f"must be a number, got {type(value).__name__}")
    if not d.is_finite():
        raise CalcInputError(name, f"must be a finite number, got {value!r}")
    if lo is not None and d < Decimal(str(lo)):
        raise CalcInputError(name, f"must be at least {_show(lo)}, got {_show(d)}")
    if hi is not None and d > Decimal(str(hi)):
        raise CalcInputError(name, f"must be at most {_show(hi)}, got {_show(d)}")
    return d


def money(name: str, value: Any, *, negative_ok: bool = False, required: bool = True) -> int:
    """Whole dollars. Cents are rounded to the dollar (the FAFSA takes whole dollars)."""
    if value is None or value == "":
        if required:
            raise CalcInputError(name, "missing; this amount is required (enter 0 if none)")
        return 0
    lo = -MONEY_LIMIT if negative_ok else 0
    d = number(name, value, lo=lo, hi=MONEY_LIMIT)
    return int(d.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def integer(name: str, value: Any, *, lo: int, hi: int) -> int:
    d = number(name, value, lo=lo, hi=hi)
    if d != d.to_integral_value():
        raise CalcInputError(name, f"must be a whole number, got {_show(d)}")
    return int(d)


def flag(name: str, value: Any, *, required: bool = True) -> bool | None:
    """A yes/no answer: bool, or the strings yes/no/true/false/1/0."""
    if value is None or value == "":
        if required:
            raise CalcInputError(name, "missing; answer yes or no")
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    raise CalcInputError(name, f"must be yes or no, got {value!r}")


def choice(name: str, value: Any, options: Iterable[str]) -> str:
    options = tuple(options)
    if value is None or value == "":
        raise CalcInputError(name, f"missing; choose one of: {', '.join(options)}")
    text = str(value).strip().lower().replace("_", "-")
    norm = {o.lower().replace("_", "-"): o for o in options}
    if text not in norm:
        raise CalcInputError(name, f"must be one of: {', '.join(options)}; got {value!r}")
    return norm[text]


def award_year(value: Any, allowed: Iterable[str] = AWARD_YEARS) -> str:
    allowed = tuple(allowed)
    if value is None or value == "":
        raise CalcInputError("award_year", f"missing; choose one of: {', '.join(allowed)}")
    text = str(value).strip().replace("/", "-").replace("–", "-")
    m = re.fullmatch(r"(20\d\d)-(?:20)?(\d\d)", text)
    if m:
        text = f"{m.group(1)}-{m.group(2)}"
    if text not in allowed:
        raise CalcInputError("award_year", f"must be one of: {', '.join(allowed)}; got {value!r}")
    return text


def _show(v: Any) -> str:
    d = Decimal(str(v))
    return f"{d:,.0f}" if d == d.to_integral_value() else f"{d:,}"
