"""Issue #14, "drill-down that can be undone", "compare units" and "layouts that hold", in the real
browser at 1366 px and 390 px: clicking a service's bar drills (the link gets ?service=), the
browser's Back undoes it, "Bỏ chọn" clears it; two districts are compared side by side; on a
phone the cleaning heat map and the reporting matrix are tables with the unit pinned. No
traceback, no English in the app's chrome, no request to another host, at any step."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser import support as s

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(s.chromium_missing(), reason=f"{s.CHROMIUM} is missing (Debian's chromium)")]

WIDE, PHONE = 1366, 390
SERVICE_BOX = '.st-key-svc_service'
CLEAR = '.st-key-svc_service_clear button'


def _param(page, name: str) -> str | None:
    return parse_qs(urlsplit(page.url).query).get(name, [None])[0]


def _chosen_service(page) -> str:
    """What the service box shows: its text and its input's value (a searchable select)."""
    return page.locator(SERVICE_BOX).evaluate(
        "e => e.innerText + ' ' + [...e.querySelectorAll('input')].map(i => i.value + ' ' + (i.placeholder || '')).join(' ')")


@pytest.mark.parametrize("width", [WIDE, PHONE])
def test_drill_on_a_bar_then_back_then_clear(browser, ro_server, width):
    with s.watched_page(browser, ro_server.url, width) as (page, watch, outside):
        s.open_page(page, ro_server.url + "/services?period=2023-09", '.st-key-chart-svc-services .main-svg')
        s.assert_clean(page, outside, watch, f"services at {width}")
        assert _param(page, "service") is None
        before = page.url

        # click a bar of "Tỷ lệ trực tuyến theo dịch vụ": the link gets the service, its districts show
        bar = page.locator('.st-key-chart-svc-services .bars path').nth(3)
        bar.scroll_into_view_if_needed()
        bar.click(force=True)
        page.wait_for_function("() => new URLSearchParams(location.search).get('service')", timeout=s.LOAD_MS)
        s.settle(page)
        drilled = _param(page, "service")
        assert drilled and drilled in _chosen_service(page)
        assert page.locator('.st-key-dl-xlsx-svc-service-districts, [data-testid="stDataFrame"]').count() > 0
        s.assert_clean(page, outside, watch, f"drilled at {width}")
        s.screenshot(page, f"drill_services_{width}")

        # the browser's Back: the view before the drill
        page.go_back(wait_until="commit")
        page.wait_for_function("() => !new URLSearchParams(location.search).get('service')", timeout=s.LOAD_MS)
        s.settle(page)
        assert page.url == before
        assert drilled not in _chosen_service(page)
        assert page.locator(CLEAR).is_disabled()
        s.assert_clean(page, outside, watch, f"back at {width}")

        # choose in the box, then "Bỏ chọn"
        field = page.locator(SERVICE_BOX + ' input')
        field.scroll_into_view_if_needed()
        field.click(force=True)
        page.wait_for_timeout(300)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.wait_for_function("() => new URLSearchParams(location.search).get('service')", timeout=s.LOAD_MS)
        s.settle(page)
        assert page.locator(CLEAR).is_enabled()
        page.locator(CLEAR).click()
        page.wait_for_function("() => !new URLSearchParams(location.search).get('service')", timeout=s.LOAD_MS)
        s.settle(page)
        assert page.locator(CLEAR).is_disabled()
        assert _param(page, "period") == "2023-09"
        s.assert_clean(page, outside, watch, f"cleared at {width}")


@pytest.mark.parametrize("width", [WIDE, PHONE])
def test_two_districts_side_by_side_then_combined(browser, ro_server, width):
    with s.watched_page(browser, ro_server.url, width) as (page, watch, outside):
        s.open_page(page, ro_server.url + "/services?period=2023-01..2023-09&unit=395,396",
                    '.st-key-chart-svc-compare-trend .main-svg')
        assert page.locator('.st-key-chart-svc-compare-trend .scatterlayer .trace').count() == 2  # a line per district
        assert page.locator('[data-testid="stMetric"]').count() == 0  # no pooled cards
        s.assert_clean(page, outside, watch, f"compare at {width}")
        s.screenshot(page, f"compare_services_{width}")
        if width == PHONE:
            page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button').first.click()
            page.wait_for_timeout(500)
        page.locator('[data-testid="stSidebar"] label', has_text="Cộng gộp").click()
        page.wait_for_function("() => new URLSearchParams(location.search).get('combine') === '1'", timeout=s.LOAD_MS)
        s.settle(page)
        assert page.locator('[data-testid="stMetric"]').count() == 3
        assert page.get_by_text("cộng gộp 2 địa phương", exact=False).count() > 0
        s.assert_clean(page, outside, watch, f"combined at {width}")


@pytest.mark.parametrize("path,key", [("/cleaning?period=2023-09", "cl-heatmap"), ("/reporting", "rep-matrix")])
def test_grids_are_tables_with_the_unit_pinned_on_a_phone(browser, ro_server, path, key):
    with s.watched_page(browser, ro_server.url, PHONE) as (page, watch, outside):
        s.open_page(page, ro_server.url + path, "h1")
        phone_view, wide_view = page.locator(f'.st-key-phone-view-{key}'), page.locator(f'.st-key-wide-view-{key}')
        phone_view.scroll_into_view_if_needed()
        assert phone_view.is_visible() and not wide_view.is_visible()
        grid = phone_view.locator('[data-testid="stDataFrame"]')
        assert grid.is_visible()
        box = grid.bounding_box()
        assert box["width"] <= PHONE  # the table scrolls inside itself, the page does not
        assert page.evaluate(s.SIDEWAYS_JS) <= 1
        s.assert_clean(page, outside, watch, f"{path} at {PHONE}")
        s.screenshot(page, f"phone_grid_{key}")
        page.set_viewport_size({"width": WIDE, "height": 900})
        page.wait_for_timeout(500)
        s.settle(page)
        assert wide_view.is_visible() and not phone_view.is_visible()
