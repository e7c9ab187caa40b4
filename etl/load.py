"""Load one workbook: read -> validate -> archive -> write, all-or-nothing.

A file is recorded in `submission` whether it is accepted or rejected; its figures reach the
fact tables only when it has no blocking error, in one transaction. A later accepted file for
the same unit, period and topic replaces the earlier one, which stays in the log as
superseded. The same file twice (same sha256) changes nothing.

load_files() loads many files in one writer session (one private copy of the warehouse, one
transaction, one atomic swap at the end, see etl.warehouse): each file is still all-or-nothing,
a file whose processing fails unexpectedly is rejected alone, and readers see the whole batch at
once. A dry run works on a throw-away copy of the warehouse and writes nothing, not even the
archive.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import statistics
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from etl.config import raw_dir
from etl.issues import Issue, Rejected
from etl.numbers import format_count
from etl.periods import add_months, period_label, period_text
from etl.read import MAX_FILE_BYTES, read_workbook
from etl.reference import catalogue
from etl.validate import Validated, validate
from etl.warehouse import scratch, writer

SAFE_EXT = re.compile(r"^\.(xlsx|xlsm|xls|ods)$")
logger = logging.getLogger(__name__)


@dataclass
class LoadResult:
    file_name: str
    status: str  # 'accepted' | 'rejected' | 'duplicate' | 'valid' (dry run)
    submission_id: str | None = None
    unit_code: str | None = None
    period: dt.date | None = None
    row_count: int = 0
    issues: list[Issue] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # submission ids superseded by this one
    topics: list[str] = field(default_factory=list)
    preview: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def safe_extension(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    return ext if SAFE_EXT.match(ext) else ".bin"


def text_name(name: str) -> str:
    """A received file's name as text that can be stored and shown. A name the operating system
    gave as bytes that are not UTF-8 (a file unpacked from an old Windows zip, passed on the
    command line) reaches Python with those bytes as lone surrogates, which neither the archive's
    manifest (UTF-8) nor the warehouse can hold: they become U+FFFD."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        try:
            raw = name.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = name.encode("utf-8", "surrogatepass")
        return raw.decode("utf-8", "replace")


def submission_id_for(submitted_at: dt.datetime, sha: str) -> str:
    return f"{submitted_at:%Y%m%dT%H%M%S}-{sha[:12]}"


