"""Issue #15 "nothing from a user reaches another user's screen as markup", in a real browser on a
server of its own. Markdown, HTML and bare addresses are put wherever a user can put text:

* every URL parameter (?period, ?unit, ?agency, ?service, ?district, ?next) on every page of the menu;
* a file name on upload: the file's check, the "đã nạp" message, the administrator's "sẽ thay thế"
  box quoting the earlier file, the history;
* an account's display name (the sidebar, the login page, the upload page);
* text in a workbook cell that the check quotes in its error message.

Every page is walked for anything the app did not write itself: a link or image to another host
or made from the data, a rendered <script>, an event handler, a heading or bold text from the
data, and any request to another host (the page fetching an image from a crafted link). The
values must show as the characters they are. Also: the 20 MB limit is said on the upload page in
Vietnamese and enforced by the server (a larger request is refused even when the browser's own
check is bypassed), and exports follow the roles (no download for an anonymous visitor or a
viewer; an analyst has them)."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

import pytest

from tests.browser import support as s

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(s.chromium_missing(), reason=f"{s.CHROMIUM} is missing (Debian's chromium)")]

EVIL = "evil.example"
LINK = f"[Phiên hết hạn - đăng nhập lại tại đây](http://{EVIL}/dang-nhap)"
IMAGE = f"![x](http://{EVIL}/anh.png)"
HTML = f"<img src=http://{EVIL}/html.png onerror=alert(1)><script>alert(2)</script><a href=http://{EVIL}/a>bấm</a>"
HOSTILE = f"{LINK} {IMAGE} {HTML} http://{EVIL}/tran :red[**đậm**] <h2>Tiêu đề giả</h2>\n# Tiêu đề giả"
# A file name holds no "/" (and a backslash does not survive the upload's form encoding):
# "https:host", which a page served over http reads as https://host/.
FILE_NAME = (f"![s](https:{EVIL})[Đăng nhập lại](https:{EVIL})"
             f"<img src=https:{EVIL} onerror=alert(3)> **đậm**.xlsx")
DISPLAY_NAME = f"{LINK} {IMAGE} <b>đậm</b>"
HOSTILE_USER = ("tenla", "ten-la-hostile-123")
ADMIN = ("quantri", "quantri-demo")
VIEWER = ("lanhdao", "lanhdao-demo")
ANALYST = ("phantich", "phantich-demo")
DEC = dt.date(2024, 12, 1)
UPLOADER_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
CONFIRM = re.compile(r"Xác nhận nạp \d+ tệp hợp lệ")

PAGES = ["/", "/services", "/identity", "/cleaning", "/utilities", "/tasks", "/district", "/reporting", "/report", "/login"]
PARAMS = ("period", "unit", "agency", "service", "district", "next")

# What the app never writes from data: found in the page, it came from a user's text.
FOREIGN_JS = """(evil) => {
  const own = location.host, bad = [];
  const foreign = (url) => { try { const u = new URL(url, location.href);
      return (u.host && u.host !== own) || u.protocol === 'javascript:'; } catch (e) { return true; } };
  for (const a of document.querySelectorAll('a[href]')) {
    if (foreign(a.getAttribute('href')) || /Đăng nhập lại|Phiên hết hạn|bấm/.test(a.textContent)) bad.push('a: ' + a.outerHTML.slice(0, 160));
  }
  for (const e of document.querySelectorAll('img, image, iframe, video, audio, source, object, embed')) {
    const src = e.getAttribute('src') || e.getAttribute('href') || e.getAttribute('data') || '';
    if (foreign(src) || src.includes(evil) || /^(x|s)$/.test(e.getAttribute('alt') || '')) bad.push(e.tagName + ': ' + e.outerHTML.slice(0, 160));
  }
  for (const e of document.querySelectorAll('script')) if (/alert\\(/.test(e.textContent)) bad.push('script: ' + e.textContent.slice(0, 80));
  for (const e of document.querySelectorAll('*')) {
    for (const at of e.getAttributeNames()) if (/^on/i.test(at)) bad.push('handler: ' + e.tagName + ' ' + at);
  }
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) if (/Tiêu đề giả/.test(h.textContent)) bad.push('heading: ' + h.textContent.slice(0, 80));
  // the data's own **đậm** and :red[…] made bold or coloured (the app may set a whole quoted name in bold)
  for (const e of document.querySelectorAll('strong, b, em, i, mark')) if (e.textContent.trim() === 'đậm') bad.push('bold: ' + e.outerHTML.slice(0, 120));
  for (const e of document.querySelectorAll('span[style*="color"], [class*="colored"]')) if (/^(\*\*)?đậm(\*\*)?$/.test(e.textContent.trim())) bad.push('colour: ' + e.outerHTML.slice(0, 120));
  return bad;
}"""


@pytest.fixture(scope="module")
def server(browser, sample_db, tmp_path_factory):
    from accounts import store

    work = tmp_path_factory.mktemp("browser-markup")
    site = s.make_site(work, sample_db)
    con = store.connect(site["DA06_ACCOUNTS"])
    try:
        store.create_user(con, HOSTILE_USER[0], HOSTILE_USER[1], "uploader", ["395"], DISPLAY_NAME, actor="test")
    finally:
        con.close()
    srv = s.start_server(site, work / "streamlit.log")
    try:
        s.warm_up(browser, srv)
        yield srv
    finally:
        srv.stop()


def _page(browser, server):
    page, watch = s.new_page(browser)
    s.record_english(page.context)  # the walk sees Streamlit's chrome too (the file chip, its errors)
    watch.allowed.append("does not seem to exist")
    return page, watch, s.record_requests(page, server.url)


def _clean(page, outside, watch, where: str) -> None:
    page.wait_for_timeout(300)
    assert page.evaluate(FOREIGN_JS, EVIL) == [], where
    assert outside == [], (where, outside)
    assert not s.traceback_shown(page), where
    assert watch.errors == [], (where, watch.errors)
    assert s.english_seen(page) == {"phrases": [], "like": []}, where


def _visible_as_text(page, text: str) -> bool:
    """`text` shows as the characters it holds (a bare address broken by an invisible joiner)."""
    body = page.inner_text("body").replace("\u2060", "")
    return text in body


@pytest.mark.parametrize("path", PAGES, ids=[p.strip("/") or "overview" for p in PAGES])
def test_url_parameters_show_as_text_on_every_page(browser, server, path):
    query = "&".join(f"{k}={quote(HOSTILE)}" for k in PARAMS)
    page, watch, outside = _page(browser, server)
    try:
        s.open_page(page, f"{server.url}{path}?{query}")
        _clean(page, outside, watch, path)
        if path not in ("/reporting", "/report", "/login"):  # the pages with the shared filters quote what they refused
            assert _visible_as_text(page, LINK), path
            assert _visible_as_text(page, ":red[**đậm**]"), path
        # the person goes on: another page from the menu keeps nothing of it as markup
        s.go(page, "Tình hình báo cáo")
        _clean(page, outside, watch, path + " then the menu")
        s.screenshot(page, f"markup_url_{path.strip('/') or 'overview'}")
    finally:
        page.context.close()


def test_an_account_name_shows_as_text(browser, server):
    page, watch, outside = _page(browser, server)
    try:
        s.login(page, server.url, *HOSTILE_USER)
        _clean(page, outside, watch, "login page")
        assert _visible_as_text(page, DISPLAY_NAME)
        for path, expect in (("/", '[data-testid="stPlotlyChart"] .main-svg'), ("/upload", '[data-testid="stFileUploader"]')):
            s.open_page(page, server.url + path, expect)
            _clean(page, outside, watch, path)
            assert _visible_as_text(page, DISPLAY_NAME), path
        s.screenshot(page, "markup_account_name")
    finally:
        page.context.close()


def _choose(page, name: str, data: bytes) -> None:
    page.locator(UPLOADER_INPUT).set_input_files(
        files=[{"name": name, "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "buffer": data}])
    page.wait_for_selector('[data-testid="stFileChip"]', timeout=s.LOAD_MS)
    page.wait_for_timeout(500)
    s.settle(page)


def test_file_names_and_cell_text_show_as_text_on_upload(browser, server, tmp_path):
    from etl.template import write_template
    from tests.bad_workbooks.make import services_sheet, table

    good = write_template(tmp_path / "a.xlsx", "395", DEC, {"identity": {"395": {"cccd_records": 150001}}}).read_bytes()
    again = write_template(tmp_path / "b.xlsx", "395", DEC, {"identity": {"395": {"cccd_records": 150002}}}).read_bytes()
    cell = table(tmp_path / "c.xlsx", services_sheet([None, HOSTILE.replace("\n", " "), 12, 3])).read_bytes()
    page, watch, outside = _page(browser, server)
    try:
        s.login(page, server.url, *ADMIN)
        s.open_page(page, server.url + "/upload", '[data-testid="stFileUploader"]')
        assert "Tối đa 20 MB mỗi tệp" in page.inner_text('[data-testid="stMain"]')  # the limit, said on the page
        # 1. a file whose name is markup: checked, then loaded
        _choose(page, FILE_NAME, good)
        _clean(page, outside, watch, "file name in the check")
        assert _visible_as_text(page, FILE_NAME), page.inner_text('[data-testid="stMain"]')[:3000]
        page.get_by_role("button", name=CONFIRM).click()
        page.wait_for_selector('[data-testid="stAlertContentSuccess"]', timeout=s.LOAD_MS)
        s.settle(page)
        _clean(page, outside, watch, "file name in the loaded message and the history")
        assert any(a.replace("\u2060", "").startswith(FILE_NAME) for a in s.alerts(page, "Success")), s.alerts(page)
        # 2. the next file for the same unit and month: the administrator's "sẽ thay thế" box quotes it
        s.open_page(page, server.url + "/upload", '[data-testid="stFileUploader"]')
        _choose(page, "bao_cao_moi.xlsx", again)
        replaces = [a for a in s.alerts(page, "Info") if "sẽ thay thế" in a.replace("**", "")]
        assert replaces and FILE_NAME in replaces[0].replace("\u2060", ""), s.alerts(page, "Info")
        _clean(page, outside, watch, "the 'sẽ thay thế' box")
        s.screenshot(page, "markup_upload_replaces")
        # 3. a cell's text quoted in the check's error
        s.open_page(page, server.url + "/upload", '[data-testid="stFileUploader"]')
        _choose(page, "o_co_chu.xlsx", cell)
        errors = s.alerts(page, "Error")
        assert errors and any("Không nhận ra" in e and "[Phiên hết hạn" in e for e in errors), errors
        _clean(page, outside, watch, "cell text in an error")
        s.screenshot(page, "markup_upload_cell_error")
    finally:
        page.context.close()


def test_the_20_mb_limit_is_checked_by_the_server(browser, server, tmp_path):
    """The browser refuses a larger file itself (in Vietnamese); a request that gets past the
    browser (its body swapped for 21 MB on the way) is refused by the server: 413, nothing received."""
    from etl.template import write_template

    small = write_template(tmp_path / "nho.xlsx", "395", DEC, {}).read_bytes()
    page, watch, outside = _page(browser, server)
    try:
        s.login(page, server.url, *ADMIN)
        s.open_page(page, server.url + "/upload", '[data-testid="stFileUploader"]')
        # the browser's own check
        page.locator(UPLOADER_INPUT).set_input_files(files=[{"name": "qua_lon.xlsx", "mimeType": "application/octet-stream",
                                                             "buffer": b"0" * (21 * 1024 * 1024)}])
        page.wait_for_selector('[data-testid="stFileChip"]', timeout=s.LOAD_MS)
        page.wait_for_timeout(500)
        said = page.locator('[data-testid="stFileChip"] [role="alert"]').first.inner_text().strip()
        assert said == "Lỗi: Tệp phải nhỏ hơn hoặc bằng 20.0 MB.", said
        s.screenshot(page, "upload_too_big_browser")
        # past the browser: the upload request's body replaced by 21 MB
        statuses: list[int] = []
        big = b"0" * (21 * 1024 * 1024)

        def swap(route, request):
            body = request.post_data_buffer or b""
            boundary = body.split(b"\r\n", 1)[0]
            head, _, rest = body.partition(b"\r\n\r\n")
            route.continue_(post_data=head + b"\r\n\r\n" + big + b"\r\n" + boundary + b"--\r\n")

        page.route("**/_stcore/upload_file/**", swap)
        page.on("response", lambda r: "/_stcore/upload_file/" in r.url and statuses.append(r.status))
        s.open_page(page, server.url + "/upload", '[data-testid="stFileUploader"]')
        page.locator(UPLOADER_INPUT).set_input_files(files=[{"name": "nho.xlsx", "mimeType": "application/octet-stream",
                                                             "buffer": small}])
        page.wait_for_selector('[data-testid="stFileChip"]', timeout=s.LOAD_MS)
        page.wait_for_timeout(1500)
        s.settle(page)
        assert 413 in statuses, statuses
        assert page.get_by_role("button", name=CONFIRM).count() == 0
        assert not s.traceback_shown(page)
        s.screenshot(page, "upload_too_big_server")
    finally:
        page.context.close()


@pytest.mark.parametrize("user,exports", [(None, False), (VIEWER, False), (ANALYST, True)],
                         ids=["anonymous", "viewer", "analyst"])
def test_exports_follow_the_roles(browser, server, user, exports):
    page, watch, outside = _page(browser, server)
    try:
        if user:
            s.login(page, server.url, *user)
        s.open_page(page, server.url + "/services?service=E06-02", '[data-testid="stPlotlyChart"] .main-svg')
        buttons = page.locator('[data-testid="stDownloadButton"]').count()
        assert (buttons > 0) == exports, buttons
        note = page.get_by_text("Đăng nhập với quyền chuyên viên phân tích để tải bảng.").count()
        assert (note > 0) == (not exports)
        # Streamlit's own table export is off for everyone (exports go through the .xlsx buttons)
        page.locator('[data-testid="stDataFrame"]').first.hover()
        page.wait_for_timeout(300)
        assert page.locator('[data-testid="stElementToolbar"] button', has_text="Download").count() == 0
        assert page.locator('[data-testid="stElementToolbarButton"] [aria-label="Download as CSV"], '
                            '[aria-label="Tải về dạng CSV"]').count() == 0
    finally:
        page.context.close()
