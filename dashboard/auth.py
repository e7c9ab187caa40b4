"""Who is using the app: password login (argon2, throttled) or the organisation's identity
provider (st.login), the login session, and the role checks the pages use.

A password login lasts across reloads and tabs: the server keeps the session (accounts
SQLite, token hashed, expiry sliding `session_minutes`), the browser keeps its token in a
signed, expiring, HttpOnly cookie. Streamlit cannot set cookies, so after the password is
checked the page posts a one-time code (never in a URL) to the launcher's /_da06/session
route (dashboard/serve.py), which sets the cookie and sends the browser to the page asked
for. Logging out deletes the server-side session: every tab loses it on its next run.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import html
import json
import tomllib
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit

import streamlit as st

from accounts import store
from dashboard.plain import plain
from etl.config import ROOT

COOKIE = "da06_session"
SESSION_KEY = "da06_session"  # a session token kept by this tab (AppTest has no cookies)
NOTICE_KEY = "da06_notice"
SESSION_ROUTE = "_da06/session"
LOGOUT_ROUTE = "_da06/logout"
PAGES_DIR = ROOT / "pages"


@lru_cache(maxsize=1)
def settings() -> dict:
    with open(ROOT / "config.toml", "rb") as f:
        return tomllib.load(f).get("auth", {})


def session_minutes() -> int:
    return int(settings().get("session_minutes", 60))


def session_max_hours() -> int:
    return int(settings().get("session_max_hours", 12))


def throttle() -> store.Throttle:
    return store.Throttle.from_settings(settings())


def require_login_to_view() -> bool:
    return bool(settings().get("require_login_to_view", False))


def oidc_enabled() -> bool:
    return bool(settings().get("oidc", False))


# --------------------------------------------------------------------------- the cookie

def _mac(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def sign(con, token: str, now: dt.datetime | None = None) -> str:
    """The cookie value: token, time issued, HMAC of both with this installation's secret."""
    body = f"{token}.{int((now or dt.datetime.now()).timestamp())}"
    return f"{body}.{_mac(store.secret(con), body)}"


def unsign(con, value: str | None, now: dt.datetime | None = None) -> str | None:
    """The token of a cookie that is well signed and younger than session_max_hours, else None."""
    parts = (value or "").split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    body = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_mac(store.secret(con), body), parts[2]):
        return None
    age = (now or dt.datetime.now()).timestamp() - int(parts[1])
    return parts[0] if 0 <= age <= session_max_hours() * 3600 else None


# --------------------------------------------------------------------------- where to go after login

def known_pages() -> set[str]:
    """URL paths of the app's pages (each pages/NAME.py is served at /NAME) and the root."""
    return {""} | {p.stem for p in PAGES_DIR.glob("*.py")}


def safe_next(target: str | None) -> str:
    """A page of this app to open after login, as a relative path with its query string; any
    other target (another host, an unknown page) becomes the root. Never an open redirect."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or "\\" in (target or ""):
        return ""
    page = parts.path.strip("/")
    if page not in known_pages():
        return ""
    query = urlencode(parse_qsl(parts.query)) if parts.query else ""
    return page + (f"?{query}" if query else "")


def _post_html(route: str, fields: dict[str, str]) -> str:
    """A form the browser posts at once to one of the app's own routes (the fields are ours:
    a random code and a checked page path, escaped)."""
    inputs = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields.items())
    action = json.dumps(route)
    return (f'<form id="da06-post" method="post">{inputs}</form>'
            f"<script>(function(){{var f=document.getElementById('da06-post');"
            f"var base=(window.__streamlit&&window.__streamlit.BACKEND_BASE_URL)||(window.location.origin+'/');"
            f"f.action=new URL({action}, base).href;f.submit();}})();</script>")


# --------------------------------------------------------------------------- the user

def _token() -> str | None:
    con = store.connect()
    try:
        cookie = unsign(con, st.context.cookies.get(COOKIE))
    finally:
        con.close()
    return cookie or st.session_state.get(SESSION_KEY)


def current_user() -> store.User | None:
    """The logged-in user, or None. A session ends after session_minutes without activity, at
    logout (in any tab) and when an administrator deactivates the account."""
    if oidc_enabled():
        info = getattr(st, "user", None)
        if info is not None and info.get("is_logged_in"):
            con = store.connect()
            try:
                return store.get_user(con, str(info.get("email", "")))
            finally:
                con.close()
        return None
    token = _token()
    if not token:
        return None
    con = store.connect()
    try:
        user = store.session_user(con, token, session_minutes())
    finally:
        con.close()
    if user is None and not st.session_state.get("_da06_ended"):
        st.session_state["_da06_ended"] = True  # say it once per tab
        st.session_state.pop(SESSION_KEY, None)
        st.session_state[NOTICE_KEY] = "Phiên làm việc đã kết thúc (hết hạn hoặc đã đăng xuất); hãy đăng nhập lại."
    return user


def login(username: str, password: str) -> tuple[store.User, str]:
    """Check the password (throttled); returns the user and the one-time code for the cookie."""
    con = store.connect()
    try:
        user = store.authenticate(con, username, password, client=st.context.ip_address or "localhost", policy=throttle())
        nonce = store.issue_nonce(con, user.username)
    finally:
        con.close()
    return user, nonce


def finish_login(nonce: str, next_path: str) -> None:
    """Send the browser to the cookie route, which comes back to next_path logged in."""
    st.session_state.pop("_da06_ended", None)
    st.html(_post_html(SESSION_ROUTE, {"t": nonce, "next": safe_next(next_path)}), unsafe_allow_javascript=True)


def logout() -> None:
    """End the session everywhere, then have the browser drop its cookie."""
    token = _token()
    con = store.connect()
    try:
        name = store.end_session(con, token) if token else None
        if name:
            store.audit(con, name, "logout", name)
    finally:
        con.close()
    st.session_state.pop(SESSION_KEY, None)
    st.session_state["_da06_ended"] = True
    st.html(_post_html(LOGOUT_ROUTE, {}), unsafe_allow_javascript=True)


def login_form(next_path: str) -> None:
    """The password form; after a good login the browser opens next_path (a page of the app)."""
    with st.form("login_form"):
        username = st.text_input("Tên đăng nhập", key="login_username")
        password = st.text_input("Mật khẩu", type="password", key="login_password")
        submitted = st.form_submit_button("Đăng nhập")
    if submitted:
        try:
            u, nonce = login(username, password)
        except store.LoginFailed as e:
            st.error(str(e))
        else:
            st.success(f"Xin chào {plain(u.display_name)}. Đang mở trang…")
            finish_login(nonce, next_path)
    demo = demo_accounts()
    if demo:
        st.warning("**Chế độ dữ liệu mẫu** — các tài khoản dùng thử sau được tạo sẵn (đổi hoặc vô hiệu hóa trước khi dùng thật):")
        st.table({"Tên đăng nhập": [d[0] for d in demo], "Mật khẩu": [d[1] for d in demo], "Vai trò": [d[2] for d in demo]})


def demo_accounts() -> list[tuple[str, str, str]]:
    con = store.connect()
    try:
        return store.demo_accounts_present(con)
    finally:
        con.close()


def has_role(user: store.User | None, *roles: str) -> bool:
    return user is not None and user.active and user.role in roles
