"""Issue #14, the app's chrome in a real browser: every page of the menu (the dashboard pages,
reporting, the monthly report, login; upload and admin logged in as the administrator; an
unknown address), at 1366 px and on a phone (390 px), started the way `make run` starts it
(`python -m dashboard.serve`, no usage-statistics flag: the project's .streamlit/config.toml
must keep it private). Each page fails on a traceback or Streamlit exception box, on any of
Streamlit's English phrases seen at any moment (connection and status messages included), and
on any request to another host. KPI values never end cut off at 1366, 1093, 900 or 390 px; on
the phone the cards stack and nothing scrolls the page sideways. Screenshots of every page at
all four widths go to tests/artifacts/chrome_*.png. The overview prints on one A4 landscape
page (a real PDF, its pages counted with pypdf). Plain `streamlit run app.py` from another
folder is just as private."""
from __future__ import annotations

import pytest

from tests.browser import support as s

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(s.chromium_missing(), reason=f"{s.CHROMIUM} is missing (Debian's chromium)")]

ADMIN = ("quantri", "quantri-demo")
# a chart shown at this width: a grid's other view (dashboard/phone.py) is in the page but hidden
CHART = '[data-testid="stPlotlyChart"] .main-svg >> visible=true'
WIDE, PHONE = 1366, 390
NARROWER = (1093, 900)

# (name, path, what must be drawn, logged in as admin, dashboard page with KPI cards)
PAGES = [
    ("overview", "/", CHART, False, True),
    ("services", "/services?service=E06-02&district=395", CHART, False, True),
    ("identity", "/identity", CHART, False, True),
    ("cleaning", "/cleaning", CHART, False, True),
    ("utilities", "/utilities", CHART, False, True),
    ("tasks", "/tasks", CHART, False, True),
    ("district", "/district", CHART, False, True),
    ("pivot", "/pivot?period=2023-07..2023-09", '[data-testid="stDataFrame"]', False, False),
    ("reporting", "/reporting", CHART, False, True),
    ("report", "/report", "h1", False, False),
    ("login", "/login", '[data-testid="stForm"]', False, False),
    ("upload", "/upload", '[data-testid="stFileUploader"]', True, False),
    ("admin", "/admin", '[data-testid="stTabs"]', True, False),
]


@pytest.fixture(scope="module")
def server(browser, sample_db, tmp_path_factory):
    """The app as `make run` starts it: `python -m dashboard.serve`, no privacy flag on the command line."""
    work = tmp_path_factory.mktemp("browser-chrome")
    srv = s.start_server(s.make_site(work, sample_db), work / "streamlit.log", launcher=["-m", "dashboard.serve"])
    try:
        s.warm_up(browser, srv)
        yield srv
    finally:
        srv.stop()


def _context(browser, width: int):
    return s.new_context(browser, width)


def _touch_the_chrome(page) -> None:
    """Show what Streamlit draws only on a touch: a table's toolbar, a dropdown's options and
    its "no results", a chart's mode bar (the first table and chart shown at this width: a grid's
    phone table is in the page but hidden on a wide screen)."""
    table = page.locator('[data-testid="stDataFrame"]').filter(visible=True).first
    if table.count():
        table.hover()
        page.wait_for_timeout(300)
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(visible=True).first
    if chart.count():
        chart.hover()
        page.wait_for_timeout(300)
    select = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
    if select.count() and select.is_visible():
        select.click()
        page.wait_for_timeout(300)
        page.keyboard.press("Escape")
    multi = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"] input').first
    if multi.count() and multi.is_visible():
        multi.click()
        multi.type("zzzz")
        page.wait_for_timeout(400)
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
    s.settle(page)


