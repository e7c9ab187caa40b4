"""Issue #5 in a real browser, on a server and warehouse of their own: an uploader logs in,
checks and loads a workbook, and the dashboards show the new figure without a restart; a bad
file shows its cell-level errors and changes nothing; an uploader cannot load for another
unit; a viewer has no upload page; two uploads confirmed at once both land.

The warehouse is read through a private copy of the file (support.query): the server holds
it open, and it is only ever replaced whole, so the copy is a consistent snapshot."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from etl.template import write_template
from tests.browser import support as s

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(s.chromium_missing(), reason=f"{s.CHROMIUM} is missing (Debian's chromium)")]

DEC, NOV = dt.date(2024, 12, 1), dt.date(2024, 11, 1)
UPLOADER = ("thoxuan", "thoxuan-demo")  # uploader for 395 Huyện Thọ Xuân
ADMIN = ("quantri", "quantri-demo")
VIEWER = ("lanhdao", "lanhdao-demo")
UPLOADER_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
CONFIRM = re.compile(r"Xác nhận nạp \d+ tệp hợp lệ")
NEW_CCCD = 150321  # distinctive: the sample has 139.785 for 395 in December 2024


@pytest.fixture(scope="module")
def server(browser, sample_db, tmp_path_factory):
    with s.own_server(browser, sample_db, tmp_path_factory.mktemp("browser-upload")) as srv:
        yield srv


@pytest.fixture
def files(tmp_path):
    def make(name, unit, period, values):
        return write_template(tmp_path / name, unit, period, values)
    return make


def _state(server) -> dict:
    """What an upload may change: the log and every fact table."""
    q = lambda sql: s.query(server.warehouse, sql)  # noqa: E731
    return {"log": q("select submission_id, status from submission_log order by all"),
            "services": q("select * from fact_service_volume order by all"),
            "identity": q("select * from fact_identity order by all")}


def _upload_page(browser, server, user):
    page, watch = s.new_page(browser)
    s.login(page, server.url, *user)
    s.go(page, "Nộp báo cáo", '[data-testid="stFileUploader"]')
    return page, watch


def _choose(page, path) -> None:
    page.locator(UPLOADER_INPUT).set_input_files(str(path))
    page.wait_for_selector(f"text={path.name}", timeout=s.LOAD_MS)
    page.wait_for_timeout(300)
    s.settle(page)


def test_upload_then_the_dashboards_show_the_new_figure(browser, server, files):
    before = s.query(server.warehouse, "select count(*) from submission_log where source = 'submitted'")
    page, watch = _upload_page(browser, server, UPLOADER)
    try:
        s.screenshot(page, "upload_1_page")
        _choose(page, files("Bao_cao_Tho_Xuan_12-2024.xlsx", "395", DEC, {"identity": {"395": {"cccd_records": NEW_CCCD}}}))
        assert s.alerts(page, "Error") == []
        head = page.locator('[data-testid="stMarkdownContainer"]', has_text="Bao_cao_Tho_Xuan_12-2024.xlsx — đơn vị 395").last
        assert "Tháng 12/2024" in head.inner_text() and "check_circle" in head.inner_text()
        assert any("sẽ thay thế" in a for a in s.alerts(page, "Info"))  # the sample has a December report
        # nothing is written before the confirmation
        assert s.query(server.warehouse, "select count(*) from submission_log where source = 'submitted'") == before
        s.screenshot(page, "upload_2_preview")
        page.get_by_role("button", name=CONFIRM).click()
        page.wait_for_selector('[data-testid="stAlertContentSuccess"]', timeout=s.LOAD_MS)
        s.settle(page)
        assert [a for a in s.alerts(page, "Success") if a.startswith("Bao_cao_Tho_Xuan_12-2024.xlsx: Đã nạp")]
        s.screenshot(page, "upload_3_loaded")
        assert s.exceptions(page) == [] and watch.errors == []
    finally:
        page.context.close()

    assert s.query(server.warehouse, "select cccd_records, source from fact_identity where unit_code = '395' and period = ?",
                   [DEC]) == [(NEW_CCCD, "submitted")]
    assert s.query(server.warehouse, "select status, submitted_by from submission_log where source = 'submitted'") == [("accepted", "thoxuan")]

    # the same server, no restart: the overview and the CCCD page of 395 show the new figure
    shown = f"{NEW_CCCD:,}".replace(",", ".")
    for path, shot in [("/?unit=395&period=2024-12", "upload_4_overview_395"),
                       ("/identity?unit=395&period=2024-12", "upload_5_identity_395")]:
        page, watch = s.new_page(browser)
        try:
            s.open_page(page, server.url + path, '[data-testid="stPlotlyChart"] .main-svg')
            metric = page.locator('[data-testid="stMetric"]', has_text="Hồ sơ CCCD gắn chip").first
            assert metric.locator('[data-testid="stMetricValue"]').inner_text().strip() == shown
            assert s.exceptions(page) == [] and watch.errors == []
            s.screenshot(page, shot)
        finally:
            page.context.close()


def test_bad_file_shows_its_cell_errors_and_changes_nothing(browser, server, files):
    before = _state(server)
    page, watch = _upload_page(browser, server, UPLOADER)
    try:
        _choose(page, files("sai.xlsx", "395", DEC, {"services": {"E06-02": {"total_dossiers": 10, "online_dossiers": 11}}}))
        assert s.alerts(page, "Error") == ["Dịch vụ công!D8 — Cấp lại, đổi thẻ căn cước công dân: Hồ sơ trực tuyến (11) lớn hơn tổng số hồ sơ (10). Hãy kiểm tra lại hai ô: hồ sơ trực tuyến là một phần của tổng số hồ sơ."]
        assert "cancel" in page.locator('[data-testid="stMarkdownContainer"]', has_text="sai.xlsx").last.inner_text()
        assert page.get_by_role("button", name=CONFIRM).count() == 0
        s.screenshot(page, "upload_bad_file")
        assert s.exceptions(page) == [] and watch.errors == []
    finally:
        page.context.close()
    assert _state(server) == before


def test_uploader_cannot_load_for_another_unit(browser, server, files):
    before = _state(server)
    page, watch = _upload_page(browser, server, UPLOADER)
    try:
        _choose(page, files("thanh_hoa.xlsx", "380", DEC, {"identity": {"380": {"cccd_records": 1}}}))
        assert s.alerts(page, "Error") == [
            "Dịch vụ công!B2: Tài khoản này không được nộp số liệu cho đơn vị 380 - Thành phố Thanh Hóa. "
            "Chỉ nộp cho đơn vị được phân công; liên hệ quản trị viên nếu cần thêm quyền."]
        assert page.get_by_role("button", name=CONFIRM).count() == 0
        s.screenshot(page, "upload_other_unit")
        assert s.exceptions(page) == [] and watch.errors == []
    finally:
        page.context.close()
    assert _state(server) == before


def test_viewer_has_no_upload_page(browser, server):
    page, watch = s.new_page(browser)
    try:
        s.login(page, server.url, *VIEWER)
        menu = s.nav_titles(page)
        assert "Tình hình báo cáo" in menu and "Nộp báo cáo" not in menu and "Quản trị" not in menu
        s.screenshot(page, "viewer_menu")
        # Typing /upload in the address bar of the logged-in session: the app's own router
        # (history + popstate, as the browser's back/forward) asks for the page by its URL.
        watch.allowed.append("does not seem to exist")  # Streamlit logs the unknown page
        page.evaluate("() => { history.pushState({}, '', '/upload'); dispatchEvent(new PopStateEvent('popstate')); }")
        page.wait_for_timeout(1000)
        s.settle(page)
        assert page.locator(UPLOADER_INPUT).count() == 0
        assert page.locator("h1").first.inner_text().strip() != "Nộp báo cáo tháng"
        assert "Lãnh đạo tỉnh" in page.locator('[data-testid="stSidebar"]').inner_text()  # still logged in
        s.screenshot(page, "viewer_upload_url")
        assert s.exceptions(page) == [] and watch.errors == []
    finally:
        page.context.close()
    # and a new visit of /upload (not logged in) asks for the login in place of the page (issue 14)
    page, watch = s.new_page(browser)
    watch.allowed.append("does not seem to exist")
    try:
        page.goto(server.url + "/upload", wait_until="domcontentloaded")
        page.wait_for_selector("h1", timeout=s.LOAD_MS)
        s.settle(page)
        assert page.locator(UPLOADER_INPUT).count() == 0
        assert page.locator('input[type="password"]').count() == 1
        assert s.exceptions(page) == [] and watch.errors == []
    finally:
        page.context.close()


def test_two_uploads_confirmed_at_once_both_land(browser, server, files):
    jobs = [(UPLOADER, files("395_11.xlsx", "395", NOV, {"services": {"E06-02": {"total_dossiers": 777, "online_dossiers": 700}}}), "395", NOV),
            (ADMIN, files("397_12.xlsx", "397", DEC, {"services": {"E06-02": {"total_dossiers": 888, "online_dossiers": 800}}}), "397", DEC)]
    pages = []
    try:
        for user, path, _, _ in jobs:
            page, watch = _upload_page(browser, server, user)
            pages.append((page, watch))
            _choose(page, path)
            assert s.alerts(page, "Error") == []
        buttons = [p.get_by_role("button", name=CONFIRM) for p, _ in pages]
        for b in buttons:
            b.wait_for(state="visible")
        for b in buttons:  # one right after the other, without waiting for the first load
            b.click(no_wait_after=True)
        for (page, watch), (user, path, _, _) in zip(pages, jobs):
            page.wait_for_selector('[data-testid="stAlertContentSuccess"]', timeout=s.LOAD_MS)
            s.settle(page)
            assert [a for a in s.alerts(page, "Success") if a.startswith(f"{path.name}: Đã nạp")], s.alerts(page)
            assert s.exceptions(page) == [] and watch.errors == []
            s.screenshot(page, f"upload_concurrent_{user[0]}")
    finally:
        for page, _ in pages:
            page.context.close()
    for user, path, unit, period in jobs:
        assert s.query(server.warehouse, "select status, submitted_by from submission_log where file_name = ?",
                       [path.name]) == [("accepted", user[0])]
        assert s.query(server.warehouse, "select total_dossiers, online_dossiers, source from fact_service_volume "
                       "where unit_code = ? and period = ? and service_code = 'E06-02'", [unit, period]) == [
            (777, 700, "submitted") if unit == "395" else (888, 800, "submitted")]
