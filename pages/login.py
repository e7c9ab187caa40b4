"""Đăng nhập / đăng xuất."""
import streamlit as st

from accounts import store
from dashboard import auth

st.title("Đăng nhập")
notice = st.session_state.pop("da06_notice", None)
if notice:
    st.info(notice)
user = auth.current_user()
if user:
    st.success(f"Đang đăng nhập: **{user.display_name}** ({store.ROLES[user.role]}"
               + (f"; đơn vị {', '.join(user.units)}" if user.units else "") + ").")
    if st.button("Đăng xuất", key="logout"):
        auth.logout()
        st.rerun()
elif auth.oidc_enabled():
    st.write("Đăng nhập bằng tài khoản của cơ quan (hệ thống định danh tập trung).")
    if st.button("Đăng nhập", key="oidc_login"):
        st.login()
else:
    with st.form("login_form"):
        username = st.text_input("Tên đăng nhập", key="login_username")
        password = st.text_input("Mật khẩu", type="password", key="login_password")
        submitted = st.form_submit_button("Đăng nhập")
    if submitted:
        try:
            u = auth.login(username, password)
        except store.LoginFailed as e:
            st.error(str(e))
        else:
            st.success(f"Xin chào {u.display_name}.")
            st.rerun()
    demo = auth.demo_accounts()
    if demo:
        st.warning("**Chế độ dữ liệu mẫu** — các tài khoản dùng thử sau được tạo sẵn (đổi hoặc vô hiệu hóa trước khi dùng thật):")
        st.table({"Tên đăng nhập": [d[0] for d in demo], "Mật khẩu": [d[1] for d in demo], "Vai trò": [d[2] for d in demo]})
