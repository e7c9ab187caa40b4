"""Read a submission workbook (.xlsx, .xlsm, .xls, .ods) into rows of raw cell values.

Accepts the project's template and the tables agencies already send instead of it, such as
an appendix of the monthly report typed into Excel: title rows above the table, one- to
three-row headers (a merged group title over its sub-columns), header wording that differs,
an 'STT' column, a row of column numbers under the header, blank rows, group-heading rows (an
agency's name), subtotal rows, footnote and signature rows below, headers repeated mid-table
(a copied report with page breaks) and formulas (their cached values). Values stay raw here;
etl.validate turns them into typed figures and reports every problem with its cell.

What cannot be read safely is reported, never guessed: merged cells inside the figures, a
formula whose result the file does not store, a file that is not a spreadsheet.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook, PasswordError, SheetVisibleEnum

from etl.issues import Issue, Rejected, cell_ref
from etl.numbers import NotANumber, format_count, parse_rate
from etl.periods import parse_period
from etl.text import fold, fold_no_parens
from etl.topics import CATALOGUE_SHEET, INSTRUCTIONS_SHEET, SAMPLE_MARK, TOPICS, Topic

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_ZIP_MEMBERS = 2000
MAX_ROWS = 5000
# The used range a sheet may span before the reader is allowed near it. python-calamine
# allocates the whole rectangle from A1 to the farthest cell (about 32 bytes a cell), so one cell
# at XFD1048576 asks for ~550 GB. 10.000 rows x 200 columns is at most 2 million cells (~64 MB):
# twice the rows a monthly report may have (MAX_ROWS, judged later with its own message) and
# four times the widest appendix anyone sends.
MAX_SHEET_ROWS = 10_000
MAX_SHEET_COLS = 200
MAX_TEXT_CHARS = 2000  # one cell's text: the longest task name in the catalogue is under 600
HEADER_SEARCH_ROWS = 30
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods")
SUBTOTAL_WORDS = {"tong", "tong cong", "cong", "tong so", "toan tinh", "tong toan tinh", "cong toan tinh", "tong chung", "cong chung",
                  "toan huyen", "toan thi xa", "toan thanh pho", "tong toan huyen", "cong toan huyen"}
SUBTOTAL_PREFIXES = ("tong cong", "cong toan", "tong toan", "tong so chung", "cong chung", "tong chung", "toan huyen")
SEQ_HEADERS = {"stt", "tt", "so tt", "so thu tu", "thu tu"}
UNIT_LABELS = {"don vi", "ma don vi", "don vi bao cao", "ten don vi", "co quan", "co quan bao cao", "ma dv"}
PERIOD_LABELS = {"ky bao cao", "thang bao cao", "ky", "thang", "thoi gian bao cao", "ky bc"}
SKIP_SHEETS = {fold(INSTRUCTIONS_SHEET), fold(CATALOGUE_SHEET)}
FIGURE_KINDS = ("count", "rate", "status")
LABEL_KINDS = ("code", "name")


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
    # Total rows ('Tổng cộng', 'Toàn huyện', 'Cộng'): never loaded, checked against the rows above.
    totals: list[tuple[Row, str]] = field(default_factory=list)


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
    unit_text: str | None = None  # the unit as the file wrote it (a code or a name)
    # Every sheet's own unit and period, as (sheet, cell, text or date): sheets must agree.
    sheet_units: list[tuple[str, str, str]] = field(default_factory=list)
    sheet_periods: list[tuple[str, str, object]] = field(default_factory=list)


def _mb(n: int) -> str:
    return f"{n / 1048576:.1f}".replace(".", ",")


def _size(n: int) -> str:
    """A byte count for people: '850 byte', '23 KB', '300 MB', '1,5 GB'."""
    if n < 1024:
        return f"{n} byte"
    if n < 1048576:
        return f"{n / 1024:.0f} KB"
    if n < 1024 * 1048576:
        return f"{n / 1048576:.0f} MB"
    return f"{n / 1073741824:.1f}".replace(".", ",") + " GB"


def check_container(data: bytes, display_name: str) -> None:
    """Reject what is not a spreadsheet before any parser sees it: size, content type (by the
    bytes, not the name), truncated or encrypted files, zip bombs."""
    size = len(data)
    if size == 0:
        raise Rejected([Issue("error", f"Tệp '{display_name}' rỗng (0 byte). Hãy xuất lại tệp Excel từ biểu mẫu và nộp lại.")])
    head = data[:8]
    if head[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                infos = z.infolist()
                unzipped = sum(i.file_size for i in infos)
                packed = sum(i.compress_size for i in infos) or 1
                if (len(infos) > MAX_ZIP_MEMBERS or unzipped > MAX_UNZIPPED_BYTES
                        or (unzipped / packed > MAX_ZIP_RATIO and unzipped > 10 * 1024 * 1024)):
                    raise Rejected([Issue("error", f"Tệp '{display_name}' có nội dung nén bất thường ({_size(packed)} giải nén ra {_size(unzipped)}): "
                                                   "có thể là tệp độc hại nên không được mở. Hãy nộp đúng biểu mẫu báo cáo tải từ hệ thống.")])
                names = {i.filename for i in infos}
                # Reading checks every member's CRC and stops at its declared size, which is
                # bounded above: a member that lies about its size fails here, not in the parser.
                if z.testzip() is not None:
                    raise zipfile.BadZipFile()
        except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, OSError):
            raise Rejected([Issue("error", f"Tệp '{display_name}' bị hỏng hoặc không đầy đủ (tải lên bị ngắt?). "
                                           "Hãy mở tệp bằng Excel, lưu lại và nộp lại.")])
        if "xl/workbook.xml" not in names and "content.xml" not in names:
            raise Rejected([Issue("error", f"Tệp '{display_name}' là tệp nén nhưng không phải bảng tính Excel/ODS "
                                           "(có thể là tệp Word hoặc tệp .zip đổi tên). Hãy nộp tệp .xlsx theo biểu mẫu.")])
        return
    if head == OLE_MAGIC:
        probe = data[: 4 * 1024 * 1024]
        if "EncryptionInfo".encode("utf-16-le") in probe or "EncryptedPackage".encode("utf-16-le") in probe:
            raise Rejected([Issue("error", f"Tệp '{display_name}' được đặt mật khẩu nên hệ thống không đọc được. "
                                           "Hãy mở tệp, bỏ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc) rồi nộp lại.")])
        return  # legacy .xls
    raise Rejected([Issue("error", f"Tệp '{display_name}' không phải là tệp Excel (.xlsx, .xlsm, .xls) hay .ods, dù tên tệp có thể ghi như vậy. "
                                   "Hãy mở biểu mẫu bằng Excel và lưu đúng định dạng .xlsx.")])


_SHEET_REL = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')
_REL2 = re.compile(rb'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')


_TOKEN = re.compile(rb'<(row|c|f)\b([^>]*?)(/?)>|<v>([^<]*)</v>|<dimension\b[^>]*?\bref="([^"]*)"')
_R_ATTR = re.compile(rb'\br="([A-Z]{1,4})?([0-9]{1,8})"')
_T_ERROR = re.compile(rb'\bt="e"')
_CELL_PARTS = re.compile(r"^([A-Z]{1,4})([0-9]{1,8})$")
SCAN_CHUNK = 1 << 20
MAX_CARRY = 8 << 20  # a cell's XML longer than this is not a cell of a report


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


@dataclass
class SheetExtent:
    """What the sheet's XML says of its size, read before any parser: the declared dimension
    and the farthest row and column that hold a cell, and the cells holding an error value."""
    dimension: str | None = None
    max_row: int = 0
    max_col: int = 0
    errors: dict[str, str] = field(default_factory=dict)  # cell -> '#DIV/0!'
    formulas: set[str] = field(default_factory=set)  # cells holding a formula
    too_long: bool = False  # a single cell's XML beyond MAX_CARRY

    def far_cell(self) -> str:
        return cell_ref(max(self.max_row, 1) - 1, max(self.max_col, 1) - 1)


def _scan_sheet(stream) -> SheetExtent:
    """Stream a worksheet part in 1 MB pieces (never whole in memory): its dimension, the
    farthest cell with content and its error cells."""
    ext = SheetExtent()
    row = col = 0
    pending_error: str | None = None
    current: tuple[int, int] | None = None  # the open cell's (row, column); its reference is written only when needed
    carry = b""
    while True:
        chunk = stream.read(SCAN_CHUNK)
        buf = carry + chunk
        if chunk:
            cut = max(buf.rfind(b"</c>"), buf.rfind(b"/>"), buf.rfind(b"</row>"))
            if cut < 0:
                if len(buf) > MAX_CARRY:
                    ext.too_long = True
                    return ext
                carry = buf
                continue
            cut = buf.index(b">", cut) + 1
            body, carry = buf[:cut], buf[cut:]
        else:
            body, carry = buf, b""
        for m in _TOKEN.finditer(body):
            tag, attrs, closed, value, dim = m.groups()
            if dim is not None:
                ext.dimension = dim.decode("ascii", "replace")
            elif tag == b"row":
                r = re.search(rb'\br="([0-9]{1,8})"', attrs)
                row = int(r.group(1)) if r else row + 1
                col = 0
            elif tag == b"c":
                r = _R_ATTR.search(attrs)
                if r and r.group(1):
                    col, row = _col_number(r.group(1).decode()), int(r.group(2))
                else:
                    col += 1
                pending_error = None
                current = (row, col)
                if not closed:  # a cell with content (an empty styled cell is '<c .../>')
                    ext.max_row, ext.max_col = max(ext.max_row, row), max(ext.max_col, col)
                    if _T_ERROR.search(attrs):
                        pending_error = cell_ref(row - 1, col - 1)
            elif tag == b"f":
                if current:
                    ext.formulas.add(cell_ref(current[0] - 1, current[1] - 1))
            elif value is not None and pending_error:
                ext.errors[pending_error] = value.decode("utf-8", "replace")[:20]
                pending_error = None
        if not chunk:
            return ext


def _dimension_far(ref: str | None) -> tuple[int, int]:
    """'A1:XFD1048576' -> (1048576, 16384); unreadable -> (0, 0)."""
    if not ref:
        return 0, 0
    m = _CELL_PARTS.match(ref.split(":")[-1].replace("$", "").strip().upper())
    return (int(m.group(2)), _col_number(m.group(1))) if m else (0, 0)


def _sheet_parts(z: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, worksheet part) of an .xlsx/.xlsm, in workbook order."""
    book, rels = z.read("xl/workbook.xml"), z.read("xl/_rels/workbook.xml.rels")
    targets = {i: t for i, t in _REL.findall(rels)} | {i: t for t, i in _REL2.findall(rels)}
    out = []
    for name, rid in _SHEET_REL.findall(book):
        target = targets.get(rid, b"").decode()
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        out.append((_xml_unescape(name), part))
    return out


