"""Users with roles and units, argon2 password hashes, login throttling, server-side login
sessions, and an audit log.

This package imports nothing from etl or dashboard (they import it): settings are passed in
(Throttle), and the default accounts file is found from this package's own location."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ROOT = Path(__file__).resolve().parent.parent

ROLES = {
    "viewer": "Lãnh đạo (xem)",
    "analyst": "Chuyên viên phân tích (xem, xuất dữ liệu)",
    "uploader": "Cán bộ nộp báo cáo",
    "admin": "Quản trị viên",
}
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters

SCHEMA = """
create table if not exists users (
    username      text primary key,
    display_name  text not null,
    role          text not null check (role in ('viewer', 'analyst', 'uploader', 'admin')),
    units         text not null default '',
    password_hash text not null,
    active        integer not null default 1,
    is_demo       integer not null default 0,
    created_at    text not null,
    updated_at    text not null
);
-- failed logins per key ("name|client" and "client"), see Throttle
create table if not exists login_failures (
    key           text primary key,
    failures      integer not null,
    last_failure  text not null,
    wait_until    text
);
-- a login: only the SHA-256 of its token is stored; the token lives in the browser's cookie
create table if not exists sessions (
    token_hash    text primary key,
    username      text not null,
    created_at    text not null,
    last_seen     text not null,
    expires_at    text not null
);
-- one-time, short-lived codes that turn a password login into a session cookie
create table if not exists login_nonces (
    nonce_hash    text primary key,
    username      text not null,
    expires_at    text not null
);
create table if not exists meta (
    key   text primary key,
    value text not null
);
create table if not exists audit (
    id      integer primary key autoincrement,
    at      text not null,
    actor   text not null,
    action  text not null,
    target  text,
    detail  text
);
"""


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    units: tuple[str, ...]
    active: bool
    is_demo: bool

    def allowed_units(self, all_units) -> set[str]:
        if not self.active:
            return set()
        if self.role == "admin":
            return set(all_units)
        if self.role == "uploader":
            return set(self.units)
        return set()


@dataclass(frozen=True)
class Throttle:
    """Failed logins slow down, they never lock. A name tried from one client, and one client
    whatever the names, get `free` failures; each further failure makes that key wait 2^n
    seconds (n = failures beyond `free`, at most `max_delay_seconds`) before the next attempt is
    even checked. The right password after the wait works, so a stranger cannot lock the owner
    out; unknown names are treated exactly like known ones. Failures are forgotten after
    `forget_minutes` without one."""
    free: int = 5
    client_free: int = 20
    max_delay_seconds: int = 300
    forget_minutes: int = 60

    @classmethod
    def from_settings(cls, s: dict) -> "Throttle":
        return cls(int(s.get("throttle_free_failures", cls.free)), int(s.get("throttle_client_free_failures", cls.client_free)),
                   int(s.get("throttle_max_delay_seconds", cls.max_delay_seconds)),
                   int(s.get("throttle_forget_minutes", cls.forget_minutes)))

    def delay(self, failures: int, free: int) -> int:
        return 0 if failures < free else min(2 ** (failures - free), self.max_delay_seconds)


def accounts_path() -> Path:
    return Path(os.environ.get("DA06_ACCOUNTS", ROOT / "data" / "app" / "accounts.sqlite"))


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def connect(path: Path | None = None) -> sqlite3.Connection:
    path = Path(path or accounts_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    con.execute("pragma journal_mode=wal")
    con.executescript(SCHEMA)
    return con


def _user(row) -> User:
    return User(row[0], row[1], row[2], tuple(u for u in row[3].split(",") if u), bool(row[4]), bool(row[5]))




class PasswordTooWeak(ValueError):
    pass


def check_password_strength(password: str) -> None:
    if len(password) < 10:
        raise PasswordTooWeak("Mật khẩu cần ít nhất 10 ký tự.")


def audit(con: sqlite3.Connection, actor: str, action: str, target: str | None = None, detail=None) -> None:
    con.execute("insert into audit (at, actor, action, target, detail) values (?, ?, ?, ?, ?)",
                [_now().isoformat(sep=" "), actor, action, target,
                 json.dumps(detail, ensure_ascii=False, default=str) if detail is not None else None])


def create_user(con, username: str, password: str, role: str, units=(), display_name: str | None = None,
                actor: str = "system", is_demo: bool = False) -> User:
    if role not in ROLES:
        raise ValueError(f"Vai trò không hợp lệ: {role}. Chọn: {', '.join(ROLES)}")
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise ValueError("Tên đăng nhập chỉ gồm chữ, số, dấu chấm, gạch dưới, gạch ngang.")
    if role == "uploader" and not units:
        raise ValueError("Cán bộ nộp báo cáo cần ít nhất một đơn vị.")
    if not is_demo:
        check_password_strength(password)
    now = _now().isoformat(sep=" ")
    con.execute("begin immediate")
    try:
        if con.execute("select 1 from users where username = ?", [username]).fetchone():
            raise ValueError(f"Tài khoản '{username}' đã tồn tại.")
        con.execute("insert into users (username, display_name, role, units, password_hash, is_demo, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
                    [username, display_name or username, role, ",".join(units), _hasher.hash(password), int(is_demo), now, now])
        audit(con, actor, "user.create", username, {"role": role, "units": list(units)})
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return get_user(con, username)


def get_user(con, username: str) -> User | None:
    row = con.execute("select username, display_name, role, units, active, is_demo from users where username = ?",
                      [username.strip().lower()]).fetchone()
    return _user(row) if row else None


def list_users(con) -> list[User]:
    return [_user(r) for r in con.execute(
        "select username, display_name, role, units, active, is_demo from users order by username").fetchall()]


def update_user(con, username: str, actor: str, *, role=None, units=None, active=None, display_name=None, password=None) -> User:
    changes = {}
    con.execute("begin immediate")
    try:
        if role is not None:
            if role not in ROLES:
                raise ValueError(f"Vai trò không hợp lệ: {role}")
            con.execute("update users set role = ? where username = ?", [role, username]); changes["role"] = role
        if units is not None:
            con.execute("update users set units = ? where username = ?", [",".join(units), username]); changes["units"] = list(units)
        if active is not None:
            con.execute("update users set active = ? where username = ?", [int(active), username]); changes["active"] = bool(active)
        if display_name is not None:
            con.execute("update users set display_name = ? where username = ?", [display_name, username]); changes["display_name"] = display_name
        if password is not None:
            check_password_strength(password)
            con.execute("update users set password_hash = ? where username = ?", [_hasher.hash(password), username])
            con.execute("delete from login_failures where key like ? escape '\\'", [_like_prefix(username + "|")])
            changes["password"] = "đã đổi"
        con.execute("update users set updated_at = ? where username = ?", [_now().isoformat(sep=" "), username])
        audit(con, actor, "user.update", username, changes)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return get_user(con, username)


class LoginFailed(Exception):
    pass


GENERIC_FAILURE = "Sai tên đăng nhập hoặc mật khẩu."


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _wait_message(seconds: int) -> str:
    return f"Đăng nhập sai nhiều lần: hãy chờ {seconds} giây rồi thử lại."


def _throttle_keys(username: str, client: str, policy: Throttle) -> list[tuple[str, int]]:
    return [(f"{username}|{client}", policy.free), (f"|{client}", policy.client_free)]


def authenticate(con, username: str, password: str, now: dt.datetime | None = None, *, client: str = "",
                 policy: Throttle = Throttle()) -> User:
    """The user, or LoginFailed with a Vietnamese message that is the same for a name that does
    not exist as for a wrong password (see Throttle for the waits)."""
    now = now or _now()
    username = (username or "").strip().lower()
    keys = _throttle_keys(username, client or "?", policy)
    forget = now - dt.timedelta(minutes=policy.forget_minutes)
    con.execute("delete from login_failures where last_failure < ?", [forget.isoformat(sep=" ")])
    waits = [dt.datetime.fromisoformat(w) for (w,) in con.execute(
        f"select wait_until from login_failures where key in ({','.join('?' * len(keys))}) and wait_until is not null",
        [k for k, _ in keys]).fetchall()]
    wait = max(waits, default=now)
    if wait > now:
        seconds = int((wait - now).total_seconds() + 0.999)
        audit(con, username or "?", "login.throttled", username, {"client": client, "wait_seconds": seconds})
        raise LoginFailed(_wait_message(seconds))
    row = con.execute("select password_hash, active from users where username = ?", [username]).fetchone()
    try:
        if row is None:
            _hasher.hash(password or "x")  # same work as a real check: no timing hint that the name is unknown
            raise VerifyMismatchError()
        _hasher.verify(row[0], password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        longest = 0
        for key, free in keys:
            (failures,) = con.execute(
                "insert into login_failures (key, failures, last_failure) values (?, 1, ?) "
                "on conflict (key) do update set failures = failures + 1, last_failure = excluded.last_failure "
                "returning failures", [key, now.isoformat(sep=" ")]).fetchone()
            d = policy.delay(failures, free)
            if d:
                con.execute("update login_failures set wait_until = ? where key = ?",
                            [(now + dt.timedelta(seconds=d)).isoformat(sep=" "), key])
            longest = max(longest, d)
        audit(con, username or "?", "login.failed", username,
              {"reason": "unknown user" if row is None else "wrong password", "client": client, "wait_seconds": longest})
        raise LoginFailed(GENERIC_FAILURE + (" " + _wait_message(longest) if longest else ""))
    pw_hash, active = row
    con.execute(f"delete from login_failures where key in ({','.join('?' * len(keys))})", [k for k, _ in keys])
    if not active:
        audit(con, username, "login.refused", username, {"reason": "inactive"})
        raise LoginFailed("Tài khoản đã bị vô hiệu hóa. Liên hệ quản trị viên.")
    if _hasher.check_needs_rehash(pw_hash):
        con.execute("update users set password_hash = ? where username = ?", [_hasher.hash(password), username])
    audit(con, username, "login.ok", username, {"client": client} if client else None)
    return get_user(con, username)


# --------------------------------------------------------------------------- sessions

def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def secret(con) -> bytes:
    """This installation's key for signing session cookies (made once, kept in the accounts file)."""
    con.execute("insert or ignore into meta (key, value) values ('cookie_secret', ?)", [secrets.token_hex(32)])
    return bytes.fromhex(con.execute("select value from meta where key = 'cookie_secret'").fetchone()[0])


