"""CCCD/VNeID page: stocks at the month's end — the official September 2023 figures at province
level, a district's own figures, and a range showing its last month (never a sum of months)."""
import csv
import datetime as dt

import pytest

from tests.conftest import ROOT
from tests.test_page_support import app_env, markdown, metrics, open_page, sql, unit_names, vn_count, vn_rate  # noqa: F401

LABELS = ("Hồ sơ CCCD gắn chip", "Hồ sơ đề nghị cấp tài khoản VNeID", "Tài khoản VNeID đã kích hoạt")


def test_province_september_2023_is_official(app_env):
    at = open_page("identity", period="2023-09")
    ref = next(csv.DictReader(open(ROOT / "data/reference/official_identity_2023_09.csv", encoding="utf-8")))
    m = metrics(at)
    assert [m[k] for k in LABELS] == [vn_count(ref[c]) for c in ("cccd_records", "vneid_applications", "vneid_activated")]
    assert [m[k] for k in LABELS] == ["3.421.346", "2.336.438", "1.651.144"]
    assert m["Kích hoạt so với chỉ tiêu"] == vn_rate(int(ref["vneid_activated"]) / int(ref["vneid_target"])) == "101,9 %"
    assert "Số liệu chính thức" in markdown(at)


@pytest.mark.parametrize("period", ["2023-09", "2023-01..2023-09"])
@pytest.mark.parametrize("units", [["395"], ["395", "380"]])
def test_selected_districts_show_their_stock_at_the_last_month(app_env, period, units):
    at = open_page("identity", period=period, unit=",".join(units), combine="1")  # two districts: added up
    cccd, app_, act, tgt = sql(app_env, """select sum(cccd_records), sum(vneid_applications), sum(vneid_activated),
                                                  sum(vneid_target)
                                           from identity_monthly where period = ? and list_contains(?, unit_code)""",
                               [dt.date(2023, 9, 1), units])[0]
    m = metrics(at)
    assert [m[k] for k in LABELS] == [vn_count(cccd), vn_count(app_), vn_count(act)]
    assert m["Kích hoạt so với chỉ tiêu"] == vn_rate(act / tgt)
    table = at.dataframe[0].value
    assert sorted(table["Hồ sơ CCCD"]) == sorted(r[0] for r in sql(
        app_env, "select cccd_records from identity_monthly where period = '2023-09-01' and list_contains(?, unit_code)", [units]))


def test_district_table_ranks_every_district_and_sorts_names_in_vietnamese(app_env):
    at = open_page("identity", period="2023-09")
    table = at.dataframe[0].value
    names = [r[0] for r in sql(app_env, "select unit_name from identity_monthly where period = '2023-09-01' and unit_level = 'district' order by unit_name collate vi")]
    assert unit_names(table["Địa phương"]) == names
    assert names.index("Huyện Đông Sơn") > names.index("Huyện Cẩm Thủy")
    best = sql(app_env, """select unit_name from identity_monthly where period = '2023-09-01' and unit_level = 'district'
                           order by activation_rate desc limit 1""")[0][0]
    assert unit_names(table.loc[table["Hạng"] == 1, "Địa phương"]) == [best]


def test_agency_filter_does_not_apply_and_says_so(app_env):
    at = open_page("identity", period="2023-09", agency="38.STP")
    assert metrics(at)["Hồ sơ CCCD gắn chip"] == "3.421.346"
    assert "Bộ lọc cơ quan chủ trì không áp dụng cho CCCD/VNeID." in [c.value for c in at.caption]
