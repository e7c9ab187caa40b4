"""CCCD và VNeID: CCCD records, VNeID applications and activations against target, by district
and as cumulative trends. Stocks: each month's figure is the count at its end."""
import streamlit as st

from dashboard import maps, ranked, side_by_side, ui
from dashboard.queries import compare
from dashboard.queries import identity
from etl.definitions import (ACTIVATION_TARGET, INDICATORS, STOCK_NOTE, fmt_count, fmt_points, fmt_rate, fmt_signed_count,
                             period_label)

ctx, f, hdr = ui.page("CCCD gắn chip và tài khoản định danh điện tử (VNeID)", STOCK_NOTE,
                      agency_note="Bộ lọc cơ quan chủ trì không áp dụng cho CCCD/VNeID.")
units = f.units_or_none

trend = ui.cached(identity.trend, ctx.trend_first(), f.last, units)
districts = ui.cached(identity.by_district, f.last, units)
now = ui.last_month(trend)
shown = [trend, districts]

if f.compares:
    side_trend = ui.cached(compare.identity_by_unit_month, ctx.trend_first(), f.last, units)
    shown.append(side_trend)
if len(now) == 0:
    ui.empty()
elif f.compares:
    # Two or more districts, not added up: a row per district, a line per district.
    side_by_side.notice(ctx, "Bảng theo địa phương bên dưới xếp hạng trong toàn tỉnh.")
    ui.table(side_trend[side_trend["period"].dt.date == f.last], [
        ("unit_name", "Địa phương", "unit", 200), ("cccd_records", "Hồ sơ CCCD", "count", 110),
        ("vneid_applications", "Hồ sơ VNeID", "count", 110), ("vneid_activated", "Đã kích hoạt", "count", 110),
        ("vneid_target", "Chỉ tiêu", "count", 100), ("activation_rate", "Đạt (%)", "rate", 80),
        ("reported_period", "Số liệu tháng", "month", 110)],
        f"So sánh các địa phương: CCCD và VNeID {period_label(f.last)}", "id-compare")
    left, right = st.columns(2)
    with left:
        st.subheader("Kích hoạt so với chỉ tiêu theo tháng")
        side_by_side.rate_lines(side_trend, "activation_rate", "id-compare-rate",
                           "Tỷ lệ kích hoạt VNeID so với chỉ tiêu theo tháng, theo địa phương", target=ACTIVATION_TARGET)
    with right:
        st.subheader("VNeID đã kích hoạt theo tháng")
        side_by_side.count_lines(side_trend, "vneid_activated", "id-compare-count",
                            "Tài khoản VNeID đã kích hoạt theo tháng, theo địa phương")
else:
    side_by_side.combined_note(ctx)
    r = now.iloc[0]  # with each figure's change from the month before (NULL without one)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(INDICATORS["cccd_records"].name, fmt_count(r["cccd_records"]), border=True,
              delta=fmt_signed_count(r["cccd_change"]), delta_description="so với tháng trước")
    c2.metric(INDICATORS["vneid_applications"].name, fmt_count(r["vneid_applications"]), border=True,
              delta=fmt_signed_count(r["applications_change"]), delta_description="so với tháng trước")
    c3.metric(INDICATORS["vneid_activated"].name, fmt_count(r["vneid_activated"]), border=True,
              delta=fmt_signed_count(r["activated_change"]), delta_description="so với tháng trước")
    c4.metric("Kích hoạt so với chỉ tiêu", fmt_rate(r["activation_rate"]), border=True,
              delta=fmt_points(r["activation_rate_change"]), delta_description="so với tháng trước",
              help=f"Chỉ tiêu giao: {fmt_count(r['vneid_target'])} tài khoản")

    left, right = st.columns([2, 3])
    with left:
        st.subheader("Kích hoạt so với chỉ tiêu")
        st.caption(f"Theo địa phương, {period_label(f.last)}")
        if districts["activation_rate"].notna().any():
            bars = ranked.choose(districts, "activation_rate", "id-districts")
            fig = ui.figure("rate_bars", bars, "unit_name", "activation_rate", "unit_code", target=ACTIVATION_TARGET,
                                   count_col="vneid_activated", label_len=30)
            ui.chart(fig, "id-districts", f"Kích hoạt VNeID so với chỉ tiêu theo địa phương, {period_label(f.last)}")
        else:
            ui.empty()
    with right:
        st.subheader("Số cộng dồn theo tháng")
        st.caption("CCCD, hồ sơ và tài khoản VNeID đến cuối mỗi tháng")
        fig = ui.figure("count_trend", trend, [("cccd_records", "Hồ sơ CCCD"), ("vneid_applications", "Hồ sơ VNeID"),
                                         ("vneid_activated", "VNeID đã kích hoạt"), ("vneid_target", "Chỉ tiêu VNeID")],
                                 dashed=("vneid_target",), height=420)
        ui.chart(fig, "id-trend", "CCCD và VNeID: số cộng dồn theo tháng")
        fig = ui.figure("rate_trend", trend, [("activation_rate", "Kích hoạt / chỉ tiêu")], target=ACTIVATION_TARGET, height=300)
        ui.chart(fig, "id-rate-trend", "Tỷ lệ kích hoạt VNeID so với chỉ tiêu theo tháng")

    st.subheader(f"Bản đồ kích hoạt VNeID, {period_label(f.last)}")
    everyone = ui.cached(identity.by_district, f.last, None)
    shown.append(everyone)
    maps.unit_map(everyone, "activation_rate", "cccd_records", "Kích hoạt so với chỉ tiêu", "Hồ sơ CCCD", "id-map",
                  f"Kích hoạt VNeID so với chỉ tiêu theo địa phương, {period_label(f.last)}", target=ACTIVATION_TARGET)

    st.subheader(f"Theo địa phương, {period_label(f.last)}")
    ui.table(districts, [
        ("unit_name", "Địa phương", "unit"), ("cccd_records", "Hồ sơ CCCD", "count", 95),
        ("cccd_change", "CCCD tăng", "count", 80), ("vneid_applications", "Hồ sơ VNeID", "count", 95),
        ("vneid_activated", "Đã kích hoạt", "count", 95), ("activated_change", "Kích hoạt tăng", "count", 95),
        ("vneid_target", "Chỉ tiêu", "count", 90), ("activation_rate", "Đạt (%)", "rate", 70), ("rank", "Hạng", "count", 50),
        ("reported_period", "Số liệu tháng", "month", 105),
], f"CCCD và VNeID theo địa phương {period_label(f.last)}", "id-table")

hdr.sources(ui.sources_of(*shown))
