"""The utilities page (Tiện ích Đề án 06) and the overview's utilities card: the official
September 2023 figures at province level exactly, selected districts' stocks at the period's last
month (never a sum of months), the rates sum/sum, the units ranked by the rate one chooses, the
completeness of the month, and the tables offered as .xlsx to an analyst."""
import csv
import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from accounts import store
from dashboard.ui import SHOWN_KEY
from tests.conftest import ROOT
from tests.test_page_support import app_env, markdown, metrics, open_page, sql, vn_count, vn_rate  # noqa: F401

REF = ROOT / "data" / "reference" / "official_indicators_2023_09.csv"
SEP, AUG = dt.date(2023, 9, 1), dt.date(2023, 8, 1)
# The cards' labels and the indicator each shows (health insurance by CCCD, then social security).
CARDS = {"Lượt tra cứu BHYT bằng CCCD": "hi_lookups_total", "Lượt tra cứu thành công": "hi_lookups_success",
         "CCCD đồng bộ thẻ BHYT": "hi_cards_synced", "Cơ sở y tế dùng CCCD": "health_facilities_cccd",
         "Đối tượng hưởng an sinh xã hội": "ss_beneficiaries", "Đối tượng có tài khoản": "ss_accounts",
         "Chi trả không dùng tiền mặt": "ss_cashless_paid"}


def _official() -> dict[str, int]:
    return {r["indicator_code"]: int(float(r["value"])) for r in csv.DictReader(open(REF, encoding="utf-8"))}


def _cards(v: dict) -> dict[str, str]:
    """The cards as the page must show figures `v` (facilities as 'part / whole')."""
    out = {label: vn_count(v[code]) for label, code in CARDS.items()}
    out["Cơ sở y tế dùng CCCD"] = f"{vn_count(v['health_facilities_cccd'])} / {vn_count(v['health_facilities_total'])}"
    return out


def _unit_sums(db, units, period) -> dict[str, int]:
    got = sql(db, """select indicator_code, sum(value) from utilities_unit_monthly
                     where period = ? and list_contains(?, unit_code) group by 1""", [period, units])
    return {code: int(v) for code, v in got}


def test_province_september_2023_shows_the_official_figures(app_env):
    at = open_page("utilities", period="2023-09")
    assert not at.exception
    o = _official()
    m = metrics(at)
    assert {k: m[k] for k in CARDS} == _cards(o)
    assert {k: m[k] for k in CARDS} == {
        "Lượt tra cứu BHYT bằng CCCD": "5.339.392", "Lượt tra cứu thành công": "3.573.541",
        "CCCD đồng bộ thẻ BHYT": "3.037.420", "Cơ sở y tế dùng CCCD": "678 / 678",
        "Đối tượng hưởng an sinh xã hội": "261.308", "Đối tượng có tài khoản": "10.550",
        "Chi trả không dùng tiền mặt": "4.562"}
    md = markdown(at)
    rates = [(o["hi_lookups_success"] / o["hi_lookups_total"], "số lượt tra cứu", "66,9 %"),
             (o["health_facilities_cccd"] / o["health_facilities_total"], "số cơ sở y tế", "100,0 %"),
             (o["ss_accounts"] / o["ss_beneficiaries"], "số đối tượng hưởng chính sách", "4,0 %"),
             (o["ss_cashless_paid"] / o["ss_accounts"], "số đối tượng có tài khoản", "43,2 %")]
    for rate, of_text, written in rates:
        assert vn_rate(rate) == written
        assert f"**{written}** {of_text}" in md
    assert "Số liệu chính thức: Báo cáo tháng 9/2023" in md and "Số liệu đến **Tháng 9/2023**" in md


def _reported_expected(db, month: dt.date) -> tuple[int, int]:
    """Units that reported a utility figure for the month, and the units expected: those under
    the province that exist in the month (validity), not every unit ever."""
    return sql(db, """
        select (select count(distinct f.unit_code) from fact_utility as f join stg_units as u using (unit_code)
                where f.period = ? and u.unit_level in ('district', 'commune')),
               (select count(*) from stg_units as u
                where u.unit_level in ('district', 'commune') and u.parent_code = (select province_code from stg_settings)
                  and exists (select 1 from dim_unit as v
                              where v.unit_code = u.unit_code and valid_in(v.valid_from, v.valid_to, ?::date)))""",
               [month, month])[0]


# August 2023: 27 districts; October 2026: the 166 communes (the districts had ended), some lagging.
@pytest.mark.parametrize("month, written", [(AUG, "26/27"), (dt.date(2026, 10, 1), "157/166")])
def test_province_month_says_how_many_units_reported_it(app_env, month, written):
    at = open_page("utilities", period=f"{month:%Y-%m}")
    reported, expected = _reported_expected(app_env, month)
    assert f"{reported}/{expected}" == written  # the sample leaves units out those months
    label = f"Tháng {month.month}/{month.year}"
    # as the overview's cards say it: in colour, the month not being whole
    assert f":orange[◐ {label} · Đã báo cáo: {vn_count(reported)}/{vn_count(expected)} đơn vị]" in markdown(at)
    months = at.dataframe[1].value
    row = months[months["Tháng"] == label].iloc[0]
    assert (row["Địa phương báo cáo"], row["Tổng số địa phương"]) == (reported, expected)


