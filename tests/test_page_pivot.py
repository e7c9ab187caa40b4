"""Issue #14, "a pivot": the page "Bảng tổng hợp" shows service × unit × month (and dataset × unit
× month) with the counts (total, online, on time, overdue) and the rate; the dimensions kept on
a row are chosen; stocks are never added over months; the table downloads as .xlsx."""
import datetime as dt
import io

import openpyxl
from streamlit.testing.v1 import AppTest

from accounts import store
from dashboard import ui
from dashboard.db import Warehouse
from dashboard.queries import pivot
from tests.conftest import ROOT
from tests.test_page_support import app_env, open_page, sql  # noqa: F401

JUL, SEP = dt.date(2023, 7, 1), dt.date(2023, 9, 1)


def test_service_by_unit_by_month_rows_are_the_units_own_figures(app_env):
    at = open_page("pivot", period="2023-07..2023-09")
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["Mã", "Dịch vụ", "Địa phương", "Tháng", "Tổng hồ sơ", "Trực tuyến",
                                   "Tỷ lệ trực tuyến", "Đúng hạn", "Quá hạn"]
    expected = sql(app_env, """
        select v.service_code, v.unit_name, v.period, v.total_dossiers, v.online_dossiers, v.on_time, v.overdue
        from service_volume_monthly v join stg_units u using (unit_code)
        where v.period between ? and ? and v.unit_level in ('district', 'commune')
          and u.parent_code = (select province_code from stg_settings)""", [JUL, SEP])
    assert len(table) == len(expected)
    label = {JUL: "Tháng 7/2023", dt.date(2023, 8, 1): "Tháng 8/2023", SEP: "Tháng 9/2023"}

    def n(v):
        return None if v != v or v is None else int(v)

    got = {(r["Mã"], r["Địa phương"], r["Tháng"]): (n(r["Tổng hồ sơ"]), n(r["Trực tuyến"]), n(r["Đúng hạn"]), n(r["Quá hạn"]))
           for _, r in table.iterrows()}
    assert got == {(c, u, label[p]): (n(t), n(o), n(ot), n(od)) for c, u, p, t, o, ot, od in expected}


def test_keeping_only_the_unit_adds_services_and_months_up(app_env):
    at = open_page("pivot", period="2023-07..2023-09")
    at.multiselect(key="pv_dims").set_value(["unit"]).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns)[:2] == ["Địa phương", "Tổng hồ sơ"]
    expected = sql(app_env, """
        select v.unit_name, sum(v.total_dossiers), sum(v.online_dossiers),
               -- the rate over the rows where both counts are known (sum/sum)
               sum(v.online_dossiers) filter (where v.total_dossiers is not null),
               sum(v.total_dossiers) filter (where v.online_dossiers is not null)
        from service_volume_monthly v
        join stg_units u using (unit_code)
        where v.period between ? and ? and v.unit_level in ('district', 'commune')
          and u.parent_code = (select province_code from stg_settings)
        group by v.unit_name""", [JUL, SEP])
    assert {r["Địa phương"]: (r["Tổng hồ sơ"], r["Trực tuyến"]) for _, r in table.iterrows()} == \
        {u: (t, o) for u, t, o, _, _ in expected}
    for u, _, _, on, tn in expected:
        assert abs(table.set_index("Địa phương").loc[u, "Tỷ lệ trực tuyến"] - on / tn) < 1e-12


def test_cleaning_by_dataset_without_month_is_the_last_months_stock(app_env):
    at = open_page("pivot", period="2023-07..2023-09")
    at.radio(key="pv_subject").set_value("cleaning").run()
    at.multiselect(key="pv_dims").set_value(["item"]).run()
    assert not at.exception
    table = at.dataframe[0].value
    expected = sql(app_env, """select dataset_name, sum(records_cleaned) from cleaning_unit_monthly
                               where period = ? and parent_code = (select province_code from stg_settings)
                               group by dataset_name""", [SEP])
    assert {r["Bộ dữ liệu"]: r["Đã làm sạch"] for _, r in table.iterrows()} == dict(expected)
    assert any("không cộng các tháng với nhau" in c.value for c in at.caption)


def test_selected_unit_narrows_the_pivot(app_env):
    at = open_page("pivot", period="2023-09", unit="395")
    assert not at.exception
    table = at.dataframe[0].value
    assert set(table["Địa phương"]) == {"Huyện Thọ Xuân"}


def test_analyst_downloads_the_pivot_as_xlsx_with_numbers(app_env):
    con = store.connect()
    store.ensure_demo_accounts(con)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["da06_session"] = store.create_session(con, "phantich", 60)
    con.close()
    at.run()
    at.query_params["period"] = "2023-09"
    at.switch_page("pages/pivot.py").run()
    assert not at.exception
    assert "⬇ Tải bảng Excel (.xlsx)" in [b.proto.label for b in at.get("download_button")]
    # the workbook the button makes: the pivot's rows under Vietnamese headers, counts as numbers
    wh = Warehouse(app_env)
    try:
        df = pivot.services(wh, SEP, SEP, None, None, ("item", "unit"))
    finally:
        wh.close()
    spec = [("service_code", "Mã", "text"), ("unit_name", "Địa phương", "text"), ("total_dossiers", "Tổng hồ sơ", "count"),
            ("on_time", "Đúng hạn", "count"), ("overdue", "Quá hạn", "count"), ("online_rate", "Tỷ lệ trực tuyến", "rate")]
    ws = openpyxl.load_workbook(io.BytesIO(ui.table_xlsx(df, spec, "Bảng tổng hợp", [("Kỳ báo cáo", "Tháng 9/2023")]))).active
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "Mã")
    assert rows[header][:6] == ("Mã", "Địa phương", "Tổng hồ sơ", "Đúng hạn", "Quá hạn", "Tỷ lệ trực tuyến")
    assert len(rows) - header - 1 == len(df)
    first = df.iloc[0]
    assert rows[header + 1][:3] == (first["service_code"], first["unit_name"],
                                   None if first["total_dossiers"] != first["total_dossiers"] else first["total_dossiers"])