def issue_nonce(con, username: str, seconds: int = 60, now: dt.datetime | None = None) -> str:
    """A one-time code, valid `seconds`, that the cookie endpoint exchanges for a session."""
    now = now or _now()
    nonce = secrets.token_urlsafe(32)
    con.execute("delete from login_nonces where expires_at < ?", [now.isoformat(sep=" ")])
    con.execute("insert into login_nonces (nonce_hash, username, expires_at) values (?, ?, ?)",
                [_sha(nonce), username, (now + dt.timedelta(seconds=seconds)).isoformat(sep=" ")])
    return nonce


def consume_nonce(con, nonce: str, now: dt.datetime | None = None) -> str | None:
    """The user name the code was issued to, once; None when unknown, used or expired."""
    now = now or _now()
    row = con.execute("delete from login_nonces where nonce_hash = ? returning username, expires_at", [_sha(nonce or "")]).fetchone()
    if row is None or dt.datetime.fromisoformat(row[1]) < now:
        return None
    return row[0]


def create_session(con, username: str, minutes: int, now: dt.datetime | None = None) -> str:
    """A new login for `username`; returns the token (only its hash is stored)."""
    now = now or _now()
    token = secrets.token_urlsafe(32)
    con.execute("delete from sessions where expires_at < ?", [now.isoformat(sep=" ")])
    con.execute("insert into sessions (token_hash, username, created_at, last_seen, expires_at) values (?, ?, ?, ?, ?)",
                [_sha(token), username, now.isoformat(sep=" "), now.isoformat(sep=" "),
                 (now + dt.timedelta(minutes=minutes)).isoformat(sep=" ")])
    return token


