"""(Re)build the warehouse from data/reference/ and the archive in data/raw/.

The build writes a new database file next to the warehouse and swaps it in with an atomic
rename, so readers see either the old warehouse or the new one, never a half-built one.
Everything is derived from files: the same inputs give the same figures.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import duckdb
import pandas as pd

from etl.config import SCHEMA_FILE, SQL_DIR, raw_dir, settings, warehouse_path
from etl.issues import Issue, Rejected
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
    """Re-validate every archived file and load the winners in bulk: for each unit, period and
    topic the last accepted file counts; earlier ones are marked superseded."""
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


def macro_files() -> list[Path]:
    """sql/macros: the rules every view and query shares (the rate rule), created first."""
    return sorted(SQL_DIR.glob("macros/*.sql"))


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
    for f in macro_files():
        con.execute(f.read_text(encoding="utf-8"))
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
# A warehouse built before a mart was materialized holds it as a view.
MART_DROP_VIEW = {
    "service_volume_monthly": "drop view service_volume_monthly",
    "identity_monthly": "drop view identity_monthly",
    "identity_unit_monthly": "drop view identity_unit_monthly",
    "cleaning_monthly": "drop view cleaning_monthly",
    "cleaning_unit_monthly": "drop view cleaning_unit_monthly",
    "task_tracker": "drop view task_tracker",
}

# The rows of a mart a change of facts can reach, given the fact rows a load replaced (see
# refresh_marts for why each is enough):
#   months    rows of the changed months, of the changed units and their parents (flows);
#   since     rows of the changed units and their parents, from the first changed month on
#             (stocks carried forward, rolled up one level);
#   siblings  a changed unit's own rows from its first changed month on, and, in a changed
#             month that no unchanged unit under the same parent reported, every unit under
#             that parent (the month may have appeared or disappeared there, adding or
#             dropping a row for each of them);
#   tasks     the changed tasks from the first changed month on, and every task in a month
#             outside the months task_tracker runs over both before and after the load (its
#             months run without gaps from the first task report to the last: a report after
#             the last one adds every month up to it, each with a row for every task).
MART_SCOPE = {
    "service_volume_monthly": "months",
    "identity_monthly": "since",
    "cleaning_monthly": "since",
    "identity_unit_monthly": "siblings",
    "cleaning_unit_monthly": "siblings",
    "task_tracker": "tasks",
}
SCOPE_WHERE = {
    "months": "list_contains(?::date[], period) and list_contains(?::varchar[], unit_code)",
    "since": "period >= ? and list_contains(?::varchar[], unit_code)",
    "siblings": "(period >= ? and list_contains(?::varchar[], unit_code)) "
                "or (list_contains(?::date[], period) and list_contains(?::varchar[], parent_code))",
    "tasks": "(period >= ? and (? or list_contains(?::varchar[], task_code))) or period < ? or period > ?",
}
# A table's name cannot be a bound parameter: each mart's statements are written out (the
# condition is SCOPE_WHERE[MART_SCOPE[mart]]; tests/test_intake_refresh_scope.py checks it).
MART_DELETE_SCOPE = {
    "service_volume_monthly": "delete from service_volume_monthly where list_contains(?::date[], period) "
                              "and list_contains(?::varchar[], unit_code)",
    "identity_monthly": "delete from identity_monthly where period >= ? and list_contains(?::varchar[], unit_code)",
    "cleaning_monthly": "delete from cleaning_monthly where period >= ? and list_contains(?::varchar[], unit_code)",
    "identity_unit_monthly": "delete from identity_unit_monthly where (period >= ? and list_contains(?::varchar[], unit_code)) "
                             "or (list_contains(?::date[], period) and list_contains(?::varchar[], parent_code))",
    "cleaning_unit_monthly": "delete from cleaning_unit_monthly where (period >= ? and list_contains(?::varchar[], unit_code)) "
                             "or (list_contains(?::date[], period) and list_contains(?::varchar[], parent_code))",
    "task_tracker": "delete from task_tracker where (period >= ? and (? or list_contains(?::varchar[], task_code))) "
                    "or period < ? or period > ?",
}
# siblings: the (parent, month) pairs among the changed ones where a unit the load did not
# change reported (from the mart, which was up to date before the load).
MART_MONTHS_KEPT = {
    "identity_unit_monthly": "select distinct parent_code, period from identity_unit_monthly where list_contains(?::varchar[], parent_code) "
                             "and list_contains(?::date[], period) and reported_period = period and not list_contains(?::varchar[], unit_code)",
    "cleaning_unit_monthly": "select distinct parent_code, period from cleaning_unit_monthly where list_contains(?::varchar[], parent_code) "
                             "and list_contains(?::date[], period) and reported_period = period and not list_contains(?::varchar[], unit_code)",
}
# tasks: the months task_tracker runs over now (the mart, up to date before the load) and
# after the load (task_status, from the facts).
_TASK_MONTHS = ("select (select min(period) from task_tracker), (select max(period) from task_tracker), "
                "min(period), max(period) from task_status")
# The marts side by side, the slowest to refresh first, so that the workers finish together.
_REFRESH_ORDER = ("cleaning_monthly", "task_tracker", "cleaning_unit_monthly", "identity_monthly", "service_volume_monthly",
                  "identity_unit_monthly")
# The parent of every changed unit, as the marts see it.
_PARENTS = "select unit_code, parent_code from stg_units where list_contains(?, unit_code)"


def _scope_params(cur: duckdb.DuckDBPyConnection, name: str, scope: str, keys: set[tuple],
                  parent: dict[str, str | None]) -> list:
    """The values SCOPE_WHERE[scope] binds for the changed fact rows `keys`: (unit, period), or
    (unit, period, task_code) for tasks. Read on `cur`, in the refresh's transaction."""
    units = {k[0] for k in keys}
    periods = sorted({k[1] for k in keys})
    parents = sorted({parent[u] for u in units if parent.get(u)})
    since = periods[0]
    if scope == "months":
        return [periods, sorted(units | set(parents))]
    if scope == "since":
        return [since, sorted(units | set(parents))]
    if scope == "siblings":
        kept = set(cur.execute(MART_MONTHS_KEPT[name], [parents, periods, sorted(units)]).fetchall())
        open_ = {(parent[u], p) for u, p, *_ in keys if parent.get(u)} - kept
        return [since, sorted(units), sorted({p for _, p in open_}), sorted({q for q, _ in open_})]
    if scope == "tasks":
        old_lo, old_hi, new_lo, new_hi = cur.execute(_TASK_MONTHS).fetchone()
        if None in (old_lo, old_hi, new_lo, new_hi):  # no months before or after: every row
            lo, hi = dt.date.max, dt.date.min
        else:
            lo, hi = max(old_lo, new_lo), min(old_hi, new_hi)
        codes = {k[2] for k in keys if len(k) > 2}
        every_task = any(len(k) < 3 for k in keys)  # the tasks were not given: all of them
        return [since, every_task, sorted(codes), lo, hi]
    raise ValueError(scope)


