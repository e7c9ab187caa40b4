"""Đề án 06 dashboard: entry point (st.navigation). Run: streamlit run app.py"""
from __future__ import annotations

import streamlit as st

from dashboard.db import Warehouse
from dashboard.queries import warehouse_summary
from etl.numbers import format_count
from etl.periods import period_label

st.set_page_config(page_title="Đề án 06", page_icon="🪪", layout="wide")


@st.cache_resource
def warehouse() -> Warehouse:
    return Warehouse()


def home() -> None:
    st.title("Đề án 06 — theo dõi thực hiện hằng tháng")
    wh = warehouse()
    if not wh.exists():
        st.error(f"Chưa có kho dữ liệu ({wh.path}). Hãy chạy: `python -m etl build`.")
        return
    s = warehouse_summary(wh)
    sources = (s["sources"] or "").split(",")
    if "sample" in sources:
        st.warning(f"⚠️ {s['sample_label']}. Số liệu chính thức: {s['official_label']}.")
    c1, c2, c3 = st.columns(3)
    c1.metric("Kỳ dữ liệu", f"{period_label(s['first_period'])} – {period_label(s['last_period'])}")
    c2.metric("Đơn vị cấp huyện có số liệu", format_count(s["districts"]))
    c3.metric("Tệp báo cáo đã nhận", format_count(s["files"]))
    st.caption(f"Kho dữ liệu: {wh.path}")


pg = st.navigation([st.Page(home, title="Tổng quan", icon="📊", default=True)])
pg.run()
