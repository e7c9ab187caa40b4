"""Data cleaning page: ratios by dataset and district as stocks of the month's end (official
September 2023 at province level; a range takes its last month)."""
import csv
import datetime as dt

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
    assert m["Bản ghi đã làm sạch"] == vn_count(cleaned)
    assert m["Đã làm sạch ở bộ chưa có tổng số"] == vn_count(sum(int(r["records_cleaned"]) for r in rows if not r["records_total"]))
    by_dataset = at.table[0].value
    assert dict(zip(by_dataset["Bộ dữ liệu"], by_dataset["Đã làm sạch"])) == dict(sql(
        app_env, "select dataset_name, records_cleaned from cleaning_monthly where unit_code = '38' and period = ?", [SEP]))


def test_cleaning_range_takes_the_stock_of_its_last_month(app_env):
    at = open_page("cleaning", period="2023-01..2023-09", unit="395")
    cleaned, total = sql(app_env, """select sum(records_cleaned) filter (where records_total is not null), sum(records_total)
                                     from cleaning_unit_monthly where unit_code = '395' and period = ?""", [SEP])[0]
    assert metrics(at)["Tỷ lệ làm sạch chung"] == vn_rate(cleaned / total)
