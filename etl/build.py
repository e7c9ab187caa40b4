"""(Re)build the warehouse from data/reference/ and the archive in data/raw/.

The build writes a new database file next to the warehouse and swaps it in with an atomic
rename, so readers see either the old warehouse or the new one, never a half-built one.
Everything is derived from files: the same inputs give the same figures. The archive is replayed
through the one load path (etl.load.load_batch), in the order the files were received.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb

from etl.archive import list_archive
from etl.config import SCHEMA_FILE, raw_dir, settings, warehouse_path
from etl.crashpoints import pause_point
from etl.definitions import LEVEL_ASSIGNEE_LABELS, UNIT_LEVEL_LABELS
from etl.issues import Issue, Rejected
from etl.load import Arrival, insert_rows, load_batch
from etl.marts import create_views
from etl.periods import parse_period
from etl.read import read_workbook
from etl.reference import catalogue, official_rows, read_csv
from etl.topics import TOPICS
from etl.validate import Validated, validate


class Progress:
    """A one-line progress display on stderr (quiet when stderr is not a terminal)."""

    def __init__(self, label: str, total: int, enabled: bool | None = None):
        self.label, self.total, self.n = label, max(total, 1), 0
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.t0 = time.perf_counter()

    def step(self, k: int = 1) -> None:
        self.n += k
        if self.enabled and (self.n == self.total or self.n % 25 == 0):
            width = 30
            done = int(width * self.n / self.total)
            sys.stderr.write(f"\r{self.label:<22} [{'#' * done}{'.' * (width - done)}] {self.n}/{self.total}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write(f"  {time.perf_counter() - self.t0:.1f} s\n")


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """etl/schema.sql, then each topic's fact table as its registry entry declares it."""
    con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
    for t in TOPICS.values():
        con.execute(t.fact.ddl())


def _none(v: str):
    return v if v != "" else None


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    s = settings()
    con.executemany("insert into app_setting values (?, ?)", [
        ["province_code", s.province_code], ["due_day", str(s.due_day)],
        ["start_period", s.start_period], ["end_period", s.end_period],
        ["official_label", s.official_label], ["sample_label", s.sample_label],
    ])
    cat = catalogue()
    con.executemany("insert into dim_unit values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        [u["unit_code"], u["unit_name"], u["unit_level"], u["unit_type"], _none(u["parent_code"] or ""),
         u["valid_from"], u["valid_to"], u["former_district_code"], u["lat"], u["lon"], u["area_km2"],
         int(u["communes"]) if u["communes"] else None, _none(u["code_source"]), u["source"]] for u in cat.unit_rows])
    con.executemany("insert into dim_unit_succession values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        [s["from_unit_code"], s["from_unit_level"], s["to_unit_code"], s["to_unit_level"], s["effective_date"], s["kind"],
         s["weight"], s["is_default"], s["sectors"], s["source"] or None] for s in cat.succession])
    con.executemany("insert into dim_service values (?, ?, ?, ?, ?, ?, ?, ?)", [
        [r["service_code"], r["service_group"], int(r["service_number"]), r["service_name"], r["agency_code"],
         _none(r["portal_connection"]), float(r["online_rate_target"]) if r["online_rate_target"] else None,
         _none(r["source_document"])] for r in cat.services.values()])
    con.executemany("insert into dim_dataset values (?, ?, ?, ?, ?)", [
        [r["dataset_code"], r["dataset_name"], _none(r["sector_agency_code"]), r["has_total"] == "true", _none(r["source_note"])]
        for r in cat.datasets.values()])
    con.executemany("insert into dim_task values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        [r["task_code"], r["task_group"], _none(r["task_number"]), r["task_name"], _none(r["source_document"]),
         _none(r["responsible_unit_code"]), _none(r["responsible_level"]), _none(r["cooperating_unit_codes"]),
         _none(r["cooperating_levels"]), _none(r["deadline_text"]),
         dt.date.fromisoformat(r["deadline"]) if r["deadline"] else None, r["recurring"] == "true", _none(r["notes"])]
        for r in cat.tasks.values()])
    con.executemany("insert into dim_unit_level values (?, ?, ?)",
                    [[k, UNIT_LEVEL_LABELS[k], LEVEL_ASSIGNEE_LABELS[k]] for k in UNIT_LEVEL_LABELS])
    con.executemany("insert into task_unit values (?, ?, ?, ?)",
                    [[t, u, a, b] for (t, u), spans in cat.task_spans().items() for a, b in spans])
    load_topics(con)


def load_topics(con: duckdb.DuckDBPyConnection) -> None:
    """What the registry says that the views need: the topics (dim_topic), who reports which
    (unit_topic: the unit's level is one the topic names, and the catalogue gives the unit rows
    where the topic asks for it), each figure's name and nature (dim_measure: flow or stock,
    cumulative)."""
    cat = catalogue()
    insert_rows(con, "dim_topic", [(key, t.sheet, t.title, i, t.expected) for i, (key, t) in enumerate(TOPICS.items())])
    insert_rows(con, "unit_topic", [(unit, key) for unit in cat.units for key, t in TOPICS.items() if t.reported_by(cat, unit)])
    insert_rows(con, "dim_measure", [(m.topic, m.item_code, m.key, m.name, m.unit_label, m.is_stock, m.is_cumulative, i)
                                     for t in TOPICS.values() for i, m in enumerate(t.measures(cat))])