def session_user(con, token: str, minutes: int, now: dt.datetime | None = None) -> User | None:
    """The active user of a live session, sliding its expiry `minutes` from now; None when the
    session is unknown, expired or ended, or the account was deactivated."""
    now = now or _now()
    if not token:
        return None
    row = con.execute("select username, expires_at from sessions where token_hash = ?", [_sha(token)]).fetchone()
    if row is None:
        return None
    if dt.datetime.fromisoformat(row[1]) <= now:
        con.execute("delete from sessions where token_hash = ?", [_sha(token)])
        return None
    user = get_user(con, row[0])
    if user is None or not user.active:
        con.execute("delete from sessions where token_hash = ?", [_sha(token)])
        return None
    con.execute("update sessions set last_seen = ?, expires_at = ? where token_hash = ?",
                [now.isoformat(sep=" "), (now + dt.timedelta(minutes=minutes)).isoformat(sep=" "), _sha(token)])
    return user


def end_session(con, token: str) -> str | None:
    """Log a session out (every tab using it); returns its user name."""
    row = con.execute("delete from sessions where token_hash = ? returning username", [_sha(token or "")]).fetchone()
    return row[0] if row else None


def audit_log(con, limit: int = 500, action_prefix: str | None = None) -> list[tuple]:
    if action_prefix:
        return con.execute("select at, actor, action, target, detail from audit where action like ? order by id desc limit ?",
                           [action_prefix + "%", limit]).fetchall()
    return con.execute("select at, actor, action, target, detail from audit order by id desc limit ?", [limit]).fetchall()


DEMO_ACCOUNTS = [
    # username, password, role, units, display name
    ("quantri", "quantri-demo", "admin", (), "Quản trị viên (dùng thử)"),
    ("lanhdao", "lanhdao-demo", "viewer", (), "Lãnh đạo tỉnh (dùng thử)"),
    ("phantich", "phantich-demo", "analyst", (), "Chuyên viên phân tích (dùng thử)"),
    ("thoxuan", "thoxuan-demo", "uploader", ("395",), "Cán bộ Huyện Thọ Xuân (dùng thử)"),
]


def ensure_demo_accounts(con) -> list[str]:
    """Sample mode: create the documented demo accounts that do not exist yet."""
    made = []
    for username, password, role, units, name in DEMO_ACCOUNTS:
        if get_user(con, username) is None:
            create_user(con, username, password, role, units, name, actor="sample", is_demo=True)
            made.append(username)
    return made


def demo_accounts_present(con) -> list[tuple[str, str, str]]:
    present = {u.username for u in list_users(con) if u.is_demo}
    return [(u, p, ROLES[r]) for u, p, r, _, _ in DEMO_ACCOUNTS if u in present]
