"""A batch refreshes only the mart rows its facts can reach (etl.marts.MART_SCOPE): the rows of
the changed units and their parents, siblings only in a month that appears for their parent,
the changed tasks only unless task_tracker's months change. Every case here ends with the marts
compared row for row with a full refresh of the same warehouse, on the cases that need more
than `period >= first changed month`: a month no unit had reported, a task report months after
the last one (task_tracker fills the months between), a unit that stops reporting a task, a
mart an older warehouse still holds as a view."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from etl.load import load_files
from etl.marts import MART_DELETE_SCOPE, MART_SCOPE, MART_TOPICS, MART_WHOLE, _statement, refresh_marts, scope_where, view_files
from etl.reference import catalogue
from tests.helpers import make_workbook, rows
from tests.test_refresh_incremental import assert_marts_as_full_refresh, materialized

TODAY = dt.date(2025, 6, 20)
WHY = "Rà soát, loại hồ sơ trùng"  # a cumulative figure below the sample's is accepted when the row explains it


def _load(warehouse: Path, tmp_path: Path, specs: list[tuple[str, dt.date, dict]], tag: str, today: dt.date = TODAY) -> list:
    files = [(make_workbook(tmp_path / f"{tag}{i}.xlsx", unit, period, values), f"{tag}{i}.xlsx")
             for i, (unit, period, values) in enumerate(specs)]
    results = load_files(files, warehouse=warehouse, archive_root=tmp_path / "raw", today=today)
    assert [r.status for r in results] == ["accepted"] * len(files), [[str(i) for i in r.errors] for r in results]
    return results


def test_every_mart_has_a_scope_and_its_delete_written_out():
    assert sorted(MART_SCOPE) == sorted(MART_TOPICS) == sorted(set(materialized()) - MART_WHOLE)
    for name, scope in MART_SCOPE.items():
        assert MART_DELETE_SCOPE[name] == f"delete from {name} where {scope_where(name)}"


def test_a_month_nobody_reported_adds_rows_for_every_unit(warehouse, tmp_path):
    """December 2026: after the sample's last month, so the month appears in every stock mart for
    all 166 communes (carried forward), and in task_tracker for every task."""
    dec = dt.date(2026, 12, 1)
    commune, agency = "14758", "38.CA"
    task = catalogue().tasks_for(agency, dec)[0]
    _load(warehouse, tmp_path, [
        (commune, dec, {"identity": {commune: {"cccd_records": 900000, "vneid_applications": 500000, "vneid_activated": 400000}},
                        "cleaning": {"children": {"records_cleaned": 10, "records_total": 20, "note": WHY}},
                        "services": {"E06-03": {"total_dossiers": 30, "online_dossiers": 20}}}),
        (agency, dec, {"tasks": {task: {"status": "done"}}}),
    ], "dec", today=dt.date(2027, 1, 5))
    communes = len(catalogue().units_valid(dec, "commune"))
    assert communes == 166
    assert rows(warehouse, "select count(*) from identity_unit_monthly where period = ?", [dec]) == [(communes,)]
    assert rows(warehouse, "select count(distinct unit_code) from cleaning_unit_monthly where period = ?", [dec]) == [(communes,)]
    assert rows(warehouse, "select count(*) from task_tracker where period = ?", [dec]) == [(len(catalogue().tasks),)]
    assert_marts_as_full_refresh(warehouse, tmp_path)


def test_task_report_months_after_the_last_fills_the_months_between(warehouse, tmp_path):
    """The sample's task reports end in November 2026; a report for March 2027 makes task_tracker
    run through December 2026 – February 2027 too, for every task (the statuses carried forward)."""
    agency = "38.CA"
    task = catalogue().tasks_for(agency)[0]
    _load(warehouse, tmp_path, [(agency, dt.date(2027, 3, 1), {"tasks": {task: {"status": "done"}}})], "mar", today=dt.date(2027, 4, 5))
    months = rows(warehouse, "select period, count(*) from task_tracker where period > date '2026-10-01' group by 1 order by 1")
    n = len(catalogue().tasks)
    assert months == [(dt.date(2026, 11, 1), n), (dt.date(2026, 12, 1), n), (dt.date(2027, 1, 1), n),
                      (dt.date(2027, 2, 1), n), (dt.date(2027, 3, 1), n)]
    assert_marts_as_full_refresh(warehouse, tmp_path)


def test_a_unit_that_stops_reporting_a_task(warehouse, tmp_path):
    """A replacement for June 2024 that reports another task than the file it replaces: the task
    it no longer reports changes too (the unit's status of it is its earlier report, if any: a
    level's task counts the expected units with a report at or before the month)."""
    jun = dt.date(2024, 6, 1)
    before = rows(warehouse, "select task_code from fact_task_status where unit_code = '395' and period = ? order by 1", [jun])
    assert len(before) > 1
    kept = before[0][0]
    _load(warehouse, tmp_path, [("395", jun, {"tasks": {kept: {"status": "in_progress"}}})], "jun")
    assert rows(warehouse, "select task_code from fact_task_status where unit_code = '395' and period = ?", [jun]) == [(kept,)]
    dropped = before[1][0]
    assert rows(warehouse, "select units_reporting from task_tracker where task_code = ? and period = ?", [dropped, jun]) == \
        rows(warehouse, """select count(distinct f.unit_code) from fact_task_status as f
                           where f.task_code = ? and f.period <= ? and f.unit_code in (
                               select unit_code from stg_task_units where task_code = ? and valid_in(valid_from, valid_to, ?))""",
             [dropped, jun, dropped, jun])
    assert rows(warehouse, "select max(period) < ? from fact_task_status where task_code = ? and unit_code = '395' "
                           "and period <= ?", [jun, dropped, jun]) in ([(True,)], [(None,)])
    assert_marts_as_full_refresh(warehouse, tmp_path)


def test_several_units_and_months_in_one_batch(warehouse, tmp_path):
    """Two districts, months far apart, the programme's first month (earlier ones are refused), stocks that fall: the cross
    product of units and months the scopes bind is refreshed, and nothing else changes."""
    _load(warehouse, tmp_path, [
        ("396", dt.date(2023, 1, 1), {"identity": {"396": {"cccd_records": 7}}, "cleaning": {"children": {"records_cleaned": 1}}}),
        ("395", dt.date(2023, 3, 1), {"identity": {"395": {"cccd_records": 10, "note": WHY}},
                                      "services": {"E06-03": {"total_dossiers": 99999, "online_dossiers": 5}}}),
        ("407", dt.date(2024, 11, 1), {"cleaning": {"children": {"records_cleaned": 5, "records_total": 6, "note": WHY}},
                                       "tasks": {"KH24-22.2": {"status": "not_started"}}}),
    ], "mix")
    assert_marts_as_full_refresh(warehouse, tmp_path)


def test_a_mart_still_held_as_a_view_is_rebuilt_whole(warehouse, tmp_path):
    """A warehouse built before identity_monthly was materialized holds it as a view: the load
    makes it the table a full refresh makes."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("drop table identity_monthly")
        [f] = [f for f in view_files() if f.stem == "identity_monthly"]
        con.execute(f.read_text(encoding="utf-8"))  # the file's own statement: a view
        assert con.execute("select count(*) from duckdb_views() where view_name = 'identity_monthly'").fetchone() == (1,)
    finally:
        con.close()
    _load(warehouse, tmp_path, [("395", dt.date(2024, 6, 1), {"identity": {"395": {"cccd_records": 123456, "note": WHY}}})], "view")
    assert rows(warehouse, "select count(*) from duckdb_tables() where table_name = 'identity_monthly'") == [(1,)]
    assert rows(warehouse, "select cccd_records from identity_monthly where unit_code = '395' and period = date '2024-06-01'") == [(123456,)]
    assert_marts_as_full_refresh(warehouse, tmp_path)


def test_a_full_refresh_without_changes_still_rebuilds_everything(warehouse):
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("delete from task_tracker")
        refresh_marts(con)
        assert con.execute("select count(*) from task_tracker").fetchone()[0] > 0
        assert all("create or replace table" in _statement(f) for f in view_files() if f.stem in set(MART_SCOPE) | MART_WHOLE)
    finally:
        con.close()


@pytest.mark.parametrize("since", [dt.date(2023, 1, 1), dt.date(2023, 2, 1), dt.date(2024, 7, 1), dt.date(2025, 7, 1), dt.date(2026, 11, 1)],
                         ids=str)
def test_carry_forward_from_a_month_on_gives_the_whole_historys_rows(sample_db, since):
    """carry_forward computed from a month on (etl.marts.SET_CARRY_FORWARD_SINCE run, as a scoped
    refresh sets it) gives exactly the rows the whole history gives from that month on, for every
    mart built on it: each figure carried from its last non-blank value before the month, the
    month of the latest report, the district months before the communes' (July 2025)."""
    from etl.marts import RESET_CARRY_FORWARD_SINCE, SET_CARRY_FORWARD_SINCE, materialized_marts

    marts = {name: stmt for name, stmt in materialized_marts() if "carry_forward(" in stmt}
    assert len(marts) == 3
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        for name, stmt in marts.items():
            query = stmt.split(f"create or replace table {name} as", 1)[1].strip().rstrip(";")
            whole = con.execute(f"select * from ({query}) where period >= ? order by all", [since]).fetchall()
            assert whole == con.execute(f"select * from {name} where period >= ? order by all", [since]).fetchall(), name
            con.execute(SET_CARRY_FORWARD_SINCE, [since])
            try:
                part = con.execute(f"select * from ({query}) order by all").fetchall()
            finally:
                con.execute(RESET_CARRY_FORWARD_SINCE)
            assert whole and len(part) == len(whole), name
            assert part == whole, name
    finally:
        con.close()
