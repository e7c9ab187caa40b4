"""Small helpers to make real workbooks and load them into a real warehouse."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl.load import LoadResult, load_files
from etl.template import write_template


def make_workbook(path: Path, unit: str, period: dt.date, values: dict) -> Path:
    """The project's template for unit and month, with the given figures filled in."""
    return write_template(path, unit, period, values)


def submit(warehouse: Path, raw: Path, path: Path, when: dt.datetime, **kw) -> LoadResult:
    """One file through the load path (etl.load.load_files), received at `when`."""
    [result] = load_files([(path, kw.pop("display_name", path.name))], warehouse=warehouse, submitted_at=when, archive_root=raw,
                          submitted_by=kw.pop("submitted_by", "test"), **kw)
    return result


def rows(warehouse: Path, sql: str, params=()) -> list[tuple]:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()
