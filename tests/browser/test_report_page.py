"""The page "Báo cáo tháng" in a real browser: an analyst generates the month's report, sees
the narrative and the appendices, downloads the .docx and .xlsx (read back here); a leader
(viewer) has no generate button but downloads the report once it is generated."""
from __future__ import annotations

import io

import docx
import openpyxl
import pytest

from tests.browser import support as s

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(s.chromium_missing(), reason=f"{s.CHROMIUM} is missing (Debian's chromium)")]

ANALYST = ("phantich", "phantich-demo")
VIEWER = ("lanhdao", "lanhdao-demo")


@pytest.fixture(scope="module")
def server(browser, sample_db, tmp_path_factory):
    with s.own_server(browser, sample_db, tmp_path_factory.mktemp("browser-report")) as srv:
        yield srv


def _download(page, label: str) -> bytes:
    with page.expect_download(timeout=s.LOAD_MS) as d:
        page.get_by_role("button", name=label).click()
    return open(d.value.path(), "rb").read()


def test_an_analyst_generates_previews_and_downloads_then_a_viewer_downloads(browser, server):
    page, watch = s.new_page(browser)
    try:
        s.login(page, server.url, *ANALYST)
        s.go(page, "Báo cáo tháng", "text=Tạo báo cáo")
        page.get_by_role("button", name="Tạo báo cáo").click()
        page.wait_for_selector("text=Tải báo cáo (.docx)", timeout=s.LOAD_MS)
        s.settle(page)
        assert s.exceptions(page) == []
        body = page.inner_text("body")
        assert "DỮ LIỆU MẪU" in body
        assert "Tháng 12/2024 chưa đủ báo cáo: 1/27 đơn vị chưa nộp (Huyện Hà Trung)." in body
        assert "II. Kết quả thực hiện" in body and "hồ sơ CCCD gắn chíp" in body
        s.screenshot(page, "report_1_generated")
        d = docx.Document(io.BytesIO(_download(page, "Tải báo cáo (.docx)")))
        assert "Kết quả thực hiện Đề án 06 tháng 12/2024 – Tỉnh Thanh Hóa" in [p.text for p in d.paragraphs]
        wb = openpyxl.load_workbook(io.BytesIO(_download(page, "Tải phụ lục (.xlsx)")))
        assert wb.sheetnames == ["Phụ lục I", "Phụ lục II", "Phụ lục III"]
        page.get_by_role("tab", name="Phụ lục II", exact=True).click()
        s.settle(page)
        s.screenshot(page, "report_2_appendix_ii")
    finally:
        page.context.close()

    page, watch = s.new_page(browser)
    try:
        s.login(page, server.url, *VIEWER)
        s.go(page, "Báo cáo tháng", "text=Tải báo cáo (.docx)")
        assert page.get_by_role("button", name="Tạo báo cáo").count() == 0
        d = docx.Document(io.BytesIO(_download(page, "Tải báo cáo (.docx)")))
        assert d.tables[0].rows[0].cells[1].paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        s.screenshot(page, "report_3_viewer")
    finally:
        page.context.close()
