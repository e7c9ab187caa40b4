"""(Re)build the warehouse from data/reference/ and the archive in data/raw/.

The build writes a new database file next to the warehouse and swaps it in with an atomic
rename, so readers see either the old warehouse or the new one, never a half-built one.
Everything is derived from files: the same inputs give the same figures.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import pandas as pd

from etl.config import SCHEMA_FILE, SQL_DIR, raw_dir, settings, warehouse_path
from etl.issues import Rejected
from etl.load import fact_rows, insert_rows
from etl.periods import parse_period
from etl.read import read_workbook
from etl.reference import DISTRICTS, catalogue, read_csv
from etl.validate import Validated, validate

FACT_COLUMNS = {
    "services": ("fact_service_volume", 9),
    "identity": ("fact_identity", 8),
    "cleaning": ("fact_cleaning", 7),
    "tasks": ("fact_task_status", 7),
}


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
    con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))


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
    con.executemany("insert into dim_unit values (?, ?, ?, ?, ?, ?, ?)", [
        [u["unit_code"], u["unit_name"], u["unit_level"], _none(u["unit_type"]), _none(u["parent_code"]),
         int(u["communes"]) if u["communes"] else None, _none(u["code_source"])] for u in cat.units.values()])
    con.executemany("insert into dim_service values (?, ?, ?, ?, ?, ?, ?, ?)", [
        [r["service_code"], r["service_group"], int(r["service_number"]), r["service_name"], r["agency_code"],
         _none(r["portal_connection"]), float(r["online_rate_target"]) if r["online_rate_target"] else None,
         _none(r["source_document"])] for r in cat.services.values()])
    con.executemany("insert into dim_dataset values (?, ?, ?, ?, ?)", [
        [r["dataset_code"], r["dataset_name"], _none(r["sector_agency_code"]), r["has_total"] == "true", _none(r["source_note"])]
        for r in cat.datasets.values()])
    con.executemany("insert into dim_task values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        [r["task_code"], r["task_group"], _none(r["task_number"]), r["task_name"], _none(r["source_document"]),
         r["responsible_unit_code"], _none(r["cooperating_unit_codes"]), _none(r["deadline_text"]),
         dt.date.fromisoformat(r["deadline"]) if r["deadline"] else None, r["recurring"] == "true", _none(r["notes"])]
        for r in cat.tasks.values()])


def load_official(con: duckdb.DuckDBPyConnection) -> None:
    """The province's official figures of the September 2023 report, with their notes."""
    s = settings()
    p = parse_period(s.official_period)
    prov = s.province_code
    n = lambda v: int(v) if v not in ("", None) else None  # noqa: E731
    rows = read_csv("official_service_volume_2023_09.csv")
    con.executemany("insert into fact_service_volume values (?, ?, ?, ?, ?, ?, ?, 'official', null)", [
        [p, prov, r["service_code"], n(r["total_dossiers"]), n(r["online_dossiers"]), n(r["on_time"]), n(r["overdue"])] for r in rows])
    notes = [["services", r["service_code"], _none(r["stated_rate_text"]), r["note"]] for r in rows if r["note"]]
    for r in read_csv("official_identity_2023_09.csv"):
        con.execute("insert into fact_identity values (?, ?, ?, ?, ?, ?, 'official', null)",
                    [p, prov, n(r["cccd_records"]), n(r["vneid_applications"]), n(r["vneid_activated"]), n(r["vneid_target"])])
        notes.append(["identity", prov, r["stated_activation_rate_text"], r["note"]])
    rows = read_csv("official_cleaning_2023_09.csv")
    con.executemany("insert into fact_cleaning values (?, ?, ?, ?, ?, 'official', null)", [
        [p, prov, r["dataset_code"], n(r["records_cleaned"]), n(r["records_total"])] for r in rows])
    notes += [["cleaning", r["dataset_code"], _none(r["stated_ratio_text"]), r["note"]] for r in rows if r["note"]]
    rows = read_csv("official_indicators_2023_09.csv")
    con.executemany("insert into fact_indicator values (?, ?, ?, ?, ?, ?, ?, 'official')", [
        [p, prov, r["indicator_code"], r["indicator_name"], float(r["value"]), _none(r["unit_label"]), _none(r["note"])] for r in rows])
    rows = read_csv("official_task_status_2023_09.csv")
    con.executemany("insert into fact_task_status values (?, ?, ?, ?, ?, 'official', null)", [
        [dt.date.fromisoformat(r["period"]), r["task_code"], prov, r["status"], _none(r["status_text"])] for r in rows])
    notes += [["tasks", c, None, t["notes"]] for c, t in catalogue().tasks.items() if t["notes"]]
    con.executemany("insert into official_note values (?, ?, ?, ?)", notes)


