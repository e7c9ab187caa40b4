"""Flows add over months; stocks never do: a month's stock is each unit's latest count."""
import datetime as dt

from tests.helpers import make_workbook, rows, submit

JAN, FEB = dt.date(2024, 1, 1), dt.date(2024, 2, 1)


def _load(tmp_path, warehouse):
    raw = tmp_path / "raw"
    files = [
        ("380", JAN, {"identity": {"380": {"cccd_records": 100}}, "services": {"E06-03": {"total_dossiers": 10, "online_dossiers": 5}}}),
        ("381", JAN, {"identity": {"381": {"cccd_records": 50}}, "services": {"E06-03": {"total_dossiers": 20, "online_dossiers": 20}}}),
        ("380", FEB, {"identity": {"380": {"cccd_records": 110}}, "services": {"E06-03": {"total_dossiers": 30, "online_dossiers": 30}}}),
    ]
    for i, (unit, period, values) in enumerate(files):
        p = make_workbook(tmp_path / f"f{i}.xlsx", unit, period, values)
        r = submit(warehouse, raw, p, dt.datetime(2024, 3, 1, 9, i))
        assert r.status == "accepted", r.issues


def test_stock_is_latest_count_per_unit_never_summed_over_months(tmp_path, empty_warehouse):
    _load(tmp_path, empty_warehouse)
    got = rows(empty_warehouse, "select period, cccd_records, units_reporting, is_rollup from identity_monthly where unit_code = '38' and period >= ? order by period", [JAN])
    # February: 381 did not report, so its January count (50) still counts; nothing adds over months.
    assert got == [(JAN, 150, 2, True), (FEB, 160, 1, True)]


def test_flow_adds_over_months_and_is_not_carried_forward(tmp_path, empty_warehouse):
    _load(tmp_path, empty_warehouse)
    got = rows(empty_warehouse, "select period, total_dossiers from service_volume_monthly where unit_code = '38' and service_code = 'E06-03' and period >= ? order by period", [JAN])
    assert got == [(JAN, 30), (FEB, 30)]
    assert rows(empty_warehouse, "select sum(total_dossiers) from service_volume_monthly where unit_code = '380' and service_code = 'E06-03'") == [(40,)]
