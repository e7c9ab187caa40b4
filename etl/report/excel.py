"""Appendices I–III as .xlsx (openpyxl), laid out like the report's tables: title rows, STT,
merged two-row headers, a row of column numbers, counts '#,##0' and rates '0.0%' (Excel shows
them with the reader's separators: 3.421.346 and 33,9 % in Vietnamese), a total row where the
report has one, "DỮ LIỆU MẪU" in every sheet for sample data. The sheets are what etl.read
accepts as Appendix I/II/III, so the file loads back through `python -m etl load`."""
from __future__ import annotations

import io
import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from etl.definitions import NO_REPORT as NO_REPORT_STATUS, TASK_STATUS_LABELS, TASK_STATUS_WORDS
from etl.report.data import Report
from etl.topics import SAMPLE_MARK

FONT = "Times New Roman"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
COUNT, RATE = "#,##0", "0.0%"
LINE_PT = 15.75  # one line of 12 pt text
HEADER_ROW_PT = 33
NO_REPORT = TASK_STATUS_WORDS[NO_REPORT_STATUS]  # "Chưa có báo cáo"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


def _title(ws, r: Report, lines: list[str], width: int, period_col: int = 3) -> int:
    row = 1
    if r.is_sample:
        ws.cell(row, 1, f"{SAMPLE_MARK} — không phải số liệu thật").font = Font(name=FONT, bold=True, color="C00000")
        row += 1
    for i, text in enumerate(lines):
        c = ws.cell(row, 1, text)
        c.font = Font(name=FONT, bold=i < len(lines) - 1, italic=i == len(lines) - 1, size=13)
        c.alignment = Alignment(horizontal="center", wrap_text=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        row += 1
    ws.cell(row, 1, f"Đơn vị: {r.unit_code} - {r.unit_name}").font = Font(name=FONT, italic=True)
    ws.cell(row, period_col, f"Kỳ báo cáo: {r.period:%m/%Y}").font = Font(name=FONT, italic=True)
    return row + 2


def _header(ws, row: int, top: list, sub: list, merges: list[tuple[int, int, int, int]], widths: list[int]) -> int:
    for c, v in enumerate(top, 1):
        ws.cell(row, c, v)
    for c, v in enumerate(sub, 1):
        if v is not None:
            ws.cell(row + 1, c, v)
    for r0, c0, r1, c1 in merges:
        ws.merge_cells(start_row=row + r0, start_column=c0 + 1, end_row=row + r1, end_column=c1 + 1)
    numbers = [f"({i})" for i in range(1, len(top) + 1)]
    for c, v in enumerate(numbers, 1):
        ws.cell(row + 2, c, v)
    for rr in range(row, row + 3):
        for c in range(1, len(top) + 1):
            cell = ws.cell(rr, c)
            cell.font = Font(name=FONT, bold=rr < row + 2, italic=rr == row + 2, size=12)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BOX
    for c, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = w
    for rr in (row, row + 1):
        ws.row_dimensions[rr].height = HEADER_ROW_PT
    ws.print_title_rows = f"{row}:{row + 2}"  # the header repeats on every printed page
    return row + 3


def _body(ws, row: int, values: list, formats: list[str | None], bold=False) -> None:
    for c, (v, f) in enumerate(zip(values, formats), 1):
        cell = ws.cell(row, c, v)
        cell.font = Font(name=FONT, bold=bold, size=12)
        cell.border = BOX
        cell.alignment = Alignment(vertical="center", wrap_text=f is None, horizontal="center" if c == 1 else None)
        if f:
            cell.number_format = f


def _fit_rows(ws, first: int, last: int) -> None:
    """Row heights for wrapped text (neither openpyxl nor every spreadsheet program sizes them
    on opening): the longest cell's lines at about one character per unit of column width."""
    widths = {c: ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, ws.max_column + 1)}
    for rr in range(first, last + 1):
        lines = 1
        for c in range(1, ws.max_column + 1):
            v = ws.cell(rr, c).value
            if isinstance(v, str) and v:
                per_line = max(1.0, widths[c] * 1.2)
                lines = max(lines, sum(math.ceil(max(1, len(part)) / per_line) for part in v.split("\n")))
        ws.row_dimensions[rr].height = round(lines * LINE_PT + 3, 1)


def _num(v):
    return None if v is None or v != v else int(v)


def _rate(v):
    return None if v is None or v != v else float(v)


def _footer(ws, row: int, r: Report) -> None:
    ws.cell(row + 1, 2, r.source_note()).font = Font(name=FONT, italic=True, size=11)


