"""A service named the way people type it — full name, without diacritics, different case or
punctuation, a parenthetical left off — is found in the catalogue; a name that is not there
is reported with the row and the closest catalogue entries."""
from __future__ import annotations

import datetime as dt

import pytest

from etl.read import read_workbook
from etl.reference import catalogue
from etl.validate import validate
from tests.bad_workbooks.make import services_sheet, table

TODAY = dt.date(2025, 1, 20)


def _validate(tmp_path, name):
    path = table(tmp_path / "dvc.xlsx", services_sheet([None, name, 120, 100]))
    return validate(read_workbook(path), catalogue(), today=TODAY)


@pytest.mark.parametrize(("typed", "code"), [
    ("Cấp lại, đổi thẻ căn cước công dân", "E06-02"),
    ("CAP LAI, DOI THE CAN CUOC CONG DAN", "E06-02"),
    ("cap lai doi the can cuoc cong dan", "E06-02"),
    ("Cấp lại , đổi thẻ  căn cước công dân.", "E06-02"),
    ("Đăng ký biến động về quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do thay đổi thông tin về người được cấp Giấy chứng nhận",
     "E06-19"),
    ("Cấp điện mới từ lưới điện hạ áp", "E06-24"),
    ("Cấp điện mới từ lưới điện hạ áp (220/380V) (Thí điểm cơ chế kết nối, chia sẻ dữ liệu trong dịch vụ cung cấp điện)", "E06-24"),
    ("Thay đổi chủ thể hợp đồng mua bán điện", "E06-25"),
    ("Đăng ký kết hôn", "E06-11"),
    ("Thanh toán nghĩa vụ tài chính trong thực hiện thủ tục hành chính về đất đai đối với doanh nghiệp", "Q422-09"),  # the catalogue's typo 'ngiệp'
])
def test_service_name_variants_are_matched(tmp_path, typed, code):
    v = _validate(tmp_path, typed)
    assert v.issues == []
    assert [(r["_row"], r["service_code"], r["total_dossiers"], r["online_dossiers"]) for r in v.records["services"]] == [(6, code, 120, 100)]


@pytest.mark.parametrize(("typed", "closest"), [
    ("Đăng ký kết hôn có yếu tố nước ngoài",
     "E06-11 - Đăng ký kết hôn; E06-03 - Đăng ký thường trú; E06-07 - Đăng ký, cấp biển số mô tô, xe gắn máy"),
    ("Dang ky khai sinh luu dong", "E06-09 - Đăng ký khai sinh; E06-10 - Đăng ký khai tử; E06-03 - Đăng ký thường trú"),
    ("Cấp giấy phép xây dựng",
     "E06-20 - Cấp đổi, cấp lại giấy phép lái xe; E06-02 - Cấp lại, đổi thẻ căn cước công dân; E06-22 - Cấp phiếu lý lịch tư pháp"),
])
def test_unknown_service_names_the_row_and_the_closest_entries(tmp_path, typed, closest):
    v = _validate(tmp_path, typed)
    assert [(e.sheet, e.cell, e.message) for e in v.errors] == [
        ("Dịch vụ công", "B6", f"Không nhận ra '{typed}' trong danh mục. Gần nhất: {closest}. Hãy sửa tên cho đúng danh mục hoặc ghi mã.")]
    assert "services" not in v.records
