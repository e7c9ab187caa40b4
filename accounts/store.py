"""Users with roles and units, argon2 password hashes, failed-login limits, and an audit log."""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from etl.config import ROOT

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
    failed_count  integer not null default 0,
    locked_until  text,
    created_at    text not null,
    updated_at    text not null
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

    def can_upload_for(self, unit_code: str) -> bool:
        return self.active and (self.role == "admin" or (self.role == "uploader" and unit_code in self.units))

    def allowed_units(self, all_units) -> set[str]:
        if not self.active:
            return set()
        if self.role == "admin":
            return set(all_units)
        if self.role == "uploader":
            return set(self.units)
        return set()


@lru_cache(maxsize=1)
def auth_settings() -> dict:
    with open(ROOT / "config.toml", "rb") as f:
        return tomllib.load(f).get("auth", {})


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
            con.execute("update users set password_hash = ?, failed_count = 0, locked_until = null where username = ?", [_hasher.hash(password), username])
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


def authenticate(con, username: str, password: str, now: dt.datetime | None = None) -> User:
    """The user, or LoginFailed with a Vietnamese message. Failed attempts are counted and the
    account locks for lockout_minutes after max_failed_logins failures in a row."""
    s = auth_settings()
    max_failed, lock_min = int(s.get("max_failed_logins", 5)), int(s.get("lockout_minutes", 15))
    now = now or _now()
    username = (username or "").strip().lower()
    row = con.execute("select password_hash, active, failed_count, locked_until from users where username = ?", [username]).fetchone()
    generic = "Sai tên đăng nhập hoặc mật khẩu."
    if row is None:
        _hasher.hash(password or "x")  # same work as a real check: no timing hint that the name is unknown
        audit(con, username or "?", "login.failed", username, {"reason": "unknown user"})
        raise LoginFailed(generic)
    pw_hash, active, failed, locked_until = row
    if locked_until and dt.datetime.fromisoformat(locked_until) > now:
        audit(con, username, "login.refused", username, {"reason": "locked", "until": locked_until})
        raise LoginFailed(f"Tài khoản tạm khóa do đăng nhập sai nhiều lần; thử lại sau {dt.datetime.fromisoformat(locked_until):%H:%M}.")
    try:
        _hasher.verify(pw_hash, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        failed += 1
        until = (now + dt.timedelta(minutes=lock_min)).isoformat(sep=" ") if failed >= max_failed else None
        con.execute("update users set failed_count = ?, locked_until = ? where username = ?", [0 if until else failed, until, username])
        audit(con, username, "login.failed", username, {"failed_count": failed, "locked_until": until})
        raise LoginFailed(generic if not until else f"Đăng nhập sai {failed} lần: tài khoản bị khóa {lock_min} phút.")
    if not active:
        audit(con, username, "login.refused", username, {"reason": "inactive"})
        raise LoginFailed("Tài khoản đã bị vô hiệu hóa. Liên hệ quản trị viên.")
    if _hasher.check_needs_rehash(pw_hash):
        con.execute("update users set password_hash = ? where username = ?", [_hasher.hash(password), username])
    con.execute("update users set failed_count = 0, locked_until = null where username = ?", [username])
    audit(con, username, "login.ok", username)
    return get_user(con, username)


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
