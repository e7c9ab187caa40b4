"""A page link (a bookmark, a link sent around) opens without Streamlit's front end first
probing the page's own path for the server (/identity/_stcore/health, a 404, then a 100 ms
wait): dashboard.serve tells the front end where the server's root is. The page is declared
Vietnamese (lang="vi")."""
from __future__ import annotations

import pytest

from tests.browser import support as s

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(s.chromium_missing(), reason=f"{s.CHROMIUM} is missing (Debian's chromium)")]


@pytest.mark.parametrize("path", ["/identity?period=2023-09", "/services", "/district?period=2023-09&unit=395"])
def test_a_page_link_asks_the_server_root_only(browser, ro_server, path):
    page, watch = s.new_page(browser)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        s.open_page(page, ro_server.url + path, "h1")
        stcore = sorted({u.split("?")[0] for u in requests if "/_stcore/" in u})
        assert stcore and all(u.startswith(ro_server.url + "/_stcore/") for u in stcore), stcore
        assert page.evaluate("document.documentElement.lang") == "vi"
        assert s.exceptions(page) == [] and watch.errors == []
    finally:
        page.context.close()
