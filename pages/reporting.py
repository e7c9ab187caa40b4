"""Tình hình báo cáo: who has reported, on time or late, in the spirit of DHIS2's reporting rates."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import ops_queries as q
from dashboard.state import warehouse
from etl.numbers import format_rate
from etl.periods import period_label

TOPIC_VI = {None: "Tất cả nội dung", "services": "Dịch vụ công", "identity": "CCCD - VNeID", "cleaning": "Làm sạch dữ liệu", "tasks": "Nhiệm vụ"}
LEVEL_VI = {None: "Huyện và sở, ngành", "district": "Cấp huyện", "agency": "Sở, ngành"}
CELL = {"on_time": "✅", "late": "🟧", "missing": "❌"}

st.title("Tình hình báo cáo")
wh = warehouse()
periods = q.reporting_periods(wh)
if not periods:
    st.info("Chưa có kỳ báo cáo nào.")
    st.stop()

c1, c2, c3 = st.columns([3, 2, 2])
first, last = c1.select_slider("Khoảng thời gian", options=periods, value=(periods[max(0, len(periods) - 12)], periods[-1]),
                               format_func=period_label, key="rep_range")
topic = c2.selectbox("Nội dung", list(TOPIC_VI), format_func=TOPIC_VI.get, key="rep_topic")
level = c3.selectbox("Đơn vị", list(LEVEL_VI), format_func=LEVEL_VI.get, key="rep_level")

by_month = q.reporting_rates_by_month(wh, first, last, topic, level)
cur = by_month.iloc[-1]
k1, k2, k3 = st.columns(3)
k1.metric(f"Tỷ lệ báo cáo — {period_label(last)}", format_rate(cur["reporting_rate"]),
          help="Số báo cáo đã nhận / số báo cáo phải nộp")
k2.metric(f"Tỷ lệ đúng hạn — {period_label(last)}", format_rate(cur["on_time_rate"]),
          help="Số báo cáo nộp đúng hạn (trước ngày 16 tháng sau) / số báo cáo phải nộp")
missing_now = q.not_yet_reported(wh, last, topic, level)
k3.metric(f"Đơn vị chưa nộp — {period_label(last)}", f"{len(missing_now)}")

st.subheader(f"Chưa nộp báo cáo {period_label(last)}")
if missing_now.empty:
    st.success("Tất cả đơn vị đã nộp.")
else:
    st.dataframe(missing_now.assign(deadline=missing_now["deadline"].map(lambda d: d.strftime("%d/%m/%Y")))
                 .rename(columns={"unit_code": "Mã", "unit_name": "Đơn vị", "unit_level": "Cấp", "topics": "Nội dung chưa nộp", "deadline": "Hạn nộp"}),
                 hide_index=True, width="stretch")

st.subheader("Đơn vị × tháng")
st.caption("✅ đúng hạn · 🟧 muộn · ❌ chưa nộp · 🔁 đã nộp lại (thay thế). Một ô gộp các nội dung của đơn vị: lấy tình trạng kém nhất.")
m = q.reporting_matrix(wh, first, last, topic, level)
m["cell"] = m["status"].map(CELL) + m["replaced"].map({True: "🔁", False: ""})
m["month"] = m["period"].map(lambda d: f"{d.month}/{d.year}")
order = list(dict.fromkeys(m["unit_name"]))
matrix = m.pivot(index="unit_name", columns="month", values="cell").reindex(order)
matrix = matrix[[f"{p.month}/{p.year}" for p in periods if first <= p <= last]]
matrix.index.name = "Đơn vị"
st.dataframe(matrix, width="stretch", height=min(38 * (len(matrix) + 1), 900))

st.subheader("Tỷ lệ báo cáo theo tháng")
fig = go.Figure()
x = [period_label(p) for p in by_month["period"]]
fig.add_scatter(x=x, y=by_month["reporting_rate"] * 100, name="Tỷ lệ báo cáo", mode="lines+markers")
fig.add_scatter(x=x, y=by_month["on_time_rate"] * 100, name="Tỷ lệ đúng hạn", mode="lines+markers")
fig.update_layout(yaxis=dict(title="%", range=[0, 105]), height=340, margin=dict(l=10, r=10, t=10, b=10),
                  separators=",.", legend=dict(orientation="h"))
st.plotly_chart(fig, width="stretch", key="rep_chart")

st.subheader("Theo đơn vị (đúng hạn thấp nhất trước)")
by_unit = q.reporting_rates_by_unit(wh, first, last, topic, level)
st.dataframe(by_unit.assign(reporting_rate=by_unit["reporting_rate"].map(format_rate), on_time_rate=by_unit["on_time_rate"].map(format_rate))
             .rename(columns={"unit_code": "Mã", "unit_name": "Đơn vị", "unit_level": "Cấp", "expected": "Phải nộp", "received": "Đã nhận",
                              "on_time": "Đúng hạn", "late": "Muộn", "missing": "Chưa nộp", "replaced": "Nộp lại",
                              "reporting_rate": "Tỷ lệ báo cáo", "on_time_rate": "Tỷ lệ đúng hạn"}),
             hide_index=True, width="stretch")