def archive_file(src: Path | bytes, manifest: dict, root: Path | None = None, unsorted: bool = False) -> Path:
    """Copy a received file into data/raw/<period>/<unit>/<submission_id><ext> (or
    data/raw/unsorted/ when unit or period is unknown, or when asked) with a JSON manifest
    beside it. Nothing of the uploaded file name reaches the path: unit and period are checked
    codes."""
    root = root or raw_dir()
    unit, period = manifest.get("unit_code"), manifest.get("period")
    if not unsorted and unit and period and re.fullmatch(r"[0-9A-Za-z.]+", unit) and re.fullmatch(r"\d{4}-\d{2}", period):
        folder = root / period / unit
    else:
        folder = root / "unsorted"
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"{manifest['submission_id']}{safe_extension(manifest['file_name'])}"
    tmp = dest.with_suffix(dest.suffix + ".part")
    if isinstance(src, bytes):
        tmp.write_bytes(src)
    else:
        shutil.copyfile(src, tmp)
    os.replace(tmp, dest)
    mpath = folder / f"{manifest['submission_id']}.json"
    mpath.write_text(json.dumps({**manifest, "archive_name": dest.name}, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return dest


STOCK_LABELS = {"cccd_records": "Hồ sơ CCCD gắn chíp", "vneid_applications": "Hồ sơ đề nghị cấp tài khoản ĐDĐT",
                "vneid_activated": "Tài khoản ĐDĐT đã kích hoạt", "records_cleaned": "Số bản ghi đã làm sạch"}


def _warn(rec: dict, key: str, message: str) -> Issue:
    return Issue("warning", message, rec.get("_sheet"), rec.get("_refs", {}).get(key))


def _history_checks(v: Validated, last_identity, last_cleaned: dict, service_history: dict) -> list[Issue]:
    """The warnings that compare a file with the unit's history, whatever reads that history:
    a stock below the unit's latest earlier figure, a monthly total far from the median of its
    last twelve months. last_identity: (period, (cccd, applications, activated)) or None;
    last_cleaned: dataset_code -> (period, records_cleaned); service_history: service_code ->
    (median total, months)."""
    out: list[Issue] = []
    cat = catalogue()
    if last_identity:
        period, figures = last_identity
        for rec in v.records.get("identity", []):
            for key, old in zip(("cccd_records", "vneid_applications", "vneid_activated"), figures):
                new = rec.get(key)
                if new is not None and old is not None and new < old:
                    out.append(_warn(rec, key, f"{STOCK_LABELS[key]} (lũy kế) giảm so với {period_label(period).lower()} "
                                               f"({format_count(old)} → {format_count(new)}). Số lũy kế thường không giảm: hãy kiểm tra lại."))
    for rec in v.records.get("cleaning", []):
        old, new = last_cleaned.get(rec["dataset_code"]), rec.get("records_cleaned")
        if old is not None and new is not None and new < old[1]:
            out.append(_warn(rec, "records_cleaned", f"Số đã làm sạch (lũy kế) của '{cat.datasets[rec['dataset_code']]['dataset_name']}' giảm so với "
                                                     f"{period_label(old[0]).lower()} ({format_count(old[1])} → {format_count(new)}). "
                                                     "Số lũy kế thường không giảm: hãy kiểm tra lại."))
    for rec in v.records.get("services", []):
        t = rec.get("total_dossiers")
        h = service_history.get(rec["service_code"])
        if t is None or not h or h[1] < 3:
            continue
        med = float(h[0] or 0)
        if (med >= 20 and (t > 5 * med or t < med / 5)) or (med < 20 and t > 100 and t > 10 * max(med, 1)):
            out.append(_warn(rec, "total_dossiers", f"Tổng số hồ sơ {format_count(t)} khác xa mức thường thấy của đơn vị "
                                                    f"(trung vị {h[1]} tháng trước: {format_count(med)}). Hãy kiểm tra lại số liệu."))
    return out


def _history_warnings(cur, v: Validated) -> list[Issue]:
    """_history_checks against the unit's history in the warehouse."""
    if not v.unit_code or not v.period:
        return []
    last_identity, last_cleaned, service_history = None, {}, {}
    if v.records.get("identity"):
        row = cur.execute(
            """select period, cccd_records, vneid_applications, vneid_activated from fact_identity
               where unit_code = ? and period < ? order by period desc limit 1""", [v.unit_code, v.period]).fetchone()
        last_identity = (row[0], row[1:]) if row else None
    if v.records.get("cleaning"):
        last_cleaned = {code: (p, c) for code, p, c in cur.execute(
            """select dataset_code, max(period), arg_max(records_cleaned, period) from fact_cleaning
               where unit_code = ? and period < ? and records_cleaned is not null group by dataset_code""",
            [v.unit_code, v.period]).fetchall()}
    if v.records.get("services"):
        service_history = {code: (med, n) for code, med, n in cur.execute(
            """select service_code, median(total_dossiers), count(*) from fact_service_volume
               where unit_code = ? and period < ? and period >= ? and total_dossiers is not null
               group by service_code""", [v.unit_code, v.period, add_months(v.period, -12)]).fetchall()}
    return _history_checks(v, last_identity, last_cleaned, service_history)


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    display_name: str | None = None,
    declared_unit: str | None = None,
    declared_period: dt.date | None = None,
    submitted_by: str = "cli",
    submitted_at: dt.datetime | None = None,
    allowed_units: set[str] | None = None,
    dry_run: bool = False,
    archive: bool = True,
    archive_root: Path | None = None,
    today: dt.date | None = None,
    source: str | None = None,
    transaction: bool = True,
) -> LoadResult:
    """Validate and load one file on `con` (which must not be inside a transaction). With
    transaction=False the caller holds one open transaction on `con` for a whole batch
    (load_files) and the file's statements run in it: a commit costs a sync to disk, and a
    batch is thrown away whole on any failure anyway."""
    path = Path(path)
    display_name = text_name(display_name or path.name)
    submitted_at = submitted_at or dt.datetime.now().replace(microsecond=0)
    sha = sha256_file(path)
    cat = catalogue()
    cur = con.cursor() if transaction else con
    try:
        dup = cur.execute("select submission_id from submission where sha256 = ? and status = 'accepted' limit 1", [sha]).fetchone()
        if dup:
            return LoadResult(display_name, "duplicate", dup[0], issues=[Issue("warning", f"Tệp này đã được nạp trước đó (mã nộp {dup[0]}); không có gì thay đổi.")])
        try:
            wb = read_workbook(path, display_name)
            v = validate(wb, cat, declared_unit, declared_period, allowed_units, today)
        except Rejected as r:
            v = Validated(declared_unit, declared_period, False, {}, list(r.issues))
        if not v.errors:
            v.issues.extend(_history_warnings(cur, v))
        sid = submission_id_for(submitted_at, sha)
        result = LoadResult(display_name, "rejected" if v.errors else ("valid" if dry_run else "accepted"), sid,
                            v.unit_code, v.period, v.row_count, v.issues, topics=list(v.records))
        result.preview = {k: [{kk: vv for kk, vv in r.items() if not kk.startswith("_")} | {"dòng": r["_row"]} for r in rows]
                          for k, rows in v.records.items()}
        if not v.errors and v.unit_code and v.period:
            result.replaced = [r[0] for r in cur.execute(
                "select distinct submission_id from submission_topic where unit_code = ? and period = ? and superseded_by is null and list_contains(?, topic) order by 1",
                [v.unit_code, v.period, list(v.records)]).fetchall()]
        if dry_run:
            return result
        src = source or ("sample" if v.is_sample else "submitted")
        manifest = {
            "submission_id": sid, "file_name": display_name, "sha256": sha,
            "unit_code": v.unit_code, "period": period_text(v.period) if v.period else None,
            "declared_unit": declared_unit, "declared_period": period_text(declared_period) if declared_period else None,
            "submitted_at": submitted_at.isoformat(), "submitted_by": submitted_by, "source": src,
        }
        archive_path = str(archive_file(path, manifest, archive_root)) if archive else str(path)
        message = "\n".join(str(i) for i in v.issues) or None
        if transaction:
            cur.execute("begin transaction")
        try:
            cur.execute(
                "insert into submission values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [sid, display_name, archive_path, sha, v.unit_code, v.period, ",".join(v.records) or None,
                 v.row_count, "rejected" if v.errors else "accepted", submitted_at, submitted_by, src, message])
            if not v.errors:
                _write_facts(cur, v, sid, src)
            if transaction:
                cur.execute("commit")
        except Exception:
            if transaction:
                cur.execute("rollback")
            raise
        return result
    finally:
        if transaction:
            cur.close()


