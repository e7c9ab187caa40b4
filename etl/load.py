"""Load workbooks: read -> validate -> check against history -> archive -> write, each file all-or-nothing.

There is one load path, the batch (load_batch): the upload page and the command line reach it
through load_files (etl.intake.submit), the rebuild through etl.build.replay_archive, the tests
and benchmarks through either. A file is recorded in `submission` whether it is accepted or
rejected; its figures reach the fact tables only when it has no blocking error. A newer
accepted file for the same unit, period and topic replaces the older one, which stays in the log
as superseded (_BatchState.apply and .write: the one place that rule is written). The same file
twice (same sha256) changes nothing.

load_files() loads many files in one writer session (one private copy of the warehouse, one
transaction, one atomic swap at the end, see etl.warehouse): each file is still all-or-nothing,
a file whose processing fails unexpectedly is rejected alone, and readers see the whole batch at
once. A dry run works on a throw-away copy of the warehouse and writes nothing, not even the
archive.

Every file gets every error and warning in one pass: the checks against the unit's history (a
cumulative figure that falls, a total far from the unit's usual months; etl/topics, `history`)
run on every row that could be read, even when other cells of the file are wrong.
"""
from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import hashlib
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from etl.archive import archive_file, commit_pending, safe_extension, settle_message, settle_pending  # noqa: F401 (archive_file, safe_extension: etl.load's names too)
from etl.config import raw_dir, warehouse_path
from etl.crashpoints import pause_point
from etl.issues import Issue, Rejected
from etl.marts import ITEM_SCOPES
from etl.periods import add_months, period_text
from etl.read import MAX_FILE_BYTES, read_workbook
from etl.reference import catalogue
from etl.topics import TOPICS
from etl.validate import Validated, validate
from etl.warehouse import scratch, writer

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
    labels: dict[str, str] = field(default_factory=dict)  # a preview key -> its Vietnamese column header

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


FACT_TABLES = {key: t.fact.table for key, t in TOPICS.items()}
# Tables whose rows of given (unit_code, period) pairs a load replaces. A table's name cannot be a
# bound parameter: the statements are written from the registry's own names, never from input.
_KEYED_TABLES = frozenset(FACT_TABLES.values()) | {"submission_topic"}


def _delete_sql(table: str, returning: str = "") -> str:
    if table not in _KEYED_TABLES:
        raise ValueError(table)
    return (f"delete from {table} as f using (select unnest(?::varchar[]) as unit_code, unnest(?::date[]) as period) as k "
            "where f.unit_code = k.unit_code and f.period = k.period" + (f" returning {returning}" if returning else ""))


def delete_unit_periods(con, table: str, keys: list[tuple[str, dt.date]]) -> list[tuple]:
    """Remove a fact table's rows for the given (unit_code, period) pairs."""
    if keys:
        con.execute(_delete_sql(table), [[u for u, _ in keys], [p for _, p in keys]])
    return []


def insert_rows(con, table: str, rows: list[tuple]) -> None:
    """Append rows (tuples in the table's column order) to a table in one statement: an Arrow
    table handed to DuckDB's relational API, so neither the table's name nor any value is
    written into SQL text (DuckDB's executemany runs one statement per row, and one INSERT …
    VALUES with thousands of ? costs more than the rows themselves). Arrow, not a pandas data
    frame: half the time or less (a column of Python dates or times is no object column to
    convert), and an integer column with blanks stays integers (pandas makes it floats)."""
    if not rows:
        return
    import pyarrow as pa

    con.from_arrow(pa.table({f"c{i}": pa.array(column) for i, column in enumerate(zip(*rows))})).insert_into(table)


def fact_rows(v: Validated, sid: str | None, src: str) -> dict[str, list[tuple]]:
    """The fact-table rows a validated submission contributes, per topic."""
    return {key: TOPICS[key].fact_rows(recs, v.period, v.unit_code, src, sid) for key, recs in v.records.items()}


