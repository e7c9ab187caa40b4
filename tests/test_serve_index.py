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