FACT_TABLES = {"services": "fact_service_volume", "identity": "fact_identity", "cleaning": "fact_cleaning", "tasks": "fact_task_status"}

# A table's name cannot be a bound parameter, so each table keyed by unit and period has its statement written out;
# the (unit, period) pairs to clear are bound as two parallel lists.
DELETE_UNIT_PERIODS = {
    "fact_service_volume": "delete from fact_service_volume as f using (select unnest(?::varchar[]) as unit_code, "
                           "unnest(?::date[]) as period) as k where f.unit_code = k.unit_code and f.period = k.period",
    "fact_identity": "delete from fact_identity as f using (select unnest(?::varchar[]) as unit_code, "
                     "unnest(?::date[]) as period) as k where f.unit_code = k.unit_code and f.period = k.period",
    "fact_cleaning": "delete from fact_cleaning as f using (select unnest(?::varchar[]) as unit_code, "
                     "unnest(?::date[]) as period) as k where f.unit_code = k.unit_code and f.period = k.period",
    "fact_task_status": "delete from fact_task_status as f using (select unnest(?::varchar[]) as unit_code, "
                        "unnest(?::date[]) as period) as k where f.unit_code = k.unit_code and f.period = k.period",
    "submission_topic": "delete from submission_topic as f using (select unnest(?::varchar[]) as unit_code, "
                        "unnest(?::date[]) as period) as k where f.unit_code = k.unit_code and f.period = k.period",
}


