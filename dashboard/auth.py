"""Who is using the app: password login (argon2, lockout) or the organisation's identity
provider (st.login), session expiry, and the role checks the pages use."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from accounts import store

SESSION_KEY = "da06_user"
SEEN_KEY = "da06_seen"


def _settings() -> dict:
    return store.auth_settings()


def require_login_to_view() -> bool:
    return bool(_settings().get("require_login_to_view", False))


def oidc_enabled() -> bool:
    return bool(_settings().get("oidc", False))


def current_user() -> store.User | None:
    """The logged-in user, or None. A session expires after session_minutes without activity;
    a user deactivated or changed by an administrator is re-read on every run."""
    if oidc_enabled():
        info = getattr(st, "user", None)
        if info is not None and info.get("is_logged_in"):
            con = store.connect()
            try:
                return store.get_user(con, str(info.get("email", "")))
            finally:
                con.close()
        return None
    name = st.session_state.get(SESSION_KEY)
    if not name:
        return None
    now = dt.datetime.now()
    seen = st.session_state.get(SEEN_KEY)
    minutes = int(_settings().get("session_minutes", 60))
    if seen is None or now - seen > dt.timedelta(minutes=minutes):
        logout(expired=True)
        return None
    con = store.connect()
    try:
        user = store.get_user(con, name)
    finally:
        con.close()
    if user is None or not user.active:
        logout()
        return None
    st.session_state[SEEN_KEY] = now
    return user


def login(username: str, password: str) -> store.User:
    con = store.connect()
    try:
        user = store.authenticate(con, username, password)
    finally:
        con.close()
    st.session_state[SESSION_KEY] = user.username
    st.session_state[SEEN_KEY] = dt.datetime.now()
    return user


def logout(expired: bool = False) -> None:
    name = st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop(SEEN_KEY, None)
    if name:
        con = store.connect()
        try:
            store.audit(con, name, "logout.expired" if expired else "logout", name)
        finally:
            con.close()
    if expired:
        st.session_state["da06_notice"] = "Phiên làm việc đã hết hạn; hãy đăng nhập lại."


def demo_accounts() -> list[tuple[str, str, str]]:
    con = store.connect()
    try:
        return store.demo_accounts_present(con)
    finally:
        con.close()


def has_role(user: store.User | None, *roles: str) -> bool:
    return user is not None and user.active and user.role in roles
