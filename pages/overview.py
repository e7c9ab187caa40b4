"""Tổng quan (leadership overview): the KPI cards, the online-rate trend, the best and worst five
districts and the services below target."""
import streamlit as st

from dashboard import maps, side_by_side, ui
from dashboard.queries import overview, services, utilities
from etl.definitions import (INDICATORS, TASKS_STATUS_HELP, TASKS_STATUS_LABELS, fmt_count, fmt_points, fmt_rate,
                             fmt_signed_count, period_label)
from etl.periods import add_months

ctx = ui.context()
f = ctx.filters
units, agency = f.units_or_none, f.agency
hdr = ui.Header("Tổng quan", ctx)
side_by_side.pooled_here(ctx, "trang Dịch vụ công, CCCD và VNeID, Làm sạch dữ liệu")

kpis = {k["key"]: k for k in ui.cached(overview.kpis, f.first, f.last, units, agency)}
trend = ui.cached(services.trend_with_year_ago, ctx.trend_first(), f.last, units, agency)
ranking = ui.cached(overview.ranking, f.first, f.last, units, agency)
below = ui.cached(services.below_target, f.first, f.last, units, agency)
util = ui.cached(utilities.kpi, f.first, f.last, units)

compare = "so với tháng trước" if not f.is_range else "so với kỳ trước cùng độ dài"
stock_compare = "so với tháng trước" if not f.is_range else f"so với cuối {period_label(add_months(f.first, -1)).lower()}"

cols = st.columns(6)  # one row: three and three where six do not hold (app.css), one row on paper
k, ind = kpis["online_rate"], INDICATORS["online_rate"]
with cols[0]:
    ui.kpi_card(
        "online", ind.label, fmt_rate(k["value"]),
        fmt_points(k["change"]),
        k["status"], f"Chỉ tiêu: {fmt_rate(k['target'], 0)}  \n{fmt_count(k['online'])} / {fmt_count(k['total'])} hồ sơ",
        delta_description=compare, help=ind.help, notes=ui.kpi_notes(k, fmt_rate, fmt_points),
    )
k, ind = kpis["cccd_records"], INDICATORS["cccd_records"]
with cols[1]:
    ui.kpi_card(
        "cccd", ind.label, fmt_count(k["value"]),
        fmt_signed_count(k["change"]),
        "none", "Số cộng dồn đến cuối kỳ", delta_description=stock_compare,
        notes=ui.kpi_notes(k, fmt_count, fmt_signed_count),
    )
k, ind = kpis["vneid_activation"], INDICATORS["activation_rate"]
with cols[2]:
    ui.kpi_card(
        "vneid", ind.label, fmt_rate(k["value"]),
        fmt_points(k["change"]),
        k["status"], f"{fmt_count(k['activated'])} / {fmt_count(k['vneid_target'])} tài khoản chỉ tiêu",
        delta_description=stock_compare, notes=ui.kpi_notes(k, fmt_rate, fmt_points),
    )
k, ind = kpis["cleaning"], INDICATORS["cleaning_ratio"]
with cols[3]:
    ui.kpi_card(
        "cleaning", ind.label, fmt_rate(k["value"]),
        fmt_points(k["change"]),
        k["status"], f"Chỉ tiêu: {fmt_rate(k['target'], 0)}  \n{fmt_count(k['cleaned'])} / {fmt_count(k['total'])} bản ghi",
        delta_description=stock_compare, help=ind.help, notes=ui.kpi_notes(k, fmt_rate, fmt_points),
    )
k, ind = kpis["tasks"], INDICATORS["tasks_done"]
with cols[4]:
    ui.kpi_card(
        "tasks", ind.label, f"{fmt_count(k['value'])} / {fmt_count(k['tasks'])}",
        fmt_signed_count(k["change"]),
        k["status"], f"Quá hạn: **{fmt_count(k['overdue'])}**"
        + (f" (tháng trước {fmt_count(k['overdue_previous'])})" if k.get("overdue_previous") is not None else ""),
        delta_description="so với tháng trước", status_texts=TASKS_STATUS_LABELS, help=TASKS_STATUS_HELP,
        notes=ui.kpi_notes(k, fmt_count, fmt_signed_count),
    )