def _preview(v: Validated) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """What was read, per topic (the records without their bookkeeping, with their row), and the
    Vietnamese header of every key shown."""
    rows = {k: [{kk: vv for kk, vv in r.items() if not kk.startswith("_")} | {"dòng": r["_row"]} for r in recs]
            for k, recs in v.records.items()}
    labels = {"dòng": "Dòng"}
    for k in v.records:
        labels.update({c.key: c.headers[0] for c in TOPICS[k].columns if c.key not in labels})
    return rows, labels


@dataclass
class Arrival:
    """One file of a batch, read and checked (`v`), or the unexpected exception that stopped it
    (`failure`). A file received earlier (the rebuild replays the archive) keeps its time, id,
    sender, source and archived copy; a new one is stamped on arrival and archived."""
    path: Path
    name: str
    sha: str | None
    v: Validated | None
    failure: Exception | None = None
    submitted_at: dt.datetime | None = None
    submission_id: str | None = None
    submitted_by: str | None = None
    source: str | None = None
    archived: str | None = None


def receive(path: Path, name: str, cat, declared_unit: str | None, declared_period: dt.date | None,
            allowed_units: set[str] | None, today: dt.date | None) -> Arrival:
    """A file read and checked, without the warehouse: its sha256 and what validate makes of it
    (a file that cannot be read is rejected with the reader's issues), or the unexpected
    exception that stopped it (then load_batch rejects it alone)."""
    sha = None
    try:
        sha = sha256_file(path)
        try:
            wb = read_workbook(path, name)
            v = validate(wb, cat, declared_unit, declared_period, allowed_units, today)
        except Rejected as r:
            v = Validated(declared_unit, declared_period, False, {}, list(r.issues))
        return Arrival(path, name, sha, v)
    except Exception as e:  # noqa: BLE001 - rejects this file alone
        return Arrival(path, name, sha, None, e)


def load_files(
    files: list[tuple[Path, str]],
    *,
    warehouse: Path | None = None,
    declared_unit: str | None = None,
    declared_period: dt.date | None = None,
    submitted_by: str = "cli",
    submitted_at: dt.datetime | None = None,
    allowed_units: set[str] | None = None,
    dry_run: bool = False,
    archive_root: Path | None = None,
    today: dt.date | None = None,
    progress=None,
) -> list[LoadResult]:
    """Load many (path, original name) files in one writer session: one private copy of the
    warehouse, one transaction, the marts refreshed and the warehouse swapped once at the end
    (a dry run works on a throw-away copy), made and opened while the files are read and
    checked. Each file is still all-or-nothing (load_batch). `submitted_at` fixes the first
    file's time of arrival (the others follow, a microsecond apart); by default it is now. An
    exception while writing the staged batch (the disk, the database), or while archiving a
    failed file, throws the private copy away, so the warehouse keeps none of the batch, and the
    archive none of its records: they are pending until the swap commits them (etl.archive). Only
    the mart rows the batch's facts can reach are refreshed (etl.marts.refresh_marts)."""
    changes: dict[str, list[tuple]] = {}
    cat = catalogue()
    files = [(Path(p), text_name(name)) for p, name in files]
    target = Path(warehouse or warehouse_path())
    root = Path(archive_root or raw_dir())
    landed: set[str] = set()
    # The archive's manifests of the batch are pending until the swap (etl.archive): right after
    # it, inside the lock, they become the archive's record.
    session = scratch(target) if dry_run else writer(target, changes=changes,
                                                     after_swap=lambda: commit_pending(root, target, landed),
                                                     after_discard=lambda: settle_pending(root, target))
    with contextlib.ExitStack() as stack:
        # Reading and checking every file needs no warehouse; the private copy is made and
        # opened meanwhile (copying and opening a DuckDB file let Python run on).
        with ThreadPoolExecutor(1) as pool:
            opening = pool.submit(stack.enter_context, session)
            arrivals = [receive(path, name, cat, declared_unit, declared_period, allowed_units, today) for path, name in files]
            con = opening.result()
        if not dry_run:  # what a killed load left in the archive, settled against the warehouse (under its lock)
            kept, dropped = settle_pending(root, target, con)
            if kept or dropped:
                print(settle_message(kept, dropped), file=sys.stderr, flush=True)
        con.execute("begin transaction")  # one commit for the batch; a failure discards the private copy
        results = load_batch(con, arrivals, submitted_by=submitted_by, submitted_at=submitted_at,
                             declared_unit=declared_unit, declared_period=declared_period, dry_run=dry_run,
                             archive_root=root, progress=progress, changes=changes, pending_for=target)
        pause_point("load.staged")
        con.execute("commit")
        landed.update(r.submission_id for r in results if r.status in ("accepted", "rejected"))
    return results


