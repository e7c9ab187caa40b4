"""Properties of the Vietnamese number and rate parser (etl.numbers): what format_count writes
parses back, '3.421.346' / '3,421,346' / '33,9%' / '101.86 %' read as people mean them, and
no cell value, however odd, makes it raise anything but its own NotANumber."""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from etl.numbers import NotANumber, NotWhole, format_count, format_rate, parse_count, parse_rate

counts = st.integers(min_value=-(10**15), max_value=10**15)
spaces = st.sampled_from(["", " ", "\u00a0", "\u202f", "  "])


def _group(n: int, sep: str) -> str:
    s = f"{abs(n):,}".replace(",", sep)
    return ("-" if n < 0 else "") + s


@given(counts)
@example(0)
@example(3421346)
def test_format_count_round_trips(n):
    assert parse_count(format_count(n)) == n


@given(counts, st.sampled_from([".", ","]), spaces, spaces)
def test_grouped_thousands_read_as_whole_numbers(n, sep, before, after):
    assert parse_count(before + _group(n, sep) + after) == n
    assert parse_count(str(n)) == n


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=9))
def test_a_decimal_comma_is_a_fraction_not_a_count(n, tenth):
    with pytest.raises(NotWhole):
        parse_count(f"{format_count(n)},{tenth}")


@given(st.integers(min_value=0, max_value=200_000), st.sampled_from([",", "."]), spaces, st.sampled_from(["%", " %", "\u00a0%"]))
@example(339, ",", "", "%")  # '33,9%'
@example(10186, ".", "", " %")  # '101.86 %' (the dot as decimal point)
def test_typed_percentages(hundredths, point, before, percent):
    whole, frac = divmod(hundredths, 100)
    text = f"{before}{whole}{point}{frac:02d}{percent}"
    assert parse_rate(text) == pytest.approx(hundredths / 10_000, abs=1e-12)


@pytest.mark.parametrize(("text", "value"), [
    ("33,9%", 0.339), ("101.86 %", 1.0186), ("99,64%", 0.9964), ("100%", 1.0), ("0", 0.0), ("0,339", 0.339), ("0.339", 0.339), ("33,9", 0.339),
    (0.339, 0.339), (33.9, 0.339), ("1.234,5%", 12.345), ("", None), ("-", None), (None, None),
])
def test_rate_examples(text, value):
    assert parse_rate(text) == (pytest.approx(value) if value is not None else None)


@pytest.mark.parametrize(("text", "value"), [
    ("11.343", 11343), ("3.421.346", 3421346), ("3,421,346", 3421346), (" 11 343 ", 11343), ("\u221212", -12), ("1806", 1806),
    (11343.0, 11343), ("–", None), ("", None), (float("nan"), None), ("00012", 12), ("-1.234", -1234),
])
def test_count_examples(text, value):
    assert parse_count(text) == value


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=80), st.text(alphabet="0123456789.,%- \u00a0+eE", max_size=30)))
def test_any_text_is_a_value_or_not_a_number(text):
    for parse in (parse_count, parse_rate):
        try:
            v = parse(text)
        except NotANumber:
            continue
        assert v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
        if isinstance(v, float):
            assert math.isfinite(v)


@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.dates(), st.datetimes(), st.times(),
                 st.decimals(allow_nan=False), st.binary(max_size=8), st.lists(st.integers(), max_size=2)))
def test_any_cell_value_is_a_value_or_not_a_number(value):
    for parse in (parse_count, parse_rate):
        try:
            parse(value)
        except NotANumber:
            pass


def test_what_is_not_a_number():
    with pytest.raises(NotWhole):
        parse_count("0.339")  # not 339
    for bad in ("11343 hồ sơ", "N/A", "x", "1.23.456", "12,34,5", "%", "1e5", "٣٤٥", "9" * 61, True, dt.date(2024, 6, 12), float("inf")):
        with pytest.raises(NotANumber):
            parse_count(bad)
    assert parse_count("9" * 60) == int("9" * 60)  # Decimal: no overflow


@given(st.floats(min_value=0, max_value=10, allow_nan=False))
def test_format_rate_reads_back(r):
    assert parse_rate(format_rate(r, 4)) == pytest.approx(float(Decimal(f"{r * 100:.4f}") / 100), abs=1e-9)