def sheet_extents(data: bytes, display_name: str) -> dict[str, SheetExtent]:
    """Every sheet's extent (SheetExtent), read from the zip before python-calamine sees the
    file; a sheet whose used range or declared dimension goes beyond MAX_SHEET_ROWS x
    MAX_SHEET_COLS is refused here, naming its farthest cell: the reader would allocate the
    whole rectangle. Not an .xlsx/.xlsm (an .xls, an .ods): {}."""
    out: dict[str, SheetExtent] = {}
    if data[:2] != b"PK":
        return out
    issues = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "xl/workbook.xml" not in names:
                return out
            for sheet, part in _sheet_parts(z):
                if part not in names:
                    continue
                with z.open(part) as f:
                    ext = _scan_sheet(f)
                out[sheet] = ext
                d_row, d_col = _dimension_far(ext.dimension)
                rows, cols = max(ext.max_row, d_row), max(ext.max_col, d_col)
                if ext.too_long:
                    issues.append(Issue("error", f"Trang tính có một ô dài bất thường (hơn {_size(MAX_CARRY)}) nên không được mở. "
                                                 "Hãy sao chép số liệu sang biểu mẫu mới rồi nộp lại.", sheet))
                elif rows > MAX_SHEET_ROWS or cols > MAX_SHEET_COLS:
                    far = cell_ref(rows - 1, cols - 1)
                    issues.append(Issue("error", f"Vùng dữ liệu của trang tính kéo dài đến ô {far} ({format_count(rows)} dòng, "
                                                 f"{format_count(cols)} cột), vượt quá giới hạn của một báo cáo tháng "
                                                 f"({format_count(MAX_SHEET_ROWS)} dòng, {MAX_SHEET_COLS} cột) nên tệp không được mở. "
                                                 f"Hãy xóa các ô thừa ở xa bảng số liệu (chọn từ dòng, cột sau bảng đến {far}, "
                                                 "bấm Delete và xóa dòng, cột), lưu lại rồi nộp lại.", sheet, far))
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return out
    if issues:
        raise Rejected(issues)
    return out


