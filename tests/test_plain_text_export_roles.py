"""Exports follow the roles (README, "Accounts and roles"): an anonymous visitor and a viewer
get no table or chart download, only a note; an analyst (and an admin) get both."""
import pytest
from streamlit.testing.v1 import AppTest

from accounts import store
from dashboard.ui import EXPORT_NOTE
from tests.conftest import ROOT
from tests.test_page_support import app_env  # noqa: F401


def _open(user, page="identity"):
    con = store.connect()
    store.ensure_demo_accounts(con)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if user:  # a real login session, as the cookie route makes
        at.session_state["da06_session"] = store.create_session(con, user, 60)
    con.close()
    at.run()
    at.query_params["period"] = "2023-09"
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    return at


def _downloads(at):
    return [b.proto.label for b in at.get("download_button")]


@pytest.mark.parametrize("user", [None, "lanhdao"])
def test_anonymous_and_viewer_get_a_note_and_no_download(app_env, user):
    at = _open(user)
    assert _downloads(at) == []
    assert EXPORT_NOTE in [c.value for c in at.caption]


@pytest.mark.parametrize("user", ["phantich", "quantri"])
def test_analyst_and_admin_download_tables_and_charts(app_env, user):
    at = _open(user)
    labels = _downloads(at)
    assert "⬇ Tải bảng Excel (.xlsx)" in labels and "⬇ Tải biểu đồ (PNG)" in labels
    assert EXPORT_NOTE not in [c.value for c in at.caption]
