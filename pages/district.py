"""Hồ sơ địa phương: one district across every KPI, against the province and its rank among
the districts; its online-rate and activation trends and its services."""
import streamlit as st

from dashboard import ui
from dashboard.plain import plain
from etl.periods import period_label

ctx = ui.context()
f = ctx.filters
names = dict(ctx.options["units"])
codes = list(names)
hdr = ui.Header("Hồ sơ địa phương", ctx)


def _pick() -> None:
    # Choosing a district here makes it the district filter (and the link).
    st.session_state["f_units"] = [st.session_state["district_pick"]]


if st.session_state.get("district_pick") not in codes or (f.units and st.session_state.get("district_pick") not in f.units):
    st.session_state["district_pick"] = f.units[0] if f.units else codes[0]
unit = st.selectbox("Địa phương", codes, format_func=names.get, key="district_pick", on_change=_pick)
if len(f.units) > 1:
    st.caption("Bộ lọc đang chọn nhiều địa phương; hồ sơ hiển thị địa phương được chọn ở đây.")
if f.agency:
    st.caption("Bộ lọc cơ quan chủ trì không áp dụng cho hồ sơ địa phương.")

profile = ui.q("district_profile", f.first, f.last, unit)
trend = ui.q("district_trend", ctx.trend_first(), f.last, unit)
services = ui.q("district_services", f.first, f.last, unit)
cleaning = ui.q("cleaning_by_dataset", f.last, (unit,))
shown = [profile, trend, services, cleaning]

LABELS = {
    "online_rate": ("Tỷ lệ hồ sơ trực tuyến", "rate"),
    "total_dossiers": ("Tổng hồ sơ dịch vụ công", "count"),
    "cccd_records": ("Hồ sơ CCCD gắn chip", "count"),
    "vneid_activated": ("Tài khoản VNeID đã kích hoạt", "count"),
    "activation_rate": ("Kích hoạt VNeID so với chỉ tiêu", "rate"),
    "cleaning_ratio": ("Tỷ lệ làm sạch dữ liệu", "rate"),
    "district_tasks_done": ("Nhiệm vụ cấp huyện đã hoàn thành", "rate"),
}
province = ctx.options["province_name"]
cols = st.columns(4)
for i, key in enumerate(["online_rate", "activation_rate", "cleaning_ratio", "district_tasks_done"]):
    row = profile[profile["key"] == key].iloc[0]
    label, kind = LABELS[key]
    value = ui.fmt_rate(row["district"]) if kind == "rate" else ui.fmt_count(row["district"])
    rank = f"Hạng **{ui.fmt_count(row['rank'])}/{ui.fmt_count(row['ranked'])}**" if ui.num(row["rank"]) else "Chưa xếp hạng"
    with cols[i]:
        with st.container(border=True, key=f"profile-{key}"):
            st.metric(label, value)
            st.markdown(f"{rank} · {province}: {ui.fmt_rate(row['province'])}")

st.subheader(f"{plain(names[unit])} so với {plain(province)}")
table = profile.assign(indicator=profile["key"].map(lambda k: LABELS[k][0]),
                       rank_text=[f"{ui.fmt_count(r)}/{ui.fmt_count(n)}" if ui.num(r) else "–"
                                  for r, n in zip(profile["rank"], profile["ranked"])])
left, right = st.columns(2)
with left:
    rates = profile[profile["key"].map(lambda k: LABELS[k][1] == "rate")]
    fig = ui.figure("comparison_bars", [LABELS[k][0] for k in rates["key"]], [ui.num(v) for v in rates["district"]],
                                 [ui.num(v) for v in rates["province"]], names[unit], province)
    ui.chart(fig, "district-compare", f"{names[unit]} so với {province}")
with right:
    shown_table = table.assign(
        district_text=[ui.fmt_rate(v) if LABELS[k][1] == "rate" else ui.fmt_count(v) for k, v in zip(table["key"], table["district"])],
        province_text=[ui.fmt_rate(v) if LABELS[k][1] == "rate" else ui.fmt_count(v) for k, v in zip(table["key"], table["province"])],
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
                            target=1.0)
    ui.chart(fig, "district-vneid-trend", f"Kích hoạt VNeID theo tháng: {names[unit]} và {province}")

c, d = st.columns(2)
with c:
    st.subheader("Dịch vụ công của địa phương")
    ui.table(services[services["total_dossiers"].notna()],
             [("service_code", "Mã", "text", 70), ("service_name", "Dịch vụ", "long", 220), ("online_rate", "Tỷ lệ", "rate", 65),
              ("total_dossiers", "Tổng hồ sơ", "count", 85)],
             f"Dịch vụ công của {names[unit]}", "district-services", height=430, wrap=True,
             export_spec=[("service_code", "Mã", "text"), ("service_name", "Dịch vụ", "long"), ("online_rate", "Tỷ lệ", "rate"),
                          ("total_dossiers", "Tổng hồ sơ", "count"), ("target_rate", "Chỉ tiêu", "rate")])
with d:
    st.subheader("Làm sạch dữ liệu")
    ui.table(cleaning, [("dataset_name", "Bộ dữ liệu", "long"), ("records_cleaned", "Đã làm sạch", "count"),
                        ("records_total", "Tổng số", "count"), ("cleaning_ratio", "Tỷ lệ", "rate")],
             f"Làm sạch dữ liệu của {names[unit]}", "district-cleaning", static=True)

hdr.sources(ui.sources_of(*shown), scope=names[unit])