def _xml_unescape(b: bytes) -> str:
    return b.decode("utf-8").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def uncached_formulas(data: bytes) -> dict[str, list[str]]:
    """Cells of an .xlsx/.xlsm that hold a formula but no stored result, per sheet name (files
    written by programs that do not calculate; Excel and LibreOffice always store results)."""
    out: dict[str, list[str]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
            blobs = {n: z.read(n) for n in parts}
            if not any(b"<f" in b for b in blobs.values()):
                return out
            book, rels = z.read("xl/workbook.xml"), z.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile):
        return out
    targets = {i: t for i, t in _REL.findall(rels)} | {i: t for t, i in _REL2.findall(rels)}
    for name, rid in _SHEET_REL.findall(book):
        target = targets.get(rid, b"").decode()
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        blob = blobs.get(part)
        if not blob or b"<f" not in blob:
            continue
        refs = []
        for attrs, body in _CELL.findall(blob):
            if body and b"<f" in body and b"<v" not in body and b"<is>" not in body:
                m = _REF.search(attrs)
                if m:
                    refs.append(m.group(1).decode())
        if refs:
            out[_xml_unescape(name)] = refs
    return out


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
    if not isinstance(text, str) or not text or len(text) > 200:
        return None
    lookup = _header_lookup(topic)
    return lookup.get(fold(text)) or lookup.get(fold_no_parens(text))