def list_archive(root: Path) -> list[dict]:
    """Every archived submission's manifest, in the order the files were received."""
    out = []
    if not root.exists():
        return out
    for m in root.rglob("*.json"):
        man = json.loads(m.read_text(encoding="utf-8"))
        man["_path"] = str(m.parent / man["archive_name"])
        out.append(man)
    out.sort(key=lambda m: (m["submitted_at"], m["submission_id"]))
    return out


def _read_one(args) -> tuple[str, Validated]:
    man, today = args
    cat = catalogue()
    dp = parse_period(man["declared_period"]) if man.get("declared_period") else None
    try:
        wb = read_workbook(Path(man["_path"]), man["file_name"])
        v = validate(wb, cat, man.get("declared_unit"), dp, None, today)
    except Rejected as r:
        v = Validated(man.get("declared_unit"), dp, False, {}, list(r.issues))
    return man["submission_id"], v


def replay_archive(con: duckdb.DuckDBPyConnection, root: Path, progress: bool | None = None, workers: int | None = None) -> dict:
    """Re-validate every archived file and load the winners in bulk: for each unit, period and
    topic the last accepted file counts; earlier ones are marked superseded."""
    manifests = list_archive(root)
    # A file is judged against the day it was received, so rebuilding later gives the same result.
    jobs = [(m, dt.datetime.fromisoformat(m["submitted_at"]).date()) for m in manifests]
    bar = Progress("Đọc tệp lưu trữ", len(jobs), progress)
    results: dict[str, Validated] = {}
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    if workers > 1 and len(jobs) > 50:
        with ProcessPoolExecutor(workers) as ex:
            for sid, v in ex.map(_read_one, jobs, chunksize=32):
                results[sid] = v
                bar.step()
    else:
        for j in jobs:
            sid, v = _read_one(j)
            results[sid] = v
            bar.step()
    bar.close()

    submissions, topics, seen_sha = [], [], set()
    latest: dict[tuple, int] = {}  # (unit, period, topic) -> index into topics
    facts: dict[str, dict[tuple, list]] = {k: {} for k in FACT_COLUMNS}
    for m in manifests:
        v = results[m["submission_id"]]
        if m["sha256"] in seen_sha and not v.errors:
            continue  # the same file twice changes nothing
        status = "rejected" if v.errors else "accepted"
        submissions.append((m["submission_id"], m["file_name"], m["_path"], m["sha256"], v.unit_code, v.period,
                            ",".join(v.records) or None, v.row_count, status,
                            dt.datetime.fromisoformat(m["submitted_at"]), m["submitted_by"], m["source"],
                            "\n".join(str(i) for i in v.issues) or None))
        if v.errors:
            continue
        seen_sha.add(m["sha256"])
        for topic, rows in fact_rows(v, m["submission_id"], m["source"]).items():
            key = (v.unit_code, v.period, topic)
            if key in latest:
                prev = topics[latest[key]]
                topics[latest[key]] = prev[:5] + (m["submission_id"],)
            latest[key] = len(topics)
            topics.append((m["submission_id"], v.unit_code, v.period, topic, len(v.records[topic]), None))
            facts[topic][(v.unit_code, v.period)] = rows
    insert_rows(con, "submission", submissions)
    insert_rows(con, "submission_topic", topics)
    for topic, (table, width) in FACT_COLUMNS.items():
        rows = [r for rs in facts[topic].values() for r in rs]
        insert_rows(con, table, rows)
    return {"files": len(manifests), "accepted": sum(1 for s in submissions if s[8] == "accepted"),
            "rejected": sum(1 for s in submissions if s[8] == "rejected")}


def view_files() -> list[Path]:
    """sql/staging first, then sql/marts; within a layer, by name."""
    return sorted(SQL_DIR.glob("staging/*.sql")) + sorted(SQL_DIR.glob("marts/*.sql"))


