"""Issue #14 "no user ever sees a traceback", in a real browser on a server of its own: the
warehouse file goes bad under the running app (replaced by a truncated copy, as an interrupted
copy or a full disk would leave it). The next page shows the Vietnamese message with what to do
and a reference, no traceback, no exception box, no English; the server log has the reference
with the traceback. Started the way `make run` starts it (no flag on the command line: the
project's .streamlit/config.toml turns Streamlit's error details off)."""
from __future__ import annotations

import os
import re

import pytest

from tests.browser import support as s

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(s.chromium_missing(), reason=f"{s.CHROMIUM} is missing (Debian's chromium)")]

REFERENCE = re.compile(r"LOI-\d{8}-\d{6}-[0-9A-F]{6}")


@pytest.fixture(scope="module")
def server(browser, sample_db, tmp_path_factory):
    work = tmp_path_factory.mktemp("browser-errors")
    srv = s.start_server(s.make_site(work, sample_db), work / "streamlit.log", launcher=["-m", "dashboard.serve"])
    try:
        s.warm_up(browser, srv)
        yield srv
    finally:
        srv.stop()


def _break(warehouse) -> None:
    """Swap a truncated copy of the warehouse in (the way a writer swaps a new file in)."""
    data = warehouse.read_bytes()
    bad = warehouse.with_name("da06.duckdb.broken")
    bad.write_bytes(data[:4096] + b"\0" * 4096)
    os.replace(bad, warehouse)


def test_a_warehouse_gone_bad_shows_a_vietnamese_message_and_a_reference_in_the_log(browser, server):
    ctx = browser.new_context(viewport=s.VIEWPORT, locale="vi-VN")
    ctx.set_default_timeout(s.LOAD_MS)
    s.record_english(ctx)
    page = ctx.new_page()
    outside = s.record_requests(page, server.url)
    try:
        s.open_page(page, server.url + "/services", '[data-testid="stPlotlyChart"] .main-svg')
        assert s.alerts(page, "Error") == []
        _break(server.warehouse)
        # the person goes on: a menu link (a run in the same session), then a reload (a new one)
        for step in ("menu", "reload"):
            if step == "menu":
                page.locator('[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]', has_text="CCCD và VNeID").click()
                page.wait_for_timeout(500)
            else:
                page.reload(wait_until="domcontentloaded")
            page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=s.LOAD_MS)
            s.settle(page)
            errors = s.alerts(page, "Error")
            assert len(errors) == 1, errors
            message = errors[0].removeprefix("error").strip()  # the icon's ligature comes first
            assert message.startswith("Đã xảy ra lỗi ngoài dự kiến"), message
            assert "tải lại trang" in message and "báo quản trị viên" in message
            ref = REFERENCE.search(message).group(0)
            assert not s.traceback_shown(page)
            assert page.locator('[data-testid="stException"]').count() == 0
            seen = s.english_seen(page)
            assert seen["phrases"] == [] and outside == [], (seen, outside)
            s.screenshot(page, f"error_warehouse_gone_bad_{step}")
            log = server.log_text()
            assert f"da06 error {ref}" in log
            after = log[log.index(f"da06 error {ref}"):]
            assert "Traceback (most recent call last)" in after.splitlines()[1], after[:400]
        body = page.inner_text("body")
        for leak in ("duckdb", "Traceback", "IOException", "Error:", str(server.warehouse)):
            assert leak not in body, leak
    finally:
        ctx.close()
