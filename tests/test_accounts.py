"""Accounts: argon2 hashes only, failed logins slow down (never lock), the same answers for
unknown names, server-side sessions, roles decide units, and every login and user change is in
the audit log."""
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


def _fail(con, name, when, client="10.0.0.9", password="sai"):
    with pytest.raises(store.LoginFailed) as e:
        store.authenticate(con, name, password, when, client=client)
    return str(e.value)


def test_failed_logins_slow_down_but_the_right_password_after_the_wait_works(con):
    store.create_user(con, "thoxuan", "mot-mat-khau-dai", "uploader", ("395",))
    now = dt.datetime(2026, 1, 1, 8, 0)
    assert [_fail(con, "thoxuan", now) for _ in range(4)] == ["Sai tên đăng nhập hoặc mật khẩu."] * 4
    assert _fail(con, "thoxuan", now) == "Sai tên đăng nhập hoặc mật khẩu. Đăng nhập sai nhiều lần: hãy chờ 1 giây rồi thử lại."
    # while waiting even the right password is not checked
    assert _fail(con, "thoxuan", now, password="mot-mat-khau-dai") == "Đăng nhập sai nhiều lần: hãy chờ 1 giây rồi thử lại."
    assert _fail(con, "thoxuan", now + dt.timedelta(seconds=1)).endswith("hãy chờ 2 giây rồi thử lại.")
    assert _fail(con, "thoxuan", now + dt.timedelta(seconds=3)).endswith("hãy chờ 4 giây rồi thử lại.")
    # after the wait the owner's right password works, and the count starts again
    assert store.authenticate(con, "thoxuan", "mot-mat-khau-dai", now + dt.timedelta(seconds=7), client="10.0.0.9").username == "thoxuan"
    assert con.execute("select count(*) from login_failures").fetchone() == (0,)


def test_the_wait_is_capped_so_a_stranger_cannot_lock_the_owner_out(con):
    store.create_user(con, "quantri", "mot-mat-khau-dai", "admin")
    t = dt.datetime(2026, 1, 1, 8, 0)
    for _ in range(30):  # a stranger keeps guessing, always waiting as told
        msg = _fail(con, "quantri", t, client="203.0.113.7")
        t += dt.timedelta(seconds=int(msg.split("chờ ")[1].split(" ")[0]) if "chờ" in msg else 0)
    assert msg.endswith("hãy chờ 300 giây rồi thử lại.")
    # the owner, from their own office, is not slowed by the stranger's failures
    assert store.authenticate(con, "quantri", "mot-mat-khau-dai", t, client="10.0.0.1").username == "quantri"


def test_one_client_guessing_many_names_is_slowed_down(con):
    now = dt.datetime(2026, 1, 1, 8, 0)
    msgs = [_fail(con, f"ten{i}", now, client="203.0.113.7") for i in range(20)]
    assert msgs[:19] == ["Sai tên đăng nhập hoặc mật khẩu."] * 19
    assert msgs[19].endswith("hãy chờ 1 giây rồi thử lại.")
    assert _fail(con, "ten99", now, client="203.0.113.7") == "Đăng nhập sai nhiều lần: hãy chờ 1 giây rồi thử lại."


def test_unknown_names_get_the_same_answers_as_real_ones(con):
    store.create_user(con, "thoxuan", "mot-mat-khau-dai", "uploader", ("395",))
    now = dt.datetime(2026, 1, 1, 8, 0)
    real = [_fail(con, "thoxuan", now + dt.timedelta(seconds=10 * i)) for i in range(7)]
    con.execute("delete from login_failures")
    unknown = [_fail(con, "khongco", now + dt.timedelta(seconds=10 * i)) for i in range(7)]
    assert real == unknown and real[-1].endswith("hãy chờ 4 giây rồi thử lại.")


def test_a_session_slides_and_ends_everywhere_at_logout(con):
    store.create_user(con, "lanhdao", "mot-mat-khau-dai", "viewer")
    t = dt.datetime(2026, 1, 1, 8, 0)
    token = store.create_session(con, "lanhdao", 60, t)
    assert con.execute("select count(*) from sessions where token_hash = ?", [token]).fetchone() == (0,)  # hashed
    assert store.session_user(con, token, 60, t + dt.timedelta(minutes=50)).username == "lanhdao"
    assert store.session_user(con, token, 60, t + dt.timedelta(minutes=100)).username == "lanhdao"  # slid
    assert store.session_user(con, token, 60, t + dt.timedelta(minutes=161)) is None  # 61 idle minutes
    token = store.create_session(con, "lanhdao", 60, t)
    assert store.end_session(con, token) == "lanhdao"
    assert store.session_user(con, token, 60, t) is None


def test_a_session_of_a_deactivated_account_ends(con):
    store.create_user(con, "cu", "mot-mat-khau-dai", "viewer")
    token = store.create_session(con, "cu", 60)
    store.update_user(con, "cu", "admin", active=False)
    assert store.session_user(con, token, 60) is None


def test_a_login_code_is_used_once_and_expires(con):
    t = dt.datetime(2026, 1, 1, 8, 0)
    code = store.issue_nonce(con, "thoxuan", 60, t)
    assert store.consume_nonce(con, code, t + dt.timedelta(seconds=5)) == "thoxuan"
    assert store.consume_nonce(con, code, t + dt.timedelta(seconds=6)) is None
    late = store.issue_nonce(con, "thoxuan", 60, t)
    assert store.consume_nonce(con, late, t + dt.timedelta(seconds=61)) is None
    assert store.consume_nonce(con, "doan-bua", t) is None


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
