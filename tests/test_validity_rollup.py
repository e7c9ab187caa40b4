"""Rollups and stocks respect validity: a unit's stock counts only while the unit is valid. An
abolished district's last figure is not carried into the communes' months."""
import datetime as dt

from tests.helpers import make_workbook, rows, submit

JUN, JUL, AUG = dt.date(2025, 6, 1), dt.date(2025, 7, 1), dt.date(2025, 8, 1)


def _load(tmp_path, warehouse, files):
    for i, (unit, period, values) in enumerate(files):
        p = make_workbook(tmp_path / f"f{i}.xlsx", unit, period, values)
        r = submit(warehouse, tmp_path / "raw", p, dt.datetime(2025, 9, 1, 9, i))
        assert r.status == "accepted", r.issues


def test_district_june_and_commune_july_give_the_province_the_communes_figure(tmp_path, empty_warehouse):
    # Thành phố Thanh Hóa reported 100 CCCD records for June 2025, its last month; Phường Hạc
    # Thành (a commune under the province from July) 40 for July: the province has 40 in July, not 140.
    _load(tmp_path, empty_warehouse, [
        ("380", JUN, {"identity": {"380": {"cccd_records": 100}}}),
        ("14797", JUL, {"identity": {"14797": {"cccd_records": 40}}}),
    ])
    assert rows(empty_warehouse, "select period, cccd_records, is_rollup, units_reporting from identity_monthly "
                                 "where unit_code = '38' and period >= ? order by period", [JUN]) == [
        (JUN, 100, True, 1), (JUL, 40, True, 1)]
    assert rows(empty_warehouse, "select period, unit_code, cccd_records, reported_period, carried_forward, former_district_code "
                                 "from identity_unit_monthly where period >= ? order by period, unit_code", [JUN]) == [
        (JUN, "380", 100, JUN, False, "380"), (JUL, "14797", 40, JUL, False, "380")]


def test_a_commune_that_misses_a_month_keeps_its_stock_but_the_district_never_returns(tmp_path, empty_warehouse):
    _load(tmp_path, empty_warehouse, [
        ("380", JUN, {"identity": {"380": {"cccd_records": 100}}}),
        ("14797", JUL, {"identity": {"14797": {"cccd_records": 40}}}),
        ("14758", AUG, {"identity": {"14758": {"cccd_records": 7}}}),
    ])
    assert rows(empty_warehouse, "select period, cccd_records, units_reporting from identity_monthly "
                                 "where unit_code = '38' and period >= ? order by period", [JUN]) == [
        (JUN, 100, 1), (JUL, 40, 1), (AUG, 47, 1)]
