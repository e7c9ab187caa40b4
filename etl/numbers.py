"""Vietnamese numbers and rates as people type them: '11.343', '3.421.346', '33,9%', '101.86 %'."""
from __future__ import annotations

import math
import re

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_INT_PLAIN = re.compile(r"^[+-]?\d+$")
_INT_DOTS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
_INT_COMMAS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+$")
_DEC_COMMA = re.compile(r"^[+-]?\d+(\.\d{3})*,\d+$")
_DEC_DOT = re.compile(r"^[+-]?\d+(,\d{3})*\.\d+$")


class NotANumber(ValueError):
    pass


def _to_float_text(text: str) -> float:
    t = _SPACES.sub("", text)
    if not t:
        raise NotANumber(text)
    if _INT_PLAIN.match(t):
        return float(int(t))
    if _INT_DOTS.match(t):
        return float(int(t.replace(".", "")))
    if _INT_COMMAS.match(t):
        return float(int(t.replace(",", "")))
    if _DEC_COMMA.match(t):
        return float(t.replace(".", "").replace(",", "."))
    if _DEC_DOT.match(t):
        return float(t.replace(",", ""))
    raise NotANumber(text)


def parse_count(value) -> int | None:
    """A whole, non-negative-or-negative count from a cell value. Blank -> None.
    Raises NotANumber for text that is not a number or a number with a fraction."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if not math.isfinite(value) or value != int(value):
            raise NotANumber(str(value))
        return int(value)
    text = str(value).strip()
    if text in ("", "-", "–", "—"):
        return None
    f = _to_float_text(text)
    if f != int(f):
        raise NotANumber(text)
    return int(f)


def parse_rate(value) -> float | None:
    """A rate as a fraction: '33,9%' -> 0.339, '101.86 %' -> 1.0186, 0.339 -> 0.339, '0' -> 0.
    A bare number above 1 is read as a percentage (33.9 -> 0.339)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        v = float(value)
        return v / 100 if v > 1.5 else v
    text = _SPACES.sub("", str(value))
    if text in ("", "-", "–", "—"):
        return None
    if text.endswith("%"):
        return _to_float_text(text[:-1]) / 100
    v = _to_float_text(text)
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