def load_batch(con, arrivals: list[Arrival], *, submitted_by: str = "cli", submitted_at: dt.datetime | None = None,
               declared_unit: str | None = None, declared_period: dt.date | None = None, dry_run: bool = False,
               archive_root: Path | None = None, progress=None, changes: dict | None = None,
               preview: bool = True, pending_for: Path | None = None) -> list[LoadResult]:
    """The files of a batch, in order, each against the warehouse on `con` as the batch's earlier
    files left it, inside the caller's open transaction: its outcome, and (unless a dry run) the
    batch's writes at the end; `changes` gets, per topic, the fact rows written or removed (for
    the marts' refresh). Files are stamped in order, at least a microsecond apart, so a rebuild
    replays them in the same order even when several arrive within one second.

    Every statement costs about a millisecond whatever its size, so the batch does not ask or
    write the warehouse file by file: it reads what the checks need once (accepted checksums,
    the units' history, the live submission topics), follows the batch's own effect on that in
    memory, file after file, exactly as if each file had been written before the next one was
    checked (a dry run writes nothing, so there each file sees the warehouse alone), and writes
    the whole batch in a few statements per table at the end. A file whose reading, checking or
    staging raised an unexpected exception is rejected alone, and the others load
    (_stage_failure). With `pending_for` (the warehouse being written), the files' manifests are
    written as pending records of that warehouse (etl.archive), for the swap to commit."""
    results: list[LoadResult] = []
    accepted_shas: dict[str, str] = {}
    taken: set[str] = set()  # submission ids of these files already in the warehouse (e.g. rejected a moment ago)
    for s, sid, status in con.execute("select sha256, submission_id, status from submission where list_contains(?, sha256) order by 2",
                                      [sorted({a.sha for a in arrivals if a.sha})]).fetchall():
        taken.add(sid)
        if status == "accepted":
            accepted_shas.setdefault(s, sid)
    state = _BatchState(con, [a.v for a in arrivals if a.failure is None and a.sha not in accepted_shas
                              and a.v.unit_code and a.v.period])
    batch_sha: dict[str, str] = {}
    last: dt.datetime | None = None

    def stamp(sha: str) -> dt.datetime:
        """The file's time of arrival: after the previous file's, its submission id unused."""
        nonlocal last
        now = submitted_at or dt.datetime.now().replace(microsecond=0)
        at = now if last is None or now > last else last + dt.timedelta(microseconds=1)
        while submission_id_for(at, sha) in taken:  # the same file again within the same second
            at += dt.timedelta(seconds=1)
        last = at
        if not dry_run:
            taken.add(submission_id_for(at, sha))
        return at

    for i, a in enumerate(arrivals):
        # The first accepted file with this checksum: the warehouse's (it was loaded before this batch), else the batch's.
        dup = (accepted_shas.get(a.sha) or batch_sha.get(a.sha)) if a.sha else None
        if dup:
            result = LoadResult(a.name, "duplicate", dup, issues=[Issue("warning", f"Tệp này đã được nạp trước đó (mã nộp {dup}); không có gì thay đổi.")])
        else:
            failure, at = a.failure, a.submitted_at
            if failure is None:
                at = at or stamp(a.sha)
                try:
                    result = _stage_file(state, a, at, submitted_by, declared_unit, declared_period, dry_run, archive_root,
                                         preview, pending_for)
                except Exception as e:  # noqa: BLE001 - rejects this file alone, see _stage_failure
                    failure = e
            if failure is not None:
                data = _bytes_or_nothing(a.path)
                failed_sha = hashlib.sha256(data).hexdigest()
                if at is None or failed_sha != a.sha:
                    at = stamp(failed_sha)
                result = _stage_failure(state, a.path, a.name, at, failed_sha, data, failure, a.v, submitted_by,
                                        declared_unit, declared_period, dry_run, archive_root, pending_for)
            if result.status == "accepted":
                batch_sha.setdefault(a.sha, result.submission_id)
        results.append(result)
        if pending_for is not None and result.status != "duplicate":
            pause_point("load.file_staged")
        if progress:
            progress(i + 1, len(arrivals), result)
    if not dry_run:
        state.write(con, changes if changes is not None else {})
    return results


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
                   declared_period: dt.date | None, dry_run: bool, archive_root: Path | None,
                   pending_for: Path | None = None) -> LoadResult:
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
        archive_path = archive_file(data, manifest, archive_root, pending_for=pending_for)
    except OSError:
        archive_path = archive_file(data, manifest, archive_root, unsorted=True, pending_for=pending_for)
    state.submissions.append((sid, display_name, str(archive_path), sha, unit, period, None, 0, "rejected",
                              submitted_at, submitted_by, src, message))
    return result


