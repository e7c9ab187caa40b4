"""The report reads as the working group writes it and is laid out as Decree 30/2020/NĐ-CP
asks, read back with python-docx and openpyxl: September 2023 for the province (the official
month) against the seed report's own sentences, the template's styles and layout, the
appendix sheets' print setup."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import openpyxl
import pandas as pd
import pytest
from docx.enum.text import WD_COLOR_INDEX

from dashboard.db import Warehouse
from etl.report import IncompleteMonth, gather, render_docx, render_xlsx
from etl.report.make_template import TEMPLATE, make
from etl.report.word import unit_rows

SEPT = dt.date(2023, 9, 1)


@pytest.fixture(scope="module")
def september(sample_db):
    wh = Warehouse(sample_db)
    yield gather(wh, SEPT)
    wh.close()


@pytest.fixture(scope="module")
def document(september):
    return docx.Document(io.BytesIO(render_docx(september, dt.date(2023, 10, 2))))


def _texts(d) -> list[str]:
    return [p.text for p in d.paragraphs]


def test_section_ii_gives_each_group_of_appendix_i_its_done_and_open_tasks_by_number(document):
    """As the seed report's section I.9 does: 16 of the 18 done, 3 and 17 not; 7 of 8, 1 not."""
    texts = _texts(document)
    assert "Tổng số 40 nhiệm vụ: đã hoàn thành 33, chưa hoàn thành 7; trong đó 6 nhiệm vụ đã quá hạn." in texts
    assert ("- 18 nhiệm vụ theo Công văn số 209/CV-TCTTKĐA ngày 10/02/2023 của Tổ công tác Đề án 06/CP: "
            "đã hoàn thành 16; chưa hoàn thành 2 (nhiệm vụ số 3, 17).") in texts
    assert ("- 8 nhiệm vụ theo Chỉ thị số 05/CT-TTg ngày 23/02/2023 của Thủ tướng Chính phủ: "
            "đã hoàn thành 7; chưa hoàn thành 1 (nhiệm vụ số 1).") in texts
    assert ("- 14 nhiệm vụ theo Công văn số 4022/TCTTKĐA ngày 12/6/2023 của Tổ công tác Đề án 06/CP: "
            "đã hoàn thành 10; chưa hoàn thành 4 (nhiệm vụ số 3, 4, 6, 8).") in texts


def test_sentences_open_close_and_list_as_an_officer_writes_them(document):
    texts = _texts(document)
    assert any(t.startswith("Thực hiện Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ") and
               t.endswith("Tổ công tác Đề án 06 báo cáo kết quả thực hiện Đề án 06 tháng 9/2023 trên địa bàn tỉnh Thanh Hóa như sau:")
               for t in texts)
    assert ("Tính đến ngày 30/9/2023, tỉnh Thanh Hóa đã thu nhận 3.421.346 hồ sơ CCCD gắn chíp, "
            "tăng 5.905 hồ sơ so với tháng trước.") in texts
    assert "- Lượt tra cứu thông tin thẻ BHYT bằng CCCD: 5.339.392 lượt." in texts
    assert "- Dữ liệu trẻ em: đã làm sạch 780.355/960.281 (81,3 %), tăng 32.977 bản ghi so với tháng trước." in texts
    # services below target: a lead-in, then one line each, the last ending the sentence
    i = texts.index("Có 6 dịch vụ có tỷ lệ trực tuyến dưới chỉ tiêu (hồ sơ trực tuyến/tổng hồ sơ, tỷ lệ, chỉ tiêu):")
    assert texts[i + 1] == "- Cấp lại, đổi thẻ căn cước công dân (3.846/11.343, 33,9 %, chỉ tiêu 50 %);"
    assert texts[i + 2].endswith("địa chỉ) (529/1.352, 39,1 %, chỉ tiêu 50 %);")  # the name's own full stop dropped
    assert texts[i + 6].endswith("(2.686/8.020, 33,5 %, chỉ tiêu 50 %).")
    assert ("Trên đây là báo cáo kết quả thực hiện Đề án 06 tháng 9/2023 trên địa bàn tỉnh Thanh Hóa "
            "(kèm theo các Phụ lục I, II, III)./.") in texts


