"""The rule for numbers typed as text (etl.numbers, module docstring), cell by cell and in real
workbooks read and validated the way an upload is:

* a rate typed as text whose only '.' or ',' stands before exactly three digits ('1,234',
  '33,906', '99.635%') reads one way in Vietnamese notation and another in English notation:
  it is refused with both readings and how to type it, never guessed;
* every other rate ('33,9 %', '33,9%', '33.9%', '0,339', '100%', '101.86 %', '1.234,5%') has one
  reading and keeps its value;
* a count is whole, so a group of three digits is thousands with either mark ('3.421.346',
  '3,421,346', '11.343', '5,000').
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from etl.numbers import AmbiguousNumber, NotANumber, NotWhole, parse_count, parse_rate
from etl.read import read_workbook
from etl.reference import catalogue
from etl.validate import validate
from tests.bad_workbooks.make import HEAD, KY, services_sheet, table

TODAY = dt.date(2025, 1, 20)
D = Decimal
FIX = "Hãy nhập tỷ lệ có dấu % và không quá hai chữ số sau dấu phẩy (ví dụ 33,9%), hoặc dạng số thập phân 0,339."
COMMA = 'dấu "," trước ba chữ số cuối là dấu thập phân theo cách ghi tiếng Việt nhưng là dấu phân cách hàng nghìn theo cách ghi tiếng Anh.'
DOT = 'dấu "." trước ba chữ số cuối là dấu phân cách hàng nghìn theo cách ghi tiếng Việt nhưng là dấu thập phân theo cách ghi tiếng Anh.'


# ---- the parser ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "vietnamese", "english"), [
    # text, (number, rate) read the Vietnamese way, (number, rate) read the English way
    ("1,234", (D("1.234"), D("1.234")), (D("1234"), D("12.34"))),  # a bare 1,234 is a fraction (123,4 %)
    ("1.234", (D("1234"), D("12.34")), (D("1.234"), D("1.234"))),
    ("1,234%", (D("1.234"), D("0.01234")), (D("1234"), D("12.34"))),
    ("1.234 %", (D("1234"), D("12.34")), (D("1.234"), D("0.01234"))),
    ("33,906", (D("33.906"), D("0.33906")), (D("33906"), D("339.06"))),
    ("12.345\u00a0%", (D("12345"), D("123.45")), (D("12.345"), D("0.12345"))),
    ("100,000", (D("100"), D("1")), (D("100000"), D("1000"))),
    ("999,999 %", (D("999.999"), D("9.99999")), (D("999999"), D("9999.99"))),
    (" 5.000 ", (D("5000"), D("50")), (D("5"), D("0.05"))),
    ("\u22121,500", (D("-1.5"), D("-1.5")), (D("-1500"), D("-1500"))),  # negative: the bare rule reads it as a fraction
])
def test_locale_dependent_rate_text_is_refused_with_both_readings(text, vietnamese, english):
    with pytest.raises(AmbiguousNumber) as e:
        parse_rate(text, strict=True)
    assert e.value.text == text
    assert e.value.vietnamese == vietnamese and e.value.english == english
    assert e.value.separator == ("," if "," in text else ".")
    assert e.value.percent == text.strip().endswith("%")
    assert isinstance(e.value, NotANumber)  # every caller that catches NotANumber still does


@pytest.mark.parametrize(("value", "rate"), [
    # typed as numbers: never in doubt
    (0.339, 0.339), (33.9, 0.339), (1, 1.0), (100, 1.0), (0, 0.0), (1.0186, 1.0186),
    # text with one reading
    ("33,9 %", 0.339), ("33,9%", 0.339), ("33.9%", 0.339), ("33,9", 0.339), ("33.9", 0.339), ("12,5", 0.125),
    ("0,339", 0.339), ("0.339", 0.339), ("0,123", 0.123), ("0,1234", 0.1234),
    ("100%", 1.0), ("100 %", 1.0), ("100", 1.0), ("99,64%", 0.9964), ("101.86 %", 1.0186), ("78,23%", 0.7823),
    ("12,3456", 0.123456), ("33,90%", 0.339), ("1234,5%", 12.345),
    ("1.234,5%", 12.345), ("1,234.5%", 12.345),  # two different marks: thousands and decimal
    ("1.234.567", 12345.67), ("1,234,567%", 12345.67),  # two groups: only a thousands reading
    ("", None), (" ", None), ("-", None), ("–", None), (None, None),
])
def test_rate_with_one_reading_keeps_its_value(value, rate):
    got = parse_rate(value, strict=True)
    assert got == (pytest.approx(rate, abs=1e-12) if rate is not None else None)
    assert got == parse_rate(value)


@pytest.mark.parametrize("text", ["abc", "33,9 phần trăm", "%", "1,2,3", "1.23.456", "1e5", "12,34,5%"])
def test_rate_that_is_no_number_is_not_called_ambiguous(text):
    with pytest.raises(NotANumber) as e:
        parse_rate(text, strict=True)
    assert not isinstance(e.value, AmbiguousNumber)


@pytest.mark.parametrize(("text", "count"), [
    ("3.421.346", 3421346), ("3,421,346", 3421346), ("11.343", 11343), ("11,343", 11343), ("1.234", 1234), ("1,234", 1234),
    ("5.000", 5000), ("5,000", 5000), ("100.000", 100000), (" 11 343 ", 11343), ("1806", 1806), (11343.0, 11343), (11343, 11343),
    ("1.234.567,0", 1234567), ("", None),
])
def test_count_text_has_no_locale_question(text, count):
    assert parse_count(text) == count


@pytest.mark.parametrize("text", ["12,5", "1.234,5", "1,234.5", "0,339", "0.339", "11,3430"])
def test_count_text_with_a_fraction_is_refused(text):
    with pytest.raises(NotWhole):
        parse_count(text)


# ---- in a real workbook ----------------------------------------------------------------

def _check(tmp_path, sheets: dict):
    path = table(tmp_path / "typed.xlsx", sheets)
    return validate(read_workbook(path), catalogue(), today=TODAY)


@pytest.mark.parametrize("typed", ["33,9 %", "33,9%", "33.9%", "0,339", "0.339", "33,91", "33,91 %", 0.339, 33.9])
def test_unambiguous_typed_rates_load(tmp_path, typed):
    v = _check(tmp_path, services_sheet(["E06-02", "Cấp lại, đổi thẻ căn cước công dân", "11.343", "3.846", typed]))
    assert v.errors == [] and v.warnings == []
    [rec] = v.records["services"]
    assert (rec["service_code"], rec["total_dossiers"], rec["online_dossiers"]) == ("E06-02", 11343, 3846)


@pytest.mark.parametrize(("typed", "message"), [
    ("1,234", f'"1,234" không rõ là 1,234 (tức 123,4%) hay 1.234%: {COMMA} {FIX}'),
    ("1.234", f'"1.234" không rõ là 1.234% hay 1,234 (tức 123,4%): {DOT} {FIX}'),
    ("33,906", f'"33,906" không rõ là 33,906% hay 33.906%: {COMMA} {FIX}'),
    ("33.906 %", f'"33.906 %" không rõ là 33.906% hay 33,906%: {DOT} {FIX}'),
    ("100,000", f'"100,000" không rõ là 100,000 (tức 100%) hay 100.000%: {COMMA} {FIX}'),
])
def test_ambiguous_typed_rate_is_refused_at_its_cell(tmp_path, typed, message):
    """Even where one reading agrees with the counts (33,906 % = 3.846/11.343): the next row
    would be read by the same rule, and an English-locale file means the other reading."""
    v = _check(tmp_path, services_sheet(["E06-02", "Cấp lại, đổi thẻ căn cước công dân", "11.343", "3.846", typed],
                                        ["E06-03", "Đăng ký thường trú", "31.809", "31.693", "99,64%"]))
    assert [(i.severity, str(i)) for i in v.issues] == [("error", f"Dịch vụ công!E6 — Cấp lại, đổi thẻ căn cước công dân: {message}")]
    assert [r["service_code"] for r in v.records["services"]] == ["E06-03"]  # the other row is fine; the file is refused as a whole by etl.load


def test_ambiguous_cleaning_ratio_is_refused_at_its_cell(tmp_path):
    v = _check(tmp_path, {"Làm sạch dữ liệu": [["LÀM SẠCH"], HEAD, KY, [],
                                               ["Mã bộ dữ liệu", "Tên bộ dữ liệu", "Đã làm sạch", "Tổng số cần làm sạch", "Tỷ lệ"],
                                               ["children", None, "5.000", "8.000", "62,500%"],
                                               ["people_with_merit", None, "60.468", "65.546", "92,25%"]]})
    assert [(i.severity, str(i)) for i in v.issues] == [
        ("error", f'Làm sạch dữ liệu!E6 — Dữ liệu trẻ em: "62,500%" không rõ là 62,5% hay 62.500%: {COMMA} {FIX}')]
    assert [r["dataset_code"] for r in v.records["cleaning"]] == ["people_with_merit"]


def test_a_row_of_text_figures_without_code_or_name_is_still_reported(tmp_path):
    """etl.read asks parse_rate only whether a cell holds a number; '11.343' and '33,906' still
    count as figures there, so a row with them but no code or name is reported, not skipped."""
    v = _check(tmp_path, services_sheet(["E06-03", "Đăng ký thường trú", 120, 100],
                                        [None, None, "11.343", "3.846", "33,906"]))
    assert [(i.severity, str(i)) for i in v.issues] == [
        ("error", "Dịch vụ công!C7: Dòng có số liệu nhưng không có mã hoặc tên để biết là dòng nào. "
                  "Hãy ghi mã hoặc tên theo danh mục, hoặc xóa số liệu của dòng.")]
