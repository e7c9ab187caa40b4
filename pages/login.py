"""Đăng nhập / đăng xuất."""
import streamlit as st

from accounts import store
from dashboard import auth
from dashboard.plain import plain

st.title("Đăng nhập")
user = auth.current_user()
notice = st.session_state.pop(auth.NOTICE_KEY, None)
if notice and not user:
    st.info(notice)
if user:
    st.success(f"Đang đăng nhập: **{plain(user.display_name)}** ({store.ROLES[user.role]}"
               + (f"; đơn vị {', '.join(user.units)}" if user.units else "") + ").")
    if st.button("Đăng xuất", key="logout"):
        auth.logout()
        st.info("Đã đăng xuất.")
elif auth.oidc_enabled():
    st.write("Đăng nhập bằng tài khoản của cơ quan (hệ thống định danh tập trung).")
    if st.button("Đăng nhập", key="oidc_login"):
        st.login()
else:
    auth.login_form(st.query_params.get("next") or "login")