def _refresh_rows(cur: duckdb.DuckDBPyConnection, name: str, query: str, keys: set[tuple],
                  parent: dict[str, str | None]) -> bool:
    """One mart's rows in its scope: deleted, then computed again by the mart's own query, in
    one transaction on `cur` (a cursor of its own when marts are refreshed side by side).
    False, with nothing changed, when the warehouse holds the mart in another shape than a
    table of its file's columns (a view, from before it was materialized, or a table from an
    older version of its file): it must be rebuilt whole."""
    scope = MART_SCOPE[name]
    cur.execute("begin transaction")
    try:
        try:
            params = _scope_params(cur, name, scope, keys, parent)
            cur.execute(MART_DELETE_SCOPE[name], params)
            # The mart's SQL from its file, restricted by the scope's constant condition; the
            # values are bound, and the relational API names the target table.
            cur.sql("select * from (\n" + query + "\n) where " + SCOPE_WHERE[scope], params=params).insert_into(name)
        except (duckdb.BinderException, duckdb.CatalogException):
            cur.execute("rollback")
            return False
        cur.execute("commit")
        return True
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            cur.execute("rollback")
        raise


def _rebuild_mart(con: duckdb.DuckDBPyConnection, name: str, stmt: str) -> None:
    """A mart computed whole by its file's statement (create or replace table)."""
    if con.execute("select 1 from duckdb_views() where view_name = ? and not internal", [name]).fetchone():
        con.execute(MART_DROP_VIEW[name])  # a warehouse built before the mart was materialized
    con.execute(stmt)