@pytest.mark.parametrize("period", ["2023-09", "2023-01..2023-09"])
@pytest.mark.parametrize("units", [["395"], ["395", "380"]])
def test_selected_districts_show_their_stocks_at_the_last_month(app_env, period, units):
    at = open_page("utilities", period=period, unit=",".join(units))
    v = _unit_sums(app_env, units, SEP)
    assert {k: metrics(at)[k] for k in CARDS} == _cards(v)
    # the rate is sum / sum over the selected units, never an average of their rates
    assert f"**{vn_rate(v['ss_accounts'] / v['ss_beneficiaries'])}** số đối tượng hưởng chính sách" in markdown(at)
    # the change is against the month before September
    before = _unit_sums(app_env, units, AUG)
    delta = next(x.delta for x in at.metric if x.label == "Lượt tra cứu BHYT bằng CCCD")
    assert delta == "+" + vn_count(v["hi_lookups_total"] - before["hi_lookups_total"])
    table = at.dataframe[0].value
    assert sorted(table["Lượt tra cứu"]) == sorted(r[0] for r in sql(app_env, """
        select value from utilities_unit_monthly where period = ? and indicator_code = 'hi_lookups_total'
        and list_contains(?, unit_code)""", [SEP, units]))


def _ranked(db, part: str, whole: str) -> list[str]:
    """The districts by part/whole at September 2023, highest first."""
    return [r[0] for r in sql(db, """
        select unit_name from utilities_unit_monthly where period = ? and unit_level = 'district'
        group by unit_name
        order by sum(value) filter (where indicator_code = ?) / sum(value) filter (where indicator_code = ?) desc,
                 unit_name collate vi""", [SEP, part, whole])]


def test_units_are_ranked_by_the_rate_one_chooses(app_env):
    at = open_page("utilities", period="2023-09")
    table = at.dataframe[0].value
    by_success = _ranked(app_env, "hi_lookups_success", "hi_lookups_total")
    assert len(table) == 27 and list(table["Hạng"]) == list(range(1, 28))
    assert list(table["Địa phương"]) == by_success
    at.selectbox(key="util-rank-by").set_value("cashless_share").run()
    assert not at.exception
    table = at.dataframe[0].value
    by_cashless = _ranked(app_env, "ss_cashless_paid", "ss_accounts")
    assert list(table["Địa phương"]) == by_cashless != by_success
    assert at.query_params["rank"] == "cashless_share"  # the link keeps the choice


def test_a_link_with_a_ranking_opens_ranked_by_it(app_env):
    at = open_page("utilities", period="2023-09", rank="accounts_share")
    assert at.selectbox(key="util-rank-by").value == "accounts_share"
    assert list(at.dataframe[0].value["Địa phương"]) == _ranked(app_env, "ss_accounts", "ss_beneficiaries")


def test_overview_card_shows_the_official_look_ups_and_rates(app_env):
    at = open_page("overview", period="2023-09")
    o = _official()
    assert metrics(at)["Lượt tra cứu BHYT bằng CCCD"] == vn_count(o["hi_lookups_total"]) == "5.339.392"
    success = vn_rate(o["hi_lookups_success"] / o["hi_lookups_total"])
    assert f"Thành công: {success}  \nChi trả không dùng tiền mặt: {vn_count(o['ss_cashless_paid'])}" in markdown(at)


def test_a_month_every_unit_reported_says_so_without_colour(app_env):
    at = open_page("utilities", period="2023-09")
    reported, expected = _reported_expected(app_env, SEP)
    assert reported == expected == 27
    assert "Tháng 9/2023 · Đã báo cáo: 27/27 đơn vị" in [m.value for m in at.markdown]


def _province_look_ups(db, month: dt.date) -> int | None:
    got = sql(db, """select sum(value) from utilities_monthly where unit_code = (select province_code from stg_settings)
                     and period = ? and indicator_code = 'hi_lookups_total'""", [month])[0][0]
    return None if got is None else int(got)


@pytest.mark.parametrize("period, written", [("2023-08", ":orange[◐ Đã báo cáo: 26/27 đơn vị]"),
                                             ("2023-09", "Đã báo cáo: 27/27 đơn vị"),
                                             ("2026-10", ":orange[◐ Đã báo cáo: 157/166 đơn vị]")])