MATERIALIZED = "-- materialized"


def _statement(f: Path) -> str:
    """A mart whose file carries the line '-- materialized' is stored as a table with the view's
    name and columns (refreshed after every change, see refresh_marts); the rest are views."""
    text = f.read_text(encoding="utf-8")
    if any(line.strip() == MATERIALIZED for line in text.splitlines()):
        return text.replace("create or replace view", "create or replace table", 1)
    return text


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    pending = view_files()
    # Views may depend on other views of the same layer: create in passes until all exist.
    for _ in range(len(pending) + 1):
        failed = []
        for f in pending:
            try:
                con.execute(_statement(f))
            except duckdb.CatalogException:
                failed.append(f)
        if not failed:
            return
        if len(failed) == len(pending):
            con.execute(_statement(failed[0]))  # raise the real error
        pending = failed


# The fact topics each materialized mart is computed from (through sql/staging and task_status).
MART_TOPICS = {
    "service_volume_monthly": {"services"},
    "identity_monthly": {"identity"},
    "identity_unit_monthly": {"identity"},
    "cleaning_monthly": {"cleaning"},
    "cleaning_unit_monthly": {"cleaning"},
    "task_tracker": {"tasks"},
}
# A table's name cannot be a bound parameter: each mart's statement is written out.
MART_DELETE_SINCE = {
    "service_volume_monthly": "delete from service_volume_monthly where period >= ?",
    "identity_monthly": "delete from identity_monthly where period >= ?",
    "identity_unit_monthly": "delete from identity_unit_monthly where period >= ?",
    "cleaning_monthly": "delete from cleaning_monthly where period >= ?",
    "cleaning_unit_monthly": "delete from cleaning_unit_monthly where period >= ?",
    "task_tracker": "delete from task_tracker where period >= ?",
}
# A warehouse built before a mart was materialized holds it as a view.
MART_DROP_VIEW = {
    "service_volume_monthly": "drop view service_volume_monthly",
    "identity_monthly": "drop view identity_monthly",
    "identity_unit_monthly": "drop view identity_unit_monthly",
    "cleaning_monthly": "drop view cleaning_monthly",
    "cleaning_unit_monthly": "drop view cleaning_unit_monthly",
    "task_tracker": "drop view task_tracker",
}


def refresh_marts(con: duckdb.DuckDBPyConnection, changes: dict[str, dt.date] | None = None) -> None:
    """Recompute the materialized marts from the fact tables (after a load).

    With `changes` (topic -> earliest period whose fact rows changed), only the marts fed by
    those topics are refreshed, and only their rows from that period on: a delete and an
    insert of the mart's own query restricted to those periods. That gives the same rows as a
    full refresh because no mart row depends on a later month: flows (service volumes) are
    summed within their month; stocks (identity, cleaning) and task statuses carry forward
    from earlier months only, and a month that appears or disappears in the facts adds or
    drops rows of that month and later (tests/test_refresh_incremental.py compares both). A
    mart the warehouse still holds as a view, or one not in MART_TOPICS, is rebuilt whole."""
    for f in view_files():
        stmt = _statement(f)
        if not (stmt.lstrip().startswith("--") and "create or replace table" in stmt):
            continue
        name = f.stem  # the name of a file in sql/marts
        is_view = con.execute("select 1 from duckdb_views() where view_name = ? and not internal", [name]).fetchone()
        head = "create or replace table " + name + " as"
        if changes is not None and name in MART_TOPICS and not is_view and head in stmt:
            touched = [changes[t] for t in MART_TOPICS[name] if t in changes]
            if not touched:
                continue
            since = min(touched)
            query = stmt.split(head, 1)[1].strip().rstrip(";")  # the mart's own SQL, from its file
            con.execute(MART_DELETE_SINCE[name], [since])
            con.sql(query).filter(duckdb.ColumnExpression("period") >= duckdb.ConstantExpression(since)).insert_into(name)
            continue
        if is_view:
            con.execute(MART_DROP_VIEW[name])
        con.execute(stmt)


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
        con.execute("commit")
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(tmp, target)
    stats["seconds"] = round(time.perf_counter() - t0, 2)
    stats["warehouse"] = str(target)
    return stats
