"""The reporting, upload and admin pages offer their tables as .xlsx like the dashboard pages:
to analysts and administrators only (README, "Accounts and roles"), with Vietnamese headers, words
for codes, and numbers and times stored as such."""
import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from accounts import store
from dashboard import tables, ui
from dashboard.db import Warehouse
from dashboard.queries import reporting, submissions
from tests.conftest import ROOT

NOTE = "Đăng nhập với quyền chuyên viên phân tích để tải bảng."


@pytest.fixture
def env(tmp_path, sample_db, monkeypatch):
    monkeypatch.setenv("DA06_WAREHOUSE", str(sample_db))
    monkeypatch.setenv("DA06_ACCOUNTS", str(tmp_path / "accounts.sqlite"))
    con = store.connect()
    store.ensure_demo_accounts(con)
    con.close()
    return sample_db


def _page(page: str, user: str | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    if user:
        con = store.connect()  # a real login session, as the cookie route makes
        at.session_state["da06_session"] = store.create_session(con, user, 60)
        con.close()
    return at.run()


def _downloads(at: AppTest) -> list[str]:
    return [d.key for d in at.download_button if d.key.startswith("dl-xlsx-")]


@pytest.mark.parametrize("page, user, expected", [
    ("reporting", "phantich", ["dl-xlsx-rep-missing", "dl-xlsx-rep-units"]),
    ("reporting", "lanhdao", []),
    ("reporting", None, []),
    ("upload", "quantri", ["dl-xlsx-upload-history"]),
    ("upload", "thoxuan", []),
    ("admin", "quantri", ["dl-xlsx-admin-accounts", "dl-xlsx-admin-audit"]),
])
def test_tables_download_for_analysts_and_admins_only(env, page, user, expected):
    at = _page(page, user)
    assert not at.exception
    assert _downloads(at) == expected
    if not expected:
        assert NOTE in [c.value for c in at.caption]


def _rows(data: bytes):
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows())
    header = next(i for i, r in enumerate(rows) if r[0].value in ("Mã", "Thời điểm nộp"))
    return [c.value for c in rows[header]], rows[header + 1:]


def test_submission_history_exports_words_and_times(env):
    wh = Warehouse(env)
    try:
        raw = submissions.history(wh, ["395"], 100)
    finally:
        wh.close()
    hist = tables.submissions(raw)
    header, body = _rows(ui.table_xlsx(hist, tables.SUBMISSIONS, "Lịch sử nộp báo cáo", [("Đơn vị", "395")]))
    assert header == [label for _, label, *_ in tables.SUBMISSIONS]
    first = body[0]
    assert first[1].value == raw.iloc[0]["file_name"]
    assert first[0].value == raw.iloc[0]["submitted_at"].to_pydatetime().replace(microsecond=0)
    assert first[0].number_format == "dd/mm/yyyy hh:mm"
    assert first[2].value == "Huyện Thọ Xuân" and first[4].value == "Đã nạp"
    assert {r[6].value for r in body} >= {"Dịch vụ công, CCCD - VNeID, Làm sạch dữ liệu, Nhiệm vụ, Tiện ích"}


def test_units_reporting_exports_rates_as_numbers(env):
    wh = Warehouse(env)
    try:
        periods = reporting.periods(wh)
        raw = reporting.rates_by_unit(wh, periods[-12], periods[-1], None, None)
    finally:
        wh.close()
    header, body = _rows(ui.table_xlsx(tables.units_reporting(raw), tables.UNITS_REPORTING, "Tình hình báo cáo", []))
    assert header[:4] == ["Mã", "Đơn vị", "Cấp", "Phải nộp"]
    by_code = {r[0].value: r for r in body}
    # the last twelve months are after the reform (July 2025): communes and agencies report, no district
    words = {"commune": "Cấp xã", "agency": "Sở, ngành"}
    assert set(raw["unit_level"]) == set(words)
    assert {code: r[2].value for code, r in by_code.items()} == {x["unit_code"]: words[x["unit_level"]] for _, x in raw.iterrows()}
    r, x = by_code[raw.iloc[0]["unit_code"]], raw.iloc[0]
    assert (r[3].value, r[3].number_format) == (x["expected"], "#,##0")
    rate = header.index("Tỷ lệ đúng hạn")
    assert r[rate].value == pytest.approx(x["on_time_rate"]) and r[rate].number_format == "0.0%"
