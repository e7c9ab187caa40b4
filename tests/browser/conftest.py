"""Fixtures of the real-browser tests: one Playwright chromium per worker, and the read-only
app server (a private copy of the sample warehouse, the demo accounts)."""
from __future__ import annotations

import pytest

from tests.browser import support


@pytest.fixture(scope="session")
def browser():
    if support.chromium_missing():
        pytest.skip(f"{support.CHROMIUM} is missing: install Debian's chromium (make browser) for the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = support.launch(p)
        yield b
        b.close()


@pytest.fixture(scope="session")
def ro_server(browser, sample_db, tmp_path_factory):
    """The app on a private copy of the sample warehouse, for the tests that only read.

    Its very first request is a bookmarked sub-page link, recorded in server.notes["cold"] for
    test_bookmark_on_a_fresh_server; then "/" is opened once (see warm_up)."""
    work = tmp_path_factory.mktemp("browser-ro")
    server = support.start_server(support.make_site(work, sample_db), work / "streamlit.log")
    try:
        server.notes["cold"] = support.cold_bookmark(browser, server)
        support.warm_up(browser, server)
        yield server
    finally:
        server.stop()