# The batch's delete of task statuses says which tasks it took out (for the marts' refresh).
DELETE_TASKS_RETURNING = ("delete from fact_task_status as f using (select unnest(?::varchar[]) as unit_code, "
                          "unnest(?::date[]) as period) as k where f.unit_code = k.unit_code and f.period = k.period "
                          "returning f.unit_code, f.period, f.task_code")


def delete_unit_periods(con, table: str, keys: list[tuple[str, dt.date]]) -> None:
    """Remove a fact table's rows for the given (unit_code, period) pairs."""
    if keys:
        con.execute(DELETE_UNIT_PERIODS[table], [[u for u, _ in keys], [p for _, p in keys]])


def insert_rows(con, table: str, rows: list[tuple]) -> None:
    """Append rows (tuples in the table's column order) to a table in one statement: a data
    frame handed to DuckDB's relational API, so neither the table's name nor any value is
    written into SQL text (DuckDB's executemany runs one statement per row, and one INSERT …
    VALUES with thousands of ? costs more than the rows themselves)."""
    if not rows:
        return
    import pandas as pd

    con.from_df(pd.DataFrame(rows, columns=[f"c{i}" for i in range(len(rows[0]))])).insert_into(table)


def fact_rows(v: Validated, sid: str, src: str) -> dict[str, list[tuple]]:
    """The fact-table rows a validated submission contributes, per topic."""
    unit, period = v.unit_code, v.period
    out: dict[str, list[tuple]] = {}
    for topic, recs in v.records.items():
        if topic == "services":
            rows = [(period, unit, r["service_code"], r.get("total_dossiers"), r.get("online_dossiers"), r.get("on_time"), r.get("overdue"), src, sid)
                    for r in recs if any(r.get(k) is not None for k in ("total_dossiers", "online_dossiers", "on_time", "overdue"))]
        elif topic == "identity":
            rows = [(period, r["unit_code"], r.get("cccd_records"), r.get("vneid_applications"), r.get("vneid_activated"), r.get("vneid_target"), src, sid)
                    for r in recs]
        elif topic == "cleaning":
            rows = [(period, unit, r["dataset_code"], r.get("records_cleaned"), r.get("records_total"), src, sid)
                    for r in recs if r.get("records_cleaned") is not None or r.get("records_total") is not None]
        else:
            rows = [(period, r["task_code"], unit, r["status"], r.get("status_text"), src, sid) for r in recs]
        out[topic] = rows
    return out


def _write_facts(cur, v: Validated, sid: str, src: str) -> None:
    unit, period = v.unit_code, v.period
    facts = fact_rows(v, sid, src)
    if not facts:
        return
    # Every statement costs about a millisecond whatever its size: one update and one insert
    # for all of the file's topics, then one delete and one insert per fact table.
    cur.execute("update submission_topic set superseded_by = ? where unit_code = ? and period = ? and list_contains(?, topic) "
                "and superseded_by is null", [sid, unit, period, list(facts)])
    insert_rows(cur, "submission_topic", [(sid, unit, period, topic, len(v.records[topic]), None) for topic in facts])
    for topic, rows in facts.items():
        table = FACT_TABLES[topic]
        delete_unit_periods(cur, table, [(unit, period)])
        insert_rows(cur, table, rows)