def test_overdue_tasks_are_named_by_unit_and_where_to_find_them(document):
    texts = _texts(document)
    assert ("Còn 8 nhiệm vụ quá hạn chưa hoàn thành (6 nhiệm vụ tại Phụ lục I), thuộc trách nhiệm của: Sở Tài chính, "
            "Sở Thông tin và Truyền thông, Tỉnh Thanh Hóa, Trung tâm Phục vụ hành chính công tỉnh, UBND cấp huyện.") in texts
    i = texts.index("Các đơn vị khẩn trương hoàn thành 8 nhiệm vụ đã quá hạn:")
    assert texts[i + 1:i + 6] == [
        "- Sở Tài chính: nhiệm vụ số 6 mục III Phụ lục I;",
        "- Sở Thông tin và Truyền thông: nhiệm vụ số 3 mục III Phụ lục I;",
        "- Tỉnh Thanh Hóa: nhiệm vụ số 3, 17 mục I Phụ lục I; nhiệm vụ số 1 mục II Phụ lục I;",
        "- Trung tâm Phục vụ hành chính công tỉnh: nhiệm vụ số 4 mục III Phụ lục I;",
        "- UBND cấp huyện: nhiệm vụ số 22.2, 22.4 theo Kế hoạch 24/KH-UBND ngày 13/02/2023 của UBND tỉnh Thanh Hóa."]
    # section IV names the same services below target as section II (Appendices II and III)
    assert next(t for t in texts if t.startswith("Nâng tỷ lệ hồ sơ trực tuyến")).count(";") == 5


