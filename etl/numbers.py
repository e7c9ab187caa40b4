"""Vietnamese numbers and rates as people type them: '11.343', '3.421.346', '33,9%', '101.86 %'.

Parsing never crashes on what a cell may hold: it returns a value, None for a blank, or raises
NotANumber (NotWhole for a count with a fraction). Digits are ASCII only; text is parsed with
Decimal, so '9' * 400 is a (very large) whole number, not an overflow.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_INT_PLAIN = re.compile(r"[+-]?[0-9]+", re.ASCII)
# A thousands group never starts with 0: '0,339' and '0.339' are fractions, not 339.
_INT_DOTS = re.compile(r"[+-]?[1-9][0-9]{0,2}(?:\.[0-9]{3})+", re.ASCII)
_INT_COMMAS = re.compile(r"[+-]?[1-9][0-9]{0,2}(?:,[0-9]{3})+", re.ASCII)
_DEC_COMMA = re.compile(r"[+-]?[0-9]+(?:\.[0-9]{3})*,[0-9]+", re.ASCII)
_DEC_DOT = re.compile(r"[+-]?[0-9]+(?:,[0-9]{3})*\.[0-9]+", re.ASCII)
_BLANKS = ("", "-", "–", "—")
MAX_TEXT = 60  # longer text in a number cell is not a number anyone typed


class NotANumber(ValueError):
    """The cell holds something that is not a number."""


class NotWhole(NotANumber):
    """A number with a fraction where a whole count is needed."""


def _decimal_text(text: str) -> Decimal:
    """'11.343' -> 11343, '3.421.346' -> 3421346, '33,9' -> 33.9, '101.86' -> 101.86, '11,343' -> 11343."""
    t = _SPACES.sub("", text).replace("\u2212", "-")  # U+2212 minus sign, as some fonts type it
    if not t or len(t) > MAX_TEXT:
        raise NotANumber(text)
    if _INT_PLAIN.fullmatch(t):
        return Decimal(t)
    if _INT_DOTS.fullmatch(t):
        return Decimal(t.replace(".", ""))
    if _INT_COMMAS.fullmatch(t):
        return Decimal(t.replace(",", ""))
    if _DEC_COMMA.fullmatch(t):
        return Decimal(t.replace(".", "").replace(",", "."))
    if _DEC_DOT.fullmatch(t):
        return Decimal(t.replace(",", ""))
    raise NotANumber(text)


def parse_count(value) -> int | None:
    """A whole count from a cell value (may be negative: the caller judges). Blank -> None.
    Raises NotANumber for text that is not a number, NotWhole for a number with a fraction."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if not math.isfinite(value):
            raise NotANumber(str(value))
        if value != int(value):
            raise NotWhole(str(value))
        return int(value)
    if not isinstance(value, str):
        raise NotANumber(str(value))  # a date, a time, anything else a cell may hold
    text = value.strip()
    if text in _BLANKS:
        return None
    d = _decimal_text(text)
    try:
        if d != d.to_integral_value():
            raise NotWhole(text)
    except InvalidOperation:  # pragma: no cover - Decimal of a validated pattern is finite
        raise NotANumber(text)
    return int(d)


def parse_rate(value) -> float | None:
    """A rate as a fraction: '33,9%' -> 0.339, '101.86 %' -> 1.0186, 0.339 -> 0.339, '0' -> 0.
    A bare number above 1.5 is read as a percentage (33.9 -> 0.339)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        v = float(value)
        if not math.isfinite(v):
            raise NotANumber(str(value))
        return v / 100 if v > 1.5 else v
    if not isinstance(value, str):
        raise NotANumber(str(value))
    text = _SPACES.sub("", value)
    if text in _BLANKS:
        return None
    if text.endswith("%"):
        return float(_decimal_text(text[:-1]) / 100)
    v = float(_decimal_text(text))
    return v / 100 if v > 1.5 else v


def format_count(n: int | float | None) -> str:
    """3421346 -> '3.421.346' (Vietnamese thousands separator)."""
    if n is None:
        return "–"
    return f"{int(round(n)):,}".replace(",", ".")


def format_rate(r: float | None, digits: int = 1) -> str:
    """0.339 -> '33,9 %'."""
    if r is None:
        return "–"
    return f"{r * 100:.{digits}f}".replace(".", ",") + " %"