def load_files(
    files: list[tuple[Path, str]],
    *,
    warehouse: Path | None = None,
    declared_unit: str | None = None,
    declared_period: dt.date | None = None,
    submitted_by: str = "cli",
    allowed_units: set[str] | None = None,
    dry_run: bool = False,
    archive_root: Path | None = None,
    today: dt.date | None = None,
    progress=None,
) -> list[LoadResult]:
    """Load many (path, original name) files in one writer session: one private copy of the
    warehouse, one transaction, the marts refreshed and the warehouse swapped once at the end
    (a dry run works on a throw-away copy), made and opened while the files are read and
    checked. Each file is still all-or-nothing: its blocking errors are found before anything
    is written. A file whose reading, checking or staging raises an unexpected exception is
    rejected alone, and the others load (_stage_failure); an exception while writing the staged
    batch (the disk, the database), or while archiving such a failure, throws the private copy
    away, so the warehouse keeps none of the batch. Files are stamped in order, at least a
    microsecond apart, so a rebuild replays them in the same order even when several arrive
    within one second.

    Every statement costs about a millisecond whatever its size, so the batch does not ask or
    write the warehouse file by file: it reads what the checks need once (accepted checksums,
    the units' history, the live submission topics), follows the batch's own effect on that in
    memory, file after file, exactly as if each file had been written before the next one was
    checked (a dry run writes nothing, so there each file sees the warehouse alone), and writes
    the whole batch in a few statements per table at the end. Only the mart rows the batch's
    facts can reach are refreshed (etl.build.refresh_marts)."""
    results: list[LoadResult] = []
    changes: dict[str, list[tuple]] = {}
    cat = catalogue()
    files = [(Path(p), text_name(name)) for p, name in files]
    session = scratch(warehouse) if dry_run else writer(warehouse, changes=changes)
    with contextlib.ExitStack() as stack:
        # Pass 1: reading and checking every file, which needs no warehouse; the private copy
        # is made and opened meanwhile (copying and opening a DuckDB file let Python run on).
        with ThreadPoolExecutor(1) as pool:
            opening = pool.submit(stack.enter_context, session)
            received = [_receive(path, name, cat, declared_unit, declared_period, allowed_units, today) for path, name in files]
            con = opening.result()
        con.execute("begin transaction")  # one commit for the batch; a failure discards the private copy
        accepted_shas: dict[str, str] = {}
        taken: set[str] = set()  # submission ids of these files already in the warehouse (e.g. rejected a moment ago)
        for s, sid, status in con.execute("select sha256, submission_id, status from submission where list_contains(?, sha256) order by 2",
                                          [sorted({sha for sha, _, _ in received if sha})]).fetchall():
            taken.add(sid)
            if status == "accepted":
                accepted_shas.setdefault(s, sid)
        live = [v for sha, v, failure in received
                if failure is None and sha not in accepted_shas and not v.errors and v.unit_code and v.period]
        state = _BatchState(con, live)
        # Pass 2: in order, each file against the warehouse as the batch's earlier files left it.
        batch_sha: dict[str, str] = {}
        last: dt.datetime | None = None

        def stamp(sha: str) -> dt.datetime:
            """The file's time of arrival: after the previous file's, its submission id unused."""
            nonlocal last
            now = dt.datetime.now().replace(microsecond=0)
            at = now if last is None or now > last else last + dt.timedelta(microseconds=1)
            while submission_id_for(at, sha) in taken:  # the same file again within the same second
                at += dt.timedelta(seconds=1)
            last = at
            if not dry_run:
                taken.add(submission_id_for(at, sha))
            return at

        for i, ((path, name), (sha, v, failure)) in enumerate(zip(files, received)):
            # The first accepted file with this checksum: the warehouse's (it was loaded before this batch), else the batch's.
            dup = (accepted_shas.get(sha) or batch_sha.get(sha)) if sha else None
            if dup:
                result = LoadResult(name, "duplicate", dup, issues=[Issue("warning", f"Tệp này đã được nạp trước đó (mã nộp {dup}); không có gì thay đổi.")])
            else:
                at = None
                if failure is None:
                    at = stamp(sha)
                    try:
                        result = _stage_file(state, path, name, at, sha, v, submitted_by, declared_unit, declared_period,
                                             dry_run, archive_root)
                    except Exception as e:  # noqa: BLE001 - rejects this file alone, see _stage_failure
                        failure = e
                if failure is not None:
                    data = _bytes_or_nothing(path)
                    failed_sha = hashlib.sha256(data).hexdigest()
                    if at is None or failed_sha != sha:
                        at = stamp(failed_sha)
                    result = _stage_failure(state, path, name, at, failed_sha, data, failure, v, submitted_by,
                                            declared_unit, declared_period, dry_run, archive_root)
                if result.status == "accepted":
                    batch_sha.setdefault(sha, result.submission_id)
            results.append(result)
            if progress:
                progress(i + 1, len(files), result)
        if not dry_run:
            state.write(con, changes)
        con.execute("commit")
    return results


