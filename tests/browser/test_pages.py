"""Issue #4 in a real browser: every page opens on the sample warehouse, draws its charts,
raises no Streamlit exception and logs no browser error; bookmarked links show exactly their
view. A full-length screenshot of each page is saved in tests/artifacts/ (1440 × 900)."""
from __future__ import annotations

import pytest

from tests.browser import support as s

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(s.chromium_missing(), reason=f"{s.CHROMIUM} is missing (Debian's chromium)")]

CHART = '[data-testid="stPlotlyChart"] .main-svg'
BANNER = "DỮ LIỆU MẪU"

# (menu title, path, what must be drawn, screenshot name, sample-data banner expected)
PAGES = [
    ("Tổng quan", "/", CHART, "page_overview", True),
    ("Dịch vụ công", "/services", CHART, "page_services", True),
    ("CCCD và VNeID", "/identity", CHART, "page_identity", True),
    ("Làm sạch dữ liệu", "/cleaning", CHART, "page_cleaning", True),
    ("Tiện ích Đề án 06", "/utilities", CHART, "page_utilities", True),
    ("Nhiệm vụ", "/tasks", CHART, "page_tasks", True),
    ("Hồ sơ địa phương", "/district", CHART, "page_district", True),
    ("Tình hình báo cáo", "/reporting", CHART, "page_reporting", True),
    ("Đăng nhập", "/login", '[data-testid="stForm"]', "page_login", False),
]


def _check(page, watch, title: str, banner: bool) -> None:
    assert s.exceptions(page) == []
    assert watch.errors == []
    assert page.locator("h1").first.inner_text().strip()
    assert title in s.nav_titles(page)
    if banner:
        assert any(BANNER in a for a in s.alerts(page, "Warning")), s.alerts(page)
    assert s.undrawn_charts(page) == 0


@pytest.mark.parametrize("title,path,expect,shot,banner", PAGES, ids=[p[3] for p in PAGES])
def test_page_opens_and_draws(browser, ro_server, title, path, expect, shot, banner):
    page, watch = s.new_page(browser)
    try:
        s.open_page(page, ro_server.url + path, expect)
        _check(page, watch, title, banner)
        active = page.locator('[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"][aria-current="page"]')
        assert active.inner_text().strip().splitlines()[-1] == title
        s.screenshot(page, shot)
        assert s.exceptions(page) == [] and watch.errors == []
    finally:
        page.context.close()


