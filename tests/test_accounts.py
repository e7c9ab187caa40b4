"""Accounts: argon2 hashes only, failed logins lock the account, roles decide units, and every
login and user change is in the audit log."""
import datetime as dt

import pytest

from accounts import store


@pytest.fixture
def con(tmp_path):
    c = store.connect(tmp_path / "accounts.sqlite")
    yield c
    c.close()


def test_password_is_stored_only_as_argon2_hash(con):
    store.create_user(con, "admin", "mot-mat-khau-dai", "admin")
    (h,) = con.execute("select password_hash from users where username = 'admin'").fetchone()
    assert h.startswith("$argon2id$") and "mot-mat-khau-dai" not in h


def test_login_ok_and_wrong_password(con):
    store.create_user(con, "lanhdao", "mot-mat-khau-dai", "viewer")
    assert store.authenticate(con, "LanhDao", "mot-mat-khau-dai").role == "viewer"
    with pytest.raises(store.LoginFailed, match="Sai tên đăng nhập hoặc mật khẩu"):
        store.authenticate(con, "lanhdao", "sai")


def test_failed_logins_lock_the_account(con):
    store.create_user(con, "thoxuan", "mot-mat-khau-dai", "uploader", ("395",))
    now = dt.datetime(2026, 1, 1, 8, 0)
    for _ in range(4):
        with pytest.raises(store.LoginFailed):
            store.authenticate(con, "thoxuan", "sai", now)
    with pytest.raises(store.LoginFailed, match="bị khóa 15 phút"):
        store.authenticate(con, "thoxuan", "sai", now)
    with pytest.raises(store.LoginFailed, match="tạm khóa"):  # even the right password, while locked
        store.authenticate(con, "thoxuan", "mot-mat-khau-dai", now + dt.timedelta(minutes=5))
    assert store.authenticate(con, "thoxuan", "mot-mat-khau-dai", now + dt.timedelta(minutes=16)).username == "thoxuan"


@pytest.mark.parametrize("role, units, expected", [
    ("admin", (), {"380", "395"}),
    ("uploader", ("395",), {"395"}),
    ("viewer", (), set()),
    ("analyst", (), set()),
])
def test_roles_decide_which_units_may_be_loaded(con, role, units, expected):
    u = store.create_user(con, "u1", "mot-mat-khau-dai", role, units)
    assert u.allowed_units({"380", "395"}) == expected


def test_inactive_account_cannot_log_in(con):
    store.create_user(con, "cu", "mot-mat-khau-dai", "viewer")
    store.update_user(con, "cu", "admin", active=False)
    with pytest.raises(store.LoginFailed, match="vô hiệu hóa"):
        store.authenticate(con, "cu", "mot-mat-khau-dai")


def test_audit_records_logins_and_user_changes(con):
    store.create_user(con, "a", "mot-mat-khau-dai", "viewer", actor="admin")
    store.update_user(con, "a", "admin", role="analyst")
    store.authenticate(con, "a", "mot-mat-khau-dai")
    with pytest.raises(store.LoginFailed):
        store.authenticate(con, "a", "x")
    assert [(r[1], r[2], r[3]) for r in reversed(store.audit_log(con))] == [
        ("admin", "user.create", "a"), ("admin", "user.update", "a"), ("a", "login.ok", "a"), ("a", "login.failed", "a")]


def test_demo_accounts_are_created_once(con):
    assert store.ensure_demo_accounts(con) == ["quantri", "lanhdao", "phantich", "thoxuan"]
    assert store.ensure_demo_accounts(con) == []
    assert store.get_user(con, "thoxuan").units == ("395",)