def _receive(path: Path, name: str, cat, declared_unit: str | None, declared_period: dt.date | None,
             allowed_units: set[str] | None, today: dt.date | None) -> tuple[str | None, Validated | None, Exception | None]:
    """A file of a batch read and checked, without the warehouse: its sha256 and what validate
    makes of it (a file that cannot be read is rejected with the reader's issues), or the
    unexpected exception that stopped it (then load_files rejects it alone)."""
    sha = None
    try:
        sha = sha256_file(path)
        try:
            wb = read_workbook(path, name)
            v = validate(wb, cat, declared_unit, declared_period, allowed_units, today)
        except Rejected as r:
            v = Validated(declared_unit, declared_period, False, {}, list(r.issues))
        return sha, v, None
    except Exception as e:  # noqa: BLE001 - rejects this file alone
        return sha, None, e


def _bytes_or_nothing(path: Path) -> bytes:
    """What can still be read of a file whose processing failed: nothing if it is gone, or if
    it is larger than any workbook read (MAX_FILE_BYTES; it is not held in memory)."""
    try:
        return path.read_bytes() if path.stat().st_size <= MAX_FILE_BYTES else b""
    except OSError:
        return b""


def internal_error_message(display_name: str, failure: BaseException, submission_id: str) -> str:
    return (f"Lỗi nội bộ của hệ thống khi xử lý tệp '{display_name}' ({type(failure).__name__}): tệp chưa được nạp; "
            f"các tệp khác của lần nộp này không bị ảnh hưởng. Hãy nộp lại tệp này; nếu vẫn lỗi, hãy báo cho quản trị viên "
            f"(mã nộp {submission_id}).")


def _stage_failure(state: "_BatchState", path: Path, display_name: str, submitted_at: dt.datetime, sha: str, data: bytes,
                   failure: Exception, v: Validated | None, submitted_by: str, declared_unit: str | None,
                   declared_period: dt.date | None, dry_run: bool, archive_root: Path | None) -> LoadResult:
    """A file of a batch whose reading, checking or staging raised an unexpected exception (not
    a rejection of its content): rejected alone. Nothing of it reached the batch state
    (_stage_file changes the state only once nothing can fail), so the batch's other files load
    in the same transaction as if it had not been sent. It is archived as rejected, with what
    could still be read of it (`data`, whose checksum is `sha`) and the reason in its manifest,
    so a rebuild rejects it with the same message (etl.build); in unsorted/ when its unit's
    folder is what failed."""
    sid = submission_id_for(submitted_at, sha)
    unit, period = (v.unit_code, v.period) if v is not None else (declared_unit, declared_period)
    issues = (list(v.issues) if v is not None else []) + [Issue("error", internal_error_message(display_name, failure, sid))]
    logger.error("file %r (submission %s) failed and was rejected alone", display_name, sid, exc_info=failure)
    result = LoadResult(display_name, "rejected", sid, unit, period, 0, issues)
    if dry_run:
        return result
    src = "sample" if v is not None and v.is_sample else "submitted"
    message = "\n".join(str(i) for i in issues)
    manifest = {
        "submission_id": sid, "file_name": display_name, "sha256": sha,
        "unit_code": unit, "period": period_text(period) if period else None,
        "declared_unit": declared_unit, "declared_period": period_text(declared_period) if declared_period else None,
        "submitted_at": submitted_at.isoformat(), "submitted_by": submitted_by, "source": src,
        "internal_error": type(failure).__name__, "message": message,
    }
    try:
        archive_path = archive_file(data, manifest, archive_root)
    except OSError:
        archive_path = archive_file(data, manifest, archive_root, unsorted=True)
    state.submissions.append((sid, display_name, str(archive_path), sha, unit, period, None, 0, "rejected",
                              submitted_at, submitted_by, src, message))
    return result


