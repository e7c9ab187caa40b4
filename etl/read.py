"""Read a submission workbook (.xlsx, .xlsm, .xls, .ods) into rows of raw cell values.

Accepts the project's template and tables typed by hand or copied from a report appendix:
title rows above the table, one- or two-row headers with varying wording, blank rows,
subtotal, group-heading and footnote rows, headers repeated mid-table. Values stay raw here;
etl.validate turns them into typed figures and reports every problem with its cell.
"""
from __future__ import annotations

import datetime as dt
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from etl.issues import Issue, Rejected, cell_ref
from etl.periods import parse_period
from etl.template import SAMPLE_MARK
from etl.text import fold, fold_no_parens
from etl.topics import INSTRUCTIONS_SHEET, TOPICS, Topic

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_ROWS = 5000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
SUBTOTAL_WORDS = {"tong", "tong cong", "cong", "tong so", "toan tinh", "tong toan tinh", "cong toan tinh"}


@dataclass
class Row:
    excel_row: int  # 1-based row number in the sheet
    cells: dict[str, tuple[object, str]]  # column key -> (raw value, cell reference)
    group: str | None = None  # heading row above it (e.g. an agency name in Appendix III)


@dataclass
class SheetData:
    topic: Topic
    sheet_name: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class WorkbookData:
    file_name: str
    unit_code: str | None
    unit_cell: tuple[str, str] | None
    period: dt.date | None
    period_cell: tuple[str, str] | None
    is_sample: bool
    sheets: list[SheetData]
    issues: list[Issue]


def check_container(path: Path, display_name: str) -> None:
    """Reject what is not a spreadsheet before any parser sees it: size, content type (by the
    bytes, not the name), truncated or encrypted files, zip bombs."""
    size = path.stat().st_size
    if size == 0:
        raise Rejected([Issue("error", f"Tệp '{display_name}' rỗng (0 byte). Hãy xuất lại tệp Excel từ biểu mẫu và nộp lại.")])
    if size > MAX_FILE_BYTES:
        raise Rejected([Issue("error", f"Tệp '{display_name}' quá lớn ({size / 1048576:.1f} MB, tối đa {MAX_FILE_BYTES // 1048576} MB). "
                                       "Biểu mẫu báo cáo tháng chỉ vài chục KB: hãy xóa các trang tính, hình ảnh không cần thiết.")])
    with open(path, "rb") as f:
        head = f.read(8)
    if head[:2] == b"PK":
        try:
            with zipfile.ZipFile(path) as z:
                infos = z.infolist()
                unzipped = sum(i.file_size for i in infos)
                packed = sum(i.compress_size for i in infos) or 1
                if unzipped > MAX_UNZIPPED_BYTES or unzipped / packed > MAX_ZIP_RATIO and unzipped > 10 * 1024 * 1024:
                    raise Rejected([Issue("error", f"Tệp '{display_name}' có nội dung nén bất thường ({unzipped / 1048576:.0f} MB khi giải nén): "
                                                   "có thể là tệp độc hại nên không được mở. Hãy nộp đúng biểu mẫu báo cáo.")])
                names = {i.filename for i in infos}
                bad = z.testzip()
                if bad is not None:
                    raise zipfile.BadZipFile(bad)
        except zipfile.BadZipFile:
            raise Rejected([Issue("error", f"Tệp '{display_name}' bị hỏng hoặc không đầy đủ (tải lên bị ngắt?). Hãy mở tệp bằng Excel, lưu lại và nộp lại.")])
        if "xl/workbook.xml" not in names and "content.xml" not in names:
            raise Rejected([Issue("error", f"Tệp '{display_name}' là tệp nén nhưng không phải bảng tính Excel/ODS. Hãy nộp tệp .xlsx theo biểu mẫu.")])
        return
    if head == OLE_MAGIC:
        with open(path, "rb") as f:
            blob = f.read(min(size, 4 * 1024 * 1024))
        if "EncryptionInfo".encode("utf-16-le") in blob or "EncryptedPackage".encode("utf-16-le") in blob:
            raise Rejected([Issue("error", f"Tệp '{display_name}' được đặt mật khẩu nên hệ thống không đọc được. "
                                           "Hãy mở tệp, bỏ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc) rồi nộp lại.")])
        return  # legacy .xls
    raise Rejected([Issue("error", f"Tệp '{display_name}' không phải là tệp Excel (.xlsx, .xlsm, .xls) hay .ods, dù tên tệp có thể ghi như vậy. "
                                   "Hãy mở biểu mẫu bằng Excel và lưu đúng định dạng .xlsx.")])


