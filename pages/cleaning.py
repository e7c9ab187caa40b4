"""Làm sạch dữ liệu: cleaning ratio by dataset and by district (a district × dataset heat map),
progress over time. Stocks: each month's figure is the count at its end."""
import streamlit as st

from dashboard import phone, ranked, side_by_side, ui
from dashboard.queries import cleaning
from dashboard.queries import compare
from etl.definitions import CLEANING_TARGET, INDICATORS, fmt_count, fmt_rate, period_label

ctx, f, hdr = ui.page("Làm sạch dữ liệu", "Tỷ lệ = bản ghi đã làm sạch / tổng bản ghi cần làm sạch; bộ dữ liệu không có "
                      "tổng số chỉ tính số đã làm. Số cộng dồn đến cuối tháng.")
units, agency = f.units_or_none, f.agency

datasets = ui.cached(cleaning.by_dataset, f.last, units, agency)
matrix = ui.cached(cleaning.matrix, f.last, units, agency)
by_district = ui.cached(cleaning.by_district, f.last, units, agency)
trend = ui.cached(cleaning.trend, ctx.trend_first(), f.last, units, agency)
trend_ds = ui.cached(cleaning.trend_by_dataset, ctx.trend_first(), f.last, units, agency)
shown = [datasets, matrix, by_district, trend, trend_ds]

now = ui.last_month(trend)
if len(now) == 0:
    ui.empty()
else:
    r = now.iloc[0]
    if f.compares:
        # Two or more districts, not added up: a row per district, a line per district.
        side_trend = ui.cached(compare.cleaning_by_unit_month, ctx.trend_first(), f.last, units, agency)
        shown.append(side_trend)
        side_by_side.notice(ctx, "Biểu đồ và bảng theo bộ dữ liệu bên dưới cộng các địa phương đã chọn.")
        ui.table(side_trend[side_trend["period"].dt.date == f.last], [
            ("unit_name", "Địa phương", "unit", 200), ("cleaning_ratio", "Tỷ lệ làm sạch", "rate", 110),
            ("records_cleaned", "Đã làm sạch (bộ có tổng số)", "count", 150), ("records_total", "Tổng số cần làm sạch", "count", 140),
            ("records_cleaned_all", "Đã làm sạch (mọi bộ)", "count", 130)],
            f"So sánh các địa phương: làm sạch dữ liệu {period_label(f.last)}", "cl-compare")
        st.subheader("Tỷ lệ làm sạch theo tháng, theo địa phương")
        side_by_side.rate_lines(side_trend, "cleaning_ratio", "cl-compare-trend", "Tỷ lệ làm sạch theo tháng, theo địa phương",
                           target=CLEANING_TARGET)
    else:
        side_by_side.combined_note(ctx)
        # The ratio, and the two counts it is made of, cover the datasets that have a total; what
        # was cleaned in the others (association members, workers) is shown apart.
        c1, c2, c3, c4 = st.columns(4)
        c1.metric("Tỷ lệ làm sạch chung", fmt_rate(r["cleaning_ratio"]), border=True,
                  help=INDICATORS["cleaning_ratio"].help)
        c2.metric("Bản ghi đã làm sạch", fmt_count(r["records_cleaned_with_total"]), border=True,
                  help="Trên các bộ dữ liệu có tổng số.")
        c3.metric("Tổng bản ghi cần làm sạch", fmt_count(r["records_total"]), border=True)
        c4.metric("Đã làm sạch ở bộ chưa có tổng số", fmt_count(r["records_cleaned_without_total"]),
                  border=True, help="Các bộ dữ liệu mà nguồn không cho tổng số (ví dụ hội viên các hội, người lao động).")

    left, right = st.columns([2, 3])
    with left:
        st.subheader("Theo bộ dữ liệu")
        st.caption(f"Đến cuối {period_label(f.last).lower()}")
        if datasets["cleaning_ratio"].notna().any():
            fig = ui.figure("rate_bars", datasets, "dataset_name", "cleaning_ratio", "dataset_code", target=CLEANING_TARGET,
                                   count_col="records_cleaned", label_len=34)
            ui.chart(fig, "cl-datasets", f"Tỷ lệ làm sạch theo bộ dữ liệu, {period_label(f.last)}")
        else:
            ui.empty()
    with right:
        st.subheader("Tiến độ theo tháng")
        st.caption("Tỷ lệ chung và từng bộ dữ liệu")
        if trend["cleaning_ratio"].notna().any():
            fig = ui.figure("rate_trend_groups", trend, trend_ds[trend_ds["cleaning_ratio"].notna()], "dataset_name", {},
                                           "Chung", rate_col="cleaning_ratio", target=None, height=420)
            ui.chart(fig, "cl-trend", "Tiến độ làm sạch dữ liệu theo tháng")
        elif trend["records_cleaned"].notna().any():
            st.caption("Các bộ dữ liệu đã chọn không có tổng số: biểu đồ số bản ghi đã làm sạch.")
            fig = ui.figure("count_trend", trend, [("records_cleaned", "Bản ghi đã làm sạch")], height=380)
            ui.chart(fig, "cl-trend", "Bản ghi đã làm sạch theo tháng")
        else:
            ui.empty()

    st.subheader(f"Địa phương × bộ dữ liệu, {period_label(f.last)}")
    heat = matrix[matrix["cleaning_ratio"].notna()]
    if len(heat):
        # many units (the communes): the top and bottom by overall ratio, or all of them
        rows = ranked.choose(by_district, "cleaning_ratio", "cl-heatmap")
        if len(rows) < len(by_district):
            heat = heat[heat["unit_code"].isin(set(rows["unit_code"]))]
            order = list(rows.sort_values("cleaning_ratio", ascending=False)["unit_name"])
        else:
            order = list(dict.fromkeys(heat["unit_name"]))
        with phone.wide_view("cl-heatmap"):
            fig = ui.figure("heatmap", heat, "unit_name", "dataset_name", "cleaning_ratio",
                                 row_order=order,
                                 col_order=list(dict.fromkeys(heat.sort_values("dataset_order")["dataset_name"])))
            ui.chart(fig, "cl-heatmap", f"Tỷ lệ làm sạch: địa phương × bộ dữ liệu, {period_label(f.last)}")
        phone.cleaning_grid(heat, "cl-heatmap")
    else:
        ui.empty("Chưa có số liệu làm sạch của các địa phương (có thể chỉ có số liệu cấp tỉnh).")

    st.subheader(f"Theo bộ dữ liệu, {period_label(f.last)}")
    ui.table(datasets, [("dataset_name", "Bộ dữ liệu", "long"), ("cleaning_ratio", "Tỷ lệ", "rate"),
                        ("records_cleaned", "Đã làm sạch", "count"), ("records_total", "Tổng số", "count"),
                        ("cleaned_change", "Tăng trong tháng", "count"), ("agency_name", "Cơ quan phụ trách", "text")],
             f"Làm sạch theo bộ dữ liệu {period_label(f.last)}", "cl-datasets", static=True)
    st.subheader(f"Theo địa phương, {period_label(f.last)}")
    ui.table(by_district, [("unit_name", "Địa phương", "unit", 220), ("records_cleaned", "Đã làm sạch", "count"),
                           ("records_total", "Tổng số", "count"), ("cleaning_ratio", "Tỷ lệ", "rate"),
                           ("rank", "Hạng", "count")],
             f"Làm sạch theo địa phương {period_label(f.last)}", "cl-districts")

hdr.sources(ui.sources_of(*shown))
