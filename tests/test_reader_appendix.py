"""Appendix II and III of the September 2023 report, typed into a spreadsheet (title rows,
two-row merged headers, numbering row, numbers and rates as Vietnamese text, formulas with
cached results, blank, subtotal, footnote and signature rows), read as exactly the rows the
report prints, in .xlsx, .xlsm and .ods, with the header wordings people use."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import xlsxwriter

from etl.issues import Issue
from etl.read import read_workbook
from etl.reference import catalogue
from etl.validate import validate

# ---- the workbooks, as agencies type them ----------------------------------------


CREATED = dt.datetime(2023, 10, 2)


@dataclass(frozen=True)
class F:
    """A formula and its cached result."""
    formula: str  # Excel syntax, e.g. '=E9/D9'
    value: float


TITLE_II = ["Phụ lục II", "TÌNH HÌNH TRIỂN KHAI 25 DỊCH VỤ CÔNG TRỰC TUYẾN THIẾT YẾU",
            "THEO QUYẾT ĐỊNH SỐ 06/QĐ-TTg NGÀY 06/01/2022 CỦA THỦ TƯỚNG CHÍNH PHỦ",
            "(kèm theo Báo cáo số: /BC-UBND ngày tháng 9 năm 2023 của Tổ công tác Đề án 06 tỉnh Thanh Hóa)"]
TITLE_III = ["Phụ lục III", "TÌNH HÌNH TRIỂN KHAI CÁC DỊCH VỤ CÔNG TRỰC TUYẾN THIẾT YẾU",
             "THEO QUYẾT ĐỊNH SỐ 422/QĐ-TTg NGÀY 04/4/2022 CỦA THỦ TƯỚNG CHÍNH PHỦ",
             "(kèm theo Báo cáo số: /BC-UBND ngày tháng 9 năm 2023 của Tổ công tác Đề án 06 tỉnh Thanh Hóa)"]
WIDTH = 9  # STT, service, portal connection, total, online, rate, on time, overdue, difficulties


def _header(total_word: str, online_word: str, rate_word: str) -> tuple[list[list], list[tuple]]:
    top = ["STT", "Dịch vụ công trực tuyến", "Kết nối với Cổng DVC quốc gia (đã kết nối, chưa kết nối)",
           "Tổng số hồ sơ (bao gồm cả trực tiếp và trực tuyến)", None, None, "Tình hình xử lý hồ sơ trực tuyến", None,
           "Khó khăn, vướng mắc"]
    sub = [None, None, None, total_word, online_word, rate_word, "Đúng hạn", "Quá hạn", None]
    numbers = ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)=(5)/(4)", "(7)", "(8)", "(9)"]
    return [top, sub, numbers], [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 0, 5), (0, 6, 0, 7), (0, 8, 1, 8)]


def appendix_ii(total_word: str = "Tổng hồ sơ", online_word: str = "Trực tuyến", rate_word: str = "Tỷ lệ") -> tuple[list[list], list[tuple]]:
    """Rows (lists of cell values) and merged ranges (zero-based r0, c0, r1, c1) of Appendix II."""
    rows: list[list] = [[t] for t in TITLE_II] + [[]]
    head, merges = _header(total_word, online_word, rate_word)
    first = len(rows)
    merges = [(r0 + first, c0, r1 + first, c1) for r0, c0, r1, c1 in merges] + [(i, 0, i, WIDTH - 1) for i in range(4)]
    rows += head
    ok = "Đã kết nối"

    def fr(total, online, on_time=None):
        """Numbers as numbers, the rate as a formula with its cached result (Excel row r)."""
        r = len(rows) + 1
        return [total, online, F(f"=E{r}/D{r}", online / total), on_time, None]

    rows += [
        [1, "Xác nhận số Chứng minh nhân dân khi đã được cấp thẻ CCCD", ok, None, 63, None, None, None, None],
        [2, "Cấp lại, đổi thẻ căn cước công dân", ok, "11.343", "3.846", "33,9%", None, None, None],
        [3, "Dang ky thuong tru", ok, "31.809", "31.693", "99,64%", None, None, None],  # typed without diacritics
        [4, "Đăng ký tạm trú", ok, "1.518", "1.497", "98,62%", None, None, None],
        [5, "Khai báo tạm vắng", ok, "289", "265", "91,7%", None, None, None],
    ]
    rows.append([6, "Thông báo lưu trú", ok, *fr(5780, 5780, 5780)])
    rows.append([7, "Đăng ký, cấp biển số mô tô, xe gắn máy", ok, *fr(5353, 5078, 5078)])
    rows.append([8, "Thu tiền nộp phạt xử lý vi phạm hành chính trong lĩnh vực giao thông đường bộ qua thiết bị ghi hình", ok,
                 4152, 3248, "78,25%", 3248, None, None])  # as printed: 78,23 % would be exact
    rows.append([9, "Đăng ký khai sinh", ok, *fr(2758, 2758, 2758)])
    rows.append([])  # a blank row
    rows.append([10, "Đăng ký khai tử", ok, *fr(1128, 1128, 1128)])
    rows.append([11, "Đăng ký kết hôn", ok, *fr(427, 427, 427)])
    rows.append([12, "Cấp, cấp lại, sửa đổi, bổ sung hộ chiếu phổ thông", ok, "6.889", "6.712", "97,43%", "6.712", None, None])
    rows += [
        [13, "Thủ tục làm con dấu mới và cấp Giấy chứng nhận đã đăng ký mẫu dấu", ok, 45, 45, "100%", 45, None, None],
        [14, "Thủ tục làm con dấu thu nhỏ, dấu nổi, dấu xi và cấp Giấy chứng nhận đã đăng ký mẫu con dấu", ok, 0, 0, 0, 0, None, None],
        [15, "Liên thông đăng ký khai sinh đăng ký thường trú - cấp thẻ bảo hiểm y tế cho trẻ dưới 6 tuổi", "Đã thực hiện",
         "4.227", "4.227", "100%", None, None, None],
        [16, "Liên thông đăng ký khai tử - Xóa đăng ký thường trú - Trợ cấp mai táng phí", "Đã thực hiện", 381, 381, "100%", None, None, None],
        [17, "Tích hợp tính giảm trừ mức đóng trong gia hạn thẻ bảo hiểm y tế theo hộ gia đình", ok, None, None, None, None, None,
         "Hệ thống phần mềm phục vụ DVC hoạt động chưa ổn định."],
        [18, "Đăng ký thuế lần đầu, đăng ký thay đổi thông tin đăng ký thuế đối với người nộp thuế là hộ gia đình, cá nhân", ok,
         "1.928", "1.928", "100%", "1.928", None, None],
        # the parenthetical '(đổi tên hoặc giấy tờ pháp nhân, …)' left off
        [19, "Đăng ký biến động về quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do thay đổi thông tin về người được cấp Giấy chứng nhận",
         ok, "1.352", "529", "39,13%", None, None, None],
        [20, "Cấp đổi, cấp lại giấy phép lái xe", ok, "1806", "582", "32,23%", None, None, None],
        [21, "Đăng kí dự thi tốt nghiệp THPT quốc gia và xét tuyển đại học, cao đẳng", ok, 0, 0, 0, 0, None, "Trong tháng không phát sinh"],
        [22, "Cấp phiếu lý lịch tư pháp", ok, "3.901", "3.901", "100%", "3.901", None, None],
        [23, "Giải quyết hưởng trợ cấp thất nghiệp", ok, "2.236", "407", "18,2%", None, None, None],
        # '(Thí điểm cơ chế kết nối, …)' left off
        [24, "Cấp điện mới từ lưới điện hạ áp (220/380V)", ok, 612, 612, "100%", 612, None, None],
        [25, "thay doi chu the hop dong mua ban dien", ok, 22, 22, "100%", 22, None, None],
    ]
    r = len(rows) + 1
    rows.append([None, "Tổng cộng", None, F(f"=SUM(D{first + 4}:D{r - 1})", 90_000), F(f"=SUM(E{first + 4}:E{r - 1})", 80_000), None, None, None, None])
    rows += [[], ["Ghi chú: số liệu lấy từ Hệ thống thông tin giải quyết TTHC của tỉnh đến ngày 15/9/2023."],
             [None, None, None, None, None, None, "NGƯỜI LẬP BIỂU"], [None, None, None, None, None, None, "Nguyễn Văn A"]]
    return rows, merges


def appendix_iii() -> tuple[list[list], list[tuple]]:
    """Appendix III: services grouped under agency heading rows (merged across the table)."""
    rows: list[list] = [[t] for t in TITLE_III] + [[]]
    head, merges = _header("Tổng số hồ sơ", "Trực tuyến", "Tỷ lệ")
    first = len(rows)
    merges = [(r0 + first, c0, r1 + first, c1) for r0, c0, r1, c1 in merges]
    rows += head

    def group(name):
        merges.append((len(rows), 0, len(rows), WIDTH - 1))
        rows.append([name])

    no = "Chưa kết nối"
    group("Sở Lao động – Thương binh và Xã hội")
    rows.append([1, "Thăm viếng mộ liệt sĩ, cụ thể: - Cấp giấy giới thiệu thăm viếng mộ liệt sĩ - Thực hiện chi hỗ trợ thăm viếng mộ liệt sĩ",
                 "Đã kết nối", 47, 4, "8,5%", 47, 0, None])
    rows.append([2, "Liên thông nhóm thủ tục Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam và cấp phiếu lý lịch tư pháp.",
                 no, None, None, None, None, None, "Chưa có văn bản của Bộ Lao động - Thương binh và Xã hội về triển khai thực hiện liên thông"])
    group("Sở Kế hoạch và đầu tư")
    rows.append([3, "Liên thông nhóm thủ tục Đăng ký thành lập hộ kinh doanh và Đăng ký thuế", no, None, None, None, None, None,
                 "Chưa triển khai trên môi trường điện tử"])
    rows.append([4, "Liên thông các thủ tục Đăng ký thành lập hợp tác xã/liên hiệp hợp tác xã và đăng ký thuế", no, 44, 44, "100%", 44, 0,
                 "Đang thực hiện liên thông trên phần mềm của Bộ"])
    group("Sở Tài nguyên và Môi trường")
    rows.append([6, "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất trong các trường hợp chuyển nhượng, cho thuê, "
                    "cho thuê lại, thừa kế, tặng cho quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "Đã kết nối",
                 "8.020", "2.686", "33,49%", None, None, None])
    rows.append([9, "Thanh toán nghĩa vụ tài chính trong thực hiện thủ tục hành chính về đất đai đối với doanh ngiệp", no,
                 None, None, None, None, None, "Bộ Tài nguyên và Môi trường chưa có hướng dẫn thực hiện"])
    return rows, merges


def write_xlsx(path: Path, sheet: str, rows: list[list], merges: list[tuple]) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": CREATED})
    pct = wb.add_format({"num_format": "0.00%"})
    ws = wb.add_worksheet(sheet)
    merged_at = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in merges}
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if (r, c) in merged_at:
                r1, c1 = merged_at[(r, c)]
                ws.merge_range(r, c, r1, c1, v if not isinstance(v, F) else None)
            elif isinstance(v, F):
                ws.write_formula(r, c, v.formula, pct, v.value)
            elif isinstance(v, str):
                ws.write_string(r, c, v)
            elif v is not None:
                ws.write_number(r, c, v)
    wb.close()
    return path


def write_xlsm(path: Path, sheet: str, rows: list[list], merges: list[tuple]) -> Path:
    """The .xlsx package labelled as a macro-enabled workbook, as Excel saves an .xlsm."""
    buf = io.BytesIO()
    tmp = path.with_suffix(".tmp.xlsx")
    write_xlsx(tmp, sheet, rows, merges)
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                blob = blob.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            dst.writestr(info, blob)
    tmp.unlink()
    path.write_bytes(buf.getvalue())
    return path


def _ods_formula(f: str) -> str:
    """'=E9/D9' -> 'of:=[.E9]/[.D9]'; '=SUM(D8:D20)' -> 'of:=SUM([.D8:.D20])'."""
    body = re.sub(r"([A-Z]+[0-9]+):([A-Z]+[0-9]+)", r"[.\1:.\2]", f[1:])
    body = re.sub(r"(?<![.:A-Z])([A-Z]+[0-9]+)(?![0-9]*\])", r"[.\1]", body)
    return "of:=" + body


def write_ods(path: Path, sheet: str, rows: list[list], merges: list[tuple]) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name=sheet)
    spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in merges}
    covered = {(r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - set(spans)
    for r, row in enumerate(rows):
        tr = TableRow()
        for c in range(max(len(row), WIDTH)):
            if (r, c) in covered:
                tr.addElement(CoveredTableCell())
                continue
            v = row[c] if c < len(row) else None
            attrs = {}
            if (r, c) in spans:
                attrs = {"numberrowsspanned": spans[(r, c)][0], "numbercolumnsspanned": spans[(r, c)][1]}
            if isinstance(v, F):
                cell = TableCell(valuetype="float", value=v.value, formula=_ods_formula(v.formula), **attrs)
                cell.addElement(P(text=str(v.value)))
            elif isinstance(v, str):
                cell = TableCell(valuetype="string", **attrs)
                cell.addElement(P(text=v))
            elif v is not None:
                cell = TableCell(valuetype="float", value=v, **attrs)
                cell.addElement(P(text=str(v)))
            else:
                cell = TableCell(**attrs)
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


WRITERS = {".xlsx": write_xlsx, ".xlsm": write_xlsm, ".ods": write_ods}


# ---- the tests ------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SEPT = dt.date(2023, 9, 1)
TODAY = dt.date(2023, 10, 10)


def _official() -> dict[str, tuple]:
    with open(ROOT / "data" / "reference" / "official_service_volume_2023_09.csv", encoding="utf-8") as f:
        return {r["service_code"]: tuple(int(r[k]) if r[k] else None for k in ("total_dossiers", "online_dossiers", "on_time", "overdue"))
                for r in csv.DictReader(f)}


# Excel row of each service in the typed Appendix II (row 18 is blank, E06-17 has no figures).
APPENDIX_II_ROWS = [9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23, 24, 25, 27, 28, 29, 30, 31, 32, 33, 34]


def _records(path: Path):
    wb = read_workbook(path)
    v = validate(wb, catalogue(), declared_unit="395", declared_period=SEPT, today=TODAY)
    return wb, v, [(r["_row"], r["service_code"], r.get("total_dossiers"), r.get("online_dossiers"), r.get("on_time"), r.get("overdue"))
                   for r in v.records.get("services", [])]


REPORT_WORDS = ("Tổng hồ sơ", "Trực tuyến", "Tỷ lệ")


@pytest.mark.parametrize(("ext", "words"), [
    (".xlsx", REPORT_WORDS), (".xlsm", REPORT_WORDS), (".ods", REPORT_WORDS),
    (".xlsx", ("Tổng số hồ sơ", "Số hồ sơ trực tuyến", "Tỷ lệ (%)")), (".xlsx", ("Tổng số", "Online", "Tỉ lệ")),
])
def test_appendix_ii_reads_as_the_official_figures(tmp_path, ext, words):
    rows, merges = appendix_ii(*words)
    path = WRITERS[ext](tmp_path / f"Phu luc II{ext}", "Phụ lục II", rows, merges)
    wb, v, recs = _records(path)
    assert [(s.sheet_name, s.topic.key) for s in wb.sheets] == [("Phụ lục II", "services")]
    assert v.issues == []
    official = _official()
    expected = [(row, code, *official[code]) for row, code in zip(APPENDIX_II_ROWS, sorted(c for c in official if c.startswith("E06")))]
    assert recs == expected
    assert (v.unit_code, v.period) == ("395", SEPT)


@pytest.mark.parametrize("ext", [".xlsx", ".ods"])
def test_appendix_iii_rows_groups_and_its_printed_contradiction(tmp_path, ext):
    rows, merges = appendix_iii()
    path = WRITERS[ext](tmp_path / f"Phu luc III{ext}", "Phụ lục III", rows, merges)
    wb, v, recs = _records(path)
    [sheet] = wb.sheets
    assert [(r.excel_row, r.group, r.cells["service_name"][0][:30], r.cells["total_dossiers"][0] or None) for r in sheet.rows] == [
        (10, "Sở Lao động – Thương binh và Xã hội", "Thăm viếng mộ liệt sĩ, cụ thể:", 47),
        (11, "Sở Lao động – Thương binh và Xã hội", "Liên thông nhóm thủ tục Cấp gi", None),
        (13, "Sở Kế hoạch và đầu tư", "Liên thông nhóm thủ tục Đăng k", None),
        (14, "Sở Kế hoạch và đầu tư", "Liên thông các thủ tục Đăng ký", 44),
        (16, "Sở Tài nguyên và Môi trường", "Đăng ký biến động quyền sử dụn", "8.020"),
        (17, "Sở Tài nguyên và Môi trường", "Thanh toán nghĩa vụ tài chính ", None),
    ]
    # As printed: 47 dossiers on time out of 4 online (README, 'Where the report contradicts itself').
    assert v.errors == [Issue("error", "Đúng hạn + quá hạn (47) lớn hơn số hồ sơ trực tuyến (4). "
                                       "Hãy ghi số hồ sơ trực tuyến đã giải quyết đúng hạn, quá hạn.", "Phụ lục III", "G10")]
    official = _official()
    assert recs == [(14, "Q422-04", *official["Q422-04"]), (16, "Q422-06", *official["Q422-06"])]


def test_signature_block_under_the_figure_columns_is_not_a_row(tmp_path):
    rows, merges = appendix_ii()
    path = WRITERS[".xlsx"](tmp_path / "pl2.xlsx", "Phụ lục II", rows, merges)
    wb = read_workbook(path)
    assert rows[-2][6] == "NGƯỜI LẬP BIỂU"
    assert [r.excel_row for r in wb.sheets[0].rows] == APPENDIX_II_ROWS[:16] + [26] + APPENDIX_II_ROWS[16:]
