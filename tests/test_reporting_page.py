"""The reporting-completeness page: rates and the units still missing, from reporting_status."""
import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.helpers import make_workbook, submit

JAN = dt.date(2024, 1, 1)


@pytest.fixture
def page(tmp_path, empty_warehouse, monkeypatch):
    # 380 reports identity on time, 381 late; nobody else reports anything.
    for unit, day in (("380", 10), ("381", 20)):
        f = make_workbook(tmp_path / f"{unit}.xlsx", unit, JAN, {"identity": {unit: {"cccd_records": 5}}})
        assert submit(empty_warehouse, tmp_path / "raw", f, dt.datetime(2024, 2, day, 9)).status == "accepted"
    monkeypatch.setenv("DA06_WAREHOUSE", str(empty_warehouse))
    return AppTest.from_file(str(ROOT / "pages" / "reporting.py"), default_timeout=60).run()


def test_rates_for_the_latest_month(page):
    assert not page.exception
    # 27 districts x 4 topics + 21 agencies with tasks = 129 reports due; 2 received, 1 on time.
    assert [m.value for m in page.metric] == ["1,6 %", "0,8 %", "48"]


def test_missing_list_names_topics_in_vietnamese(page):
    missing = page.dataframe[0].value
    row = missing[missing["Mã"] == "380"].iloc[0]
    assert (row["Nội dung chưa nộp"], row["Cấp"], row["Hạn nộp"]) == ("Làm sạch dữ liệu, Dịch vụ công, Nhiệm vụ", "Cấp huyện", "15/02/2024")


def test_topic_filter(page):
    page.selectbox(key="rep_topic").set_value("identity").run()
    # identity: 27 districts due, 2 received, 1 on time, 25 still missing
    assert [m.value for m in page.metric] == ["7,4 %", "3,7 %", "25"]
    assert "380" not in set(page.dataframe[0].value["Mã"]) and "381" not in set(page.dataframe[0].value["Mã"])
