"""Quản trị: accounts and the audit log (administrators only)."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from accounts import store
from dashboard import auth, tables, ui
from dashboard.plain import plain
from dashboard.queries import catalog, users

st.title("Quản trị")
user = auth.current_user()
if not auth.has_role(user, "admin"):
    st.error("Trang này chỉ dành cho quản trị viên.")
    st.stop()

con = store.connect()
units = ui.cached(catalog.reportable_units, None)
unit_label = dict(zip(units["unit_code"], units["unit_code"] + " — " + units["unit_name"]))
today = dt.date.today().isoformat()  # the downloads' file names
tab_users, tab_new, tab_audit = st.tabs(["Tài khoản", "Tạo tài khoản", "Nhật ký thao tác"])

with tab_users:
    accounts = users.accounts(con)
    shown = tables.accounts(accounts)
    st.dataframe(tables.shown(shown, tables.ACCOUNTS), hide_index=True, width="stretch")
    ui.xlsx_download(shown, tables.ACCOUNTS, "Tài khoản", "admin-accounts", [("Số tài khoản", str(len(shown)))], today)
    # Accounts bound to a unit that has ended keep no new rights: rebind them to a successor.
    stale = users.accounts_on_ended_units(con, ui.cached(catalog.ended_units, dt.date.today()))
    if len(stale):
        st.subheader("Tài khoản gắn với đơn vị đã thôi hoạt động")
        st.caption("Các tài khoản này không nộp được báo cáo cho các tháng sau khi đơn vị thôi hoạt động. "
                   "Hãy sửa tài khoản (bên dưới) để gắn với đơn vị kế thừa.")
        st.dataframe(tables.shown(stale, tables.ENDED_UNIT_ACCOUNTS), hide_index=True, width="stretch")
    name = st.selectbox("Sửa tài khoản", list(accounts["username"]), key="edit_user")
    target = accounts[accounts["username"] == name].iloc[0] if name else None
    if target is not None:
        with st.form("edit_form"):
            role = st.selectbox("Vai trò", list(store.ROLES), index=list(store.ROLES).index(target["role"]), format_func=store.ROLES.get)
            chosen = st.multiselect("Đơn vị được nộp", list(unit_label), default=[u for u in target["units"] if u in unit_label], format_func=unit_label.get)
            active = st.checkbox("Hoạt động", value=bool(target["active"]))
            new_pw = st.text_input("Mật khẩu mới (để trống nếu không đổi)", type="password")
            if st.form_submit_button("Lưu"):
                try:
                    store.update_user(con, target["username"], user.username, role=role, units=chosen, active=active, password=new_pw or None)
                    st.success("Đã lưu.")
                except (ValueError, store.PasswordTooWeak) as e:
                    st.error(plain(e))

with tab_new:
    with st.form("new_form", clear_on_submit=True):
        username = st.text_input("Tên đăng nhập")
        display = st.text_input("Họ tên")
        role = st.selectbox("Vai trò", list(store.ROLES), format_func=store.ROLES.get)
        chosen = st.multiselect("Đơn vị được nộp (cán bộ nộp báo cáo)", list(unit_label), format_func=unit_label.get)
        pw = st.text_input("Mật khẩu (ít nhất 10 ký tự)", type="password")
        if st.form_submit_button("Tạo"):
            try:
                store.create_user(con, username, pw, role, chosen, display or None, actor=user.username)
                st.success(f"Đã tạo {plain(username)}.")
            except (ValueError, store.PasswordTooWeak) as e:
                st.error(plain(e))

with tab_audit:
    kinds = {"": "Tất cả", "login": "Đăng nhập", "logout": "Đăng xuất", "load": "Nạp báo cáo", "user": "Tài khoản"}
    kind = st.selectbox("Loại thao tác", list(kinds), format_func=kinds.get)
    log = users.audit_log(con, 1000, kind or None)
    st.dataframe(tables.shown(log, tables.AUDIT), hide_index=True, width="stretch")
    ui.xlsx_download(log, tables.AUDIT, "Nhật ký thao tác", "admin-audit", [("Loại thao tác", kinds[kind])], today)
con.close()
