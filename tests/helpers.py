"""Small helpers to make real workbooks and load them into a real warehouse."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl.load import LoadResult, load_file
from etl.template import write_template
from etl.warehouse import writer


def make_workbook(path: Path, unit: str, period: dt.date, values: dict) -> Path:
    """The project's template for unit and month, with the given figures filled in."""
    return write_template(path, unit, period, values)


def submit(warehouse: Path, raw: Path, path: Path, when: dt.datetime, **kw) -> LoadResult:
    with writer(warehouse) as con:
        return load_file(con, path, submitted_at=when, archive_root=raw, submitted_by=kw.pop("submitted_by", "test"), **kw)


def rows(warehouse: Path, sql: str, params=()) -> list[tuple]:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()
