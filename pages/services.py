"""Dịch vụ công: online rate by service, by responsible agency and by district, trends, the
services that pull the rate down; click a service to see its districts, a district to see its
services (the choice is also in the link: ?service=E06-02, ?district=395)."""
import streamlit as st

from dashboard import charts, drill, maps, ranked, side_by_side, ui
from dashboard.plain import plain
from dashboard.queries import compare, services
from etl.definitions import INDICATORS, SERVICE_GROUP_LABELS, fmt_count, fmt_rate, num

ctx = ui.context()
f = ctx.filters
units, agency = f.units_or_none, f.agency
hdr = ui.Header("Dịch vụ công trực tuyến", ctx,
                "Tỷ lệ trực tuyến = hồ sơ trực tuyến / tổng hồ sơ, cộng trên các dịch vụ và các tháng của kỳ.")

summary = ui.cached(services.summary, f.first, f.last, units, agency).iloc[0]
by_service = ui.cached(services.by_service, f.first, f.last, units, agency)
agencies = ui.cached(services.by_agency, f.first, f.last, units, agency)
districts = ui.cached(services.by_district, f.first, f.last, units, agency)
trend = ui.cached(services.trend_by_group, ctx.trend_first(), f.last, units, agency)
overall = ui.cached(services.trend, ctx.trend_first(), f.last, units, agency)
below = ui.cached(services.below_target, f.first, f.last, units, agency)
shown = [summary.to_dict(), by_service, agencies, districts, trend, overall, below]

if f.compares:
    # Two or more districts, not added up: a row per district instead of one set of cards.
    side = ui.cached(compare.services_by_unit, f.first, f.last, units, agency)
    side_trend = ui.cached(compare.services_by_unit_month, ctx.trend_first(), f.last, units, agency)
    shown += [side, side_trend]
    side_by_side.notice(ctx, "Các bảng theo dịch vụ và theo cơ quan bên dưới cộng các địa phương đã chọn.")
    ui.table(side, [("unit_name", "Địa phương", "unit", 200), ("total_dossiers", "Tổng hồ sơ", "count", 110),
                    ("online_dossiers", "Trực tuyến", "count", 110), ("online_rate", "Tỷ lệ trực tuyến", "rate", 120),
                    ("target_rate", "Chỉ tiêu", "rate", 90)],
             "So sánh các địa phương: dịch vụ công", "svc-compare")
else:
    side_by_side.combined_note(ctx)
    c1, c2, c3 = st.columns(3)
    c1.metric(INDICATORS["total_dossiers"].label, fmt_count(summary["total_dossiers"]), border=True)
    c2.metric(INDICATORS["online_dossiers"].label, fmt_count(summary["online_dossiers"]), border=True)
    c3.metric("Tỷ lệ trực tuyến", fmt_rate(summary["online_rate"]), border=True,
              help=f"Chỉ tiêu (bình quân theo số hồ sơ): {fmt_rate(summary['target_rate'], 0)}")

service_names = dict(zip(by_service["service_code"], by_service["service_name"]))
district_names = dict(zip(districts["unit_code"], districts["unit_name"]))

# ---- by service, with the chosen service's districts beside it
st.subheader("Theo dịch vụ")
left, right = st.columns([3, 2])
with right:
    service = drill.choice("service", "svc_service", list(by_service["service_code"]), "Xem một dịch vụ theo địa phương",
                            format_func=lambda c: f"{c} · {charts.short(service_names.get(c, c), 80)}",
                            placeholder="Chọn dịch vụ, hoặc bấm vào một cột bên trái")
    if service:
        by_district = ui.cached(services.by_district, f.first, f.last, units, agency, service)
        shown.append(by_district)
        st.markdown(f"**{plain(service_names.get(service, service))}**")
        if by_district["online_rate"].notna().any():
            # A narrow column: the online count goes to the .xlsx only (the rate and the total say it).
            spec = [("rank", "Hạng", "count", 50), ("unit_name", "Địa phương", "unit"),
                    ("online_rate", "Tỷ lệ", "rate", 70), ("total_dossiers", "Tổng hồ sơ", "count", 90)]
            ui.table(by_district, spec, f"{service} theo địa phương", "svc-service-districts", height=560,
                     export_spec=spec[:3] + [("online_dossiers", "Trực tuyến", "count")] + spec[3:])
        else:
            ui.empty("Các địa phương chưa báo cáo hồ sơ của dịch vụ này trong kỳ (có thể chỉ có số liệu cấp tỉnh).")
    else:
        st.caption("Bấm vào một dịch vụ trong biểu đồ để xem tỷ lệ của từng địa phương.")
with left:
    if by_service["online_rate"].notna().any():
        fig = ui.figure("rate_bars", by_service.assign(label=by_service["service_code"] + " · " + by_service["service_name"]),
                               "label", "online_rate", "service_code", target_col="target_rate",
                               hover_col="service_name", count_col="total_dossiers", label_len=46, highlight=service)
        ui.chart(fig, "svc-services", "Tỷ lệ trực tuyến theo dịch vụ",
                 on_select=drill.from_chart("svc-services", "svc_service"))
    else:
        ui.empty()

