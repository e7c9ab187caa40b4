"""Write the bad-workbook corpus: small files that each break one rule of the intake.

    .venv/bin/python -m tests.bad_workbooks.make            # (re)write the files in this folder

Every file is written deterministically (fixed creation times, fixed contents) except
password.xlsx, whose encryption uses a random salt (it is written only if missing, or with
--force). The expected messages of each file live in cases.json beside this script; the test
tests/test_intake_bad_workbooks.py loads every case through the real load path.

The two big cases (a 50 MB file, a zip bomb) are never stored: `big_file` and `zip_bomb`
below write them at test time into a temporary folder.
"""
from __future__ import annotations

import datetime as dt
import io
import random
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from etl.template import write_template  # noqa: E402

UNIT = "395"  # Huyện Thọ Xuân
PERIOD = dt.date(2024, 6, 1)
CREATED = dt.datetime(2024, 7, 1)


@dataclass(frozen=True)
class F:
    """A formula cell; `value` is the cached result (None: none stored, as openpyxl writes)."""
    formula: str
    value: object = None


def table(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[tuple]] | None = None,
          hidden: tuple[str, ...] = ()) -> Path:
    """A hand-typed workbook: each sheet a list of rows of cell values (None = blank)."""
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": CREATED, "author": "test"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, F):
                    ws.write_formula(r, c, v.formula, None, v.value if v.value is not None else 0)
                elif isinstance(v, str):
                    ws.write_string(r, c, v)
                elif isinstance(v, (dt.date, dt.datetime)):
                    ws.write_datetime(r, c, v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day),
                                      wb.add_format({"num_format": "dd/mm/yyyy"}))
                else:
                    ws.write_number(r, c, v)
        for m in (merges or {}).get(name, []):
            ws.merge_range(*m)
        if name in hidden:
            ws.hide()
    wb.close()
    return path


def template(path: Path, services: dict | None = None, unit: str = UNIT, period: dt.date = PERIOD, **topics) -> Path:
    values = {"services": services or {}} | topics
    return write_template(path, unit, period, values)


HEAD = ["Đơn vị: 395 - Huyện Thọ Xuân", None, None, None, None]
KY = ["Kỳ báo cáo: 06/2024", None, None, None, None]
SVC_HEADER = ["Mã dịch vụ", "Tên dịch vụ", "Tổng số hồ sơ", "Hồ sơ trực tuyến", "Tỷ lệ", "Đúng hạn", "Quá hạn"]


def services_sheet(*rows, head=HEAD, ky=KY) -> dict:
    return {"Dịch vụ công": [["BÁO CÁO DỊCH VỤ CÔNG"], head, ky, [], SVC_HEADER, *rows]}


def _strip_formula_results(data: bytes) -> bytes:
    """An .xlsx as a program that does not calculate writes it: formulas without <v> results."""
    import re

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                blob = re.sub(rb"(<f>[^<]*</f>)<v>[^<]*</v>", rb"\1", blob)
            z.writestr(info, blob)
    return out.getvalue()


