"""Tiện ích Đề án 06: health insurance by CCCD and cashless social security payments — the KPI
cards by group with their change from the month before and their rates, the trends, the units
ranked by a rate, the tables by unit and by month. Stocks: each month's figure is the count at
its end (cards, groups and rates: etl.definitions)."""
import streamlit as st

from dashboard import ranked, ui
from dashboard.queries import utilities
from etl.definitions import (INDICATORS, STOCK_NOTE, UTILITY_GROUPS, UTILITY_RANKINGS, fmt_count, fmt_coverage, fmt_points,
                             fmt_rate, fmt_signed_count, period_label)

ctx, f, hdr = ui.page("Tiện ích Đề án 06", STOCK_NOTE,
                      agency_note="Bộ lọc cơ quan chủ trì không áp dụng cho các nhóm tiện ích.")

trend = ui.cached(utilities.trend, ctx.trend_first(), f.last, f.units_or_none)
by_unit = ui.cached(utilities.by_unit, f.last, f.units_or_none)
now = ui.last_month(trend)
month = period_label(f.last)

if len(now) == 0:
    ui.empty()
else:
    r = now.iloc[0]
    # how complete the month's figures are, as the overview's cards say it
    st.markdown(ui.coverage_markdown(f"{month} · {fmt_coverage(r['units_reported'], r['units_expected'])}",
                                     r["units_reported"] == r["units_expected"]))
    for group, cards in UTILITY_GROUPS:
        st.subheader(group)
        for col, card in zip(st.columns(len(cards)), cards):
            ind = INDICATORS[card.indicator]
            value = fmt_count(r[card.indicator])
            if card.whole:
                value = f"{value} / {fmt_count(r[card.whole])}"
            delta = fmt_signed_count(r[f"{card.indicator}_change"])
            with col.container(border=True, key=f"util-card-{card.indicator}"):
                st.metric(ind.label, value, delta=delta, delta_description="so với tháng trước" if delta else None,
                          help=ind.help if card.rate else None)
                if card.rate:  # the rate of the part to its whole, and its change
                    change = fmt_points(r[f"{card.rate}_change"])
                    st.markdown(f"**{fmt_rate(r[card.rate])}** {card.of_text}"
                                + (f" ({change} so với tháng trước)" if change else ""))
                else:  # how the figure is counted
                    st.markdown(ind.help)

    left, right = st.columns(2)
    with left:
        st.subheader("Số cộng dồn theo tháng")
        st.caption("Tra cứu và đồng bộ thông tin thẻ BHYT bằng CCCD, đến cuối mỗi tháng")
        fig = ui.figure("count_trend", trend, [(c, INDICATORS[c].label) for c in
                                               ("hi_lookups_total", "hi_lookups_success", "hi_cards_synced")], height=400)
        ui.chart(fig, "util-trend", "Tiện ích BHYT bằng CCCD: số cộng dồn theo tháng")
    with right:
        st.subheader("Tỷ lệ theo tháng")
        st.caption("Phần so với tổng của nó, đến cuối mỗi tháng")
        fig = ui.figure("rate_trend", trend, [(k, INDICATORS[k].name) for k in UTILITY_RANKINGS], height=400)
        ui.chart(fig, "util-rate-trend", "Tiện ích Đề án 06: tỷ lệ theo tháng")

    st.subheader(f"Xếp hạng địa phương, {month}")
    rank_by = ui.url_choice("rank", "util-rank-by", list(UTILITY_RANKINGS), "Xếp hạng theo",
                            format_func=lambda k: INDICATORS[k].name, default=UTILITY_RANKINGS[0]) or UTILITY_RANKINGS[0]
    st.caption(INDICATORS[rank_by].help + " Hạng 1 = tỷ lệ cao nhất trong các địa phương có số liệu.")
    if by_unit[rank_by].notna().any():
        bars = ranked.choose(by_unit, rank_by, "util-units")  # many units: the top and bottom ones, or all on request
        fig = ui.figure("rate_bars", bars, "unit_name", rank_by, "unit_code", label_len=30)
        ui.chart(fig, "util-units", f"{INDICATORS[rank_by].name} theo địa phương, {month}")
    else:
        ui.empty()

    st.subheader(f"Theo địa phương, {month}")
    ui.table(by_unit.sort_values(f"{rank_by}_rank", na_position="last", kind="stable"), [  # ties: names in Vietnamese order
        (f"{rank_by}_rank", "Hạng", "count", 50), ("unit_name", "Địa phương", "text"),
        ("hi_lookups_total", "Lượt tra cứu", "count", 95), ("hi_lookups_success", "Thành công", "count", 95),
        ("hi_success_rate", "Thành công (%)", "rate", 80), ("hi_cards_synced", "CCCD đồng bộ thẻ BHYT", "count", 95),
        ("health_facilities_cccd", "Cơ sở y tế dùng CCCD", "count", 90),
        ("health_facilities_total", "Tổng cơ sở y tế", "count", 80),
        ("ss_beneficiaries", "Đối tượng an sinh xã hội", "count", 95), ("ss_accounts", "Có tài khoản", "count", 90),
        ("accounts_share", "Có tài khoản (%)", "rate", 80), ("ss_cashless_paid", "Chi trả không dùng tiền mặt", "count", 95),
        ("cashless_share", "Không dùng tiền mặt (%)", "rate", 80), ("reported_period", "Số liệu tháng", "month", 105),
    ], f"Tiện ích Đề án 06 theo địa phương {month}", "util-units",
        caption=f"Xếp theo: {INDICATORS[rank_by].name.lower()}. “Số liệu tháng”: tháng báo cáo gần nhất của địa phương.")

    st.subheader("Theo tháng")
    ui.table(trend.sort_values("period", ascending=False), [
        ("period", "Tháng", "month", 105),
        ("hi_lookups_total", "Lượt tra cứu", "count", 95), ("hi_lookups_success", "Thành công", "count", 95),
        ("hi_success_rate", "Thành công (%)", "rate", 80), ("hi_cards_synced", "CCCD đồng bộ thẻ BHYT", "count", 95),
        ("health_facilities_cccd", "Cơ sở y tế dùng CCCD", "count", 90),
        ("health_facilities_total", "Tổng cơ sở y tế", "count", 80),
        ("ss_beneficiaries", "Đối tượng an sinh xã hội", "count", 95), ("ss_accounts", "Có tài khoản", "count", 90),
        ("accounts_share", "Có tài khoản (%)", "rate", 80), ("ss_cashless_paid", "Chi trả không dùng tiền mặt", "count", 95),
        ("cashless_share", "Không dùng tiền mặt (%)", "rate", 80),
        ("units_reported", "Địa phương báo cáo", "count", 90), ("units_expected", "Tổng số địa phương", "count", 90),
    ], f"Tiện ích Đề án 06 theo tháng đến {month}", "util-months")

hdr.sources(ui.sources_of(trend, by_unit))
