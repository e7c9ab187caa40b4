"""A file for a unit outside its validity is refused with a Vietnamese message naming the unit's
successors (an ended district) or predecessors (a commune before July 2025), and changes nothing
stored; a template is made for any unit valid in the month and for no other."""
import datetime as dt

import openpyxl
import pytest

from etl.periods import period_label, period_text
from etl.template import write_template
from tests.helpers import make_workbook, rows, submit

THO_XUAN_ENDED = (
    "Đơn vị 395 - Huyện Thọ Xuân đã thôi hoạt động từ ngày 01/07/2025: không nhận báo cáo tháng 8/2025 của đơn vị "
    "này. Đơn vị kế thừa: 15505 - Xã Thọ Long, 15499 - Xã Thọ Xuân, 15520 - Xã Xuân Hòa, 15553 - Xã Sao Vàng, "
    "15592 - Xã Xuân Lập, 15544 - Xã Lam Sơn, 15568 - Xã Thọ Lập, 15574 - Xã Xuân Tín. Hãy nộp báo cáo cho đơn vị "
    "kế thừa (biểu mẫu của đơn vị đó; tài khoản gắn với đơn vị đã thôi hoạt động cần quản trị viên gắn lại) hoặc "
    "sửa kỳ báo cáo.")
COMMUNE_NOT_YET = (
    "Đơn vị 15499 - Xã Thọ Xuân hoạt động từ ngày 01/07/2025: chưa có ở tháng 3/2025. Trước đó địa bàn này thuộc: "
    "395 - Huyện Thọ Xuân. Hãy sửa kỳ báo cáo, hoặc nộp báo cáo tháng 3/2025 cho đơn vị trước đó.")


def _retimed(path, period):
    """The workbook with every sheet's 'Kỳ báo cáo' changed to another month (as a person would)."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if ws["A3"].value == "Kỳ báo cáo:":
            ws["B3"], ws["C3"] = period_text(period), period_label(period)
    wb.save(path)
    return path


@pytest.mark.parametrize("unit, made_for, sent_for, message", [
    ("395", dt.date(2025, 6, 1), dt.date(2025, 8, 1), THO_XUAN_ENDED),
    ("15499", dt.date(2025, 7, 1), dt.date(2025, 3, 1), COMMUNE_NOT_YET),
])
def test_a_file_for_a_unit_outside_its_validity_is_refused(tmp_path, empty_warehouse, unit, made_for, sent_for, message):
    path = _retimed(make_workbook(tmp_path / "f.xlsx", unit, made_for, {"identity": {unit: {"cccd_records": 5}}}), sent_for)
    r = submit(empty_warehouse, tmp_path / "raw", path, dt.datetime(2025, 9, 2, 9))
    assert r.status == "rejected"
    # One error, at the unit's cell of the first sheet.
    assert [(i.severity, i.message, i.sheet, i.cell) for i in r.issues] == [("error", message, "Dịch vụ công", "B2")]
    assert rows(empty_warehouse, "select count(*) from stg_identity where unit_code = ?", [unit]) == [(0,)]
    assert rows(empty_warehouse, "select unit_code, period, status from submission_log") == [(unit, sent_for, "rejected")]


def test_the_same_unit_in_a_month_it_is_valid_in_is_accepted(tmp_path, empty_warehouse):
    path = make_workbook(tmp_path / "f.xlsx", "395", dt.date(2025, 6, 1), {"identity": {"395": {"cccd_records": 5}}})
    assert submit(empty_warehouse, tmp_path / "raw", path, dt.datetime(2025, 9, 2, 9)).status == "accepted"


def test_a_template_is_made_only_for_a_unit_valid_in_the_month(tmp_path):
    write_template(tmp_path / "ok1.xlsx", "15499", dt.date(2026, 11, 1))
    write_template(tmp_path / "ok2.xlsx", "405", dt.date(2024, 11, 1))
    with pytest.raises(ValueError) as e:
        write_template(tmp_path / "no.xlsx", "15499", dt.date(2025, 3, 1))
    assert str(e.value) == COMMUNE_NOT_YET
    with pytest.raises(ValueError) as e:
        write_template(tmp_path / "no.xlsx", "405", dt.date(2024, 12, 1))
    assert str(e.value).startswith("Đơn vị 405 - Huyện Đông Sơn đã thôi hoạt động từ ngày 01/12/2024") and \
        "Đơn vị kế thừa: 380 - Thành phố Thanh Hóa." in str(e.value)
