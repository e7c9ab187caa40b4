"""Issue #14: "Nhiều tháng" driven as a person does, in the real browser: switch to a range,
drag a handle with the mouse, move the other with the keyboard, follow a menu link, reload.
No traceback at any step, and the URL keeps the range that was chosen."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser import support as s

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(s.chromium_missing(), reason=f"{s.CHROMIUM} is missing (Debian's chromium)")]

THUMBS = '[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]'  # one per handle
RANGE = re.compile(r"^\d{4}-\d{2}\.\.\d{4}-\d{2}$")


def _period(page) -> str:
    return parse_qs(urlsplit(page.url).query).get("period", [""])[0]


def _no_crash(page, watch) -> None:
    assert s.exceptions(page) == [], s.exceptions(page)
    assert watch.errors == []


def test_range_slider_survives_drag_keys_menu_and_reload(browser, ro_server):
    page, watch = s.new_page(browser)
    try:
        s.open_page(page, ro_server.url + "/", '[data-testid="stPlotlyChart"] .main-svg')
        page.locator('[data-testid="stSidebar"] label', has_text="Nhiều tháng").click()
        s.settle(page)
        _no_crash(page, watch)
        thumbs = page.locator(THUMBS)
        assert thumbs.count() == 2
        whole = _period(page)

        # drag the first handle to the left with the mouse (the input is hidden: grab its knob)
        box = thumbs.nth(0).locator("xpath=../..").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x - 90, y, steps=8)
        page.mouse.up()
        s.settle(page)
        _no_crash(page, watch)
        dragged = _period(page)
        assert RANGE.match(dragged) and dragged != whole, (whole, dragged)
        assert dragged.split("..")[1] == whole.split("..")[1]  # only the first handle moved

        # move the second handle two months back with the keyboard
        thumbs.nth(1).focus()
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowLeft")
        s.settle(page)
        _no_crash(page, watch)
        keyed = _period(page)
        assert RANGE.match(keyed) and keyed.split("..")[0] == dragged.split("..")[0]
        assert keyed.split("..")[1] < dragged.split("..")[1], (dragged, keyed)

        # another page keeps the range, and so does a reload
        s.go(page, "Dịch vụ công", '[data-testid="stPlotlyChart"] .main-svg')
        _no_crash(page, watch)
        assert _period(page) == keyed
        page.reload(wait_until="domcontentloaded")
        page.wait_for_selector("h1", timeout=s.LOAD_MS)
        s.settle(page)
        _no_crash(page, watch)
        assert _period(page) == keyed
        assert page.get_by_role("radio", name="Nhiều tháng").is_checked()
        s.screenshot(page, "range_slider_services")
    finally:
        page.context.close()