# ---- by district, with the chosen district's services beside it
st.subheader("Theo địa phương")
left, right = st.columns([2, 3])
with right:
    district = drill.choice("district", "svc_district", list(districts["unit_code"]), "Xem các dịch vụ của một địa phương",
                             format_func=lambda c: district_names.get(c, c),
                             placeholder="Chọn địa phương, hoặc bấm vào một cột bên trái")
    if district:
        own = ui.cached(services.of_district, f.first, f.last, district, agency)
        shown.append(own)
        st.markdown(f"**{plain(district_names.get(district, district))}**")
        spec = [("service_code", "Mã", "text", 70), ("service_name", "Dịch vụ", "long", 290),
                ("online_rate", "Tỷ lệ", "rate", 70), ("total_dossiers", "Tổng hồ sơ", "count", 90)]
        ui.table(own[own["total_dossiers"].notna()], spec,
                 f"Dịch vụ của {district_names.get(district, district)}", "svc-district-services", height=560, wrap=True,
                 export_spec=spec[:3] + [("online_dossiers", "Trực tuyến", "count")] + spec[3:])
    else:
        st.caption("Bấm vào một địa phương trong biểu đồ để xem các dịch vụ của địa phương đó.")
with left:
    if districts["online_rate"].notna().any():
        bars = ranked.choose(districts, "online_rate", "svc-districts")
        fig = ui.figure("rate_bars", bars, "unit_name", "online_rate", "unit_code", target_col="target_rate",
                               count_col="total_dossiers", label_len=30, highlight=district)
        ui.chart(fig, "svc-districts", "Tỷ lệ trực tuyến theo địa phương",
                 on_select=drill.from_chart("svc-districts", "svc_district"))
    else:
        ui.empty()

st.subheader("Bản đồ tỷ lệ trực tuyến")
everyone = ui.cached(services.by_district, f.first, f.last, None, agency)
shown.append(everyone)
maps.unit_map(everyone, "online_rate", "total_dossiers", "Tỷ lệ trực tuyến", "Tổng hồ sơ", "svc-map",
              f"Tỷ lệ trực tuyến theo địa phương, {f.period_label()}", highlight=district)

# ---- by agency and the monthly trend; the services that pull the rate down (a full-width list)
left, right = st.columns([2, 3])
with left:
    st.subheader("Theo cơ quan chủ trì")
    if agencies["online_rate"].notna().any():
        fig = ui.figure("rate_bars", agencies, "agency_name", "online_rate", "agency_code", target_col="target_rate",
                               count_col="total_dossiers", label_len=30)
        ui.chart(fig, "svc-agencies", "Tỷ lệ trực tuyến theo cơ quan chủ trì")
    else:
        ui.empty()
with right:
    st.subheader("Xu hướng theo tháng")
    if f.compares:
        side_by_side.rate_lines(side_trend, "online_rate", "svc-compare-trend", "Tỷ lệ trực tuyến theo tháng, theo địa phương",
                           target=num(summary["target_rate"]))
    elif overall["online_rate"].notna().any():
        fig = ui.figure("rate_trend_groups", overall, trend, "service_group", SERVICE_GROUP_LABELS, "Tất cả dịch vụ",
                                       target=num(summary["target_rate"]))
        ui.chart(fig, "svc-trend", "Tỷ lệ trực tuyến theo tháng, theo nhóm dịch vụ")
    else:
        ui.empty()

st.subheader("Dịch vụ kéo tỷ lệ chung xuống")
if len(below):
    ui.table(below, [("service_code", "Mã", "text"), ("service_name", "Dịch vụ", "long"),
                     ("online_rate", "Tỷ lệ", "rate"), ("pull", "Kéo xuống (điểm %)", "points"),
                     ("shortfall", "Hồ sơ trực tuyến còn thiếu", "count")],
             "Dịch vụ kéo tỷ lệ chung xuống", "svc-below", static=True,
             caption="“Kéo xuống”: tỷ lệ chung sẽ cao hơn bấy nhiêu điểm % nếu bỏ dịch vụ này ra. "
                     "“Còn thiếu”: số hồ sơ trực tuyến cần thêm để đạt chỉ tiêu.")
else:
    st.success("Không có dịch vụ nào dưới chỉ tiêu.")

with st.expander("Bảng đầy đủ theo dịch vụ"):
    # On screen the group is left out (the code says it: E06-…, Q422-…); the .xlsx has it.
    spec = [("service_code", "Mã", "text", 65), ("service_name", "Dịch vụ", "long", 260),
            ("agency_name", "Cơ quan chủ trì", "text", 130), ("total_dossiers", "Tổng hồ sơ", "count", 85),
            ("online_dossiers", "Trực tuyến", "count", 80), ("online_rate", "Tỷ lệ", "rate", 65),
            ("target_rate", "Chỉ tiêu", "rate", 65), ("shortfall", "Còn thiếu", "count", 80)]
    ui.table(by_service, spec, "Tỷ lệ trực tuyến theo dịch vụ", "svc-all", wrap=True, height=600,
             export_spec=spec[:2] + [("service_group", "Nhóm", "group")] + spec[2:])

hdr.sources(ui.sources_of(*shown))