def test_places_to_write_are_marked_in_italics_on_yellow_and_the_data_lines_are_not(document):
    marked = [p for p in document.paragraphs if p.runs and p.runs[0].font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert [p.text.split(":")[0] for p in marked] == ["[Nội dung do Tổ giúp việc soạn thảo"] * 3
    assert all(r.italic for p in marked for r in p.runs)
    assert marked[2].text == "[Nội dung do Tổ giúp việc soạn thảo: nhiệm vụ trọng tâm tháng 10/2023. Các ý dưới đây lập từ số liệu.]"
    data_line = next(p for p in document.paragraphs if p.text.startswith("Còn 8 nhiệm vụ quá hạn"))
    assert not any(r.italic or r.font.highlight_color for r in data_line.runs)


def test_table_1_gives_the_online_rate_change_in_points(document):
    rows = [[c.text for c in r.cells] for r in document.tables[1].rows]
    assert ["Tỷ lệ hồ sơ trực tuyến", "%", "80,2 %", "81,0 %", "+0,8 điểm %"] in rows


def test_table_2_numbers_the_units_and_heads_each_former_district_once():
    units = pd.DataFrame([
        {"unit_name": "Phường Hạc Thành", "group_name": "Thành phố Thanh Hóa", "total_dossiers": 120, "online_dossiers": 90, "online_rate": 0.75},
        {"unit_name": "Phường Quảng Phú", "group_name": "Thành phố Thanh Hóa", "total_dossiers": 80, "online_dossiers": 20, "online_rate": 0.25},
        {"unit_name": "Xã Xuân Lập", "group_name": "Huyện Thọ Xuân", "total_dossiers": 1234, "online_dossiers": None, "online_rate": None},
    ])
    assert [(r["stt"], r["name"], r["total"], r["online"], r["rate"]) for r in unit_rows(units)] == [
        ("I", "Thành phố Thanh Hóa", "", "", ""),
        ("1", "Phường Hạc Thành", "120", "90", "75,0 %"),
        ("2", "Phường Quảng Phú", "80", "20", "25,0 %"),
        ("II", "Huyện Thọ Xuân", "", "", ""),
        ("3", "Xã Xuân Lập", "1.234", "–", "–"),
    ]
    districts = units.assign(group_name=None)
    assert [r["stt"] for r in unit_rows(districts)] == ["1", "2", "3"]


def test_a_later_month_does_not_call_its_figures_official(sample_db):
    """June 2024's figures are sample data; only Appendix I's statuses that nobody has updated
    since September 2023 still come from the official report, and the note says just that."""
    wh = Warehouse(sample_db)
    try:
        r = gather(wh, dt.date(2024, 6, 1))
    except IncompleteMonth as e:
        r = e.report
    finally:
        wh.close()
    note = r.source_note()
    assert "Số liệu chính thức" not in note
    assert note.startswith("Phụ lục I: trạng thái các nhiệm vụ chưa có báo cáo mới lấy theo Báo cáo tháng 9/2023")
    assert "DỮ LIỆU MẪU" in note


def test_the_template_names_times_new_roman_and_no_theme_font():
    """A theme font attribute wins over the named font in Word and LibreOffice: the headings came
    out in the theme's sans-serif."""
    with zipfile.ZipFile(TEMPLATE) as z:
        styles = z.read("word/styles.xml").decode()
    assert not any(a in styles for a in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"))
    d = docx.Document(TEMPLATE)
    for name in ("Normal", "Heading 1", "Heading 2", "Body Text"):
        assert d.styles[name].font.name == "Times New Roman"
        assert d.styles[name].font.size.pt == 14
    assert d.styles["Body Text"].paragraph_format.first_line_indent.mm == pytest.approx(10, abs=0.1)


def test_the_letterhead_and_signature_tables_have_fixed_widths_inside_the_text_area():
    d = docx.Document(TEMPLATE)
    for table, widths in ((d.tables[0], [60, 105]), (d.tables[-1], [80, 85])):
        assert table._tbl.tblPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblLayout") is not None
        grid = [round(int(c.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w")) / 56.7)
                for c in table._tbl.tblGrid]
        assert grid == widths
    sec = d.sections[0]
    assert (round(sec.left_margin.mm), round(sec.right_margin.mm), round(sec.top_margin.mm), round(sec.bottom_margin.mm)) == (30, 15, 20, 20)
    assert sec.different_first_page_header_footer
    assert sec.first_page_header.paragraphs[0].text == "{{ sample_mark }}"
    assert "PAGE" in sec.header._element.xml  # page numbers from page 2 on


def test_the_committed_template_is_what_make_template_writes(tmp_path):
    fresh = make(tmp_path / "t.docx")
    parts = ("word/document.xml", "word/styles.xml", "word/header1.xml", "word/header2.xml", "word/footer1.xml", "word/footer2.xml")
    with zipfile.ZipFile(TEMPLATE) as a, zipfile.ZipFile(fresh) as b:
        for part in parts:
            assert a.read(part) == b.read(part), part


def test_the_appendix_sheets_print_on_a4_across_one_page_width_with_their_header_on_every_page(september):
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(september)))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.print_title_rows and ws.print_title_rows.endswith(str(next(
            c.row for row in ws.iter_rows() for c in row if c.value == "(1)")))
        assert ws.oddHeader.center.text == "DỮ LIỆU MẪU — không phải số liệu thật"
        assert ws.oddFooter.center.text == "Trang &P/&N"
    ws = wb["Phụ lục I"]
    long_row = next(c.row for row in ws.iter_rows() for c in row if c.value == "PL1-C-09")
    short_row = next(c.row for row in ws.iter_rows() for c in row if c.value == "PL1-A-03")
    assert ws.row_dimensions[long_row].height > 2 * ws.row_dimensions[short_row].height  # wrapped text gets its lines
    assert any(c.value == "Đơn vị: 38 - Tỉnh Thanh Hóa" for row in ws.iter_rows(max_row=8) for c in row)
