"""Hồ sơ địa phương: one unit of any level (a district before the 2025 reform, a commune or
ward after it) across every KPI, against the province and its rank among the units; its
online-rate and activation trends, its services, and where it lies on the map.

The unit is the page's own choice (?place=CODE; a map point's click opens it), so opening a
profile leaves the sidebar's filter alone; an old link with the filter (?unit=395) still opens
that unit's profile."""
import streamlit as st

from dashboard import maps, ui
from dashboard.filters import unit_label
from dashboard.plain import plain
from dashboard.queries import cleaning, places, services, unit_profile
from etl.definitions import ACTIVATION_TARGET, INDICATORS, fmt_rank, fmt_rate, num, period_label

ctx = ui.context()
f = ctx.filters
valid = ui.cached(places.valid_places, f.first, f.last)
names = dict(ctx.options["units"]) | dict(zip(valid["unit_code"], valid["unit_name"]))
labels = {r.unit_code: unit_label(r.unit_name, r.unit_level, r.former_district_name) for r in valid.itertuples()}
codes = list(labels) or [c for c, _ in ctx.options["units"]]
hdr = ui.Header("Hồ sơ địa phương", ctx)

# An old link names the unit in the filter (?unit=395): it is the profile's unit unless the
# link also names one of its own.
# (With a former district chosen, its first unit of the period.)
chosen = [c for c in f.units_or_none or () if c in codes]
if maps.PROFILE_PARAM not in st.query_params and chosen and st.session_state.get("profile_place") not in chosen:
    st.session_state["profile_place"] = chosen[0]
unit = ui.url_choice(maps.PROFILE_PARAM, "profile_place", codes, "Địa phương (gõ để tìm)",
                     format_func=lambda c: labels.get(c, names.get(c, c)), default=chosen[0] if chosen else codes[0])
if unit is None:
    unit = codes[0]
if len(f.units) > 1:
    st.caption("Bộ lọc đang chọn nhiều địa phương; hồ sơ hiển thị địa phương được chọn ở đây.")
if f.agency:
    st.caption("Bộ lọc cơ quan chủ trì không áp dụng cho hồ sơ địa phương.")

profile = ui.cached(unit_profile.profile, f.first, f.last, unit)
trend = ui.cached(unit_profile.trend, ctx.trend_first(), f.last, unit)
own_services = ui.cached(services.of_district, f.first, f.last, unit)
own_cleaning = ui.cached(cleaning.by_dataset, f.last, (unit,))
shown = [profile, trend, own_services, own_cleaning]

province = ctx.options["province_name"]
cols = st.columns(4)
for i, key in enumerate(["online_rate", "activation_rate", "cleaning_ratio", "district_tasks_done"]):
    row, ind = profile[profile["key"] == key].iloc[0], INDICATORS[key]
    rank = f"Hạng **{fmt_rank(row['rank'], row['ranked'])}**" if num(row["rank"]) else "Chưa xếp hạng"
    with cols[i]:
        with st.container(border=True, key=f"profile-{key}"):
            st.metric(ind.name, ind.fmt(row["district"]))
            st.markdown(f"{rank} · {province}: {fmt_rate(row['province'])}")

st.subheader(f"{plain(names[unit])} so với {plain(province)}")
indicators = [INDICATORS[k] for k in profile["key"]]
left, right = st.columns(2)
with left:
    rates = [(ind, row) for ind, row in zip(indicators, profile.itertuples()) if ind.kind == "rate"]
    fig = ui.figure("comparison_bars", [ind.name for ind, _ in rates], [num(r.district) for _, r in rates],
                    [num(r.province) for _, r in rates], names[unit], province)
    ui.chart(fig, "district-compare", f"{names[unit]} so với {province}")
with right:
    shown_table = profile.assign(
        indicator=[ind.name for ind in indicators],
        district_text=[ind.fmt(v) for ind, v in zip(indicators, profile["district"])],
        province_text=[ind.fmt(v) for ind, v in zip(indicators, profile["province"])],
        rank_text=[fmt_rank(r, n) for r, n in zip(profile["rank"], profile["ranked"])],
    )
    ui.table(shown_table, [("indicator", "Chỉ tiêu", "text"), ("district_text", names[unit], "text"),
                           ("province_text", province, "text"), ("rank_text", "Hạng", "text")],
             f"Hồ sơ {names[unit]}", "district-profile", static=True,
             caption="Hạng trong các địa phương có số liệu (1 = cao nhất). Dịch vụ công: cả kỳ; "
                     f"CCCD, VNeID, làm sạch, nhiệm vụ: đến cuối {period_label(f.last).lower()}.")

a, b = st.columns(2)
with a:
    st.subheader("Tỷ lệ trực tuyến theo tháng")
    fig = ui.figure("rate_trend", trend, [("district_online_rate", names[unit]), ("province_online_rate", province)])
    ui.chart(fig, "district-online-trend", f"Tỷ lệ trực tuyến theo tháng: {names[unit]} và {province}")
with b:
    st.subheader("Kích hoạt VNeID so với chỉ tiêu")
    fig = ui.figure("rate_trend", trend, [("district_activation_rate", names[unit]), ("province_activation_rate", province)],
                    target=ACTIVATION_TARGET)
    ui.chart(fig, "district-vneid-trend", f"Kích hoạt VNeID theo tháng: {names[unit]} và {province}")

c, d = st.columns(2)
with c:
    st.subheader("Dịch vụ công của địa phương")
    ui.table(own_services[own_services["total_dossiers"].notna()],
             [("service_code", "Mã", "text", 70), ("service_name", "Dịch vụ", "long", 220), ("online_rate", "Tỷ lệ", "rate", 65),
              ("total_dossiers", "Tổng hồ sơ", "count", 85)],
             f"Dịch vụ công của {names[unit]}", "district-services", height=430, wrap=True,
             export_spec=[("service_code", "Mã", "text"), ("service_name", "Dịch vụ", "long"), ("online_rate", "Tỷ lệ", "rate"),
                          ("total_dossiers", "Tổng hồ sơ", "count"), ("target_rate", "Chỉ tiêu", "rate")])
with d:
    st.subheader("Làm sạch dữ liệu")
    ui.table(own_cleaning, [("dataset_name", "Bộ dữ liệu", "long"), ("records_cleaned", "Đã làm sạch", "count"),
                        ("records_total", "Tổng số", "count"), ("cleaning_ratio", "Tỷ lệ", "rate")],
             f"Làm sạch dữ liệu của {names[unit]}", "district-cleaning", static=True)

st.subheader("Trên bản đồ")
everyone = ui.cached(services.by_district, f.first, f.last, None, None)
shown.append(everyone)
maps.unit_map(everyone, "online_rate", "total_dossiers", "Tỷ lệ trực tuyến", "Tổng hồ sơ", "district-map",
              f"Tỷ lệ trực tuyến theo địa phương, {f.period_label()}", highlight=unit, height=460)

hdr.sources(ui.sources_of(*shown), scope=names[unit])