def _match_topic(sheet_name: str) -> Topic | None:
    key = fold(sheet_name)
    for t in TOPICS.values():
        if key == fold(t.sheet) or key in {fold(a) for a in t.sheet_aliases}:
            return t
    return None


_HEADER_LOOKUP: dict[str, dict[str, str]] = {}


def _header_lookup(topic: Topic) -> dict[str, str]:
    if topic.key not in _HEADER_LOOKUP:
        d: dict[str, str] = {}
        for c in topic.columns:
            for h in c.headers:
                d.setdefault(fold(h), c.key)
                d.setdefault(fold_no_parens(h), c.key)
        _HEADER_LOOKUP[topic.key] = d
    return _HEADER_LOOKUP[topic.key]


def _header_key(topic: Topic, text) -> str | None:
    if text is None or text == "" or not isinstance(text, str) or len(text) > 200:
        return None
    lookup = _header_lookup(topic)
    return lookup.get(fold(text)) or lookup.get(fold_no_parens(text))


def _find_header(topic: Topic, grid: list[list]) -> tuple[int, int, dict[int, str]] | None:
    """(first header row, last header row, column index -> key) for the best header of the
    first 30 rows; a header may span two rows (merged group titles above)."""
    best = None
    for r in range(min(30, len(grid))):
        for span in (1, 2):
            if r + span > len(grid):
                continue
            mapping: dict[int, str] = {}
            width = max(len(grid[r + k]) for k in range(span))
            for c in range(width):
                key = None
                for k in reversed(range(span)):  # the lower row names the column more precisely
                    row = grid[r + k]
                    key = _header_key(topic, row[c] if c < len(row) else None)
                    if key:
                        break
                if key and key not in mapping.values():
                    mapping[c] = key
            score = len(mapping)
            if best is None or score > best[0] or (score == best[0] and span < best[2]):
                best = (score, r, span, mapping)
    if not best or best[0] < 2:
        return None
    _, r, span, mapping = best
    return r, r + span - 1, mapping


def _read_header_block(grid: list[list], stop_row: int):
    unit = period = None
    unit_cell = period_cell = None
    sample = False
    for r in range(min(stop_row, len(grid))):
        row = grid[r]
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            if isinstance(v, str) and SAMPLE_MARK in v.upper():
                sample = True
            label = fold(v) if isinstance(v, str) else ""
            nxt = next((row[k] for k in range(c + 1, len(row)) if row[k] not in (None, "")), None)
            if label in ("don vi", "ma don vi") and nxt is not None and unit is None:
                unit = str(int(nxt)) if isinstance(nxt, float) and nxt.is_integer() else str(nxt).strip()
                unit_cell = (str(nxt), cell_ref(r, c + 1))
            elif label in ("ky bao cao", "thang bao cao", "ky") and nxt is not None and period is None:
                period = parse_period(nxt)
                period_cell = (str(nxt), cell_ref(r, c + 1))
    return unit, unit_cell, period, period_cell, sample