def _stage_file(state: "_BatchState", path: Path, display_name: str, submitted_at: dt.datetime, sha: str, v: Validated,
                submitted_by: str, declared_unit: str | None, declared_period: dt.date | None, dry_run: bool,
                archive_root: Path | None) -> LoadResult:
    """load_file's steps for one file of a batch, on the batch state instead of the warehouse.
    Every step that can fail comes first; the batch state changes only in the last two, which
    cannot: a file that raises here leaves the state as it was."""
    sid = submission_id_for(submitted_at, sha)
    issues = v.issues + (state.history_warnings(v) if not v.errors else [])
    result = LoadResult(display_name, "rejected" if v.errors else ("valid" if dry_run else "accepted"), sid,
                        v.unit_code, v.period, v.row_count, issues, topics=list(v.records))
    result.preview = {k: [{kk: vv for kk, vv in r.items() if not kk.startswith("_")} | {"dòng": r["_row"]} for r in rows]
                      for k, rows in v.records.items()}
    if not v.errors and v.unit_code and v.period:
        result.replaced = state.live_submissions(v.unit_code, v.period, list(v.records))
    if dry_run:
        return result
    src = "sample" if v.is_sample else "submitted"
    facts = None if v.errors else fact_rows(v, sid, src)
    manifest = {
        "submission_id": sid, "file_name": display_name, "sha256": sha,
        "unit_code": v.unit_code, "period": period_text(v.period) if v.period else None,
        "declared_unit": declared_unit, "declared_period": period_text(declared_period) if declared_period else None,
        "submitted_at": submitted_at.isoformat(), "submitted_by": submitted_by, "source": src,
    }
    archive_path = str(archive_file(path, manifest, archive_root))
    message = "\n".join(str(i) for i in issues) or None
    state.submissions.append((sid, display_name, archive_path, sha, v.unit_code, v.period, ",".join(v.records) or None,
                              v.row_count, "rejected" if v.errors else "accepted", submitted_at, submitted_by, src, message))
    if facts is not None:
        state.apply(v, sid, facts)
    return result


HISTORY_TOPICS = ("identity", "cleaning", "services")