def load_official(con: duckdb.DuckDBPyConnection) -> None:
    """The province's official figures of the September 2023 report, with their notes: each
    topic's (its registry entry names the file), and the report's other indicators."""
    s = settings()
    cat = catalogue()
    notes = []
    for key, t in TOPICS.items():
        rows = []
        for r in official_rows(t):
            values = {**r, "period": dt.date.fromisoformat(r["period"] + "-01"), "source": "official", "submission_id": None}
            rows.append(tuple(_typed(values.get(c), sql) for c, sql in t.fact.columns))
            if r.get("note"):
                notes.append((key, r.get(t.items.code) or r["unit_code"], _none(r.get(t.official.stated) or ""), r["note"]))
        insert_rows(con, t.fact.table, rows)
        if t.items.notes:
            notes += [(key, code, None, row[t.items.notes]) for code, row in t.items.table(cat).items() if row.get(t.items.notes)]
    p = parse_period(s.official_period)
    rows = read_csv("official_indicators_2023_09.csv")
    con.executemany("insert into fact_indicator values (?, ?, ?, ?, ?, ?, ?, 'official')", [
        [p, s.province_code, r["indicator_code"], r["indicator_name"], float(r["value"]), _none(r["unit_label"]), _none(r["note"])]
        for r in rows])
    insert_rows(con, "official_note", notes)


def _typed(value, sql_type: str):
    """A CSV cell for a fact column: a whole number for a count, else the text (blank: NULL)."""
    if isinstance(value, str):
        return None if value == "" else (int(value) if sql_type.startswith("bigint") else value)
    return value


def _read_one(args) -> tuple[str, Validated]:
    man, today = args
    if man.get("internal_error"):
        # Rejected when it arrived because its processing failed (etl.load._stage_failure): rejected
        # again, with the same message, so the rebuilt log is the log the load wrote.
        return man["submission_id"], Validated(man.get("unit_code"), parse_period(man["period"]) if man.get("period") else None,
                                               False, {}, [Issue("error", man["message"])])
    cat = catalogue()
    dp = parse_period(man["declared_period"]) if man.get("declared_period") else None
    try:
        wb = read_workbook(Path(man["_path"]), man["file_name"])
        v = validate(wb, cat, man.get("declared_unit"), dp, None, today)
    except Rejected as r:
        v = Validated(man.get("declared_unit"), dp, False, {}, list(r.issues))
    return man["submission_id"], v


def _die_with_parent() -> None:
    """A worker's first step: ask Linux to kill it when its parent dies (prctl PR_SET_PDEATHSIG)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before the call
            os._exit(1)


def replay_archive(con: duckdb.DuckDBPyConnection, root: Path, progress: bool | None = None, workers: int | None = None) -> dict:
    """Re-validate every archived file (in worker processes) and load them in the order they
    were received, through the one load path (etl.load.load_batch): each judged against the day
    it arrived and against the history the files before it left, the newer accepted file for a
    unit, period and topic replacing the older one, a file seen twice changing nothing."""
    manifests = list_archive(root)
    # A file is judged against the day it was received, so rebuilding later gives the same result.
    jobs = [(m, dt.datetime.fromisoformat(m["submitted_at"]).date()) for m in manifests]
    bar = Progress("Đọc tệp lưu trữ", len(jobs), progress)
    results: dict[str, Validated] = {}
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    if workers > 1 and len(jobs) > 50:
        # spawn, not fork: a worker inherits no open file (the warehouse lock above all), and it
        # dies with the build (PR_SET_PDEATHSIG), so a killed build leaves no worker behind.
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_die_with_parent) as ex:
            for sid, v in ex.map(_read_one, jobs, chunksize=32):
                results[sid] = v
                bar.step()
                if len(results) == 1:
                    pause_point("build.reading")  # the workers alive
    else:
        for j in jobs:
            sid, v = _read_one(j)
            results[sid] = v
            bar.step()
    bar.close()
    arrivals = [Arrival(Path(m["_path"]), m["file_name"], m["sha256"], results[m["submission_id"]],
                        submitted_at=dt.datetime.fromisoformat(m["submitted_at"]), submission_id=m["submission_id"],
                        submitted_by=m["submitted_by"], source=m["source"], archived=m["_path"]) for m in manifests]
    outcome = load_batch(con, arrivals, preview=False)
    return {"files": len(manifests), "accepted": sum(1 for r in outcome if r.status == "accepted"),
            "rejected": sum(1 for r in outcome if r.status == "rejected")}


def build(target: Path | None = None, raw: Path | None = None, progress: bool | None = None, workers: int | None = None) -> dict:
    target = Path(target or warehouse_path())
    raw = Path(raw or raw_dir())
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".building")
    for p in (tmp, Path(str(tmp) + ".wal")):
        if p.exists():
            p.unlink()
    t0 = time.perf_counter()
    con = duckdb.connect(str(tmp))
    try:
        con.execute("begin transaction")
        create_schema(con)
        load_reference(con)
        load_official(con)
        stats = replay_archive(con, raw, progress, workers)
        create_views(con)
        pause_point("build.replayed")
        con.execute("commit")
        con.execute("checkpoint")
    finally:
        con.close()
    pause_point("build.before_swap")
    os.replace(tmp, target)
    Path(str(tmp) + ".wal").unlink(missing_ok=True)
    pause_point("build.swapped")
    stats["seconds"] = round(time.perf_counter() - t0, 2)
    stats["warehouse"] = str(target)
    return stats