# Each chart's margins as the browser drew it: the margins the figure came with, and where plotly
# had to widen one for its labels, legend or colour bar (which costs drawing the chart twice).
PUSHED_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(d => {
    const used = d._fullLayout._size, given = d._fullLayout.margin;
    return ['l', 'r', 't', 'b'].filter(k => used[k] > given[k] + 0.5)
        .map(k => `${k}: ${Math.round(given[k])} -> ${Math.round(used[k])}`).join(', ');
})"""


@pytest.mark.parametrize("path", [p[1] for p in PAGES if p[2] == CHART])
def test_charts_are_drawn_once_with_the_margins_they_bring(browser, ro_server, path):
    # dashboard/charts.py reserve_margins: the figures leave the server with room for their tick
    # labels, legends and colour bars, so plotly's automargin never has to draw a chart a second
    # time (that was half the browser's drawing time on a page); at 1366 px, the leaders' screen
    page, watch = s.new_page(browser)
    try:
        page.set_viewport_size({"width": 1366, "height": 900})
        s.open_page(page, ro_server.url + path, CHART)
        pushed = page.evaluate(PUSHED_JS)
        assert pushed and pushed == [""] * len(pushed), pushed
        assert s.exceptions(page) == [] and watch.errors == []
    finally:
        page.context.close()


@pytest.mark.parametrize("user,password,pages", [
    ("quantri", "quantri-demo", [("Nộp báo cáo", '[data-testid="stFileUploader"]', "page_upload_admin"),
                                 ("Quản trị", '[data-testid="stTabs"]', "page_admin")]),
    ("thoxuan", "thoxuan-demo", [("Nộp báo cáo", '[data-testid="stFileUploader"]', "page_upload_uploader")]),
], ids=["admin", "uploader"])
def test_pages_for_logged_in_roles(browser, ro_server, user, password, pages):
    page, watch = s.new_page(browser)
    try:
        s.login(page, ro_server.url, user, password)
        menu = s.nav_titles(page)
        assert ("Quản trị" in menu) == (user == "quantri")
        for title, expect, shot in pages:
            assert title in menu
            s.go(page, title, expect)
            assert s.alerts(page, "Error") == []
            _check(page, watch, title, banner=False)
            s.screenshot(page, shot)
    finally:
        page.context.close()


@pytest.mark.parametrize("path,label,shot", [
    ("/?period=2023-09", "Tháng 9/2023", "bookmark_overview_2023-09"),
    ("/identity?period=2023-09", "Tháng 9/2023", "bookmark_identity_2023-09"),
    ("/identity?period=2023-01..2023-09", "Tháng 1/2023 – Tháng 9/2023", "bookmark_identity_range"),
    ("/?period=2023-03..2023-09", "Tháng 3/2023 – Tháng 9/2023", "bookmark_overview_range"),
])
def test_bookmarked_link_shows_the_official_figure(browser, ro_server, path, label, shot):
    """September 2023 is the month of the province's official report: CCCD records 3.421.346
    (a stock, so a range ending in September shows the same figure)."""
    page, watch = s.new_page(browser)
    try:
        s.open_page(page, ro_server.url + path, CHART)
        assert page.get_by_text(s.OFFICIAL_CCCD_SEPT_2023, exact=True).first.is_visible()
        assert page.get_by_text(f"Kỳ: {label}").count() or page.locator("text=" + label).count()
        assert f"period={path.split('period=')[1]}" in page.url  # the link is kept, not rewritten to another view
        if ".." in path:
            assert page.get_by_role("radio", name="Nhiều tháng").is_checked()
        assert s.exceptions(page) == [] and watch.errors == []
        s.screenshot(page, shot)
    finally:
        page.context.close()


def test_bookmark_on_a_fresh_server(ro_server):
    """The server's very first request is a sub-page link: it opens inside the app (its menu,
    the official figure), not as a bare script of pages/ (dashboard/serve.py)."""
    cold = ro_server.notes["cold"]
    assert cold["figure"], cold
    assert "CCCD và VNeID" in cold["menu"] and "identity" not in cold["menu"], cold
    assert cold["errors"] == [], cold


def test_utilities_ranking_shown_whole_and_by_another_rate_keeps_its_margins(browser, ro_server):
    # A person on the utilities page at 1366 px: the ranking of the 166 communes shows the ten
    # highest and ten lowest; they ask for all of them, then rank by another rate, then reload.
    # Each time the chart holds exactly the units with that rate and is drawn once, with the
    # margins its figure brought (a chart of 157 names is where an estimate would fall short).
    month = "2026-10"
    rates = dict(s.query(ro_server.warehouse, """
        select indicator_code, count(*) from (
            select unit_code, 'hi_success_rate' as indicator_code,
                   sum(value) filter (where indicator_code = 'hi_lookups_success')
                   / sum(value) filter (where indicator_code = 'hi_lookups_total') as rate
            from utilities_unit_monthly where period = ?::date group by unit_code
            union all
            select unit_code, 'accounts_share',
                   sum(value) filter (where indicator_code = 'ss_accounts')
                   / sum(value) filter (where indicator_code = 'ss_beneficiaries')
            from utilities_unit_monthly where period = ?::date group by unit_code
        ) where rate is not null group by indicator_code""", [month + "-01", month + "-01"]))
    chart = ".st-key-chart-util-units"
    bars_js = f"""() => document.querySelector('{chart} .js-plotly-plot').data[0].customdata.length"""
    page, watch = s.new_page(browser)
    try:
        page.set_viewport_size({"width": 1366, "height": 900})
        s.open_page(page, ro_server.url + f"/utilities?period={month}", chart + " .main-svg")
        assert page.evaluate(bars_js) == 20
        page.locator('[data-testid="stMain"] label', has_text="Hiện tất cả").click()
        s.settle(page)
        assert page.evaluate(bars_js) == rates["hi_success_rate"] > 40
        assert set(page.evaluate(PUSHED_JS)) == {""}
        # another rate, chosen in its select box: the link says it, and a reload keeps it
        page.locator(".st-key-util-rank-by").click()
        page.get_by_role("option", name="Tỷ lệ đối tượng có tài khoản").click()
        s.settle(page)
        assert "rank=accounts_share" in page.url
        page.reload()
        s.settle(page)
        assert "rank=accounts_share" in page.url
        assert page.locator(".st-key-util-rank-by input").input_value() == "Tỷ lệ đối tượng có tài khoản"
        assert page.evaluate(bars_js) == 20  # a reload starts from the ten at each end again
        page.locator('[data-testid="stMain"] label', has_text="Hiện tất cả").click()
        s.settle(page)
        assert page.evaluate(bars_js) == rates["accounts_share"]
        assert set(page.evaluate(PUSHED_JS)) == {""}
        s.screenshot(page, "page_utilities_ranking_all")
        assert s.exceptions(page) == [] and watch.errors == []
    finally:
        page.context.close()