def test_overview_card_says_how_complete_its_month_is_and_the_same_month_last_year(app_env, period, written):
    at = open_page("overview", period=period)
    month = dt.date.fromisoformat(f"{period}-01")
    reported, expected = _reported_expected(app_env, month)
    coverage = f"Đã báo cáo: {vn_count(reported)}/{vn_count(expected)} đơn vị"
    assert written in (coverage, f":orange[◐ {coverage}]")
    assert written in markdown(at)
    # the card's own notes (what it shows below its status, and what its image carries)
    card = next(c for c in at.session_state[SHOWN_KEY]["cards"] if c["label"] == "Lượt tra cứu BHYT bằng CCCD")
    now, ago = _province_look_ups(app_env, month), _province_look_ups(app_env, month.replace(year=month.year - 1))
    year = [] if ago is None else [f"Cùng kỳ năm trước: {vn_count(ago)} (+{vn_count(now - ago)})"]
    assert card["notes"] == ["Không có chỉ tiêu", *year, coverage]


def test_overview_card_of_a_district_over_a_range_is_its_last_month(app_env):
    at = open_page("overview", period="2023-01..2023-09", unit="395")
    last, summed = sql(app_env, """select max(value) filter (where period = ?), sum(value) from utilities_unit_monthly
                                   where unit_code = '395' and indicator_code = 'hi_lookups_total'
                                   and period between '2023-01-01' and ?""", [SEP, SEP])[0]
    card = next(x for x in at.metric if x.label == "Lượt tra cứu BHYT bằng CCCD")
    assert card.value == vn_count(last) != vn_count(summed)
    dec = sql(app_env, """select value from utilities_unit_monthly where unit_code = '395'
                          and indicator_code = 'hi_lookups_total' and period = '2022-12-01'""")
    assert not card.delta and dec == []  # no figure before the range: no change shown


@pytest.mark.parametrize("user, downloads", [
    ("phantich", ["dl-xlsx-util-units", "dl-xlsx-util-months"]),
    ("lanhdao", []),
])
def test_tables_download_for_analysts(app_env, user, downloads):
    con = store.connect()
    store.ensure_demo_accounts(con)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["da06_session"] = store.create_session(con, user, 60)  # a real login session
    con.close()
    at.run()
    at.query_params["period"] = "2023-09"
    at.switch_page("pages/utilities.py").run()
    assert not at.exception
    assert [b.key for b in at.download_button if b.key.startswith("dl-xlsx-")] == downloads
    assert ("Đăng nhập với quyền chuyên viên phân tích để tải bảng." in [c.value for c in at.caption]) == (not downloads)


def test_the_rates_are_the_registrys_parts_of_a_whole():
    from dashboard.queries.utilities import INDICATOR_CODES, RATES
    from etl.definitions import INDICATORS as LABELS, UTILITY_GROUPS, UTILITY_RANKINGS
    from etl.topics.utilities import INDICATORS

    assert {(part, whole) for _, part, whole in RATES} == {(c, r["part_of"]) for c, r in INDICATORS.items() if r["part_of"]}
    assert set(INDICATOR_CODES) == set(INDICATORS) and set(UTILITY_RANKINGS) == {rate for rate, _, _ in RATES}
    cards = [card for _, group in UTILITY_GROUPS for card in group]
    assert {(c.indicator, c.rate) for c in cards if c.rate} == {(part, rate) for rate, part, _ in RATES}
    assert all(c.indicator in LABELS and (c.rate is None or c.rate in LABELS) for c in cards)


def _ranking_bars(at) -> list[str]:
    """The units of the ranking chart (the bar chart whose customdata holds unit codes), top first."""
    import json

    for chart in at.get("plotly_chart"):
        data = json.loads(chart.proto.spec)["data"]
        if data and data[0].get("type") == "bar" and data[0].get("orientation") == "h":
            return [c[0] for c in data[0]["customdata"]][::-1]
    raise AssertionError("no ranking chart")


def test_ranking_of_the_166_communes_shows_the_top_and_bottom_ten_until_all_are_asked_for(app_env):
    # October 2026: the communes report; a bar for each would be a chart of 157 bars (as on the
    # services, identity and cleaning pages: the ten highest and the ten lowest, or all on request)
    month = dt.date(2026, 10, 1)
    rates = sql(app_env, """
        select unit_code, sum(value) filter (where indicator_code = 'hi_lookups_success')
                          / sum(value) filter (where indicator_code = 'hi_lookups_total') as rate
        from utilities_unit_monthly where period = ? group by unit_code having rate is not null
        order by rate desc, unit_code""", [month])
    assert len(rates) > 40
    at = open_page("utilities", period="2026-10")
    assert not at.exception
    bars = _ranking_bars(at)
    assert len(bars) == 20
    assert set(bars) == {u for u, _ in rates[:10]} | {u for u, _ in rates[-10:]}
    at.radio(key="rank-view-util-units").set_value("all").run()
    assert not at.exception
    assert sorted(_ranking_bars(at)) == sorted(u for u, _ in rates)
