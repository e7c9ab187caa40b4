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


def tables(warehouse: Path) -> dict[str, list[tuple]]:
    """Every base table of a warehouse (facts, marts, the submission log, reference data), its
    rows in order: two warehouses with equal tables() hold the same state."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'main' "
                                           "order by table_name").fetchall()]
        return {n: con.execute(f'select * from "{n}" order by all').fetchall() for n in names}
    finally:
        con.close()


def run_killed_at(point: str, args: list[str], env: dict, timeout: float = 120, python_args: list[str] | None = None,
                  before_kill=None) -> int:
    """`python -m etl ARGS` (or `python PYTHON_ARGS`) started as a real process with
    DA06_PAUSE_AT=point (etl.crashpoints), killed with SIGKILL once it says it reached the point;
    returns its pid. Fails if it ends or overruns without reaching the point. `before_kill(pid)`
    runs while it is paused."""
    import os
    import queue
    import signal
    import subprocess
    import sys
    import threading

    from tests.conftest import ROOT

    argv = [sys.executable, *python_args] if python_args is not None else [sys.executable, "-m", "etl", "-q", *args]
    proc = subprocess.Popen(argv, cwd=ROOT, env={**env, "DA06_PAUSE_AT": point},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr] + [lines.put(None)], daemon=True).start()
    seen = []
    try:
        while True:
            line = lines.get(timeout=timeout)
            if line is None:
                raise AssertionError(f"{args} ended (code {proc.wait()}) before {point}: {''.join(seen)}")
            seen.append(line)
            if line.startswith(f"DA06_PAUSED {point} "):
                if before_kill is not None:
                    before_kill(proc.pid)
                break
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    return proc.pid


def run_etl(args: list[str], env: dict, timeout: float = 120):
    """`python -m etl ARGS` as a real process, to its end: the CompletedProcess (text)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    return subprocess.run([sys.executable, "-m", "etl", "-q", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)
