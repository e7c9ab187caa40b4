"""Tables download as .xlsx: the filters applied at the top, Vietnamese headers, numbers stored
as numbers with formats, and text a spreadsheet could run as a formula escaped."""
import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from dashboard import export, ui
from dashboard.db import Warehouse
from dashboard.filters import Filters, describe
from dashboard.queries import catalog, services

SEP = dt.date(2023, 9, 1)
SPEC = [("service_code", "Mã", "text"), ("service_name", "Dịch vụ", "long"), ("online_rate", "Tỷ lệ trực tuyến", "rate"),
        ("total_dossiers", "Tổng hồ sơ", "count"), ("online_dossiers", "Trực tuyến", "count")]


@pytest.fixture(scope="module")
def wh(sample_db):
    w = Warehouse(sample_db)
    yield w
    w.close()


def _sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_a_page_table_exports_with_filters_headers_and_number_formats(wh):
    options = catalog.filter_options(wh)
    f = Filters(SEP, SEP, ("395",), "38.CA")
    df = services.by_service(wh, SEP, SEP, ["395"], "38.CA")
    ws = _sheet(ui.table_xlsx(df, SPEC, "Tỷ lệ trực tuyến theo dịch vụ", describe(f, options)))
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Tỷ lệ trực tuyến theo dịch vụ"
    assert rows[1][:2] == ("Kỳ báo cáo:", "Tháng 9/2023")
    assert rows[2][:2] == ("Địa bàn:", "Huyện Thọ Xuân")
    assert rows[3][:2] == ("Cơ quan chủ trì:", "Công an tỉnh")
    assert rows[4][0] == "Nguồn: dữ liệu mẫu"
    header = 6
    assert rows[header][:5] == ("Mã", "Dịch vụ", "Tỷ lệ trực tuyến", "Tổng hồ sơ", "Trực tuyến")
    body = rows[header + 1:]
    assert [r[0] for r in body] == list(df["service_code"])
    e02 = df.set_index("service_code").loc["E06-02"]
    r = next(r for r in ws.iter_rows(min_row=header + 2) if r[0].value == "E06-02")
    assert isinstance(r[3].value, (int, float)) and r[3].value == e02["total_dossiers"]
    assert r[2].value == pytest.approx(e02["online_rate"])
    assert (r[2].number_format, r[3].number_format) == ("0.0%", "#,##0")


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "=HYPERLINK(\"http://x\")", "\t=1"])
def test_formula_like_text_is_escaped(text):
    df = pd.DataFrame({"name": [text], "n": [5]})
    data = ui_free_xlsx(df, filters=[("Địa bàn", text)], title=text)
    ws = _sheet(data)
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert values.count("'" + text) == 3  # title, filter value and table cell
    assert text not in values


def ui_free_xlsx(df, filters, title):
    return export.to_xlsx(df, title, filters, {"name": "text", "n": "count"})


@pytest.mark.parametrize("text", ["Hà Nội", "3.421.346", "'quoted", "33,9 %", "a=b", "-"])
def test_ordinary_text_is_kept(text):
    assert export.escape_cell(text) == (text if text != "-" else "'-")


def test_blank_and_missing_values_stay_blank():
    df = pd.DataFrame({"Số": [1.0, None, float("nan")], "Ngày": pd.to_datetime(["2023-09-30", None, None])})
    ws = _sheet(export.to_xlsx(df, "T", [("Kỳ báo cáo", "Tháng 9/2023")]))
    rows = list(ws.iter_rows(min_row=4, values_only=True))  # title, one filter, a blank row
    assert rows[0] == ("Số", "Ngày")
    assert rows[1] == (1, dt.datetime(2023, 9, 30))
    assert all(v is None for r in rows[2:] for v in r)  # None and NaN: blank cells, not "nan"
    assert ws.cell(5, 2).number_format == "dd/mm/yyyy"


@pytest.mark.parametrize("title", ["'Bảng'", "[]:*?/\\", "", "   ", "Tỷ lệ trực tuyến theo dịch vụ, Tháng 9/2023 – Tháng 12/2024"])
def test_any_title_gives_a_valid_sheet(title):
    ws = _sheet(export.to_xlsx(pd.DataFrame({"Mã": ["E06-02"]}), title, [("Kỳ báo cáo", "Tháng 9/2023")]))
    assert 0 < len(ws.title) <= 31 and not ws.title.startswith("'")
    assert ws.cell(1, 1).value in (title, "'" + title, None)


def test_percentage_points_export_as_plain_numbers_under_a_points_header(wh):
    """"Kéo xuống" is a change in percentage points: 0,063 of a rate is 6,3 điểm %, written 6.3 with
    a plain number format (a % format would show 6,3 % — or 630 % for the raw 0.063)."""
    df = services.below_target(wh, SEP, SEP, None, None)
    spec = [("service_code", "Mã", "text"), ("pull", "Kéo xuống (điểm %)", "points"), ("online_rate", "Tỷ lệ", "rate")]
    ws = _sheet(ui.table_xlsx(df, spec, "Dịch vụ kéo tỷ lệ chung xuống", [("Kỳ báo cáo", "Tháng 9/2023")]))
    header = next(r for r in ws.iter_rows() if r[0].value == "Mã")
    assert [c.value for c in header] == ["Mã", "Kéo xuống (điểm %)", "Tỷ lệ"]
    body = list(ws.iter_rows(min_row=header[0].row + 1))
    assert [r[0].value for r in body] == list(df["service_code"])
    for r, pull in zip(body, df["pull"]):
        assert r[1].value == pytest.approx(pull * 100)
        assert r[1].number_format == "0.0" and "%" not in r[1].number_format
        assert r[2].number_format == "0.0%"
    # a points label without its unit gets it
    ws = _sheet(ui.table_xlsx(df, [("pull", "Kéo xuống", "points")], "T", []))
    assert any(c.value == "Kéo xuống (điểm %)" for row in ws.iter_rows() for c in row)
