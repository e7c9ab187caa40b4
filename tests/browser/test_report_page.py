"""The page "Báo cáo tháng" in a real browser: an analyst generates the month's report, sees
the narrative and the appendices, downloads the .docx and .xlsx (read back here) and, where the
server has LibreOffice, the PDF; picks another month in the menu and generates it; a leader
(viewer) has no generate button but downloads the report once it is generated, on a phone too."""
from __future__ import annotations

import io
import shutil
import subprocess

import docx
import openpyxl
import pytest

from etl.report import pdf as report_pdf
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


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pick(page, label: str, option: str) -> None:
    """Choose an option of a select box as a person does: open it, click the option."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).click()
    page.keyboard.type(option)  # the list is virtual (47 months): type to bring the option into view
    page.get_by_role("option", name=option, exact=True).click()
    s.settle(page)


def test_an_analyst_generates_previews_and_downloads_then_a_viewer_downloads(browser, server, tmp_path):
    page, watch = s.new_page(browser)
    try:
        s.login(page, server.url, *ANALYST)
        s.go(page, "Báo cáo tháng", "text=Tạo báo cáo")
        # the menu opens on the newest month with figures: November 2026, after the reform
        # (166 communes/wards), still coming in on the sample's day (7/12/2026); the warning
        # and the .docx title below say which month was generated
        page.get_by_role("button", name="Tạo báo cáo").click()
        page.wait_for_selector("text=Tải báo cáo (.docx)", timeout=s.LOAD_MS)
        s.settle(page)
        assert s.exceptions(page) == []
        body = page.inner_text("body")
        assert "DỮ LIỆU MẪU" in body
        assert ("Tháng 11/2026 chưa đủ báo cáo: 116/166 đơn vị chưa nộp (Phường Đào Duy Từ, Phường Đông Quang, "
                "Phường Hạc Thành, Phường Hải Bình, Phường Hàm Rồng, …).") in body
        assert "II. Kết quả thực hiện" in body and "hồ sơ CCCD gắn chíp" in body
        s.screenshot(page, "report_1_generated")
        d = docx.Document(io.BytesIO(_download(page, "Tải báo cáo (.docx)")))
        assert "Kết quả thực hiện Đề án 06 tháng 11/2026 – Tỉnh Thanh Hóa" in [p.text for p in d.paragraphs]
        wb = openpyxl.load_workbook(io.BytesIO(_download(page, "Tải phụ lục (.xlsx)")))
        assert wb.sheetnames == ["Phụ lục I", "Phụ lục II", "Phụ lục III"]
        if report_pdf.available():  # the PDF is offered only where LibreOffice can make it
            pdf = _download(page, "Tải bản PDF")
            assert pdf.startswith(b"%PDF")
            if shutil.which("pdftotext"):
                text = _pdf_text(pdf, tmp_path)
                assert "Kết quả thực hiện Đề án 06 tháng 11/2026 – Tỉnh Thanh Hóa" in text and "DỮ LIỆU MẪU" in text
        else:
            assert page.get_by_role("button", name="Tải bản PDF").count() == 0
        page.get_by_role("tab", name="Phụ lục II", exact=True).click()
        s.settle(page)
        s.screenshot(page, "report_2_appendix_ii")

        # another month, chosen in the menu: the official September 2023
        _pick(page, "Tháng báo cáo", "Tháng 9/2023")
        assert page.get_by_role("button", name="Tải báo cáo (.docx)").count() == 0  # not generated yet
        page.get_by_role("button", name="Tạo báo cáo").click()
        page.wait_for_selector("text=Tải báo cáo (.docx)", timeout=s.LOAD_MS)
        s.settle(page)
        assert s.exceptions(page) == []
        body = page.inner_text("body")
        assert "chưa đủ báo cáo" not in body
        assert "Tính đến ngày 30/9/2023, tỉnh Thanh Hóa đã thu nhận 3.421.346 hồ sơ CCCD gắn chíp" in body
        d = docx.Document(io.BytesIO(_download(page, "Tải báo cáo (.docx)")))
        assert "Kết quả thực hiện Đề án 06 tháng 9/2023 – Tỉnh Thanh Hóa" in [p.text for p in d.paragraphs]
        s.screenshot(page, "report_4_september_2023")
    finally:
        page.context.close()

    page, watch = s.new_page(browser)
    try:
        s.login(page, server.url, *VIEWER)
        s.go(page, "Báo cáo tháng", "text=Tải báo cáo (.docx)")
        assert page.get_by_role("button", name="Tạo báo cáo").count() == 0
        d = docx.Document(io.BytesIO(_download(page, "Tải báo cáo (.docx)")))
        assert d.tables[0].rows[0].cells[1].paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        if report_pdf.available():
            assert _download(page, "Tải bản PDF").startswith(b"%PDF")
        s.screenshot(page, "report_3_viewer")
        page.set_viewport_size({"width": 390, "height": 844})  # a phone
        s.settle(page)
        assert s.exceptions(page) == []
        assert page.get_by_role("button", name="Tải báo cáo (.docx)").is_visible()
        s.screenshot(page, "report_5_viewer_phone")
    finally:
        page.context.close()