with cols[5]:  # the programme's utilities (stocks); the groups on the page Tiện ích Đề án 06
    ind = INDICATORS["hi_lookups_total"]
    ui.kpi_card(
        "utilities", ind.label, fmt_count(util["value"]), fmt_signed_count(util["change"]), "none",
        f"Thành công: {fmt_rate(util['hi_success_rate'])}  \nChi trả không dùng tiền mặt: "
        f"{fmt_count(util['ss_cashless_paid'])}", delta_description=stock_compare, help=ind.help,
        notes=ui.kpi_notes(util, fmt_count, fmt_signed_count),
    )
if agency:
    st.caption("CCCD, VNeID và tiện ích: bộ lọc cơ quan chủ trì không áp dụng.")
if units:
    st.caption("Nhiệm vụ: số liệu toàn tỉnh (bộ lọc địa bàn không áp dụng; xem trang Nhiệm vụ cho nhiệm vụ của cấp huyện).")

st.subheader("Tỷ lệ nộp hồ sơ trực tuyến theo tháng")
if trend["online_rate"].notna().any():
    target = kpis["online_rate"]["target"]
    fig = ui.figure("rate_trend", trend, [("online_rate", "Tỷ lệ trực tuyến"), ("online_rate_year_ago", "Cùng kỳ năm trước")],
                    target=target, height=320, dashed=("online_rate_year_ago",))
    ui.chart(fig, "overview-trend", "Tỷ lệ nộp hồ sơ trực tuyến theo tháng")
else:
    ui.empty()

# A full-width list: the services' long names are read whole, not cut off.
st.subheader("Dịch vụ chưa đạt chỉ tiêu")
if len(below):
    ui.table(below, [("service_code", "Mã", "text"), ("service_name", "Dịch vụ", "long"),
                     ("online_rate", "Tỷ lệ trực tuyến", "rate"), ("target_rate", "Chỉ tiêu", "rate"),
                     ("total_dossiers", "Hồ sơ", "count"), ("shortfall", "Thiếu so với chỉ tiêu", "count")],
             "Dịch vụ chưa đạt chỉ tiêu", "overview-below", static=True,
             caption="Xếp theo mức kéo tỷ lệ chung xuống. “Thiếu so với chỉ tiêu”: số hồ sơ trực tuyến còn thiếu.")
else:
    st.success("Tất cả dịch vụ có hồ sơ đều đạt chỉ tiêu.")

st.subheader("Địa phương có tỷ lệ trực tuyến cao nhất và thấp nhất")
spec = [("rank", "Hạng", "count"), ("unit_name", "Địa phương", "unit"), ("online_rate", "Tỷ lệ", "rate"),
        ("online_dossiers", "Trực tuyến", "count"), ("total_dossiers", "Tổng hồ sơ", "count")]
spec += ui.ranking_note_column(ranking)
ui.coverage_line(kpis["online_rate"], ranking)
if len(ranking) == 0:
    ui.empty()
elif (ranking["group"] == "all").all():
    ui.table(ranking, spec, "Xếp hạng địa phương", "overview-rank", static=True)
else:
    c1, c2 = st.columns(2)
    with c1:
        st.markdown("**5 địa phương cao nhất**")
        ui.table(ranking[ranking["group"] == "best"], spec, "5 địa phương cao nhất", "overview-best", static=True)
    with c2:
        st.markdown("**5 địa phương thấp nhất**")
        ui.table(ranking[ranking["group"] == "worst"], spec, "5 địa phương thấp nhất", "overview-worst", static=True)
st.caption("Hạng: trong các địa phương có hồ sơ trong kỳ (1 = tỷ lệ cao nhất); địa phương chưa báo cáo không được "
           "xếp hạng. " + ui.PROFILE_LINK_HELP)

with st.container(key="screen-only-overview-map"):  # the map is for the screen: print keeps one A4 page
    st.subheader("Bản đồ tỷ lệ trực tuyến")
    maps.unit_map(ui.cached(services.by_district, f.first, f.last, None, agency), "online_rate", "total_dossiers",
                  "Tỷ lệ trực tuyến", "Tổng hồ sơ", "overview-map", f"Tỷ lệ trực tuyến theo địa phương, {f.period_label()}")

hdr.sources(ui.sources_of(list(kpis.values()), util, trend, ranking, below))
hdr.image_downloads(("Xếp hạng địa phương", ranking, spec))  # the overview as one image / PDF page, for slides
