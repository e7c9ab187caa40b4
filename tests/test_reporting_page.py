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


@pytest.mark.parametrize("today", ["2024-02-12", "2024-02-15"])
def test_before_the_deadline_a_missing_report_is_not_yet_due(tmp_path, empty_warehouse, monkeypatch, today):
    # January's reports are due by 15 February: until that day no unit is late ("chưa nộp").
    for unit, day in (("380", 10), ("381", 20)):
        f = make_workbook(tmp_path / f"{unit}.xlsx", unit, JAN, {"identity": {unit: {"cccd_records": 5}}})
        assert submit(empty_warehouse, tmp_path / "raw", f, dt.datetime(2024, 2, day, 9)).status == "accepted"
    monkeypatch.setenv("DA06_WAREHOUSE", str(empty_warehouse))
    monkeypatch.setenv("DA06_AS_OF", today)
    page = AppTest.from_file(str(ROOT / "pages" / "reporting.py"), default_timeout=60).run()
    assert not page.exception
    assert page.metric[2].value == "0"
    missing = page.dataframe[0].value
    assert len(missing) == 48 and set(missing["Tình trạng"]) == {"Chưa đến hạn"}
    assert set(missing["Hạn nộp"]) == {"15/02/2024"}
    d = dt.date.fromisoformat(today)
    assert [i.value for i in page.info] == [f"Hôm nay {d:%d/%m/%Y}: 48 đơn vị chưa nộp nhưng **chưa đến hạn** "
                                            "(hạn nộp 15/02/2024), không tính là chậm."]
    # over the page's 12 months (2/2023 – 1/2024): 380's four topics overdue in the 11 months
    # before January, and January's three topics it has not sent yet not due
    _missing, _phone_grid, by_unit = page.dataframe  # the missing list, the unit × month grid for phones, by unit
    by_unit = by_unit.value.set_index("Mã")
    assert (by_unit.loc["380", "Chưa nộp"], by_unit.loc["380", "Chưa đến hạn"]) == (4 * 11, 3)


def test_the_day_after_the_deadline_a_missing_report_is_overdue(page, monkeypatch):
    monkeypatch.setenv("DA06_AS_OF", "2024-02-16")
    page.run()
    assert page.metric[2].value == "48"
    assert set(page.dataframe[0].value["Tình trạng"]) == {"Chưa nộp"}
    assert not page.info
