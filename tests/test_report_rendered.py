"""The report and its appendices as a reader sees them: rendered by LibreOffice (Debian's
libreoffice-writer-nogui and -calc-nogui) to PDF and read back with poppler's pdftotext and
pdffonts. Skipped where LibreOffice or poppler is not installed."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dashboard.db import Warehouse
from etl.report import gather, render_docx, render_xlsx
from etl.report.pdf import to_pdf

pytestmark = pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdffonts")),
                                reason="LibreOffice (soffice) or poppler-utils (pdftotext, pdffonts) is not installed")


@pytest.fixture(scope="module")
def rendered(sample_db, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("rendered")
    wh = Warehouse(sample_db)
    r = gather(wh, dt.date(2023, 9, 1))
    wh.close()
    files = {"docx": out / "BaoCao.docx", "xlsx": out / "PhuLuc.xlsx"}
    files["docx"].write_bytes(render_docx(r, dt.date(2023, 10, 2)))
    files["xlsx"].write_bytes(render_xlsx(r))
    return {k: _pdf(v) for k, v in files.items()}


def _pdf(path: Path) -> Path:
    pdf = path.with_suffix(".pdf")
    pdf.write_bytes(to_pdf(path.read_bytes(), path.suffix))
    return pdf


def _pages(pdf: Path, layout: bool = False) -> list[str]:
    text = subprocess.run(["pdftotext"] + (["-layout"] if layout else []) + [str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_every_page_of_the_report_is_marked_sample_data_and_numbered_from_page_2(rendered):
    pages = _pages(rendered["docx"])
    assert len(pages) >= 4
    for n, page in enumerate(pages, 1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0] == "DỮ LIỆU MẪU — không phải số liệu thật", n
        if n > 1:
            assert lines[1] == str(n)  # Decree 30: the page number centred at the top, none on page 1
    assert "Nơi nhận:" in pages[-1] and "TỔ TRƯỞNG" in pages[-1]


def test_the_letterhead_sits_side_by_side_with_the_motto_and_the_date_on_one_line(rendered):
    first = [" ".join(line.split()) for line in _pages(rendered["docx"], layout=True)[0].splitlines() if line.strip()]
    assert "UBND TỈNH THANH HÓA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert "TỔ CÔNG TÁC ĐỀ ÁN 06 Độc lập - Tự do - Hạnh phúc" in first
    assert "Số: /BC-TCTĐA06 Thanh Hóa, ngày 02 tháng 10 năm 2023" in first
    title = first.index("BÁO CÁO")
    assert first[title + 1] == "Kết quả thực hiện Đề án 06 tháng 9/2023 – Tỉnh Thanh Hóa"
    assert "I. CÔNG TÁC CHỈ ĐẠO, TỔ CHỨC THỰC HIỆN" in first


def test_the_report_is_set_in_one_serif_family(rendered):
    """Times New Roman, or its metric twin Liberation Serif where it is not installed: no
    sans-serif fallback (the headings once came out in the theme's font)."""
    out = subprocess.run(["pdffonts", str(rendered["docx"])], capture_output=True, text=True, check=True).stdout
    fonts = {line.split()[0].split("+")[-1] for line in out.splitlines()[2:]}
    assert fonts and all(re.match(r"(TimesNewRoman|LiberationSerif)", f) for f in fonts), fonts
    assert any("Italic" in f for f in fonts) and any("Bold" in f for f in fonts)


def test_every_printed_page_of_the_appendices_is_marked_numbered_and_holds_every_column(rendered):
    pages = _pages(rendered["xlsx"])
    assert len(pages) >= 3
    for n, page in enumerate(pages, 1):
        assert "DỮ LIỆU MẪU — không phải số liệu thật" in page, n
        assert f"Trang {n}/{len(pages)}" in page
        # the header repeats and its last column is on the page: the sheet fits the page's width
        assert ("Đơn vị chủ trì" in page) or ("Ghi chú" in page), n
    text = "\f".join(pages)
    for sheet in ("Phụ lục I", "Phụ lục II", "Phụ lục III"):
        assert sheet in text
    assert "11.343" in text and "33,9%" in text.replace(" %", "%")
