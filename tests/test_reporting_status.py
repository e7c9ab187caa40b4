"""reporting_status: due before the 16th of the next month by default; the due day is a setting."""
import datetime as dt

import pytest

from etl import config
from etl.build import build
from tests.helpers import make_workbook, rows, submit

JAN = dt.date(2024, 1, 1)
SQL = "select unit_code, topic, deadline, status from reporting_status where period = ? and unit_code in ('380', '381', '382') and topic = 'identity' order by unit_code"


@pytest.fixture
def archive(tmp_path, empty_warehouse):
    raw = tmp_path / "raw"
    for unit, day in (("380", 15), ("381", 16)):
        p = make_workbook(tmp_path / f"{unit}.xlsx", unit, JAN, {"identity": {unit: {"cccd_records": 10}}})
        assert submit(empty_warehouse, raw, p, dt.datetime(2024, 2, day, 16, 30)).status == "accepted"
    return raw


def test_on_time_late_missing(empty_warehouse, archive):
    assert rows(empty_warehouse, SQL, [JAN]) == [
        ("380", "identity", dt.date(2024, 2, 15), "on_time"),
        ("381", "identity", dt.date(2024, 2, 15), "late"),
        ("382", "identity", dt.date(2024, 2, 15), "missing"),
    ]


def test_due_day_is_configurable(tmp_path, archive, monkeypatch):
    monkeypatch.setenv("DA06_DUE_DAY", "20")
    config.settings.cache_clear()
    try:
        rebuilt = tmp_path / "rebuilt.duckdb"
        build(rebuilt, archive, progress=False)
        assert [r[2:] for r in rows(rebuilt, SQL, [JAN])] == [
            (dt.date(2024, 2, 20), "on_time"), (dt.date(2024, 2, 20), "on_time"), (dt.date(2024, 2, 20), "missing")]
    finally:
        config.settings.cache_clear()
