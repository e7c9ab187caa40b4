"""Tình hình báo cáo: who has reported, on time or late, in the spirit of DHIS2's reporting rates."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import ui
from dashboard.queries import catalog, reporting
from etl.numbers import format_rate
from etl.periods import period_label

TOPIC_VI = {None: "Tất cả nội dung", "services": "Dịch vụ công", "identity": "CCCD - VNeID", "cleaning": "Làm sạch dữ liệu", "tasks": "Nhiệm vụ"}
LEVEL_VI = {None: "Huyện và sở, ngành", "district": "Cấp huyện", "agency": "Sở, ngành"}
UNIT_LEVEL_VI = {"district": "Cấp huyện", "agency": "Sở, ngành", "commune": "Cấp xã"}
STATUS_VI = {"on_time": "Đúng hạn", "late": "Muộn", "missing": "Chưa nộp"}
STATUS_CODE = {"on_time": 0, "late": 1, "missing": 2}
COLOURS = [[0, "#2e7d32"], [0.333, "#2e7d32"], [0.333, "#f9a825"], [0.666, "#f9a825"], [0.666, "#c62828"], [1, "#c62828"]]


def topics_vi(text: str) -> str:
    return ", ".join(TOPIC_VI.get(t.strip(), t) for t in text.split(","))

st.title("Tình hình báo cáo")
summary = ui.cached(catalog.warehouse_summary)
if "sample" in str(summary.get("sources") or ""):
    st.warning(f"**DỮ LIỆU MẪU** — {summary['sample_label']}. Tình hình nộp báo cáo trên trang này tính trên các tệp "
               "mẫu, không phải báo cáo thật của các đơn vị.", icon="⚠️")
periods = ui.cached(reporting.periods)
if not periods:
    st.info("Chưa có kỳ báo cáo nào.")
    st.stop()

c1, c2, c3 = st.columns([3, 2, 2])
first, last = c1.select_slider("Khoảng thời gian", options=periods, value=(periods[max(0, len(periods) - 12)], periods[-1]),
                               format_func=period_label, key="rep_range")
topic = c2.selectbox("Nội dung", list(TOPIC_VI), format_func=TOPIC_VI.get, key="rep_topic")
level = c3.selectbox("Đơn vị", list(LEVEL_VI), format_func=LEVEL_VI.get, key="rep_level")

by_month = ui.cached(reporting.rates_by_month, first, last, topic, level)
cur = by_month.iloc[-1]
k1, k2, k3 = st.columns(3)
k1.metric(f"Tỷ lệ báo cáo — {period_label(last)}", format_rate(cur["reporting_rate"]),
          help="Số báo cáo đã nhận / số báo cáo phải nộp")
k2.metric(f"Tỷ lệ đúng hạn — {period_label(last)}", format_rate(cur["on_time_rate"]),
          help="Số báo cáo nộp đúng hạn (trước ngày 16 tháng sau) / số báo cáo phải nộp")
missing_now = ui.cached(reporting.not_yet_reported, last, topic, level)
k3.metric(f"Đơn vị chưa nộp — {period_label(last)}", f"{len(missing_now)}")

st.subheader(f"Chưa nộp báo cáo {period_label(last)}")
if missing_now.empty:
    st.success("Tất cả đơn vị đã nộp.")
else:
    st.dataframe(missing_now.assign(deadline=missing_now["deadline"].map(lambda d: d.strftime("%d/%m/%Y")),
                                    topics=missing_now["topics"].map(topics_vi), unit_level=missing_now["unit_level"].map(UNIT_LEVEL_VI))
                 .rename(columns={"unit_code": "Mã", "unit_name": "Đơn vị", "unit_level": "Cấp", "topics": "Nội dung chưa nộp", "deadline": "Hạn nộp"}),
                 hide_index=True, width="stretch")

st.subheader("Đơn vị × tháng")
st.caption("Xanh: đúng hạn · vàng: muộn · đỏ: chưa nộp · ô có dấu ● : đã nộp lại (bản sau thay thế bản trước). "
           "Mỗi ô gộp các nội dung của đơn vị trong tháng và lấy tình trạng kém nhất.")
m = ui.cached(reporting.matrix, first, last, topic, level)
months = [p for p in periods if first <= p <= last]
labels = [f"{p.month}/{p.year}" for p in months]
names = list(dict.fromkeys(m["unit_name"]))
grid = m.pivot(index="unit_name", columns="period", values="status").reindex(index=names, columns=months)
replaced = m.pivot(index="unit_name", columns="period", values="replaced").reindex(index=names, columns=months).fillna(False)
heat = go.Figure(go.Heatmap(
    z=grid.apply(lambda col: col.map(STATUS_CODE)).values, x=labels, y=names, zmin=0, zmax=2, colorscale=COLOURS, showscale=False,
    text=[["●" if r else "" for r in row] for row in replaced.values], texttemplate="%{text}", textfont=dict(color="white", size=12),
    customdata=grid.apply(lambda col: col.map(STATUS_VI)).values,
    hovertemplate="%{y}<br>Tháng %{x}: %{customdata}<extra></extra>", xgap=2, ygap=2))
heat.update_layout(height=max(300, 22 * len(names) + 80), margin=dict(l=10, r=10, t=10, b=10),
                   yaxis=dict(autorange="reversed", tickfont=dict(size=12)), xaxis=dict(side="top", type="category"))
st.plotly_chart(heat, width="stretch", key="rep_matrix")

st.subheader("Tỷ lệ báo cáo theo tháng")
fig = go.Figure()
x = [f"T{p.month}/{p.year}" for p in by_month["period"]]  # short: no slanted ticks
fig.add_scatter(x=x, y=by_month["reporting_rate"] * 100, name="Tỷ lệ báo cáo", mode="lines+markers")
fig.add_scatter(x=x, y=by_month["on_time_rate"] * 100, name="Tỷ lệ đúng hạn", mode="lines+markers")
fig.update_traces(hovertemplate="%{x}: %{y:.1f} %<extra>%{fullData.name}</extra>")
# Short month labels ("T9/2023"), at most twelve of them, level; the legend above the plot.
fig.update_layout(yaxis=dict(title=None, range=[0, 105], ticksuffix=" %"), height=340, font=dict(size=14),
                  xaxis=dict(type="category", tickangle=0, tickvals=x[::-(-len(x) // 12)]),
                  margin=dict(l=10, r=10, t=40, b=10), separators=",.",
                  legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0))
st.plotly_chart(fig, width="stretch", key="rep_chart")

st.subheader("Theo đơn vị (đúng hạn thấp nhất trước)")
by_unit = ui.cached(reporting.rates_by_unit, first, last, topic, level)
st.dataframe(by_unit.assign(reporting_rate=by_unit["reporting_rate"].map(format_rate), on_time_rate=by_unit["on_time_rate"].map(format_rate),
                            unit_level=by_unit["unit_level"].map(UNIT_LEVEL_VI))
             .rename(columns={"unit_code": "Mã", "unit_name": "Đơn vị", "unit_level": "Cấp", "expected": "Phải nộp", "received": "Đã nhận",
                              "on_time": "Đúng hạn", "late": "Muộn", "missing": "Chưa nộp", "replaced": "Nộp lại",
                              "reporting_rate": "Tỷ lệ báo cáo", "on_time_rate": "Tỷ lệ đúng hạn"}),
             hide_index=True, width="stretch")