class _BatchState:
    """The part of the warehouse a batch's checks read — the batch units' history of stocks and
    service totals, the live (not superseded) submission topics of the batch's units and
    periods — read once, then changed in memory as each accepted file of the batch would change
    the warehouse; and the writes those files add up to."""

    def __init__(self, con, live: list[Validated]):
        self.submissions: list[tuple] = []
        self.topics: list[list] = []  # submission_topic rows of the batch, superseded_by filled in as later files arrive
        self.open_topic: dict[tuple, int] = {}  # (unit, period, topic) -> index into self.topics of the batch's live row
        self.first_touch: dict[tuple, str] = {}  # (unit, period, topic) -> the batch's first submission for it
        self.facts: dict[str, dict[tuple, list[tuple]]] = {t: {} for t in FACT_TABLES}  # final rows per (unit, period)
        self.history: dict[str, dict[tuple, list[tuple]]] = {t: {} for t in HISTORY_TOPICS}
        self.live: dict[tuple, set[str]] = {}
        units = sorted({v.unit_code for v in live})
        if not units:
            return
        periods = [v.period for v in live]
        # One query for all three histories: (topic, unit, period, key, figures...).
        rows = con.execute(
            """select 'identity', unit_code, period, null, cccd_records, vneid_applications, vneid_activated
               from fact_identity where list_contains(?, unit_code)
               union all
               select 'cleaning', unit_code, period, dataset_code, records_cleaned, null, null
               from fact_cleaning where list_contains(?, unit_code) and records_cleaned is not null
               union all
               select 'services', unit_code, period, service_code, total_dossiers, null, null
               from fact_service_volume where list_contains(?, unit_code) and total_dossiers is not null
                 and period >= ? and period < ?""",
            [units, units, units, add_months(min(periods), -12), max(periods)]).fetchall()
        for topic, unit, period, key, a, b, c in rows:
            self.history[topic].setdefault((unit, period), []).append((key, a, b, c))
        keys = sorted({(v.unit_code, v.period) for v in live})
        for unit, period, topic, sid in con.execute(
                """select t.unit_code, t.period, t.topic, t.submission_id from submission_topic as t
                   where t.superseded_by is null and list_contains(?, t.unit_code) and list_contains(?, t.period)""",
                [units, sorted({p for _, p in keys})]).fetchall():
            if (unit, period) in keys:
                self.live.setdefault((unit, period, topic), set()).add(sid)

    def live_submissions(self, unit: str, period: dt.date, topics: list[str]) -> list[str]:
        return sorted({sid for t in topics for sid in self.live.get((unit, period, t), ())})

    def apply(self, v: Validated, sid: str, facts: dict[str, list[tuple]]) -> None:
        """What _write_facts does to the warehouse, in memory, given the file's fact_rows."""
        unit, period = v.unit_code, v.period
        if not facts:
            return
        for topic, rows in facts.items():
            key = (unit, period, topic)
            if key in self.open_topic:
                self.topics[self.open_topic[key]][5] = sid
            self.first_touch.setdefault(key, sid)
            self.open_topic[key] = len(self.topics)
            self.topics.append([sid, unit, period, topic, len(v.records[topic]), None])
            self.live[key] = {sid}
            self.facts[topic][(unit, period)] = rows
            if topic == "identity":
                self.history[topic][(unit, period)] = [(None, r[2], r[3], r[4]) for r in rows]
            elif topic == "cleaning":
                self.history[topic][(unit, period)] = [(r[2], r[3], None, None) for r in rows if r[3] is not None]
            elif topic == "services":
                self.history[topic][(unit, period)] = [(r[2], r[3], None, None) for r in rows if r[3] is not None]

    def _rows(self, topic: str, unit: str, lo: dt.date | None, hi: dt.date):
        for (u, p), rows in self.history[topic].items():
            if u == unit and p < hi and (lo is None or p >= lo):
                for r in rows:
                    yield p, r

    def history_warnings(self, v: Validated) -> list[Issue]:
        """_history_checks against the batch state: the same checks, the same messages."""
        if not v.unit_code or not v.period:
            return []
        last_identity, last_cleaned, service_history = None, {}, {}
        if v.records.get("identity"):
            earlier = list(self._rows("identity", v.unit_code, None, v.period))
            if earlier:
                period, (_, *figures) = max(earlier, key=lambda e: e[0])
                last_identity = (period, figures)
        if v.records.get("cleaning"):
            for p, (code, cleaned, _, _) in self._rows("cleaning", v.unit_code, None, v.period):
                if code not in last_cleaned or p > last_cleaned[code][0]:
                    last_cleaned[code] = (p, cleaned)
        if v.records.get("services"):
            totals: dict[str, list[int]] = {}
            for _, (code, total, _, _) in self._rows("services", v.unit_code, add_months(v.period, -12), v.period):
                totals.setdefault(code, []).append(total)
            service_history = {code: (statistics.median(h), len(h)) for code, h in totals.items() if h}
        return _history_checks(v, last_identity, last_cleaned, service_history)

    def write(self, con, changes: dict[str, list[tuple]]) -> None:
        """The batch's writes, a few statements per table; `changes` gets, per topic, the fact
        rows deleted or inserted, for the marts' refresh (etl.build.refresh_marts): the (unit,
        period) pairs, and for tasks (unit, period, task_code)."""
        if self.submissions:
            insert_rows(con, "submission", self.submissions)
        if self.first_touch:
            keys = [(u, p, t, sid) for (u, p, t), sid in self.first_touch.items()]
            con.execute(
                "update submission_topic as s set superseded_by = k.sid from (select unnest(?::varchar[]) as unit_code, "
                "unnest(?::date[]) as period, unnest(?::varchar[]) as topic, unnest(?::varchar[]) as sid) as k "
                "where s.unit_code = k.unit_code and s.period = k.period and s.topic = k.topic and s.superseded_by is null",
                [list(col) for col in zip(*keys)])
        if self.topics:
            insert_rows(con, "submission_topic", [tuple(r) for r in self.topics])
        for topic, table in FACT_TABLES.items():
            keys = sorted(self.facts[topic])
            if not keys:
                continue
            rows = [r for k in keys for r in self.facts[topic][k]]
            if topic == "tasks":  # the refresh needs the tasks too: those taken out and those put in
                old = con.execute(DELETE_TASKS_RETURNING, [[u for u, _ in keys], [p for _, p in keys]]).fetchall()
                changes[topic] = sorted(set(old) | {(r[2], r[0], r[1]) for r in rows})
            else:
                delete_unit_periods(con, table, keys)
                changes[topic] = keys
            insert_rows(con, table, rows)