def _with_content_type(data: bytes, old: bytes, new: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                blob = blob.replace(old, new)
            z.writestr(info, blob)
    return out.getvalue()


def to_xlsm(xlsx: bytes) -> bytes:
    """An .xlsx re-labelled as a macro-enabled workbook (what Excel saves as .xlsm; no macros needed)."""
    return _with_content_type(xlsx, b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                              b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")


def encrypt(xlsx: Path, out: Path, password: str = "matkhau") -> Path:
    """Excel's 'Encrypt with password' (agile encryption in an OLE container), via msoffcrypto-tool."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(xlsx, "rb") as src, open(out, "wb") as dst:
        OOXMLFile(src).encrypt(password, dst)
    return out


# ---- the two big cases, written at test time -------------------------------------------

def big_file(path: Path, megabytes: int = 50) -> Path:
    """A real workbook made 50 MB by an embedded picture-like blob that does not compress."""
    tmp = path.with_suffix(".tmp.xlsx")
    template(tmp, {"E06-03": {"total_dossiers": 10, "online_dossiers": 5}})
    blob = random.Random(6).randbytes(megabytes * 1024 * 1024)
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, src.read(info.filename))
        z.writestr(zipfile.ZipInfo("xl/media/image1.png", (2024, 7, 1, 0, 0, 0)), blob, compress_type=zipfile.ZIP_STORED)
    tmp.unlink()
    return path


def zip_bomb(path: Path, megabytes: int = 300) -> Path:
    """A tiny .xlsx whose sheet unpacks to hundreds of MB of blanks."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        chunk = b" " * (1024 * 1024)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", (2024, 7, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0"?><worksheet><sheetData>')
            for _ in range(megabytes):
                f.write(chunk)
            f.write(b"</sheetData></worksheet>")
    return path


# ---- the stored corpus -----------------------------------------------------------------

def build(folder: Path = HERE, force: bool = False) -> list[str]:
    out: list[str] = []

    def p(name: str) -> Path:
        out.append(name)
        return folder / name

    # Containers
    p("not_excel.xlsx").write_bytes(b"%PDF-1.4\n% Bao cao thang 6/2024\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n")
    p("empty_file.xlsx").write_bytes(b"")
    good = template(folder / "_good.tmp.xlsx", {"E06-03": {"total_dossiers": 120, "online_dossiers": 100}})
    data = good.read_bytes()
    p("truncated.xlsx").write_bytes(data[: len(data) // 2])
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr(zipfile.ZipInfo("[Content_Types].xml", (2024, 7, 1, 0, 0, 0)), "<Types/>")
        z.writestr(zipfile.ZipInfo("word/document.xml", (2024, 7, 1, 0, 0, 0)), "<w:document/>")
    p("word_document.xlsx").write_bytes(docx.getvalue())
    pw = p("password.xlsx")
    if force or not pw.exists():
        encrypt(good, pw)
    good.unlink()
    p("wrong_extension.csv").write_text("Mã dịch vụ,Tổng số hồ sơ\nE06-03,120\n", encoding="utf-8")

    # Workbooks without a readable table
    table(p("empty_workbook.xlsx"), {"Sheet1": []})
    table(p("wrong_sheet_names.xlsx"), {"Báo cáo tháng": [["Thọ Xuân báo cáo tháng 6"], ["Nội dung", "Số lượng"], ["Hồ sơ", 120]],
                                        "Sheet2": [["ghi chú"]]})
    table(p("missing_sheets.xlsx"), {"Hướng dẫn": [["HƯỚNG DẪN ĐIỀN BIỂU MẪU"], ["Đơn vị: 395 - Huyện Thọ Xuân"]]})
    table(p("no_header_row.xlsx"), {"Dịch vụ công": [["BÁO CÁO"], HEAD, KY, [], ["Nội dung", "Số lượng", "Ghi chú"], ["Đăng ký thường trú", 120, None]]})
    table(p("missing_columns.xlsx"), {"Dịch vụ công": [["BÁO CÁO"], HEAD, KY, [], ["Mã dịch vụ", "Tên dịch vụ", "Tổng số hồ sơ", "Đúng hạn"],
                                                       ["E06-03", "Đăng ký thường trú", 120, 100]]})
    table(p("too_many_rows.xlsx"), services_sheet(*[["E06-03", "Đăng ký thường trú", 1, 1] for _ in range(5001)]))

    # Layout problems
    table(p("merged_figures.xlsx"), services_sheet(["E06-03", "Đăng ký thường trú", 120, 100], ["E06-04", "Đăng ký tạm trú", None, 30]),
          merges={"Dịch vụ công": [(5, 2, 6, 2, 120)]})
    table(p("header_repeated_duplicates.xlsx"), services_sheet(
        ["E06-03", "Đăng ký thường trú", 120, 100], ["E06-04", "Đăng ký tạm trú", 40, 30],
        SVC_HEADER, ["E06-03", "Đăng ký thường trú", 120, 100], ["E06-04", "Đăng ký tạm trú", 40, 30]))
    uncached = io.BytesIO()
    table(folder / "_formula.tmp.xlsx", services_sheet(["E06-03", "Đăng ký thường trú", F("=SUM(H6:I6)", 120), 100, None, None, None, 70, 50]))
    uncached = _strip_formula_results((folder / "_formula.tmp.xlsx").read_bytes())
    (folder / "_formula.tmp.xlsx").unlink()
    p("uncached_formula.xlsx").write_bytes(uncached)

    # Cells
    template(p("text_in_numbers.xlsx"), {"E06-03": {"total_dossiers": "120 hồ sơ", "online_dossiers": 100}})
    table(p("non_numbers.xlsx"), services_sheet(["E06-03", "Đăng ký thường trú", "N/A", 100], ["E06-04", "Đăng ký tạm trú", dt.date(2024, 6, 12), 30],
                                                ["E06-05", "Khai báo tạm vắng", "x", "không"]))
    template(p("fraction.xlsx"), {"E06-03": {"total_dossiers": 120.5, "online_dossiers": "12,5"}})
    template(p("negatives.xlsx"), {"E06-03": {"total_dossiers": 120, "online_dossiers": -5}},
             cleaning={"children": {"records_cleaned": -1}})
    template(p("huge_number.xlsx"), {"E06-03": {"total_dossiers": "9" * 40, "online_dossiers": 1}})
    # Rates typed as text with three digits after their only ',' or '.' (etl.numbers): '33,906' is
    # 33.906 % with a Vietnamese decimal comma, 33906 % with an English thousands comma; '99.635%'
    # is 99635 % with a Vietnamese thousands dot, 99.635 % with an English decimal point. Rejected.
    table(p("ambiguous_rate_text.xlsx"), services_sheet(["E06-02", "Cấp lại, đổi thẻ căn cước công dân", "11.343", "3.846", "33,906"],
                                                        ["E06-03", "Đăng ký thường trú", "31.809", "31.693", "99.635%"]))

    # Rules between cells of a row
    template(p("online_gt_total.xlsx"), {"E06-03": {"total_dossiers": 120, "online_dossiers": 130}})
    template(p("ontime_overdue_gt_online.xlsx"), {"E06-03": {"total_dossiers": 120, "online_dossiers": 100, "on_time": 90, "overdue": 20}})
    table(p("rate_mismatch.xlsx"), services_sheet(["E06-02", "Cấp lại, đổi thẻ căn cước công dân", "11.343", "3.846", "39,9%"]))
    template(p("activated_gt_applications.xlsx"), identity={UNIT: {"cccd_records": 200000, "vneid_applications": 1000, "vneid_activated": 1200}})
    template(p("cleaned_gt_total.xlsx"), cleaning={"children": {"records_cleaned": 5000, "records_total": 4000}})

    # Catalogue
    table(p("unknown_unit.xlsx"), services_sheet(["E06-03", "Đăng ký thường trú", 120, 100], head=["Đơn vị: Huyện Thọ Xuyên Sơn"]))
    table(p("unknown_service.xlsx"), services_sheet([None, "Đăng ký khai sinh lưu động tại nhà", 12, 3]))
    table(p("unknown_service_code.xlsx"), services_sheet(["E06-99", "Đăng ký thường trú", 120, 100]))
    table(p("code_name_mismatch.xlsx"), services_sheet(["E06-03", "Đăng ký tạm trú", 120, 100]))
    table(p("duplicate_rows.xlsx"), services_sheet(["E06-03", "Đăng ký thường trú", 120, 100], ["E06-04", "Đăng ký tạm trú", 40, 30],
                                                   [None, "Dang ky thuong tru", 121, 101]))
    table(p("identity_other_unit.xlsx"), {"CCCD - VNeID": [["CCCD"], HEAD, KY, [], ["Mã đơn vị", "Tên đơn vị", "CCCD gắn chíp", "Hồ sơ ĐDĐT", "Đã kích hoạt"],
                                                          ["396", "Huyện Thường Xuân", 150000, 90000, 80000]]})
    table(p("wrong_status.xlsx"), {"Nhiệm vụ": [["NHIỆM VỤ"], HEAD, KY, [], ["Mã nhiệm vụ", "Nội dung nhiệm vụ", "Trạng thái"],
                                                ["KH24-22.1", None, "Gần xong"]]})
    table(p("task_not_assigned.xlsx"), {"Nhiệm vụ": [["NHIỆM VỤ"], HEAD, KY, [], ["Mã nhiệm vụ", "Nội dung nhiệm vụ", "Trạng thái"],
                                                     ["KH24-1.1", None, "Đã hoàn thành"]]})

    # Unit and period
    table(p("no_unit.xlsx"), services_sheet(["E06-03", "Đăng ký thường trú", 120, 100], head=[]))
    table(p("no_period.xlsx"), services_sheet(["E06-03", "Đăng ký thường trú", 120, 100], ky=[]))
    table(p("bad_period_text.xlsx"), services_sheet(["E06-03", "Đăng ký thường trú", 120, 100], ky=["Kỳ báo cáo: Quý II/2024"]))
    template(p("future_period.xlsx"), {"E06-03": {"total_dossiers": 120, "online_dossiers": 100}}, period=dt.date(2031, 1, 1))
    template(p("period_mismatch.xlsx"), {"E06-03": {"total_dossiers": 120, "online_dossiers": 100}})
    template(p("unit_mismatch.xlsx"), {"E06-03": {"total_dossiers": 120, "online_dossiers": 100}})
    template(p("official_month.xlsx"), {"E06-03": {"total_dossiers": 120, "online_dossiers": 100}}, unit="38", period=dt.date(2023, 9, 1))
    template(p("not_my_unit.xlsx"), {"E06-03": {"total_dossiers": 120, "online_dossiers": 100}})

    # Hostile and inconsistent files (issue 15)
    far = p("far_cell.xlsx")  # one cell at the sheet's last address: the reader would ask for ~550 GB
    wb = xlsxwriter.Workbook(str(far))
    wb.set_properties({"created": CREATED, "author": "test"})
    ws = wb.add_worksheet("Dịch vụ công")
    for r, row in enumerate(services_sheet(["E06-03", "Đăng ký thường trú", 120, 100])["Dịch vụ công"]):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    ws.write_string(1048575, 16383, "x")
    wb.close()
    table(p("hidden_sheet_data.xlsx"), services_sheet(["E06-03", "Đăng ký thường trú", 120, 100]) | {
        "CCCD - VNeID": [["CCCD"], HEAD, KY, [], ["Mã đơn vị", "Tên đơn vị", "CCCD gắn chíp", "Hồ sơ ĐDĐT", "Đã kích hoạt"],
                         ["395", "Huyện Thọ Xuân", 999999, 9, 9]]}, hidden=("CCCD - VNeID",))
    table(p("error_value.xlsx"), services_sheet(["E06-03", "Đăng ký thường trú", F("=D6/0", "#DIV/0!"), 100]))
    table(p("duplicate_header.xlsx"), {"Dịch vụ công": [["BÁO CÁO"], HEAD, KY, [], SVC_HEADER + ["Tổng số hồ sơ"],
                                                        ["E06-03", "Đăng ký thường trú", 120, 100, None, None, None, 5000]]})
    table(p("long_text.xlsx"), services_sheet(["E06-03", "Đăng ký thường trú", 120, 100, None, None, None, "Ghi chú " * 300]))
    table(p("sheets_other_unit.xlsx"), services_sheet(["E06-03", "Đăng ký thường trú", 120, 100]) | {
        "CCCD - VNeID": [["CCCD"], ["Đơn vị: 396 - Huyện Thường Xuân"], KY, [], ["Mã đơn vị", "Tên đơn vị", "CCCD gắn chíp", "Hồ sơ ĐDĐT", "Đã kích hoạt"],
                         ["395", "Huyện Thọ Xuân", 150000, 90000, 80000]]})
    table(p("sheets_other_period.xlsx"), services_sheet(["E06-03", "Đăng ký thường trú", 120, 100]) | {
        "CCCD - VNeID": [["CCCD"], HEAD, ["Kỳ báo cáo: 05/2024"], [], ["Mã đơn vị", "Tên đơn vị", "CCCD gắn chíp", "Hồ sơ ĐDĐT", "Đã kích hoạt"],
                         ["395", "Huyện Thọ Xuân", 150000, 90000, 80000]]})
    table(p("unit_name_contradicts_code.xlsx"), services_sheet(["E06-03", "Đăng ký thường trú", 120, 100], head=["Đơn vị: 395 - Huyện Như Xuân"]))
    table(p("period_before_start.xlsx"), services_sheet(["E06-03", "Đăng ký thường trú", 120, 100], ky=["Kỳ báo cáo: 01/1999"]))
    table(p("total_row_mismatch.xlsx"), services_sheet(["E06-03", "Đăng ký thường trú", 120, 100], ["E06-04", "Đăng ký tạm trú", 40, 30],
                                                       [None, "Toàn huyện", 170, 130]))
    template(p("province_file.xlsx"), {"E06-03": {"total_dossiers": 5, "online_dossiers": 5}}, unit="38", period=dt.date(2024, 12, 1))

    # Against the unit's history (issue 14: every problem in one pass, a cumulative figure that
    # falls is an error unless the row's note explains it) and the utilities topic (issue 11).
    # The sample has Thọ Xuân's figures for May 2024; these files are June 2024.
    template(p("stock_falls.xlsx"), identity={UNIT: {"cccd_records": 13860, "vneid_applications": 124318, "vneid_activated": 117476}})
    template(p("every_error_in_one_pass.xlsx"), {"E06-03": {"total_dossiers": "một trăm", "online_dossiers": 100}},
             identity={UNIT: {"cccd_records": 13860, "vneid_applications": 124318, "vneid_activated": 117476}})
    template(p("cleaning_falls.xlsx"), cleaning={"children": {"records_cleaned": 3968, "records_total": 44975}})
    template(p("utilities_part_gt_whole.xlsx"), utilities={"hi_lookups_total": {"value": 386470}, "hi_lookups_success": {"value": 400000}})
    template(p("utilities_falls.xlsx"), utilities={"hi_lookups_total": {"value": 38647}, "ss_cashless_paid": {"value": 1533}})
    return out


if __name__ == "__main__":
    names = build(force="--force" in sys.argv)
    print(f"wrote {len(names)} files in {HERE}")
