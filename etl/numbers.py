"""Vietnamese numbers and rates as people type them: '11.343', '3.421.346', '33,9%', '101.86 %'.

Parsing never crashes on what a cell may hold: it returns a value, None for a blank, or raises
NotANumber (NotWhole for a count with a fraction, AmbiguousNumber for a rate typed as text
whose reading depends on the locale). Digits are ASCII only; text is parsed with Decimal, so
'9' * 400 is a (very large) whole number, not an overflow.

Text in a number cell (a cell holding a number is never in doubt):

* Counts. A count is whole, so a '.' or ',' followed by groups of exactly three digits is a
  thousands separator, whichever mark it is: '3.421.346' (Vietnamese), '3,421,346' (an
  English-locale file), '11.343' and '11,343' are all whole numbers. Read as a decimal mark
  instead, the text would be a fraction ('11,343' = 11 and 343 thousandths), which no count
  can be; the only whole decimal reading ('5.000' = 5) needs trailing zeros after the mark that
  nobody types for a whole count, so '5.000' and '5,000' are 5000. '12,5', '1.234,5' and
  '1,234.5' are fractions (NotWhole); '0,339' and '0.339' too (a thousands group never starts
  with 0).
* Rates. A rate never needs a thousands separator, and in a rate a '.' or ',' before exactly
  three digits is read two ways: '1,234' is 1,234 with a Vietnamese decimal comma and 1234 with
  an English thousands comma; '1.234' the other way round. Nothing in the cell says which, so
  with strict=True (how etl.validate reads every rate cell) such text raises AmbiguousNumber,
  carrying both readings, instead of being guessed. Exactly: the text, after an optional '%',
  is one to three digits not starting with 0, one '.' or ',', and three digits ('1,234',
  '12.345 %', '100,000%'). Everything else has one reading and is accepted: '33,9 %', '33,9%',
  '33.9%', '99,64%', '101.86 %', '100%', '0,339', '0.339', '33,9', '12,3456', '1.234,5%'
  (a dot and a comma: thousands dot, decimal comma), '1,234.5%'.
* A rate with '%' is a percentage; a bare rate above 1.5 is read as a percentage (33,9 ->
  0.339), a bare rate up to 1.5 as a fraction (0,339 -> 0.339; 1,2 -> 1.2). This convention on
  magnitude applies to numbers typed as numbers too and is not a locale question.
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
# One '.' or ',' before exactly three digits, 1-3 digits before it: a thousands group and a
# decimal part at once. Exactly the text both a grouped-integer pattern above and a decimal
# pattern match; a second group ('1.234.567') or both marks ('1.234,5') leave one reading.
_ONE_GROUP = re.compile(r"[+-]?[1-9][0-9]{0,2}[.,][0-9]{3}", re.ASCII)
_BLANKS = ("", "-", "–", "—")
MAX_TEXT = 60  # longer text in a number cell is not a number anyone typed
# How a count may be typed, in the intake's messages and the template's instructions alike.
COUNT_EXAMPLE = "ví dụ 11343 hoặc 11.343"


class NotANumber(ValueError):
    """The cell holds something that is not a number."""


class NotWhole(NotANumber):
    """A number with a fraction where a whole count is needed."""


class AmbiguousNumber(NotANumber):
    """A rate typed as text that reads differently in Vietnamese and English notation.

    `vietnamese` and `english` are (number, rate) under each reading, as Decimals, the rate a
    fraction: for '1,234', vietnamese = (1.234, 1.234) (a bare 1,234 is at most 1.5: a fraction,
    123,4 %) and english = (1234, 12.34) (1234 %)."""

    def __init__(self, text: str, separator: str, percent: bool,
                 vietnamese: tuple[Decimal, Decimal], english: tuple[Decimal, Decimal]):
        super().__init__(text)
        self.text = text  # as the cell holds it
        self.separator = separator  # ',' or '.'
        self.percent = percent  # the text ends with '%'
        self.vietnamese = vietnamese
        self.english = english


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


WHOLE_TOLERANCE = 1e-9  # relative: far below any typed fraction (0,5 of a count), far above float noise


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
            # A whole count that a formula or a conversion carried a binary rounding error
            # into (300.0000000000001, which Excel shows as 300): within one part in 10^9.
            nearest = round(value)
            if abs(value - nearest) <= WHOLE_TOLERANCE * max(1.0, abs(value)):
                return int(nearest)
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


def _rate_of(number: Decimal, percent: bool) -> Decimal:
    return number / 100 if percent or number > Decimal("1.5") else number


def _ambiguity(number: str, percent: bool, text: str) -> AmbiguousNumber | None:
    """The two readings of a rate's number part (spaces and '%' removed), if it has two."""
    t = number.replace("\u2212", "-")
    if not _ONE_GROUP.fullmatch(t):
        return None
    sep = "," if "," in t else "."
    as_decimal, as_thousands = Decimal(t.replace(sep, ".")), Decimal(t.replace(sep, ""))
    dec = (as_decimal, _rate_of(as_decimal, percent))
    thou = (as_thousands, _rate_of(as_thousands, percent))
    vietnamese, english = (dec, thou) if sep == "," else (thou, dec)
    return AmbiguousNumber(text, sep, percent, vietnamese, english)


def parse_rate(value, *, strict: bool = False) -> float | None:
    """A rate as a fraction: '33,9%' -> 0.339, '101.86 %' -> 1.0186, 0.339 -> 0.339, '0' -> 0.
    A bare number above 1.5 is read as a percentage (33.9 -> 0.339).

    strict=True is how a rate cell is read (etl.validate): text whose reading depends on the
    locale ('1,234', '1.234 %', see the module's docstring) raises AmbiguousNumber. Without it
    such text is read as before, as a thousands group (1234 %): etl.read asks only whether a cell
    holds a number or words (a row of figures without a code or name must still be reported),
    never for its value. Any figure must be read with strict=True."""
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
    percent = text.endswith("%")
    number = text[:-1] if percent else text
    if strict and (ambiguous := _ambiguity(number, percent, value)) is not None:
        raise ambiguous
    if percent:
        return float(_decimal_text(number) / 100)
    v = float(_decimal_text(number))
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