@dataclass
class Header:
    first: int  # zero-based first and last header rows
    last: int
    mapping: dict[int, str]  # column index -> column key
    seq_col: int | None  # the 'STT' column, if any


def _find_header(topic: Topic, grid: list[list]) -> Header | None:
    """The best header among the first rows; it may span up to three rows (merged group titles
    above their sub-columns): the lowest row that names a column wins."""
    best = None
    n = min(HEADER_SEARCH_ROWS, len(grid))
    # Each cell's column key, once (not once per candidate span): the header search is most of
    # the reading time of a workbook otherwise.
    keys = [{c: k for c, v in enumerate(grid[i]) if isinstance(v, str) and (k := _header_key(topic, v))}
            for i in range(min(n + 2, len(grid)))]
    for r in range(n):
        for span in (1, 2, 3):
            if r + span > len(grid):
                continue
            mapping: dict[int, str] = {}
            for c in sorted(set().union(*(keys[r + k] for k in range(span)))):
                for k in reversed(range(span)):
                    key = keys[r + k].get(c)
                    if key:
                        if key not in mapping.values():
                            mapping[c] = key
                        break
            score = len(mapping)
            if best is None or score > best[0] or (score == best[0] and span < best[2]):
                best = (score, r, span, mapping)
    if not best or best[0] < 2:
        return None
    score, r, span, mapping = best
    kinds = {topic.column(k).kind for k in mapping.values()}
    if not kinds & set(LABEL_KINDS) or not kinds & set(FIGURE_KINDS):
        return None
    seq_col = None
    for c in range(max(len(grid[r + k]) for k in range(span))):
        if c in mapping:
            continue
        for k in range(span):
            row = grid[r + k]
            v = row[c] if c < len(row) else None
            if isinstance(v, str) and fold(v) in SEQ_HEADERS:
                seq_col = c
        if seq_col is not None:
            break
    return Header(r, r + span - 1, mapping, seq_col)


