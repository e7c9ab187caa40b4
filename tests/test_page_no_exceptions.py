"""Every dashboard page opens without an exception for every filter combination that matters."""
import pytest

from tests.test_page_support import PAGES, app_env, open_page  # noqa: F401

TITLES = {
    "overview": "Tổng quan", "services": "Dịch vụ công trực tuyến",
    "identity": "CCCD gắn chip và tài khoản định danh điện tử (VNeID)", "cleaning": "Làm sạch dữ liệu",
    "utilities": "Tiện ích Đề án 06", "tasks": "Nhiệm vụ", "district": "Hồ sơ địa phương", "pivot": "Bảng tổng hợp",
}
COMBOS = {
    "default": {},
    "month": {"period": "2023-09"},
    "range": {"period": "2023-01..2023-09"},
    "district": {"unit": "395"},
    "districts": {"unit": "395,380"},
    "districts_combined": {"unit": "395,380", "combine": "1"},
    "districts_range": {"period": "2023-01..2023-09", "unit": "395,380,396"},
    "agency": {"agency": "38.CA"},
}


@pytest.mark.parametrize("combo", list(COMBOS))
@pytest.mark.parametrize("page", PAGES)
def test_page_opens(app_env, page, combo):
    at = open_page(page, **COMBOS[combo])
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == TITLES[page]
    assert not at.error
