"""Public services page: official online figures, the agency filter narrowing services, and the
drill-down links (?service= shows its districts, ?district= that district's services)."""
import csv
import datetime as dt
import json

from tests.conftest import ROOT
from tests.test_page_support import app_env, metrics, open_page, sql, unit_names, vn_count, vn_rate  # noqa: F401

SEP = dt.date(2023, 9, 1)


def _official(agency=None):
    services = {r["service_code"]: r["agency_code"] for r in csv.DictReader(open(ROOT / "data/reference/services.csv", encoding="utf-8"))}
    rows = [r for r in csv.DictReader(open(ROOT / "data/reference/official_service_volume_2023_09.csv", encoding="utf-8"))
            if agency is None or services[r["service_code"]] == agency]
    both = [r for r in rows if r["total_dossiers"] and r["online_dossiers"]]
    return sum(int(r["total_dossiers"]) for r in both), sum(int(r["online_dossiers"]) for r in both)


def test_province_september_2023_online_figures_are_official(app_env):
    at = open_page("services", period="2023-09")
    total, online = _official()
    m = metrics(at)
    assert (m["Tổng hồ sơ"], m["Hồ sơ nộp trực tuyến"], m["Tỷ lệ trực tuyến"]) == (vn_count(total), vn_count(online), vn_rate(online / total))
    assert m["Tỷ lệ trực tuyến"] == "81,0 %"


def test_agency_filter_narrows_services(app_env):
    at = open_page("services", period="2023-09", agency="38.CA")
    total, online = _official("38.CA")
    m = metrics(at)
    assert (m["Tổng hồ sơ"], m["Hồ sơ nộp trực tuyến"]) == (vn_count(total), vn_count(online))
    full = at.dataframe[-1].value  # "Bảng đầy đủ theo dịch vụ"
    expected = [r[0] for r in sql(app_env, "select service_code from stg_services where agency_code = '38.CA' order by 1")]
    assert list(full["Mã"]) == expected
    assert set(full["Cơ quan chủ trì"]) == {"Công an tỉnh"}


def test_service_link_shows_its_districts_and_district_link_its_services(app_env):
    at = open_page("services", period="2023-09", service="E06-02", district="395")
    assert not at.exception
    assert at.selectbox(key="svc_service").value == "E06-02"
    assert at.selectbox(key="svc_district").value == "395"
    by_district = at.dataframe[0].value
    expected = dict(sql(app_env, """select unit_name, total_dossiers from service_volume_monthly
                                   where period = ? and service_code = 'E06-02' and unit_level = 'district'""", [SEP]))
    assert dict(zip(unit_names(by_district["Địa phương"]), by_district["Tổng hồ sơ"])) == expected
    own = at.dataframe[1].value
    expected = dict(sql(app_env, """select service_code, total_dossiers from service_volume_monthly
                                   where period = ? and unit_code = '395' and total_dossiers is not null""", [SEP]))
    assert dict(zip(own["Mã"], own["Tổng hồ sơ"])) == expected
    assert at.query_params["service"] == "E06-02" and at.query_params["district"] == "395"


def test_unknown_service_in_the_link_is_ignored_with_a_notice(app_env):
    at = open_page("services", period="2023-09", service="XYZ")
    assert not at.exception
    assert any("“XYZ”" in i.value for i in at.info)
    assert at.selectbox(key="svc_service").value is None


def test_back_to_a_link_without_the_drill_clears_it(app_env):
    """The link is the truth: the browser's Back to the URL before a drill (no ?service=) shows
    no drill; "Bỏ chọn" clears a drill and drops it from the link."""
    at = open_page("services", period="2023-09", service="E06-02")
    assert at.selectbox(key="svc_service").value == "E06-02"
    del at.query_params["service"]  # what Back hands the next run
    at.run()
    assert at.selectbox(key="svc_service").value is None
    at.selectbox(key="svc_service").set_value("E06-03").run()
    assert at.query_params["service"] == "E06-03"
    at.button(key="svc_service_clear").click().run()
    assert not at.exception
    assert at.selectbox(key="svc_service").value is None
    assert "service" not in at.query_params


def test_district_names_link_to_their_profile_with_the_period(app_env):
    at = open_page("services", period="2023-09", service="E06-02")
    cells = list(at.dataframe[0].value["Địa phương"])
    codes = dict(sql(app_env, "select unit_name, unit_code from stg_units where unit_level = 'district'"))
    assert cells == [f"district?place={codes[n]}&period=2023-09#{n}" for n in unit_names(cells)]
    # shown as the name, a link, pinned while the table scrolls sideways (a phone)
    column = json.loads(at.dataframe[0].proto.columns)["Địa phương"]
    assert column["type_config"] == {"type": "link", "display_text": "#(.+)$"} and column["pinned"] is True


def test_a_lone_online_count_shows_although_the_rate_is_undefined(app_env):
    """E06-01's official September 2023 figure is 63 online dossiers and no total: the services
    table shows 63 (not "–") beside a rate that is "–"."""
    at = open_page("services", period="2023-09")
    full = at.dataframe[-1].value.set_index("Mã")
    [(online,)] = sql(app_env, """select online_dossiers from service_volume_monthly
                                  where period = ? and service_code = 'E06-01' and unit_level = 'province'""", [SEP])
    assert online == 63
    assert full.loc["E06-01", "Trực tuyến"] == 63
    assert full.loc["E06-01", "Tỷ lệ"] != full.loc["E06-01", "Tỷ lệ"]  # NaN: shown as "–"
    assert full.loc["E06-01", "Còn thiếu"] != full.loc["E06-01", "Còn thiếu"]
