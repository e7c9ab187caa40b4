"""Issue 14's leadership items in a real browser, on a server of their own whose warehouse holds
a partial month — the sample (January 2023–November 2026) and one ward's December 2026 (14758,
Phường Hàm Rồng, one of the 166 communes/wards since July 2025), received 3 January 2027 — with
the date "today" 5 January 2027 (DA06_AS_OF, pinned for the server): December is not yet due.

At 1366 px and 390 px: the overview opens on the latest month that is due and has at least
[reporting] complete_share of its reports in (derived from the setting and the warehouse), not
on the partial one, and names the units that have not reported; opened on December it says 1 of
166 units reported and names the other 165 as "chưa báo cáo" in the ranking; the reporting page
says December's missing reports are "chưa đến hạn", not "chưa nộp". Every page fails on a
traceback, Streamlit's English, or a request to a host other than the app's. Screenshots in
tests/artifacts/."""
from __future__ import annotations

import datetime as dt

import pytest

from etl.config import complete_share
from tests.browser import support as s
from tests.helpers import make_workbook, submit
from tests.test_page_support import vn_count

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(s.chromium_missing(), reason=f"{s.CHROMIUM} is missing (Debian's chromium)")]

DEC26 = dt.date(2026, 12, 1)  # the month after the sample's last (November 2026)
TODAY = dt.date(2027, 1, 5)  # December's reports are due on 15 January 2027
UNIT, UNIT_NAME = "14758", "Phường Hàm Rồng"
WIDTHS = {"desktop": 1366, "phone": 390}


@pytest.fixture(scope="module")
def server(browser, sample_db, tmp_path_factory):
    work = tmp_path_factory.mktemp("browser-leadership")
    site = s.make_site(work, sample_db)
    f = make_workbook(work / f"{UNIT}.xlsx", UNIT, DEC26, {"services": {"E06-03": {"total_dossiers": 200, "online_dossiers": 150}}})
    assert submit(site["DA06_WAREHOUSE"], site["DA06_RAW"], f, dt.datetime(2027, 1, 3, 9)).status == "accepted"
    site["DA06_AS_OF"] = TODAY.isoformat()
    srv = s.start_server(site, work / "streamlit.log")
    try:
        s.warm_up(browser, srv)
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def page(browser, server, request):
    width = WIDTHS[request.param]
    page, watch = s.new_page(browser)
    page.set_viewport_size({"width": width, "height": 900})
    s.record_english(page.context)
    outside = s.record_requests(page, server.url)
    yield page
    assert not s.traceback_shown(page)
    assert s.english_seen(page)["phrases"] == []
    assert outside == []
    assert watch.errors == []
    page.context.close()


def _units(server, period: dt.date, status: str | None = None) -> list[str]:
    """The units owing a public-services report for the period (with `status`: only those), by name."""
    return [n for (n, st) in s.query(server.warehouse, """select unit_name, status from reporting_status
                                                            where period = ? and topic = 'services'
                                                            order by unit_name collate vi""", [period])
            if status in (None, st)]


def _default_month(server) -> dt.date:
    """The latest month whose reports are due on TODAY and at least complete_share of them in."""
    [(month,)] = s.query(server.warehouse, """select max(period) from (select period from reporting_status
                                              where deadline < ? group by period
                                              having avg(case when status <> 'missing' then 1 else 0 end) >= ?)""",
                         [TODAY, complete_share()])
    return month


def _label(month: dt.date) -> str:
    return f"Tháng {month.month}/{month.year}"


def _text(page) -> str:
    return " ".join(page.inner_text('[data-testid="stMain"]').split())


@pytest.mark.parametrize("page", list(WIDTHS), indirect=True)
def test_overview_opens_on_the_last_complete_month(page, server, request):
    month = _default_month(server)
    assert month < DEC26
    s.open_page(page, server.url + "/", '[data-testid="stMetric"]')
    assert f"period={month:%Y-%m}" in page.url
    text = _text(page)
    assert f"Số liệu đến {_label(month)}" in text
    expected, missing = _units(server, month), _units(server, month, "missing")
    line = f"Đã báo cáo: {vn_count(len(expected) - len(missing))}/{vn_count(len(expected))} đơn vị"
    if missing:
        line += f" · chưa báo cáo ({vn_count(len(missing))}): " + ", ".join(missing)
    assert line in text
    assert "Cùng kỳ năm trước:" in text
    s.screenshot(page, f"leadership_overview_default_{request.node.callspec.id}")


@pytest.mark.parametrize("page", list(WIDTHS), indirect=True)
def test_partial_month_shows_completeness_and_units_not_reported(page, server, request):
    s.open_page(page, server.url + "/?period=2026-12", '[data-testid="stMetric"]')
    units = _units(server, DEC26)
    assert len(units) == 166
    others = [u for u in units if u != UNIT_NAME]
    text = _text(page)
    assert f"Đã báo cáo: 1/{vn_count(len(units))} đơn vị · chưa báo cáo ({vn_count(len(others))}): " + ", ".join(others) in text
    # the ranking lists Hàm Rồng ranked 1 and every other ward/commune below it as not reported
    rows = page.locator('[data-testid="stTable"]').last.locator("tbody tr").all_inner_texts()
    assert [r.split("\t")[1].strip() for r in rows] == [UNIT_NAME] + others
    assert not rows[0].strip().endswith("Chưa báo cáo")
    assert all(r.strip().endswith("Chưa báo cáo") for r in rows[1:])
    s.screenshot(page, f"leadership_partial_month_{request.node.callspec.id}")


@pytest.mark.parametrize("page", list(WIDTHS), indirect=True)
def test_reporting_page_says_not_yet_due_before_the_deadline(page, server, request):
    s.open_page(page, server.url + "/reporting", '[data-testid="stMetric"]')
    text = _text(page)
    assert "Chưa nộp báo cáo Tháng 12/2026" in text
    # every unit owing December a report (any topic) has not sent all of it yet, and none is late
    [(waiting,)] = s.query(server.warehouse, """select count(distinct unit_code) from reporting_status
                                                where period = ? and status = 'missing'""", [DEC26])
    assert (f"Hôm nay 05/01/2027: {vn_count(waiting)} đơn vị chưa nộp nhưng chưa đến hạn (hạn nộp 15/01/2027), "
            "không tính là chậm.") in text
    metric = page.locator('[data-testid="stMetric"]', has_text="Đơn vị chưa nộp").inner_text()
    assert metric.split()[-1] == "0"
    s.screenshot(page, f"leadership_reporting_not_due_{request.node.callspec.id}")
