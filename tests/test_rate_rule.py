"""An aggregate rate is sum(online) / sum(total), never an average of rates; 0 total gives NULL."""
import datetime as dt

import pytest

from tests.helpers import make_workbook, rows, submit

JAN = dt.date(2024, 1, 1)


def test_province_rate_is_ratio_of_sums(tmp_path, empty_warehouse):
    for i, (unit, t, o) in enumerate([("380", 10, 5), ("381", 20, 20)]):
        p = make_workbook(tmp_path / f"{unit}.xlsx", unit, JAN, {"services": {"E06-03": {"total_dossiers": t, "online_dossiers": o}}})
        assert submit(empty_warehouse, tmp_path / "raw", p, dt.datetime(2024, 2, 2, 8, i)).status == "accepted"
    (rate,) = rows(empty_warehouse, "select online_rate from service_volume_monthly where unit_code = '38' and period = ? and service_code = 'E06-03'", [JAN])[0]
    assert rate == pytest.approx(25 / 30)  # not (0.5 + 1.0) / 2


def test_rate_is_null_when_total_is_zero(con):
    # E06-14 in the official report: 0 dossiers.
    assert con.execute("select online_rate from service_volume_monthly where unit_code = '38' and period = '2023-09-01' and service_code = 'E06-14'").fetchone() == (None,)


def test_official_rate_matches_the_printed_one(con):
    (rate,) = con.execute("select online_rate from service_volume_monthly where unit_code = '38' and period = '2023-09-01' and service_code = 'E06-02'").fetchone()
    assert round(rate * 100, 1) == 33.9