def _stage_file(state: "_BatchState", a: Arrival, submitted_at: dt.datetime, submitted_by: str, declared_unit: str | None,
                declared_period: dt.date | None, dry_run: bool, archive_root: Path | None, preview: bool = True,
                pending_for: Path | None = None) -> LoadResult:
    """One file of a batch on the batch state: every issue (the file's own and those against the
    unit's history), its outcome, and unless a dry run its archived copy and staged writes.
    Every step that can fail comes first; the batch state changes only in the last two, which
    cannot: a file that raises here leaves the state as it was."""
    v = a.v
    sid = a.submission_id or submission_id_for(submitted_at, a.sha)
    issues = v.issues + state.history_issues(v)
    rejected = any(i.severity == "error" for i in issues)
    result = LoadResult(a.name, "rejected" if rejected else ("valid" if dry_run else "accepted"), sid,
                        v.unit_code, v.period, v.row_count, issues, topics=list(v.records))
    if preview:
        result.preview, result.labels = _preview(v)
    if not rejected and v.unit_code and v.period:
        result.replaced = state.live_submissions(v.unit_code, v.period, list(v.records))
    if dry_run:
        return result
    src = a.source or ("sample" if v.is_sample else "submitted")
    facts = None if rejected else fact_rows(v, sid, src)
    by = a.submitted_by or submitted_by
    if a.archived is None:
        manifest = {
            "submission_id": sid, "file_name": a.name, "sha256": a.sha,
            "unit_code": v.unit_code, "period": period_text(v.period) if v.period else None,
            "declared_unit": declared_unit, "declared_period": period_text(declared_period) if declared_period else None,
            "submitted_at": submitted_at.isoformat(), "submitted_by": by, "source": src,
        }
        archive_path = str(archive_file(a.path, manifest, archive_root, pending_for=pending_for))
    else:
        archive_path = a.archived
    message = "\n".join(str(i) for i in issues) or None
    state.submissions.append((sid, a.name, archive_path, a.sha, v.unit_code, v.period, ",".join(v.records) or None,
                              v.row_count, "rejected" if rejected else "accepted", submitted_at, by, src, message))
    if facts is not None:
        state.apply(v, sid, facts)
    return result