@pytest.mark.parametrize("name,path,expect,admin,cards", PAGES, ids=[p[0] for p in PAGES])
def test_page_in_vietnamese_private_and_holding_its_layout(browser, server, name, path, expect, admin, cards):
    for width in (WIDE, PHONE):
        ctx = _context(browser, width)
        page = ctx.new_page()
        watch = s.Watch(page)
        outside = s.record_requests(page, server.url)
        try:
            if admin:
                s.login(page, server.url, *ADMIN)
            s.open_page(page, server.url + path, expect)
            if width == WIDE:
                _touch_the_chrome(page)
            s.assert_clean(page, outside, watch, f"{name} at {width} px")
            widths = (WIDE, *NARROWER) if width == WIDE else (PHONE,)
            for w in widths:
                if w != width:
                    page.set_viewport_size({"width": w, "height": 900})
                    page.wait_for_timeout(400)
                    s.settle(page)
                assert page.evaluate(s.KPI_CUT_JS) == [], f"{name}: a KPI value is cut off at {w} px"
                s.screenshot(page, f"chrome_{name}_{w}")
            if width == PHONE:
                assert page.evaluate(s.SIDEWAYS_JS) <= 1, f"{name}: the page scrolls sideways on a phone"
                if cards:
                    lefts = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stMetric"]')]
                        .map(m => Math.round(m.getBoundingClientRect().left))""")
                    assert lefts and len(set(lefts)) == 1, f"{name}: the cards do not stack on a phone ({lefts})"
            s.assert_clean(page, outside, watch, f"{name} at {width} px, after resizing")
        finally:
            ctx.close()


def test_an_unknown_address_says_so_in_vietnamese(browser, server):
    ctx = _context(browser, WIDE)
    page = ctx.new_page()
    watch = s.Watch(page)
    watch.allowed.append("does not seem to exist")  # Streamlit logs the unknown page in the console
    outside = s.record_requests(page, server.url)
    try:
        s.open_page(page, server.url + "/khong-co-trang-nay")
        page.wait_for_timeout(500)
        s.screenshot(page, "chrome_unknown_address")
        assert "Page not found" not in page.inner_text("body")
        s.assert_clean(page, outside, watch, "unknown address")
    finally:
        ctx.close()


def test_the_overview_prints_on_one_a4_landscape_page(browser, server, tmp_path):
    import pypdf

    ctx = _context(browser, WIDE)
    page = ctx.new_page()
    try:
        s.open_page(page, server.url + "/", CHART)
        pdf = tmp_path / "tong_quan.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        reader = pypdf.PdfReader(str(pdf))
        assert len(reader.pages) == 1
        box = reader.pages[0].mediabox
        assert round(float(box.width)) == 842 and round(float(box.height)) == 595  # A4 landscape, in points
        text = reader.pages[0].extract_text()
        # every card whole on the page: its label, value and status
        for label in ("Nộp hồ sơ trực tuyến", "Hồ sơ CCCD gắn chip", "Kích hoạt VNeID", "Làm sạch dữ liệu",
                      "Nhiệm vụ hoàn thành", "Lượt tra cứu BHYT bằng CCCD"):
            assert label in text, label
        values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
        assert len(values) == 6 and all(v.strip() in text for v in values), values
        assert "DỮ LIỆU MẪU" in text and "5 địa phương thấp nhất" in text
        # nothing of the screen's chrome on paper
        page.emulate_media(media="print")
        assert page.locator('[data-testid="stSidebar"]').is_hidden()
        assert page.locator('[data-testid="stHeader"]').is_hidden()
        s.screenshot(page, "chrome_overview_print")
    finally:
        ctx.close()


def test_plain_streamlit_run_from_another_folder_is_private_too(browser, sample_db, tmp_path):
    """`streamlit run /path/app.py` started elsewhere, no flag: .streamlit/config.toml beside
    app.py still applies — no request to another host (Streamlit's metrics endpoint), no menu
    of developer commands, no error details."""
    srv = s.start_server(s.make_site(tmp_path / "site", sample_db), tmp_path / "streamlit.log",
                         launcher=["-m", "streamlit", "run", str(s.ROOT / "app.py")], cwd=tmp_path)
    ctx = browser.new_context(viewport={"width": WIDE, "height": 900}, locale="vi-VN")
    ctx.set_default_timeout(s.LOAD_MS)
    page = ctx.new_page()
    outside = s.record_requests(page, srv.url)
    try:
        s.open_page(page, srv.url + "/", CHART)
        page.wait_for_timeout(1500)  # the metrics call, if any, follows the first run
        assert outside == []
        assert page.locator('[data-testid="stMainMenu"]').count() == 0
        assert page.locator('[data-testid="stDataFrameToolbar"] button[aria-label="Download as CSV"]').count() == 0
        assert not s.traceback_shown(page)
    finally:
        ctx.close()
        srv.stop()
