"""The admin page: only administrators; creating an account is stored and audited."""

import pytest
from streamlit.testing.v1 import AppTest

from accounts import store
from tests.conftest import ROOT


@pytest.fixture
def accounts(tmp_path, sample_db, monkeypatch):
    monkeypatch.setenv("DA06_WAREHOUSE", str(sample_db))
    monkeypatch.setenv("DA06_ACCOUNTS", str(tmp_path / "accounts.sqlite"))
    con = store.connect()
    store.ensure_demo_accounts(con)
    yield con
    con.close()


def _page(user):
    at = AppTest.from_file(str(ROOT / "pages" / "admin.py"), default_timeout=60)
    con = store.connect()  # a real login session, as the cookie route makes
    at.session_state["da06_session"] = store.create_session(con, user, 60)
    con.close()
    return at.run()


@pytest.mark.parametrize("user", ["lanhdao", "phantich", "thoxuan"])
def test_non_admins_are_refused(accounts, user):
    at = _page(user)
    assert [e.value for e in at.error] == ["Trang này chỉ dành cho quản trị viên."]


def test_admin_creates_an_uploader(accounts):
    at = _page("quantri")
    at.text_input[1].input("hoangtp")      # new-account form: username
    at.text_input[2].input("Hoàng Thị P")
    at.selectbox[2].set_value("uploader")
    at.multiselect[1].set_value(["380"])
    at.text_input[3].input("mat-khau-du-dai")
    at.button[1].click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Đã tạo hoangtp."]
    u = store.get_user(accounts, "hoangtp")
    assert (u.role, u.units, u.display_name) == ("uploader", ("380",), "Hoàng Thị P")
    assert store.audit_log(accounts, 1)[0][1:4] == ("quantri", "user.create", "hoangtp")
