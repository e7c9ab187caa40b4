"""dashboard.serve's index.html: Streamlit's own file with the server's root given to the front
end before its scripts load, lang="vi" and the app's title; an unexpected file is refused (the
launcher then serves Streamlit's own)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import file_util

from dashboard import serve

STREAMLIT_INDEX = (Path(file_util.get_static_dir()) / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("base,expected", [("", '"/"'), ("/", '"/"'), ("da06", '"/da06/"'), ("/tinh/da06/", '"/tinh/da06/"')])
def test_the_root_is_given_before_streamlits_scripts(base, expected):
    html = serve.index_html(STREAMLIT_INDEX, base)
    hook = html.index("window.__streamlit")
    assert f"BACKEND_BASE_URL: new URL({expected}, window.location.origin).href" in html
    assert hook < html.index('<script type="module"')
    assert html.count("<script") == STREAMLIT_INDEX.count("<script") + 1


def test_vietnamese_page_and_title():
    html = serve.index_html(STREAMLIT_INDEX, "")
    assert '<html lang="vi">' in html and '<html lang="en">' not in html
    assert "<title>Đề án 06</title>" in html


@pytest.mark.parametrize("broken", [STREAMLIT_INDEX.replace("<title>Streamlit</title>", "<title>X</title>"),
                                    STREAMLIT_INDEX.replace('<html lang="en">', "<html>"),
                                    "<html lang=\"en\"><title>Streamlit</title></html>"])
def test_an_unexpected_index_is_refused(broken):
    with pytest.raises(ValueError):
        serve.index_html(broken, "")


def test_streamlits_chrome_is_translated_from_the_first_paint():
    """One inline script, before Streamlit's, carries the phrase dictionary and its translator;
    nothing is fetched from anywhere (no src, no URL)."""
    html = serve.index_html(STREAMLIT_INDEX, "")
    head = html[:html.index('<script type="module"')]
    assert "window.__DA06_VI = " in head and "MutationObserver" in head
    assert '"Download as CSV": "Tải về dạng CSV"' in head and '"Choose an option": "Chọn một mục"' in head
    own = head[head.index("window.__streamlit"):]
    assert "http://" not in own and "https://" not in own and " src=" not in own


def test_the_dictionary_says_every_phrase_in_vietnamese():
    import json
    import re

    phrases = json.loads((serve.STATIC / "chrome_vi.json").read_text(encoding="utf-8"))
    vietnamese = re.compile(r"[À-ỹĐđ]")
    for english, vi in phrases["exact"].items():
        assert english.strip() == english and vi != english and vietnamese.search(vi), (english, vi)
    for pattern, vi in phrases["patterns"]:
        re.compile(pattern)
        assert pattern.startswith("^") and pattern.endswith("$") and vietnamese.search(vi), pattern


def test_no_javascript_message_is_vietnamese():
    html = serve.index_html(STREAMLIT_INDEX, "")
    assert serve.NOSCRIPT in html and "You need to enable JavaScript" not in html
