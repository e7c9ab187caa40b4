"""Issue #14, "compare units side by side": two or more districts chosen are compared (a row
and a line per district) unless the person chooses "Cộng gộp" (then added up, and said so);
the choice is in the sidebar and in the link (?combine=1)."""
import datetime as dt
import json

from tests.test_page_support import app_env, metrics, open_page, sql, unit_names, vn_count, vn_rate  # noqa: F401

SEP = dt.date(2023, 9, 1)
JAN = dt.date(2023, 1, 1)
UNITS = ["395", "396"]


def _names(db, units):
    return [r[0] for r in sql(db, "select unit_name from stg_units where list_contains(?, unit_code) order by unit_name collate vi",
                              [units])]


def test_two_districts_on_services_are_compared_row_by_row_not_pooled(app_env):
    at = open_page("services", period="2023-01..2023-09", unit=",".join(UNITS))
    assert not at.exception
    assert at.radio(key="f_combine").value is False
    assert "Tổng hồ sơ" not in metrics(at)  # no pooled cards
    side = at.dataframe[0].value
    expected = sql(app_env, """
        select u.unit_name, sum(v.total_dossiers) filter (where v.online_dossiers is not null),
               sum(v.online_dossiers) filter (where v.total_dossiers is not null)
        from service_volume_monthly v join stg_units u using (unit_code)
        where v.period between ? and ? and list_contains(?, v.unit_code)
        group by u.unit_name""", [JAN, SEP, UNITS])
    got = {unit_names([r["Địa phương"]])[0]: (r["Tổng hồ sơ"], r["Trực tuyến"]) for _, r in side.iterrows()}
    assert got == {name: (t, o) for name, t, o in expected}
    for name, t, o in expected:
        assert abs(side.assign(**{"Địa phương": unit_names(side["Địa phương"])}).set_index("Địa phương").loc[name, "Tỷ lệ trực tuyến"] - o / t) < 1e-12
    # the trend has one line per district, named after it
    names = set(_names(app_env, UNITS))
    assert names in [{d.get("name") for d in json.loads(c.proto.spec)["data"]} for c in at.get("plotly_chart")]


def test_combine_choice_adds_the_districts_up_and_says_so(app_env):
    at = open_page("services", period="2023-09", unit=",".join(UNITS))
    at.radio(key="f_combine").set_value(True).run()
    assert not at.exception
    assert at.query_params["combine"] == "1"
    [(total, online)] = sql(app_env, """
        select sum(total_dossiers) filter (where online_dossiers is not null),
               sum(online_dossiers) filter (where total_dossiers is not null)
        from service_volume_monthly where period = ? and list_contains(?, unit_code)""", [SEP, UNITS])
    m = metrics(at)
    assert (m["Tổng hồ sơ"], m["Hồ sơ nộp trực tuyến"], m["Tỷ lệ trực tuyến"]) == (vn_count(total), vn_count(online), vn_rate(online / total))
    assert any("cộng gộp 2 địa phương" in c.value for c in at.caption)


def test_combine_in_the_link_opens_added_up(app_env):
    at = open_page("services", period="2023-09", unit=",".join(UNITS), combine="1")
    assert not at.exception
    assert at.radio(key="f_combine").value is True
    assert "Tổng hồ sơ" in metrics(at)


def test_identity_compares_each_district_at_the_month(app_env):
    at = open_page("identity", period="2023-09", unit=",".join(UNITS))
    assert not at.exception
    side = at.dataframe[0].value
    expected = sql(app_env, """select unit_name, cccd_records, vneid_activated from identity_unit_monthly
                               where period = ? and list_contains(?, unit_code)""", [SEP, UNITS])
    assert {unit_names([r["Địa phương"]])[0]: (r["Hồ sơ CCCD"], r["Đã kích hoạt"]) for _, r in side.iterrows()} == \
        {n: (c, a) for n, c, a in expected}
    assert "Hồ sơ CCCD" not in metrics(at)


def test_cleaning_compares_each_district_at_the_month(app_env):
    at = open_page("cleaning", period="2023-09", unit=",".join(UNITS))
    assert not at.exception
    side = at.dataframe[0].value
    expected = sql(app_env, """select unit_name, sum(records_cleaned) filter (where records_total is not null),
                                      sum(records_total) filter (where records_cleaned is not null)
                               from cleaning_unit_monthly
                               where period = ? and list_contains(?, unit_code) group by unit_name""", [SEP, UNITS])
    assert {unit_names([r["Địa phương"]])[0]: (r["Đã làm sạch (bộ có tổng số)"], r["Tổng số cần làm sạch"]) for _, r in side.iterrows()} == \
        {n: (c, t) for n, c, t in expected}


def test_one_district_is_neither_compared_nor_combined(app_env):
    at = open_page("services", period="2023-09", unit="395", combine="1")
    assert not at.exception
    assert "combine" not in at.query_params  # one district: nothing to add up
    assert "Tổng hồ sơ" in metrics(at)


def test_overview_says_its_cards_add_the_chosen_districts_up(app_env):
    at = open_page("overview", period="2023-09", unit=",".join(UNITS))
    assert not at.exception
    [note] = [c.value for c in at.caption if "địa phương đã chọn" in c.value]
    assert note.startswith("Số liệu trên trang này cộng gộp 2 địa phương đã chọn")
    assert "So sánh từng địa phương" in note