def refresh_marts(con: duckdb.DuckDBPyConnection, changes: dict[str, Iterable[tuple]] | None = None) -> None:
    """Recompute the materialized marts from the fact tables (after a load).

    With `changes` (topic -> the fact rows a load deleted or inserted, as (unit_code, period),
    or (unit_code, period, task_code) for tasks), only the marts fed by those topics are
    refreshed, and only the rows those facts can reach (MART_SCOPE): a delete and an insert of
    the mart's own query restricted to the same rows. That gives exactly the rows of a full
    refresh, given that the marts were up to date before:
      * no mart row depends on a later month: flows (service volumes) are summed within their
        month; stocks (identity, cleaning) and task statuses carry forward from earlier months;
      * a unit's figures reach its own rows and, rolled up, its parent's (one level: a rollup
        adds the parent's territorial children, and a unit's own figure replaces the rollup of
        its children), never another unit's;
      * a month appears in a parent's stock marts when any unit under it reports it, so a
        changed month adds or drops a row for each unit under that parent, unless a unit the
        load did not change reported it (then it was there before and stays);
      * a task's status in a month is the aggregate of every unit's report of that task, and
        task_tracker runs over every month from the first task report to the last: the
        changed tasks are refreshed from the first changed month on, every task in months
        outside the months both before and after the load.
    tests/test_refresh_incremental.py and tests/test_intake_refresh_scope.py compare it with a
    full refresh row for row. The marts are independent of one another, so they are refreshed
    side by side, each on a cursor of its own (`con` must not be inside a transaction). A mart
    without a scope, or one the warehouse holds in another shape (still a view, or missing), is
    rebuilt whole."""
    for f in macro_files():  # a warehouse built before a macro existed gets it before its marts need it
        con.execute(f.read_text(encoding="utf-8"))
    marts = []
    for f in view_files():
        stmt = _statement(f)
        if stmt.lstrip().startswith("--") and "create or replace table" in stmt:
            marts.append((f.stem, stmt))  # the name of a file in sql/marts
    if changes is None:
        for name, stmt in marts:
            _rebuild_mart(con, name, stmt)
        return
    changed = {topic: {tuple(k) for k in keys} for topic, keys in changes.items()}
    jobs, whole = [], []
    parent: dict[str, str | None] | None = None
    for name, stmt in marts:
        keys = set().union(*(changed[t] for t in MART_TOPICS.get(name, ()) if t in changed))
        head = "create or replace table " + name + " as"
        if name not in MART_TOPICS or name not in MART_SCOPE or head not in stmt:
            whole.append((name, stmt))
        elif keys:
            if parent is None:
                parent = dict(con.execute(_PARENTS, [sorted({k[0] for ks in changed.values() for k in ks})]).fetchall())
            query = stmt.split(head, 1)[1].strip().rstrip(";")  # the mart's own SQL, from its file
            jobs.append(((name, stmt), (name, query, keys, parent)))
    jobs.sort(key=lambda job: _REFRESH_ORDER.index(job[0][0]) if job[0][0] in _REFRESH_ORDER else len(_REFRESH_ORDER))
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers <= 1:
        done = [_refresh_rows(con, *job) for _, job in jobs]
    else:
        def run(job):
            cur = con.cursor()
            try:
                return _refresh_rows(cur, *job)
            finally:
                cur.close()

        with ThreadPoolExecutor(workers) as ex:
            done = list(ex.map(run, [job for _, job in jobs]))  # raises the first failure, once every mart has finished
    whole += [mart for (mart, _), ok in zip(jobs, done) if not ok]
    for name, stmt in whole:
        _rebuild_mart(con, name, stmt)


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
