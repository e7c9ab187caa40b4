"""An account's display name is text an administrator typed: the sidebar, the login page and
the upload page show it as written, never as a link or an image."""
from streamlit.testing.v1 import AppTest

from accounts import store
from dashboard.plain import plain
from tests.conftest import ROOT
from tests.test_page_support import app_env  # noqa: F401

HOSTILE = "![s](http://evil.example/x.png)[Đăng nhập lại](http://evil.example)"


def _texts(at):
    return [e.value for kind in ("markdown", "caption", "success") for e in at.get(kind)]


def test_a_display_name_with_markdown_is_shown_as_text_on_every_page_that_names_the_user(app_env):
    con = store.connect()
    store.create_user(con, "moi", "mat-khau-dai-du", "uploader", units=["395"], display_name=HOSTILE)
    token = store.create_session(con, "moi", 60)
    con.close()
    for page in ("identity", "login", "upload"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["da06_session"] = token
        at.run()
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception
        texts = [t for t in _texts(at) if "evil" in t]
        assert texts, page
        assert all(HOSTILE not in t and plain(HOSTILE) in t for t in texts), (page, texts)