def _services_sheet(wb, r: Report, name: str, lines: list[str], rows, grouped: bool) -> None:
    ws = wb.create_sheet(name)
    top = ["STT", "Dịch vụ công trực tuyến", "Kết nối với Cổng DVC quốc gia",
           "Tổng số hồ sơ (bao gồm cả trực tiếp và trực tuyến)", None, None, "Tình hình xử lý hồ sơ trực tuyến", None, "Ghi chú"]
    sub = [None, None, None, "Tổng hồ sơ", "Trực tuyến", "Tỷ lệ", "Đúng hạn", "Quá hạn", None]
    row = _title(ws, r, lines, len(top))
    row = _header(ws, row, top, sub, [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 0, 5), (0, 6, 0, 7), (0, 8, 1, 8)],
                  [6, 60, 16, 13, 13, 10, 12, 10, 24])
    fmts = [None, None, None, COUNT, COUNT, RATE, COUNT, COUNT, None]
    first = row
    group = None
    n = 0
    k = 0
    for s in rows.to_dict("records"):
        if grouped and s["agency_name"] != group:
            group = s["agency_name"]
            _body(ws, row, [ROMAN[k] if k < len(ROMAN) else str(k + 1), group] + [None] * 7, [None] * 9, bold=True)
            k += 1
            row += 1
        n += 1
        rate = s["online_rate"] if s["online_rate"] == s["online_rate"] else None
        _body(ws, row, [n, s["service_name"], s["portal_connection"], _num(s["total_dossiers"]), _num(s["online_dossiers"]),
                        _rate(rate), _num(s["on_time"]), _num(s["overdue"]), None], fmts)
        row += 1
    both = rows[rows["total_dossiers"].notna() & rows["online_dossiers"].notna()]
    total, online = both["total_dossiers"].sum(), both["online_dossiers"].sum()  # the rate: sum/sum where both are known
    _body(ws, row, [None, "Tổng cộng", None, _num(rows["total_dossiers"].sum(min_count=1)),
                    _num(rows["online_dossiers"].sum(min_count=1)), float(online / total) if total else None,
                    _num(rows["on_time"].sum(min_count=1)), _num(rows["overdue"].sum(min_count=1)), None], fmts, bold=True)
    _fit_rows(ws, first, row)
    _footer(ws, row + 1, r)


def _tasks_sheet(wb, r: Report) -> None:
    ws = wb.create_sheet("Phụ lục I")
    top = ["STT", "Mã NV", "Nhiệm vụ", "Thời hạn", "Trạng thái", "Kết quả thực hiện", "Đơn vị chủ trì"]
    sub = [None] * 7
    row = _title(ws, r, ["Phụ lục I", "TIẾN ĐỘ THỰC HIỆN CÁC NHIỆM VỤ ĐỀ ÁN 06",
                         f"(kèm theo Báo cáo {r.label.lower()} của {r.settings.get('issuing_body', '')})"], len(top), period_col=4)
    row = _header(ws, row, top, sub, [(0, c, 1, c) for c in range(7)], [6, 11, 60, 16, 16, 50, 24])
    heading = dict(r.task_groups)
    first = row
    group = None
    for k, t in enumerate(r.tasks.to_dict("records")):
        if t["task_group"] != group:
            group = t["task_group"]
            i = [g for g, _ in r.task_groups].index(group)
            _body(ws, row, [ROMAN[i], None, heading.get(group, group)] + [None] * 4, [None] * 7, bold=True)
            row += 1
        # a task nobody has reported on has no status: the cell stays empty (what the intake
        # reads as "not reported") and the result column says so
        status = TASK_STATUS_LABELS.get(t["status"])
        result = t["status_text"] if status else NO_REPORT
        _body(ws, row, [t["task_number"], t["task_code"], t["task_name"], t["deadline_text"], status, result,
                        t["responsible_unit_name"]], [None] * 7)
        row += 1
    _fit_rows(ws, first, row - 1)
    _footer(ws, row, r)


def render_xlsx(r: Report, appendices: tuple[str, ...] = ("I", "II", "III")) -> bytes:
    """The workbook of the appendices named (all three by default)."""
    wb = Workbook()
    wb.remove(wb.active)
    body = r.settings.get("issuing_body", "")
    if "I" in appendices:
        _tasks_sheet(wb, r)
    if "II" in appendices:
        _services_sheet(wb, r, "Phụ lục II", ["Phụ lục II", "TÌNH HÌNH TRIỂN KHAI 25 DỊCH VỤ CÔNG TRỰC TUYẾN THIẾT YẾU",
                                          "THEO QUYẾT ĐỊNH SỐ 06/QĐ-TTg NGÀY 06/01/2022 CỦA THỦ TƯỚNG CHÍNH PHỦ",
                                          f"(kèm theo Báo cáo {r.label.lower()} của {body})"], r.appendix_ii(), False)
    if "III" in appendices:
        _services_sheet(wb, r, "Phụ lục III", ["Phụ lục III", "TÌNH HÌNH TRIỂN KHAI CÁC DỊCH VỤ CÔNG TRỰC TUYẾN THIẾT YẾU",
                                           "THEO QUYẾT ĐỊNH SỐ 422/QĐ-TTg NGÀY 04/4/2022 CỦA THỦ TƯỚNG CHÍNH PHỦ",
                                           f"(kèm theo Báo cáo {r.label.lower()} của {body})"], r.appendix_iii(), True)
    for ws in wb.worksheets:
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0  # all columns on the page's width
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        if r.is_sample:  # printed at the top of every page too
            ws.oddHeader.center.text = f"{SAMPLE_MARK} — không phải số liệu thật"
            ws.oddHeader.center.font, ws.oddHeader.center.size, ws.oddHeader.center.color = f"{FONT},Bold", 12, "C00000"
        ws.oddFooter.center.text = "Trang &P/&N"
        ws.oddFooter.center.font, ws.oddFooter.center.size = FONT, 11
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_xlsx(r: Report, path: Path, appendices: tuple[str, ...] = ("I", "II", "III")) -> Path:
    Path(path).write_bytes(render_xlsx(r, appendices))
    return Path(path)
