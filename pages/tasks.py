"""Nhiệm vụ: the task tracker (status, responsible unit, deadline, days overdue, source
document), counts by agency, what falls due in the next month; with districts selected, their
own status on the tasks given to every district."""
import streamlit as st

from dashboard import ui
from dashboard.queries import tasks
from etl.definitions import OVERDUE_LABEL, TASK_STATUS_WORDS, fmt_count, period_label
from etl.periods import add_months

ctx = ui.context()
f = ctx.filters
agency = f.agency
hdr = ui.Header("Nhiệm vụ", ctx,
                f"Trạng thái đến cuối {period_label(f.last).lower()}: theo báo cáo gần nhất của mỗi nhiệm vụ. "
                "Quá hạn: chưa hoàn thành khi đã qua hạn (tính đến ngày cuối tháng).")

STATUSES = ("done", "in_progress", "not_started", "no_report")

tracker = ui.cached(tasks.tracker, f.last, agency)
counts = ui.cached(tasks.counts, f.last, agency)
by_agency = ui.cached(tasks.counts_by_agency, f.last, agency)
due = ui.cached(tasks.due_soon, f.last, agency)
shown = [tracker, counts, by_agency, due]

now = counts[counts["period"].dt.date == f.last]
if len(now) == 0:
    ui.empty("Chưa có báo cáo nhiệm vụ đến tháng này.")
else:
    r = now.iloc[0]
    cols = st.columns(6)
    cols[0].metric("Tổng số nhiệm vụ", fmt_count(r["tasks"]), border=True)
    for col, status in zip(cols[1:5], STATUSES):
        col.metric(TASK_STATUS_WORDS[status], fmt_count(r[status]), border=True)
    cols[5].metric(OVERDUE_LABEL, fmt_count(r["overdue"]), border=True)

    st.subheader("Theo đơn vị chủ trì")
    left, right = st.columns([9, 11])  # room for the chart's bars beside the names, and for the table's five columns
    with left:
        fig = ui.figure("status_bars", by_agency, "responsible_unit_name",
                                 [(c, TASK_STATUS_WORDS[c]) for c in STATUSES],
                                 label_len=22)
        ui.chart(fig, "tasks-agency", f"Nhiệm vụ theo đơn vị chủ trì, {period_label(f.last)}")
    with right:
        # On screen: done against not yet done (the chart beside splits the rest by status); the
        # .xlsx keeps every status.
        full = [("responsible_unit_name", "Đơn vị chủ trì", "text", 150), ("tasks", "Tổng", "count", 55),
                ("done", "Hoàn thành", "count", 90), ("in_progress", TASK_STATUS_WORDS["in_progress"], "count"),
                ("not_started", TASK_STATUS_WORDS["not_started"], "count"), ("no_report", "Chưa báo cáo", "count"),
                ("overdue", OVERDUE_LABEL, "count", 75)]
        ui.table(by_agency,
                 full[:3] + [("not_done", "Chưa hoàn thành", "count", 115), full[-1]],
                 "Nhiệm vụ theo đơn vị chủ trì", "tasks-by-agency",
                 height=min(35 * (len(by_agency) + 1) + 3, max(280, 26 * len(by_agency) + 110)),  # the chart's height
                 export_spec=full)

    next_month = period_label(add_months(f.last, 1)).lower()
    st.subheader(f"Đến hạn trong {next_month}")
    if len(due):
        ui.table(due, [("task_code", "Mã", "text"), ("task_name", "Nhiệm vụ", "long"),
                       ("responsible_unit_name", "Chủ trì", "text"), ("deadline", "Hạn", "date"),
                       ("days_to_deadline", "Còn (ngày)", "days"), ("status", "Trạng thái", "status")],
                 f"Nhiệm vụ đến hạn trong {next_month}", "tasks-due", static=True,
                 export_spec=[("task_code", "Mã", "text"), ("task_name", "Nhiệm vụ", "long"),
                              ("responsible_unit_name", "Chủ trì", "text"), ("deadline", "Hạn", "date"),
                              ("days_to_deadline", "Còn (ngày)", "days"), ("status", "Trạng thái", "status"),
                              ("source_document", "Văn bản giao", "long")])
    else:
        st.success(f"Không có nhiệm vụ chưa hoàn thành nào đến hạn trong {next_month}.")

    st.subheader("Theo dõi nhiệm vụ")
    status_filter = st.segmented_control(
        "Trạng thái", ["overdue", "done", "in_progress", "not_started", "no_report"], selection_mode="multi",
        format_func=lambda s: OVERDUE_LABEL if s == "overdue" else TASK_STATUS_WORDS[s], key="tasks_status")
    shown_tracker = ui.cached(tasks.tracker, f.last, agency, tuple(status_filter)) if status_filter else tracker
    tracker_spec = [
        ("task_code", "Mã", "text", 80), ("task_name", "Nhiệm vụ", "long", 360),
        ("responsible_unit_name", "Chủ trì", "text", 140), ("status", "Trạng thái", "status", 120),
        ("deadline", "Hạn", "date", 90), ("days_overdue", "Quá hạn (ngày)", "days", 95),
    ]
    ui.table(shown_tracker, tracker_spec, f"Theo dõi nhiệm vụ {period_label(f.last)}", "tasks-tracker", height=600,
             wrap=True, caption="Tên nhiệm vụ dài được rút gọn (…). Bảng Excel có đủ tên nhiệm vụ, thời hạn theo "
                                "văn bản, tháng báo cáo, tình hình thực hiện và văn bản giao.",
             export_spec=tracker_spec + [
                 ("deadline_text", "Thời hạn (văn bản)", "text"), ("status_period", "Báo cáo tháng", "month"),
                 ("status_text", "Tình hình", "long"), ("source_document", "Văn bản giao", "long")])

if f.units:
    st.subheader("Nhiệm vụ giao cho tất cả các huyện: tình hình của địa phương đã chọn")
    dist = ui.cached(tasks.district_status, f.last, f.units)
    shown.append(dist)
    ui.table(dist, [("unit_name", "Địa phương", "text", 130), ("task_code", "Mã", "text", 80),
                    ("task_name", "Nhiệm vụ", "long", 300), ("deadline", "Hạn", "date", 90),
                    ("status", "Trạng thái", "status", 120), ("is_overdue", "Quá hạn", "bool", 70),
                    ("status_period", "Báo cáo tháng", "month", 105)],
             "Nhiệm vụ cấp huyện theo địa phương", "tasks-districts", wrap=True, height=520)

hdr.sources(ui.sources_of(*shown))