_NONE: dict = {}


class _UnitHistory:
    """One unit's figures of one topic by month (period -> item code -> measure -> value), as the
    topic's history checks read them (etl.topics.base: NoFall, FarFromMedian)."""

    def __init__(self, months: dict[dt.date, dict[str, dict[str, int]]]):
        self.months = months
        self.periods = sorted(months)
        self._windows: dict[tuple, list[dict]] = {}

    def latest(self, item: str, measure: str, before: dt.date) -> tuple[dt.date, int] | None:
        """The latest figure before a month: (its month, its value)."""
        for p in reversed(self.periods[: bisect.bisect_left(self.periods, before)]):
            value = self.months[p].get(item, {}).get(measure)
            if value is not None:
                return p, value
        return None

    def values(self, item: str, measure: str, first: dt.date, before: dt.date) -> list[int]:
        """The figures of the months from `first` to before `before`."""
        window = self._windows.get((first, before))
        if window is None:
            lo, hi = bisect.bisect_left(self.periods, first), bisect.bisect_left(self.periods, before)
            window = self._windows[(first, before)] = [self.months[p] for p in self.periods[lo:hi]]
        return [v for items in window if (v := items.get(item, _NONE).get(measure)) is not None]


class _BatchState:
    """The part of the warehouse a batch's checks read — the batch units' history of the figures
    their topics' history checks compare, the live (not superseded) submission topics of the
    batch's units and periods — read once, then changed in memory as each accepted file of the
    batch would change the warehouse; and the writes those files add up to."""

    def __init__(self, con, received: list[Validated]):
        cat = catalogue()
        self.cat = cat
        self.submissions: list[tuple] = []
        self.topics: list[list] = []  # submission_topic rows of the batch, superseded_by filled in as later files arrive
        self.open_topic: dict[tuple, int] = {}  # (unit, period, topic) -> index into self.topics of the batch's live row
        self.first_touch: dict[tuple, str] = {}  # (unit, period, topic) -> the batch's first submission for it
        self.facts: dict[str, dict[tuple, list[tuple]]] = {t: {} for t in TOPICS}  # final rows per (unit, period)
        # topic -> the measures its history checks compare, the months back a windowed check
        # needs, and whether a check needs the latest figure before them, however old
        self.watched: dict[str, tuple[list[str], int, bool]] = {}
        for key, t in TOPICS.items():
            if t.history:
                measures = sorted(set().union(*(c.measures(t, cat) for c in t.history)) & set(t.fact.names))
                windows = [c.window_months for c in t.history]
                self.watched[key] = (measures, max([w for w in windows if w is not None], default=0), None in windows)
        self.history: dict[str, dict[str, dict[dt.date, dict[str, dict[str, int]]]]] = {t: {} for t in self.watched}
        self.live: dict[tuple, set[str]] = {}
        units = sorted({v.unit_code for v in received})
        if not units:
            return
        first, last = min(v.period for v in received), max(v.period for v in received)
        # One query for every topic's history: (topic, unit, period, item, measure, value). The
        # months the batch's files can compare with, from `window` months before the first one;
        # for an unbounded check, before those only each figure's latest.
        parts, params = [], []
        for key, (measures, window, unbounded) in self.watched.items():
            t = TOPICS[key]
            lo = add_months(first, -window)
            for m in measures:
                head = f"select ?, unit_code, period, {t.items.code}, ?, {m} from {t.fact.table} where list_contains(?, unit_code) and {m} is not null"
                parts.append(head + " and period >= ? and period < ?")
                params += [key, m, units, lo, last]
                if unbounded:
                    parts.append(f"({head} and period < ? qualify row_number() over (partition by unit_code, {t.items.code} "
                                 "order by period desc) = 1)")
                    params += [key, m, units, lo]
        if parts:
            for topic, unit, period, item, measure, value in con.execute(" union all ".join(parts), params).fetchall():
                self.history[topic].setdefault(unit, {}).setdefault(period, {}).setdefault(item, {})[measure] = value
        keys = sorted({(v.unit_code, v.period) for v in received})
        for unit, period, topic, sid in con.execute(
                """select t.unit_code, t.period, t.topic, t.submission_id from submission_topic as t
                   where t.superseded_by is null and list_contains(?, t.unit_code) and list_contains(?, t.period)""",
                [units, sorted({p for _, p in keys})]).fetchall():
            if (unit, period) in keys:
                self.live.setdefault((unit, period, topic), set()).add(sid)

    def live_submissions(self, unit: str, period: dt.date, topics: list[str]) -> list[str]:
        return sorted({sid for t in topics for sid in self.live.get((unit, period, t), ())})

    def apply(self, v: Validated, sid: str, facts: dict[str, list[tuple]]) -> None:
        """An accepted file's effect, in memory: for each of its topics, it replaces the unit's
        month (the submission it supersedes, its fact rows, its figures in the history)."""
        unit, period = v.unit_code, v.period
        for topic, rows in facts.items():
            key = (unit, period, topic)
            if key in self.open_topic:
                self.topics[self.open_topic[key]][5] = sid
            self.first_touch.setdefault(key, sid)
            self.open_topic[key] = len(self.topics)
            self.topics.append([sid, unit, period, topic, len(v.records[topic]), None])
            self.live[key] = {sid}
            self.facts[topic][(unit, period)] = rows
            if topic in self.watched:
                code = TOPICS[topic].items.code
                measures = self.watched[topic][0]
                self.history[topic].setdefault(unit, {})[period] = {
                    r[code]: {m: r[m] for m in measures if r.get(m) is not None} for r in v.records[topic]}

    def history_issues(self, v: Validated) -> list[Issue]:
        """Each record against the unit's history, by its topic's history checks (every record
        that could be read, whatever else is wrong in the file)."""
        if not v.unit_code or not v.period or not v.allowed:
            return []
        out: list[Issue] = []

        def issue(message: str, cell: str | None, rec: dict, severity: str = "error") -> Issue:
            return Issue(severity, message, rec.get("_sheet"), cell, rec.get("_label"))

        for key, recs in v.records.items():
            t = TOPICS[key]
            if key not in self.watched:
                continue
            history = _UnitHistory(self.history[key].get(v.unit_code, {}))
            for rec in recs:
                for check in t.history:
                    out.extend(check.check(t, self.cat, rec, v.period, history, issue))
        return out

    def write(self, con, changes: dict[str, list[tuple]]) -> None:
        """The batch's writes, a few statements per table: the replacement rule (a newer accepted
        file for the same unit, period and topic supersedes the older one), then the facts.
        `changes` gets, per topic, the fact rows deleted or inserted, for the marts' refresh
        (etl.marts.refresh_marts): the (unit, period) pairs, and (unit, period, item) where a
        mart's scope needs the items (etl.marts.ITEM_SCOPES)."""
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
        for topic, t in TOPICS.items():
            keys = sorted(self.facts[topic])
            if not keys:
                continue
            rows = [r for k in keys for r in self.facts[topic][k]]
            params = [[u for u, _ in keys], [p for _, p in keys]]
            if any(scope in ITEM_SCOPES for _, scope in t.marts):  # the refresh needs the items too: those taken out and put in
                names = t.fact.names
                iu, ip, ii = names.index("unit_code"), names.index("period"), names.index(t.items.code)
                old = con.execute(_delete_sql(t.fact.table, f"f.unit_code, f.period, f.{t.items.code}"), params).fetchall()
                changes[topic] = sorted(set(old) | {(r[iu], r[ip], r[ii]) for r in rows})
            else:
                con.execute(_delete_sql(t.fact.table), params)
                changes[topic] = keys
            insert_rows(con, t.fact.table, rows)