def _is_blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def read_workbook(path: Path, display_name: str | None = None) -> WorkbookData:
    path = Path(path)
    display_name = display_name or path.name
    if os.path.splitext(display_name)[1].lower() not in EXTENSIONS:
        raise Rejected([Issue("error", f"Tệp '{display_name}' không có đuôi .xlsx, .xlsm, .xls hoặc .ods. Hãy nộp tệp Excel theo biểu mẫu.")])
    check_container(path, display_name)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as e:  # calamine raises its own error types for broken files
        text = str(e).lower()
        if "password" in text or "encrypt" in text:
            msg = f"Tệp '{display_name}' được đặt mật khẩu nên hệ thống không đọc được. Hãy bỏ mật khẩu rồi nộp lại."
        else:
            msg = f"Không đọc được tệp '{display_name}': tệp bị hỏng hoặc không phải bảng tính. Hãy mở bằng Excel, lưu lại dạng .xlsx và nộp lại."
        raise Rejected([Issue("error", msg)])

    issues: list[Issue] = []
    sheets: list[SheetData] = []
    unit = period = unit_cell = period_cell = None
    sample = False
    seen_topics: dict[str, str] = {}
    unknown_sheets = []
    for name in wb.sheet_names:
        if fold(name) == fold(INSTRUCTIONS_SHEET):
            continue
        topic = _match_topic(name)
        try:
            grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:
            issues.append(Issue("error", "Không đọc được trang tính này (có thể bị hỏng). Hãy sao chép dữ liệu sang biểu mẫu mới.", name))
            continue
        if topic is None:
            # A sheet with an unknown name may still hold a known table (e.g. 'Sheet1').
            for t in TOPICS.values():
                if _find_header(t, grid):
                    topic = t
                    break
        if topic is None:
            if any(not _is_blank(v) for row in grid for v in row):
                unknown_sheets.append(name)
            continue
        if topic.key in seen_topics:
            issues.append(Issue("error", f"Nội dung '{topic.sheet}' xuất hiện ở hai trang tính ('{seen_topics[topic.key]}' và '{name}'). Hãy giữ một trang tính.", name))
            continue
        seen_topics[topic.key] = name
        if len(grid) > MAX_ROWS:
            issues.append(Issue("error", f"Trang tính có {len(grid)} dòng, vượt quá giới hạn {MAX_ROWS} dòng của một báo cáo tháng.", name))
            continue
        header = _find_header(topic, grid)
        if header is None:
            issues.append(Issue("error", f"Không tìm thấy dòng tiêu đề cột (cần các cột như: "
                                         f"{', '.join(repr(c.headers[0]) for c in topic.columns if c.kind in ('code', 'name', 'count'))}). "
                                         "Hãy dùng biểu mẫu của hệ thống và không đổi tên cột.", name))
            continue
        h_first, h_last, mapping = header
        u, uc, p, pc, s = _read_header_block(grid, h_first)
        sample = sample or s
        if u and unit is None:
            unit, unit_cell = u, (name, uc[1])
        if p and period is None:
            period, period_cell = p, (name, pc[1])
        elif pc and p is None and period_cell is None:
            issues.append(Issue("error", f"Kỳ báo cáo '{pc[0]}' không đúng dạng tháng (ví dụ 2023-09 hoặc 09/2023).", name, pc[1]))
        sheet = SheetData(topic, name)
        group = None
        for r in range(h_last + 1, len(grid)):
            raw = grid[r]
            cells = {key: (raw[c] if c < len(raw) else None, cell_ref(r, c)) for c, key in mapping.items()}
            values = [v for v, _ in cells.values()]
            if all(_is_blank(v) for v in values):
                continue
            # a header repeated mid-table (a copied report with page breaks)
            hits = sum(1 for c, key in mapping.items() if c < len(raw) and _header_key(topic, raw[c]) == key)
            if hits >= 2:
                issues.append(Issue("warning", "Dòng tiêu đề cột lặp lại giữa bảng; hệ thống đã bỏ qua dòng này.", name, cell_ref(r, min(mapping))))
                continue
            label_vals = [v for key, (v, _) in cells.items() if TOPICS[topic.key].column(key).kind in ("code", "name")]
            num_vals = [v for key, (v, _) in cells.items() if TOPICS[topic.key].column(key).kind in ("count", "rate")]
            label_text = " ".join(str(v) for v in label_vals if not _is_blank(v))
            if fold(label_text) in SUBTOTAL_WORDS or fold(label_text).startswith(("tong cong", "cong toan")):
                continue  # subtotal rows are recomputed, never loaded
            if all(_is_blank(v) for v in num_vals) and topic.key != "tasks":
                non_blank = [v for v in raw if not _is_blank(v)]
                if len(non_blank) == 1 and isinstance(non_blank[0], str):
                    group = non_blank[0].strip()  # group heading (an agency) or a footnote
                    continue
            sheet.rows.append(Row(r + 1, cells, group))
        sheets.append(sheet)

    if not sheets and not issues:
        if unknown_sheets:
            expected = ", ".join(f"'{t.sheet}'" for t in TOPICS.values())
            issues.append(Issue("error", f"Không có trang tính nào đúng biểu mẫu (có: {', '.join(repr(s) for s in unknown_sheets)}; "
                                         f"cần: {expected}). Hãy dùng biểu mẫu tải từ hệ thống."))
        else:
            issues.append(Issue("error", f"Tệp '{display_name}' không có dữ liệu (bảng tính trống). Hãy điền số liệu vào biểu mẫu rồi nộp lại."))
    elif unknown_sheets:
        for s in unknown_sheets:
            issues.append(Issue("warning", "Trang tính không thuộc biểu mẫu nên không được đọc.", s))
    return WorkbookData(display_name, unit, unit_cell, period, period_cell, sample, sheets, issues)