def _duplicate_header(topic: Topic, grid: list[list], header: Header) -> tuple[str, str, str] | None:
    """A column header written twice in one header row ('Tổng số hồ sơ' in C5 and in F5): the
    header search keeps the first, so the second column's figures would be dropped unseen.
    (column key, first cell, second cell) or None."""
    for r in range(header.first, header.last + 1):
        seen: dict[str, int] = {}
        for c, v in enumerate(grid[r]):
            key = _header_key(topic, v)
            if key is None:
                continue
            if key in seen and (seen[key] in header.mapping or c in header.mapping):
                return key, cell_ref(r, seen[key]), cell_ref(r, c)
            seen.setdefault(key, c)
    return None


def _is_blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _split_label(v) -> tuple[str, object] | None:
    """'Đơn vị: Huyện Thọ Xuân' -> ('don vi', 'Huyện Thọ Xuân')."""
    if not isinstance(v, str) or ":" not in v:
        return None
    label, rest = v.split(":", 1)
    return fold(label), rest.strip()


def _cell_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _read_header_block(grid: list[list], stop_row: int):
    """Unit and period from the rows above the table: 'Đơn vị:' | '395' (the template), or one
    cell 'Đơn vị: Huyện Thọ Xuân' / 'Kỳ báo cáo: tháng 9 năm 2023' (typed by hand)."""
    unit = period = None
    unit_cell = period_cell = None
    period_raw = None
    sample = False
    for r in range(min(stop_row, len(grid))):
        row = grid[r]
        for c, v in enumerate(row):
            if _is_blank(v):
                continue
            if isinstance(v, str) and SAMPLE_MARK in v.upper():
                sample = True
            if not isinstance(v, str):
                continue
            label, value, ref = fold(v), None, None
            split = _split_label(v)
            if split and split[1] not in ("", None):
                label, value, ref = split[0], split[1], cell_ref(r, c)
            elif label in UNIT_LABELS or label in PERIOD_LABELS or (split and split[1] == ""):
                label = split[0] if split else label
                k = next((k for k in range(c + 1, len(row)) if not _is_blank(row[k])), None)
                if k is not None:
                    value, ref = row[k], cell_ref(r, k)
            if value is None:
                continue
            if label in UNIT_LABELS and unit is None:
                unit, unit_cell = _cell_text(value), ref
            elif label in PERIOD_LABELS and period is None and period_raw is None:
                period, period_cell, period_raw = parse_period(value), ref, value
    return unit, unit_cell, period, period_cell, period_raw, sample


_NUMBERING = re.compile(r"^\(?[0-9A-Za-z]{1,3}\)?(\s*[=x*/+\-:]\s*\(?[0-9A-Za-z]{1,3}\)?)*$")


def _is_numbering_row(values: list) -> bool:
    """The row of column numbers under a Vietnamese table header: 1 2 3 … or (1) (2) (3)=(2)/(1)."""
    non_blank = [v for v in values if not _is_blank(v)]
    if len(non_blank) < 3:
        return False
    ints = []
    for v in non_blank:
        t = _cell_text(v)
        if not _NUMBERING.match(t):
            return False
        m = re.match(r"^\(?([0-9]+)\)?", t)
        if m:
            ints.append(int(m.group(1)))
    return len(ints) >= 3 and ints == sorted(ints) and len(set(ints)) == len(ints) and max(ints) <= 40


def _is_subtotal(text: str) -> bool:
    f = fold(text)
    return f in SUBTOTAL_WORDS or f.startswith(SUBTOTAL_PREFIXES) or fold_no_parens(text) in SUBTOTAL_WORDS


def _looks_numeric(v) -> bool:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return True
    try:
        return parse_rate(v) is not None
    except NotANumber:
        return False


