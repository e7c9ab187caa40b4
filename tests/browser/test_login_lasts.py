"""Issue #14 "a login that lasts", in a real browser: a login survives a reload and a new tab,
its cookie is HttpOnly and no token is ever in a URL; a bookmarked /upload asks for the login
and then opens /upload; logging out in one tab logs the other tab out."""
from __future__ import annotations

import pytest

from tests.browser import support as s

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(s.chromium_missing(), reason=f"{s.CHROMIUM} is missing (Debian's chromium)")]

LOGGED_IN = "text=Đang đăng nhập"


@pytest.fixture(scope="module")
def server(browser, sample_db, tmp_path_factory):
    with s.own_server(browser, sample_db, tmp_path_factory.mktemp("browser-login"), warm=False) as srv:
        yield srv


def _urls(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    return seen


def test_login_survives_reload_and_a_new_tab_and_logout_ends_it_everywhere(browser, server):
    page, watch = s.new_page(browser)
    urls = _urls(page)
    try:
        s.login(page, server.url, "thoxuan", "thoxuan-demo")
        cookies = {c["name"]: c for c in page.context.cookies()}
        assert cookies["da06_session"]["httpOnly"] is True
        token = cookies["da06_session"]["value"].split(".")[0]
        page.reload(wait_until="domcontentloaded")
        page.wait_for_selector(LOGGED_IN, timeout=s.LOAD_MS)
        s.settle(page)
        assert "Nộp báo cáo" in s.nav_titles(page)
        other = page.context.new_page()
        urls += _urls(other)
        s.open_page(other, server.url + "/upload", '[data-testid="stFileUploader"]')
        assert other.locator(LOGGED_IN).count() > 0
        # log out in the first tab: the other one is logged out on its next run
        s.open_page(page, server.url + "/login", LOGGED_IN)
        page.get_by_role("button", name="Đăng xuất").click()
        page.wait_for_selector('[data-testid="stForm"]', timeout=s.LOAD_MS)
        s.settle(page)
        other.reload(wait_until="domcontentloaded")
        other.wait_for_selector('[data-testid="stForm"]', timeout=s.LOAD_MS)
        s.settle(other)
        assert other.locator('[data-testid="stFileUploader"]').count() == 0
        assert s.exceptions(page) == [] and s.exceptions(other) == [] and watch.errors == []
        assert [u for u in urls if token in u or "t=" in u] == []
    finally:
        page.context.close()


def test_a_bookmarked_upload_asks_for_the_login_then_opens_the_upload_page(browser, server):
    page, watch = s.new_page(browser)
    try:
        s.open_page(page, server.url + "/upload", '[data-testid="stForm"]')
        assert page.url == server.url + "/upload"
        assert "Page not found" not in page.inner_text("body")
        s.screenshot(page, "login_bookmarked_upload")
        page.get_by_label("Tên đăng nhập").fill("thoxuan")
        page.get_by_label("Mật khẩu", exact=True).fill("thoxuan-demo")
        page.locator('[data-testid="stFormSubmitButton"] button').click()
        page.wait_for_selector('[data-testid="stFileUploader"]', timeout=s.LOAD_MS)
        s.settle(page)
        assert page.url == server.url + "/upload"
        assert s.exceptions(page) == [] and watch.errors == []
    finally:
        page.context.close()


def test_wrong_passwords_answer_the_same_for_unknown_names(browser, server):
    page, _ = s.new_page(browser)
    try:
        answers = []
        for name in ("quantri", "khong-co-ai"):
            s.open_page(page, server.url + "/login", '[data-testid="stForm"]')
            page.get_by_label("Tên đăng nhập").fill(name)
            page.get_by_label("Mật khẩu", exact=True).fill("sai-mat-khau")
            page.locator('[data-testid="stFormSubmitButton"] button').click()
            page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=s.LOAD_MS)
            answers.append(s.alerts(page, "Error"))
        assert answers == [["Sai tên đăng nhập hoặc mật khẩu."]] * 2
    finally:
        page.context.close()
