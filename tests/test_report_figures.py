"""The generated monthly report carries the warehouse's figures: September 2023 for the province
against the official report (Appendices I and II, the narrative), read back from the .xlsx with
openpyxl and from the .docx with python-docx."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import docx
import openpyxl
import pytest

from dashboard.db import Warehouse
from etl.report import IncompleteMonth, gather, render_docx, render_xlsx

REF = Path(__file__).resolve().parent.parent / "data" / "reference"
SEPT = dt.date(2023, 9, 1)


@pytest.fixture(scope="module")
def september(sample_db):
    wh = Warehouse(sample_db)
    yield gather(wh, SEPT)
    wh.close()


def _sheet_rows(data: bytes, name: str) -> list[tuple]:
    ws = openpyxl.load_workbook(io.BytesIO(data))[name]
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def _num(text):
    return int(text) if text not in ("", None) else None


def test_appendix_ii_of_september_2023_equals_the_official_figures_row_by_row(september):
    rows = _sheet_rows(render_xlsx(september), "Phụ lục II")
    start = next(i for i, r in enumerate(rows) if r[0] == "(1)") + 1
    body = [r for r in rows[start:] if isinstance(r[0], int)]
    with open(REF / "official_service_volume_2023_09.csv", encoding="utf-8") as f:
        official = {r["service_code"]: r for r in csv.DictReader(f) if r["service_code"].startswith("E06")}
    with open(REF / "services.csv", encoding="utf-8") as f:
        names = {r["service_code"]: r["service_name"] for r in csv.DictReader(f) if r["service_group"] == "e06_essential"}
    assert [r[1] for r in body] == list(names.values())
    got = {code: (r[3], r[4], r[6], r[7]) for code, r in zip(names, body)}
    want = {code: (_num(official[code]["total_dossiers"]), _num(official[code]["online_dossiers"]),
                   _num(official[code]["on_time"]), _num(official[code]["overdue"])) if code in official else (None,) * 4
            for code in names}
    assert got == want
    renew = body[1]
    assert renew[1:6] == ("Cấp lại, đổi thẻ căn cước công dân", "Đã kết nối", 11343, 3846, pytest.approx(3846 / 11343))
    ws = openpyxl.load_workbook(io.BytesIO(render_xlsx(september)))["Phụ lục II"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == 11343)
    assert cell.number_format == "#,##0"
    assert ws.cell(cell.row, cell.column + 2).number_format == "0.0%"
    assert rows[0][0].startswith("DỮ LIỆU MẪU")
    total = next(r for r in rows if r[1] == "Tổng cộng")
    # each count column adds up its rows (E06-01's 63 online dossiers without a total included)
    assert total[3:5] == (sum(r[3] for r in body if r[3] is not None), sum(r[4] for r in body if r[4] is not None))


def test_appendix_i_lists_the_18_8_14_tasks_with_their_official_statuses(september):
    rows = _sheet_rows(render_xlsx(september), "Phụ lục I")
    start = next(i for i, r in enumerate(rows) if r[0] == "(1)") + 1
    body = [r for r in rows[start:] if r[1] and str(r[1]).startswith("PL1-")]
    with open(REF / "official_task_status_2023_09.csv", encoding="utf-8") as f:
        official = {r["task_code"]: r["status"] for r in csv.DictReader(f)}
    labels = {"done": "Đã hoàn thành", "in_progress": "Đang thực hiện", "not_started": "Chưa thực hiện"}
    assert [sum(1 for r in body if r[1].startswith(g)) for g in ("PL1-A", "PL1-B", "PL1-C")] == [18, 8, 14]
    assert {r[1]: r[4] for r in body} == {code: labels[s] for code, s in official.items()}
    headings = [r[2] for r in rows[start:] if r[0] in ("I", "II", "III")]
    assert headings == ["Công văn số 209/CV-TCTTKĐA ngày 10/02/2023 của Tổ công tác Đề án 06/CP",
                        "Chỉ thị số 05/CT-TTg ngày 23/02/2023 của Thủ tướng Chính phủ",
                        "Công văn số 4022/TCTTKĐA ngày 12/6/2023 của Tổ công tác Đề án 06/CP"]


def test_every_appendix_sheet_is_marked_sample_data(september):
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(september)))
    assert wb.sheetnames == ["Phụ lục I", "Phụ lục II", "Phụ lục III"]
    for ws in wb.worksheets:
        assert str(ws["A1"].value).startswith("DỮ LIỆU MẪU")


def test_the_docx_reads_back_with_the_letterhead_sections_and_the_official_figures(september):
    d = docx.Document(io.BytesIO(render_docx(september, dt.date(2023, 10, 2))))
    head = d.tables[0].rows[0].cells
    assert [p.text for p in head[0].paragraphs] == ["UBND TỈNH THANH HÓA", "TỔ CÔNG TÁC ĐỀ ÁN 06", "Số:       /BC-TCTĐA06"]
    assert [p.text for p in head[1].paragraphs] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                                                    "Thanh Hóa, ngày 02 tháng 10 năm 2023"]
    texts = [p.text for p in d.paragraphs]
    assert "Kết quả thực hiện Đề án 06 tháng 9/2023 – Tỉnh Thanh Hóa" in texts
    assert [p.text for p in d.paragraphs if p.style.name == "Heading 1"] == [
        "I. CÔNG TÁC CHỈ ĐẠO, TỔ CHỨC THỰC HIỆN", "II. KẾT QUẢ THỰC HIỆN", "III. KHÓ KHĂN, VƯỚNG MẮC",
        "IV. NHIỆM VỤ TRỌNG TÂM THÁNG TỚI"]
    body = "\n".join(texts)
    assert "thu nhận 3.421.346 hồ sơ CCCD gắn chíp" in body
    assert "Thu nhận 2.336.438 hồ sơ đề nghị cấp tài khoản định danh điện tử" in body
    assert "đã kích hoạt 1.651.144 tài khoản" in body and "so với chỉ tiêu giao 1.620.967 tài khoản đạt 101,86 %, vượt 30.177 tài khoản" in body
    for pair in ("Dữ liệu trẻ em: đã làm sạch 780.355/960.281 (81,3 %)", "Dữ liệu người có công: đã làm sạch 60.468/65.546",
                 "Người tham gia bảo hiểm xã hội: đã làm sạch 3.079.271/3.200.783", "Mã số thuế cá nhân: đã làm sạch 1.721.898/2.262.033"):
        assert pair in body
    assert "Lượt tra cứu thông tin thẻ BHYT bằng CCCD: 5.339.392 lượt" in body
    assert "Cấp lại, đổi thẻ căn cước công dân (3.846/11.343, 33,9 %, chỉ tiêu 50 %)" in body
    kpi = d.tables[1]
    assert [c.text for c in kpi.rows[0].cells] == ["Chỉ tiêu", "Đơn vị tính", "Tháng trước", "Tháng báo cáo", "Thay đổi"]
    assert [c.text for c in kpi.rows[1].cells][0::3] == ["Hồ sơ CCCD gắn chíp (lũy kế)", "3.421.346"]
    units = d.tables[2]
    assert len(units.rows) == 1 + 27
    assert d.sections[0].header.paragraphs[0].text.startswith("DỮ LIỆU MẪU")
    sign = d.tables[3].rows[0].cells
    assert sign[0].paragraphs[0].text == "Nơi nhận:"
    assert [p.text for p in sign[1].paragraphs][:2] == ["TM. TỔ CÔNG TÁC", "TỔ TRƯỞNG"]
    for p in d.paragraphs:
        for run in p.runs:
            assert run.font.name in (None, "Times New Roman")
    assert d.styles["Normal"].font.name == "Times New Roman"


def test_an_incomplete_month_names_the_units_that_have_not_reported(sample_db):
    wh = Warehouse(sample_db)
    with pytest.raises(IncompleteMonth) as e:
        gather(wh, dt.date(2023, 10, 1))
    wh.close()
    assert str(e.value) == "Tháng 10/2023 chưa đủ báo cáo: 1/27 đơn vị chưa nộp (Huyện Hậu Lộc)."
    d = docx.Document(io.BytesIO(render_docx(e.value.report)))
    assert "1/27 đơn vị chưa gửi báo cáo tháng: Huyện Hậu Lộc." in [p.text for p in d.paragraphs]