def _read_sheet(name: str, topic: Topic, grid: list[list], header: Header, merged, formulas: list[str],
                issues: list[Issue], errors: dict[str, str] | None = None,
                formula_cells: set[str] | None = None) -> SheetData:
    mapping = header.mapping
    kind = {c: topic.column(k).kind for c, k in mapping.items()}
    figure_cols = sorted(c for c, k in kind.items() if k in FIGURE_KINDS)
    first_figure = figure_cols[0] if figure_cols else max(mapping) + 1
    sheet = SheetData(topic, name)

    # Merged cells inside the figures: only the first cell holds the value, so the rows they
    # cover cannot be read as the person meant them.
    bad_rows: set[int] = set()
    for (r0, c0), (r1, c1) in merged or ():
        if r1 <= header.last:
            continue  # merged header cells are normal
        cols = [c for c in range(c0, c1 + 1) if c in mapping]
        if not cols:
            continue
        touches_figures = any(kind[c] in FIGURE_KINDS for c in cols)
        v = grid[r0][c0] if r0 < len(grid) and c0 < len(grid[r0]) else None
        if r1 == r0 and (not touches_figures or not _looks_numeric(v)):
            continue  # a heading or a footnote written across the row
        if r0 <= header.last:
            continue  # a header cell merged down into the table: its rows are header rows
        issues.append(Issue("error", f"Các ô {cell_ref(r0, c0)}:{cell_ref(r1, c1)} được gộp (Merge) trong vùng số liệu nên chỉ ô đầu có giá trị. "
                                     "Hãy bỏ gộp ô và ghi số liệu riêng cho từng ô.", name, cell_ref(r0, c0)))
        bad_rows.update(range(r0, r1 + 1))

    uncached = set(formulas)
    missing_results: list[str] = []
    group = None
    first_body = True
    for r in range(header.last + 1, len(grid)):
        raw = grid[r]
        if all(_is_blank(v) for v in raw):
            continue
        if first_body:
            first_body = False
            if _is_numbering_row(raw):
                continue
        if r in bad_rows:
            continue
        bad = False
        cells = {key: (raw[c] if c < len(raw) else None, cell_ref(r, c)) for c, key in mapping.items()}
        # a header repeated mid-table (a copied report with page breaks)
        hits = sum(1 for c, key in mapping.items() if c < len(raw) and _header_key(topic, raw[c]) == key)
        if hits >= 2:
            issues.append(Issue("warning", "Dòng tiêu đề cột lặp lại giữa bảng; hệ thống đã bỏ qua dòng này.", name, cell_ref(r, min(mapping))))
            continue
        lead = next((raw[c] for c in range(min(first_figure, len(raw))) if not _is_blank(raw[c]) and isinstance(raw[c], str)), None)
        if lead is not None and _is_subtotal(lead):
            if formula_cells is not None:
                # A total Excel computes (=SUM(...)) agrees with its rows by construction; a
                # typed one is checked. Known only for .xlsx/.xlsm (the zip was scanned).
                typed = {k: vr for k, vr in cells.items() if vr[1] not in formula_cells}
                sheet.totals.append((Row(r + 1, typed, group), lead.strip()[:60]))
            continue  # subtotal rows are recomputed, never loaded (etl.validate checks them)
        has_label = any(not _is_blank(v) for key, (v, _) in cells.items() if topic.column(key).kind in LABEL_KINDS)
        # Without a code or name, only a number makes a row data: words under the figure
        # columns are a signature block ('NGƯỜI LẬP BIỂU') or a note, not figures.
        has_figure = any(not _is_blank(raw[c]) and (has_label or _looks_numeric(raw[c])) for c in figure_cols if c < len(raw))
        if not has_figure and not has_label:
            non_blank = [v for v in raw if not _is_blank(v)]
            if len(non_blank) == 1 and isinstance(non_blank[0], str):
                group = non_blank[0].strip()  # a group heading (an agency) or a footnote
            elif header.seq_col is not None and len(non_blank) == 2 and isinstance(non_blank[-1], str):
                group = non_blank[-1].strip()  # 'I | Sở Tư pháp'
            continue  # headings, footnotes, signatures: nothing to load
        for c in figure_cols:
            if (c >= len(raw) or _is_blank(raw[c])) and cell_ref(r, c) in uncached:
                missing_results.append(cell_ref(r, c))
        for c in figure_cols:
            ref = cell_ref(r, c)
            if errors and ref in errors:  # python-calamine reads a cached error value as blank
                issues.append(Issue("error", f"Ô có giá trị lỗi {errors[ref]} (kết quả công thức bị lỗi), không phải số. "
                                             "Hãy sửa công thức hoặc nhập số liệu rồi nộp lại.", name, ref))
                bad = True
        if errors and bad:
            continue
        sheet.rows.append(Row(r + 1, cells, group))
    if missing_results:
        more = f" và {len(missing_results) - 1} ô khác" if len(missing_results) > 1 else ""
        issues.append(Issue("error", f"Ô này{more} có công thức nhưng tệp không lưu kết quả tính (tệp do phần mềm không tính công thức tạo ra). "
                                     "Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi nộp.", name, missing_results[0]))
    return sheet


