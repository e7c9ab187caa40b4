"""reporting_status is stored as a table (its file says `-- materialized`) and recomputed whole
after every load: the public view's name, columns and rows stay what the view's own query gives,
after a full build and after each kind of load — a file for a month nobody had reported (the
month appears for every unit expected), a replacement of a month already reported, a rejected
file (a submission row, no submission topic)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from etl.config import SQL_DIR
from etl.load import load_files
from etl.marts import MART_WHOLE
from tests.helpers import make_workbook, rows

HEAD = "create or replace view reporting_status as"
WHY = "Rà soát, loại hồ sơ trùng"


def view_query() -> str:
    """The view's own query, from its file (what the view computed before it was stored)."""
    text = (SQL_DIR / "marts" / "reporting_status.sql").read_text(encoding="utf-8")
    return text.split(HEAD, 1)[1].strip().rstrip(";")


def assert_table_equals_view(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from duckdb_tables() where table_name = 'reporting_status'").fetchone() == (1,)
        stored = con.execute("select column_name, column_type from (describe reporting_status)").fetchall()
        computed = con.execute(f"select column_name, column_type from (describe ({view_query()}))").fetchall()
        assert stored == computed
        got = con.execute("select * from reporting_status order by all").fetchall()
        want = con.execute(f"select * from ({view_query()}) order by all").fetchall()
        assert len(got) == len(want)
        assert got == want
        return got
    finally:
        con.close()


def test_reporting_status_is_recomputed_whole_after_every_load():
    assert "reporting_status" in MART_WHOLE


def test_after_a_full_build_the_table_holds_the_views_rows(warehouse):
    assert assert_table_equals_view(warehouse)


def test_a_month_nobody_reported_appears_for_every_unit_expected(warehouse, tmp_path):
    dec = dt.date(2026, 12, 1)
    assert rows(warehouse, "select count(*) from reporting_status where period = ?", [dec]) == [(0,)]
    commune = "14758"
    path = make_workbook(tmp_path / "dec.xlsx", commune, dec, {"identity": {commune: {"cccd_records": 900000, "vneid_applications": 500000,
                                                                                       "vneid_activated": 400000}}})
    [r] = load_files([(path, "dec.xlsx")], warehouse=warehouse, archive_root=tmp_path / "raw", today=dt.date(2026, 12, 20),
                     submitted_at=dt.datetime(2026, 12, 20, 9, 0))
    assert r.status == "accepted", [str(i) for i in r.issues]
    assert_table_equals_view(warehouse)
    # the units and agencies expected in November 2026 (no unit changed since) are expected in December
    nov = rows(warehouse, "select unit_code, topic from reporting_status where period = date '2026-11-01' order by all")
    assert len(nov) > 500
    assert rows(warehouse, "select unit_code, topic from reporting_status where period = ? order by all", [dec]) == nov
    assert rows(warehouse, "select status from reporting_status where period = ? and unit_code = ? and topic = 'identity'",
                [dec, commune]) == [("on_time",)]  # due 15 January 2027


def test_a_replacement_marks_the_month_replaced(warehouse, tmp_path):
    oct_ = dt.date(2026, 10, 1)
    commune = rows(warehouse, "select unit_code from reporting_status where period = ? and topic = 'identity' "
                              "and status <> 'missing' and not replaced order by unit_code limit 1", [oct_])[0][0]
    before = rows(warehouse, "select submissions from reporting_status where period = ? and unit_code = ? and topic = 'identity'",
                  [oct_, commune])[0][0]
    path = make_workbook(tmp_path / "oct.xlsx", commune, oct_, {"identity": {commune: {"cccd_records": 1, "note": WHY}}})
    [r] = load_files([(path, "oct.xlsx")], warehouse=warehouse, archive_root=tmp_path / "raw", today=dt.date(2026, 12, 7))
    assert r.status == "accepted", [str(i) for i in r.issues]
    assert_table_equals_view(warehouse)
    assert rows(warehouse, "select submissions, replaced from reporting_status where period = ? and unit_code = ? and topic = 'identity'",
                [oct_, commune]) == [(before + 1, True)]


def test_a_rejected_file_leaves_the_rows_as_they_were(warehouse, tmp_path):
    before = assert_table_equals_view(warehouse)
    path = make_workbook(tmp_path / "bad.xlsx", "14758", dt.date(2026, 10, 1),
                         {"services": {"E06-03": {"total_dossiers": 5, "online_dossiers": 50}}})
    [r] = load_files([(path, "bad.xlsx")], warehouse=warehouse, archive_root=tmp_path / "raw", today=dt.date(2026, 12, 7))
    assert r.status == "rejected"
    assert rows(warehouse, "select count(*) from stg_submissions where file_name = 'bad.xlsx'") == [(1,)]
    assert assert_table_equals_view(warehouse) == before
