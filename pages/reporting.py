"""Tình hình báo cáo: who has reported, on time or late, in the spirit of DHIS2's reporting rates."""
from __future__ import annotations

import streamlit as st

from dashboard import phone, ranked, tables, ui
from dashboard.queries import catalog, reporting
from etl.config import reporting_as_of
from etl.definitions import (REPORTING_LEVEL_ALL, REPORTING_STATUS_LABELS, TOPICS_ALL, UNIT_LEVEL_LABELS, fmt_count, fmt_rate, period_label,
                             period_text)

st.title("Tình hình báo cáo")
summary = ui.cached(catalog.warehouse_summary)
if "sample" in str(summary.get("sources") or ""):
    st.warning(f"**DỮ LIỆU MẪU** — {summary['sample_label']}. Tình hình nộp báo cáo trên trang này tính trên các tệp "
               "mẫu, không phải báo cáo thật của các đơn vị.", icon="⚠️")
periods = ui.cached(reporting.periods)
if not periods:
    st.info("Chưa có kỳ báo cáo nào.")
    st.stop()

topics = {None: TOPICS_ALL, **tables.topic_names()}
levels = {None: REPORTING_LEVEL_ALL, **{lv: UNIT_LEVEL_LABELS[lv] for lv in ("district", "agency")}}
c1, c2, c3 = st.columns([3, 2, 2])
first, last = c1.select_slider("Khoảng thời gian", options=periods, value=(periods[max(0, len(periods) - 12)], periods[-1]),
                               format_func=period_label, key="rep_range")
topic = c2.selectbox("Nội dung", list(topics), format_func=topics.get, key="rep_topic")
level = c3.selectbox("Đơn vị", list(levels), format_func=levels.get, key="rep_level")
# What an .xlsx of this page says it shows, and its file name's period.
chosen = [("Khoảng thời gian", f"{period_label(first)} – {period_label(last)}"), ("Nội dung", topics[topic]),
          ("Đơn vị", levels[level])]
span = f"{period_text(first)}..{period_text(last)}"

today = reporting_as_of()  # what is due and what is not yet: [reporting] as_of, default the real date
by_month = ui.cached(reporting.rates_by_month, first, last, topic, level, today)
cur = by_month.iloc[-1]
k1, k2, k3 = st.columns(3)
k1.metric(f"Tỷ lệ báo cáo — {period_label(last)}", fmt_rate(cur["reporting_rate"]),
          help="Số báo cáo đã nhận / số báo cáo phải nộp")
k2.metric(f"Tỷ lệ đúng hạn — {period_label(last)}", fmt_rate(cur["on_time_rate"]),
          help="Số báo cáo nộp đúng hạn (trước ngày 16 tháng sau) / số báo cáo phải nộp")
missing_now = tables.missing_units(ui.cached(reporting.not_yet_reported, last, topic, level, today))
not_due = ui.not_due_note(missing_now, today)
k3.metric(f"Đơn vị chưa nộp — {period_label(last)}", fmt_count((missing_now["status"] == REPORTING_STATUS_LABELS["missing"]).sum()),
          help=not_due or "Đơn vị còn thiếu báo cáo đã quá hạn nộp")

st.subheader(f"Chưa nộp báo cáo {period_label(last)}")
if not_due:
    st.info(not_due, icon="ℹ️")
if missing_now.empty:
    st.success("Tất cả đơn vị đã nộp.")
else:
    st.dataframe(tables.shown(missing_now, tables.MISSING_UNITS), hide_index=True, width="stretch")
    ui.xlsx_download(missing_now, tables.MISSING_UNITS, f"Đơn vị chưa nộp báo cáo {period_label(last)}", "rep-missing",
                     chosen, period_text(last))

st.subheader("Đơn vị × tháng")
st.caption("Xanh: đúng hạn · vàng: muộn · đỏ: chưa nộp (đã quá hạn) · xám: chưa đến hạn · ô có dấu ● : đã nộp lại (bản sau thay thế bản trước). "
           "Mỗi ô gộp các nội dung của đơn vị trong tháng và lấy tình trạng kém nhất.")
matrix = ui.cached(reporting.matrix, first, last, topic, level, today)
unit_rates = ui.cached(reporting.rates_by_unit, first, last, topic, level, today)
# many units (the communes and the agencies): the top and bottom by on-time rate, or all of them
rows = ranked.choose(unit_rates, "on_time_rate", "rep-matrix")
if len(rows) < len(unit_rates):
    order = {code: i for i, code in enumerate(rows.sort_values("on_time_rate", ascending=False, kind="stable")["unit_code"])}
    matrix = (matrix[matrix["unit_code"].isin(set(order))]
              .sort_values("unit_code", key=lambda c: c.map(order), kind="stable"))
shown_months = [p for p in periods if first <= p <= last]
with phone.wide_view("rep-matrix"):
    st.plotly_chart(ui.figure("reporting_matrix", matrix, shown_months), width="stretch", key="rep_matrix")
phone.reporting_grid(matrix, shown_months, "rep-matrix")

st.subheader("Tỷ lệ báo cáo theo tháng")
st.plotly_chart(ui.figure("reporting_rates", by_month), width="stretch", key="rep_chart")

st.subheader("Theo đơn vị (đúng hạn thấp nhất trước)")
by_unit = tables.units_reporting(unit_rates)
st.dataframe(tables.shown(by_unit, tables.UNITS_REPORTING), hide_index=True, width="stretch")
ui.xlsx_download(by_unit, tables.UNITS_REPORTING, "Tình hình báo cáo theo đơn vị", "rep-units", chosen, span)
