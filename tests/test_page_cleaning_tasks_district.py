"""Data cleaning, tasks and district profile pages show the warehouse's figures for the filters."""
import csv
import datetime as dt

import pytest

from tests.conftest import ROOT
from tests.test_page_support import app_env, markdown, metrics, open_page, sql, vn_count, vn_rate  # noqa: F401

SEP = dt.date(2023, 9, 1)


def test_cleaning_province_september_2023_is_official(app_env):
    at = open_page("cleaning", period="2023-09")
    rows = list(csv.DictReader(open(ROOT / "data/reference/official_cleaning_2023_09.csv", encoding="utf-8")))
    pairs = [r for r in rows if r["records_total"]]
    cleaned, total = sum(int(r["records_cleaned"]) for r in pairs), sum(int(r["records_total"]) for r in pairs)
    m = metrics(at)
    assert m["Tỷ lệ làm sạch chung"] == vn_rate(cleaned / total)
    assert m["Tổng bản ghi cần làm sạch"] == vn_count(total)
    assert m["Bản ghi đã làm sạch"] == vn_count(sum(int(r["records_cleaned"]) for r in rows))
    by_dataset = at.dataframe[0].value
    assert dict(zip(by_dataset["Bộ dữ liệu"], by_dataset["Đã làm sạch"])) == dict(sql(
        app_env, "select dataset_name, records_cleaned from cleaning_monthly where unit_code = '38' and period = ?", [SEP]))


def test_cleaning_range_takes_the_stock_of_its_last_month(app_env):
    at = open_page("cleaning", period="2023-01..2023-09", unit="395")
    cleaned, total = sql(app_env, """select sum(records_cleaned) filter (where records_total is not null), sum(records_total)
                                     from cleaning_unit_monthly where unit_code = '395' and period = ?""", [SEP])[0]
    assert metrics(at)["Tỷ lệ làm sạch chung"] == vn_rate(cleaned / total)


def test_tasks_counts_and_agency_filter(app_env):
    at = open_page("tasks", period="2023-09", agency="38.CA")
    n, done, overdue = sql(app_env, """select count(*), count(*) filter (where status = 'done'), count(*) filter (where is_overdue)
                                       from task_tracker where period = ? and responsible_unit_code = '38.CA'""", [SEP])[0]
    m = metrics(at)
    assert (m["Tổng số nhiệm vụ"], m["Đã hoàn thành"], m["Quá hạn"]) == (vn_count(n), vn_count(done), vn_count(overdue))
    tracker = at.dataframe[-1].value
    assert len(tracker) == n and set(tracker["Chủ trì"]) == {"Công an tỉnh"}
    assert set(tracker["Trạng thái"]) <= {"Đã hoàn thành", "Đang thực hiện", "Chưa triển khai", "Chưa có báo cáo"}


@pytest.mark.parametrize("period, n", [("2023-01", 7), ("2023-05", 4), ("2023-08", 3), ("2023-09", 0)])
def test_tasks_due_in_the_next_30_days(app_env, period, n):
    at = open_page("tasks", period=period)
    month = dt.date.fromisoformat(period + "-01")
    end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    expected = [r[0] for r in sql(app_env, """select task_code from task_tracker where period = ? and status <> 'done'
                                                and deadline > ? and deadline <= ?
                                              order by deadline, task_code""", [month, end, end + dt.timedelta(days=30)])]
    assert len(expected) == n
    tables = [d.value for d in at.dataframe if "Còn (ngày)" in d.value.columns]
    assert (list(tables[0]["Mã"]) if tables else []) == expected
    if n == 0:
        assert at.success[0].value.startswith("Không có nhiệm vụ chưa hoàn thành nào đến hạn trong 30 ngày")


def test_district_profile_against_the_province_with_its_rank(app_env):
    at = open_page("district", period="2023-09", unit="395")
    rates = sql(app_env, """select unit_code, sum(online_dossiers) filter (where total_dossiers is not null)
                                   / sum(total_dossiers) filter (where online_dossiers is not null) as r
                            from service_volume_monthly where unit_level = 'district' and period = ?
                            group by unit_code order by r desc""", [SEP])
    rank = [u for u, _ in rates].index("395") + 1
    own = dict(rates)["395"]
    assert metrics(at)["Tỷ lệ hồ sơ trực tuyến"] == vn_rate(own)
    assert f"Hạng **{rank}/27** · Tỉnh Thanh Hóa: 81,0 %" in markdown(at)
    profile = at.dataframe[0].value
    row = profile[profile["Chỉ tiêu"] == "Hồ sơ CCCD gắn chip"].iloc[0]
    cccd = sql(app_env, "select cccd_records from identity_monthly where unit_code = '395' and period = ?", [SEP])[0][0]
    assert (row["Huyện Thọ Xuân"], row["Tỉnh Thanh Hóa"]) == (vn_count(cccd), "3.421.346")
