"""The submission workbook: one per unit and month, written with xlsxwriter.

Layout of every topic sheet: title (row 1), header block (rows 2-4: unit, period, kind of
data), column headers on row 6, one pre-filled catalogue row per line from row 7. Catalogue
cells are locked; figure cells are unlocked, formatted and validated (whole numbers >= 0);
coded cells offer a drop-down list (status; the codes, from the hidden sheet 'Danh mục', so a
row stays valid even if someone unprotects the sheet and edits it).
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import xlsxwriter

from etl.numbers import COUNT_EXAMPLE
from etl.periods import period_label, period_text
from etl.reference import catalogue
from etl.topics import CATALOGUE_SHEET, INSTRUCTIONS_SHEET, SAMPLE_MARK, TOPICS
from etl.topics.base import NoFall

HEADER_ROW = 5  # zero-based: row 6 in Excel
FIRST_DATA_ROW = 6
__all__ = ["write_template", "instructions", "SAMPLE_MARK", "HEADER_ROW", "FIRST_DATA_ROW"]


def instructions(topics: list[str]) -> list[str]:
    """The instructions sheet, to the officer who fills the workbook in: one line per sheet of
    the unit's workbook (the registry's guidance), numbers typed as the intake reads them, the
    note that explains a cumulative figure that falls, the deadline, where to send the file."""
    sheets = [TOPICS[t] for t in topics]
    notes = sorted({t.column(h.note).headers[0] for t in sheets for h in t.history if isinstance(h, NoFall)})
    lines = [
        "HƯỚNG DẪN ĐIỀN BIỂU MẪU BÁO CÁO ĐỀ ÁN 06 HẰNG THÁNG",
        "",
        "1. Mỗi trang tính là một nội dung báo cáo: " + ", ".join(t.sheet for t in sheets) + ".",
        "   Không đổi tên trang tính, không xóa, không chèn cột; không sửa các ô đã khóa (mã, tên, đơn vị, kỳ báo cáo).",
        f"2. Các ô số chỉ nhập số nguyên không âm, {COUNT_EXAMPLE} (không có phần lẻ, không kèm chữ như '11343 hồ sơ').",
        "   Để trống ô nếu đơn vị không có số liệu; nhập 0 nếu trong tháng không phát sinh.",
    ]
    n = 3
    for t in sheets:
        lines.append(f"{n}. {t.sheet}: {t.guidance}")
        n += 1
    if notes:
        lines += [f"{n}. Số lũy kế không được thấp hơn kỳ trước. Nếu số giảm là đúng (rà soát, loại trùng, điều chỉnh…), hãy ghi lý do",
                  f"   vào cột '{notes[0]}' của dòng đó; không có lý do, hệ thống không nhận tệp và báo ô bị giảm, giảm bao nhiêu."]
        n += 1
    lines += [
        f"{n}. Hạn nộp: trước ngày 16 của tháng sau kỳ báo cáo (Kế hoạch 24/KH-UBND, mục IV.2).",
        f"{n + 1}. Nộp tệp tại trang 'Nộp báo cáo' của hệ thống, đăng nhập bằng tài khoản được cấp cho đơn vị.",
        "   Hệ thống kiểm tra từng ô và báo mọi lỗi cùng một lần (trang tính, ô, dòng, nội dung, cách sửa); tệp có lỗi không được nạp.",
        "   Nộp lại tệp mới cho cùng đơn vị, kỳ và nội dung sẽ thay thế bản trước (bản trước vẫn được lưu vết).",
    ]
    return lines


def _rows_for(topic_key: str, unit_code: str, period: dt.date) -> list[tuple[str, dict]]:
    """The template's rows of a sheet: the codes the unit reports in the month, each with its
    catalogue row."""
    cat = catalogue()
    items = TOPICS[topic_key].items
    table = items.table(cat)
    return [(code, table[code]) for code in items.codes_for(cat, unit_code, period)]


def write_template(
    path: Path | io.BytesIO,
    unit_code: str,
    period: dt.date,
    values: dict[str, dict[str, dict]] | None = None,
    sample: bool = False,
) -> Path:
    """Write the workbook for one unit and month. `values[topic][row_code]` pre-fills figures
    (used by the sample generator); without it the figure cells are empty. `path` may be a
    BytesIO: the workbook is then written in memory, no temporary file (the sample's thousands)."""
    cat = catalogue()
    if unit_code not in cat.units:
        raise ValueError(f"Mã đơn vị không có trong danh mục: {unit_code}")
    problem = cat.validity_problem(unit_code, period)  # a template only for a unit valid in the month
    if problem:
        raise ValueError(problem)
    unit_name = cat.units[unit_code]["unit_name"]
    values = values or {}
    if isinstance(path, io.BytesIO):
        wb = xlsxwriter.Workbook(path, {"in_memory": True})
    else:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    # A fixed creation time keeps the same content byte-identical (the sample is reproducible).
    wb.set_properties({"title": f"Báo cáo Đề án 06 - {unit_name} - {period_label(period)}", "author": "Đề án 06",
                       "created": dt.datetime(period.year, period.month, 1)})
    f_title = wb.add_format({"bold": True, "font_size": 13, "font_color": "#1F3864"})
    f_label = wb.add_format({"bold": True, "locked": True})
    f_locked = wb.add_format({"locked": True, "text_wrap": True, "valign": "top"})
    f_head = wb.add_format({"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter",
                            "bg_color": "#DDEBF7", "border": 1, "locked": True})
    f_num = wb.add_format({"num_format": "#,##0", "locked": False, "border": 1, "valign": "top"})
    f_text = wb.add_format({"locked": False, "border": 1, "text_wrap": True, "valign": "top"})
    f_code = wb.add_format({"locked": True, "border": 1, "valign": "top", "font_color": "#555555"})
    f_name = wb.add_format({"locked": True, "border": 1, "text_wrap": True, "valign": "top"})
    f_sample = wb.add_format({"bold": True, "font_color": "#C00000"})

    topics = cat.topics_for(unit_code, period)
    lines = instructions(topics)
    ws = wb.add_worksheet(INSTRUCTIONS_SHEET)
    ws.set_column(0, 0, 110)
    for i, line in enumerate(lines):
        ws.write(i, 0, line, f_title if i == 0 else None)
    ws.write(len(lines) + 1, 0, f"Đơn vị: {unit_code} - {unit_name}; kỳ báo cáo: {period_label(period)}.")
    if sample:
        ws.write(len(lines) + 2, 0, f"{SAMPLE_MARK}: tệp do bộ sinh dữ liệu mẫu tạo ra, không phải số liệu thật.", f_sample)
    ws.protect()

    # The codes each topic sheet may hold, for the drop-down lists of the code columns.
    code_lists = {t: [code for code, _ in _rows_for(t, unit_code, period)] for t in topics}
    code_ranges = {t: f"='{CATALOGUE_SHEET}'!${chr(65 + j)}$2:${chr(65 + j)}${len(code_lists[t]) + 1}" for j, t in enumerate(topics)}

    for topic_key in topics:
        topic = TOPICS[topic_key]
        ws = wb.add_worksheet(topic.sheet)
        cols = [c for c in topic.columns if c.kind != "rate"]
        ws.write(0, 0, topic.title, f_title)
        ws.write(1, 0, "Đơn vị:", f_label)
        ws.write_string(1, 1, unit_code, f_locked)
        ws.write(1, 2, unit_name, f_locked)
        ws.write(2, 0, "Kỳ báo cáo:", f_label)
        ws.write_string(2, 1, period_text(period), f_locked)
        ws.write(2, 2, period_label(period), f_locked)
        ws.write(3, 0, "Loại số liệu:", f_label)
        ws.write(3, 1, SAMPLE_MARK if sample else "Số liệu báo cáo", f_sample if sample else f_locked)
        for j, c in enumerate(cols):
            ws.set_column(j, j, c.width)
            ws.write(HEADER_ROW, j, c.headers[0], f_head)
        ws.set_row(HEADER_ROW, 45)
        rows = _rows_for(topic_key, unit_code, period)
        filled = values.get(topic_key, {})
        for i, (code, item) in enumerate(rows):
            r = FIRST_DATA_ROW + i
            row_vals = filled.get(code, {})
            for j, c in enumerate(cols):
                if c.kind == "code":
                    ws.write_string(r, j, code, f_code)
                elif c.kind == "name":
                    ws.write_string(r, j, item[topic.items.name], f_name)
                elif c.kind == "label":
                    ws.write_string(r, j, item.get(c.key) or "", f_name)
                elif c.kind == "count":
                    v = row_vals.get(c.key)
                    if v is None:
                        ws.write_blank(r, j, None, f_num)
                    elif isinstance(v, str):  # the sample generator's deliberately wrong cells
                        ws.write_string(r, j, v, f_num)
                    else:
                        ws.write_number(r, j, v, f_num)
                elif c.kind == "status":
                    v = row_vals.get(c.key)
                    ws.write_string(r, j, dict(c.choices)[v][0], f_text) if v else ws.write_blank(r, j, None, f_text)
                else:
                    v = row_vals.get(c.key)
                    ws.write_string(r, j, v, f_text) if v else ws.write_blank(r, j, None, f_text)
        last = FIRST_DATA_ROW + max(len(rows), 1) - 1
        for j, c in enumerate(cols):
            if c.kind == "count":
                ws.data_validation(FIRST_DATA_ROW, j, last, j, {
                    "validate": "integer", "criteria": ">=", "value": 0,
                    "error_title": "Giá trị không hợp lệ",
                    "error_message": f"Nhập số nguyên không âm, {COUNT_EXAMPLE}.",
                })
            elif c.kind == "code":
                ws.data_validation(FIRST_DATA_ROW, j, last, j, {
                    "validate": "list", "source": code_ranges[topic_key],
                    "error_title": "Mã không có trong danh mục",
                    "error_message": "Chọn một mã trong danh sách (danh mục của hệ thống).",
                })
            elif c.kind == "status":
                ws.data_validation(FIRST_DATA_ROW, j, last, j, {
                    "validate": "list", "source": [words[0] for _, words in c.choices],
                    "error_title": "Trạng thái không hợp lệ",
                    "error_message": "Chọn một trạng thái trong danh sách.",
                })
        ws.freeze_panes(FIRST_DATA_ROW, 2)
        ws.protect("", {"format_columns": True, "format_rows": True, "autofilter": True, "sort": False})
    lists = wb.add_worksheet(CATALOGUE_SHEET)
    for j, topic_key in enumerate(topics):
        lists.write(0, j, TOPICS[topic_key].sheet)
        for i, code in enumerate(code_lists[topic_key]):
            lists.write_string(i + 1, j, code)
    lists.hide()
    lists.protect()
    wb.close()
    return path