def read_workbook(path: Path, display_name: str | None = None, data: bytes | None = None) -> WorkbookData:
    path = Path(path)
    display_name = display_name or path.name
    if os.path.splitext(display_name)[1].lower() not in EXTENSIONS:
        raise Rejected([Issue("error", f"Tệp '{display_name}' không có đuôi .xlsx, .xlsm, .xls hoặc .ods. Hãy nộp tệp Excel theo biểu mẫu.")])
    size = path.stat().st_size if data is None else len(data)
    if size > MAX_FILE_BYTES:  # judged before a byte is read
        raise Rejected([Issue("error", f"Tệp '{display_name}' quá lớn ({_mb(size)} MB, tối đa {MAX_FILE_BYTES // 1048576} MB). "
                                       "Biểu mẫu báo cáo tháng chỉ vài chục KB: hãy xóa các trang tính, hình ảnh không cần thiết.")])
    if data is None:
        data = path.read_bytes()
    check_container(data, display_name)
    extents = sheet_extents(data, display_name)  # before python-calamine allocates anything
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))  # the format is judged by content, not by the name
        meta = {m.name: m for m in wb.sheets_metadata}
    except PasswordError:
        raise Rejected([Issue("error", f"Tệp '{display_name}' được đặt mật khẩu nên hệ thống không đọc được. "
                                       "Hãy mở tệp, bỏ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc) rồi nộp lại.")])
    except Exception:  # calamine raises its own error types for broken files
        raise Rejected([Issue("error", f"Không đọc được tệp '{display_name}': tệp bị hỏng hoặc không phải bảng tính. "
                                       "Hãy mở bằng Excel, lưu lại dạng .xlsx và nộp lại.")])
    formulas = uncached_formulas(data) if data[:2] == b"PK" else {}

    issues: list[Issue] = []
    sheets: list[SheetData] = []
    unit = period = unit_cell = period_cell = None
    sample = False
    unknown_sheets = []
    skipped = []
    sheet_units: list = []
    sheet_periods: list = []
    for name in wb.sheet_names:
        if fold(name) in SKIP_SHEETS:
            skipped.append(name)
            continue
        m = meta.get(name)
        hidden = m is not None and m.visible != SheetVisibleEnum.Visible
        topic = _match_topic(name)
        try:
            sheet = wb.get_sheet_by_name(name)
            grid = sheet.to_python(skip_empty_area=False, nrows=MAX_ROWS + 1)
            merged = sheet.merged_cell_ranges
        except Exception:
            issues.append(Issue("error", "Không đọc được trang tính này (có thể bị hỏng). Hãy sao chép dữ liệu sang biểu mẫu mới.", name))
            continue
        header = None
        if topic is None:
            # A sheet with another name may still hold a known table (e.g. 'Sheet1').
            found = [(len(h.mapping), t, h) for t in TOPICS.values() if (h := _find_header(t, grid))]
            if found:
                _, topic, header = max(found, key=lambda x: x[0])
        if topic is None:
            if not hidden and any(not _is_blank(v) for row in grid for v in row):
                unknown_sheets.append(name)
            continue
        if hidden and any(not _is_blank(v) for row in grid for v in row):
            state = "ẩn sâu (very hidden)" if m.visible == SheetVisibleEnum.VeryHidden else "ẩn (hidden)"
            issues.append(Issue("error", f"Trang tính '{name}' đang bị {state} nhưng có số liệu: người duyệt không nhìn thấy số liệu này "
                                         "nên hệ thống không nạp. Hãy hiện trang tính (chuột phải vào tên trang tính > Unhide) và kiểm tra, "
                                         "hoặc xóa trang tính nếu không dùng, rồi nộp lại.", name))
            continue
        if len(grid) > MAX_ROWS:
            issues.append(Issue("error", f"Trang tính có hơn {MAX_ROWS} dòng, vượt quá giới hạn của một báo cáo tháng. "
                                         "Hãy xóa các dòng thừa (kể cả dòng trống đã định dạng) rồi nộp lại.", name))
            continue
        header = header or _find_header(topic, grid)
        if header is None:
            wanted = ", ".join(repr(c.headers[0]) for c in topic.columns if c.kind in ("code", "name", "count", "status"))
            issues.append(Issue("error", f"Không tìm thấy dòng tiêu đề cột (cần các cột như: {wanted}). "
                                         "Hãy dùng biểu mẫu của hệ thống và không đổi tên cột.", name))
            continue
        long_cells = [cell_ref(r, c) for r, row in enumerate(grid) for c, v in enumerate(row)
                      if isinstance(v, str) and len(v) > MAX_TEXT_CHARS]
        if long_cells:
            more = f" (và {len(long_cells) - 1} ô khác)" if len(long_cells) > 1 else ""
            issues.append(Issue("error", f"Ô có hơn {format_count(MAX_TEXT_CHARS)} ký tự{more}, quá dài cho một ô của báo cáo tháng. "
                                         "Hãy rút gọn nội dung (ghi chú dài gửi kèm bằng văn bản) rồi nộp lại.", name, long_cells[0]))
            continue
        duplicate = _duplicate_header(topic, grid, header)
        if duplicate:
            key, first, second = duplicate
            issues.append(Issue("error", f"Cột '{topic.column(key).headers[0]}' xuất hiện hai lần (ô {first} và ô {second}): "
                                         "hệ thống không biết cột nào là số liệu. Hãy xóa hoặc đổi tên cột thừa rồi nộp lại.", name, second))
            continue
        u, uc, p, pc, praw, s = _read_header_block(grid, header.first)
        sample = sample or s
        if u:
            sheet_units.append((name, uc, u))
        if praw is not None:
            sheet_periods.append((name, pc, p if p is not None else praw))
        if u and unit is None:
            unit, unit_cell = u, (name, uc)
        if praw is not None and period is None and period_cell is None:
            if p is None:
                issues.append(Issue("error", f"Kỳ báo cáo '{_cell_text(praw)}' không đúng dạng tháng (ví dụ 2023-09, 09/2023 hoặc tháng 9 năm 2023).", name, pc))
            period, period_cell = p, (name, pc)
        ext = extents.get(name)
        sheets.append(_read_sheet(name, topic, grid, header, merged, formulas.get(name, []), issues,
                                  ext.errors if ext else {}, ext.formulas if ext else None))

    if not sheets and not issues:
        expected = ", ".join(f"'{t.sheet}'" for t in TOPICS.values())
        if unknown_sheets:
            issues.append(Issue("error", f"Không có trang tính nào đúng biểu mẫu (có: {', '.join(repr(s) for s in unknown_sheets)}; "
                                         f"cần: {expected}). Hãy dùng biểu mẫu tải từ hệ thống."))
        elif skipped:
            issues.append(Issue("error", f"Tệp '{display_name}' thiếu các trang tính số liệu (chỉ có: {', '.join(repr(s) for s in skipped)}; "
                                         f"cần ít nhất một trong: {expected}). Hãy dùng đủ biểu mẫu tải từ hệ thống, không xóa trang tính."))
        else:
            issues.append(Issue("error", f"Tệp '{display_name}' không có dữ liệu (bảng tính trống). Hãy điền số liệu vào biểu mẫu rồi nộp lại."))
    elif unknown_sheets:
        for s in unknown_sheets:
            issues.append(Issue("warning", "Trang tính không thuộc biểu mẫu nên không được đọc.", s))
    return WorkbookData(display_name, unit, unit_cell, period, period_cell, sample, sheets, issues, unit,
                        sheet_units, sheet_periods)
