"""Sharing the warehouse file between the command line and the running app.

A DuckDB file has one writing process, and while any process holds it open no other process
may open it. So nothing keeps the warehouse open for writing: every change (a load, a
rebuild) happens on a copy, under an exclusive lock, and the copy replaces the warehouse with
an atomic rename ("build and swap"). Readers (the app) hold a read-only connection to the file
they opened; they notice the swap (a new inode) and reopen. Readers never see half a load,
writers queue on the lock, and two loads at the same time both land, one after the other.
"""
from __future__ import annotations

import contextlib
import fcntl
import glob
import json
import logging
import os
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from etl.config import warehouse_path
from etl.crashpoints import pause_point
from etl.marts import prepare_refresh, refresh_marts

logger = logging.getLogger(__name__)


def lock_path(target: Path) -> Path:
    return target.with_name(target.name + ".lock")


def leftovers(target: Path) -> list[Path]:
    """The private copies a writer of `target` makes (writer: <name>.<pid>.loading, etl.build:
    <name>.building) and their write-ahead logs: what a killed writer leaves behind."""
    pattern = glob.escape(target.name)
    return sorted({*target.parent.glob(pattern + ".*.loading"), *target.parent.glob(pattern + ".*.loading.wal"),
                   *target.parent.glob(pattern + ".building"), *target.parent.glob(pattern + ".building.wal")})


def _process_start(pid: int) -> str | None:
    """When a process started (clock ticks since boot, /proc/<pid>/stat), or None when there is
    no such process or it is a zombie (dead, not yet reaped): a pid used again by another
    process has another start."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return None if fields[0] in ("Z", "X") else fields[19]


def _holder_record() -> str:
    """The lock file's text while we hold it: a line for people, then one for programs."""
    pid = os.getpid()
    return (f"tiến trình {pid} trên máy {socket.gethostname()} ({' '.join(sys.argv)[:200]}), "
            f"từ {time.strftime('%H:%M:%S %d/%m/%Y')}\n"
            + json.dumps({"pid": pid, "host": socket.gethostname(), "start": _process_start(pid)}) + "\n")


def _read_holder(f) -> tuple[str, dict]:
    f.seek(0)
    text = f.read(2000)
    first, _, rest = text.partition("\n")
    try:
        about = json.loads(rest.strip() or "{}")
    except ValueError:
        about = {}
    return first.strip(), about if isinstance(about, dict) else {}


def holder_gone(about: dict) -> bool:
    """The holder a lock file names is known to be dead: it ran on this machine and its process
    is no longer there (or is another process under the same pid)."""
    if about.get("host") != socket.gethostname() or not isinstance(about.get("pid"), int):
        return False
    if about.get("start") is None:  # no /proc when it was written: whether the pid is there
        try:
            os.kill(about["pid"], 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return False
    return _process_start(about["pid"]) != about["start"]


@contextlib.contextmanager
def exclusive_lock(target: Path | None = None):
    """Block until no other process is changing the warehouse, saying what it waits for.

    flock: the kernel frees the lock when its holder dies (Python opens files close-on-exec and
    etl.build spawns its workers, so no worker inherits it). A holder killed with the lock still
    leaves its name in the file: the next command says it takes the lock over. Should the lock
    outlive its named holder all the same (a process that inherited the open file, e.g. a worker
    forked by an older version), the next command takes it over: it replaces the lock file by a
    new one (under a second lock, <name>.lock.takeover, so two commands cannot both do it) and
    locks that; the orphan keeps a lock on a file nobody uses any more. A holder on another
    machine cannot be checked: then the command waits."""
    target = Path(target or warehouse_path())
    target.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(target)
    waited = 0.0
    suspect: dict | None = None  # the named holder found gone at the last try
    while True:
        f = open(path, "a+", encoding="utf-8")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder, about = _read_holder(f)
            # Gone, and still locked half a second later (a dying holder's lock is freed by the
            # kernel as it exits: then the next try simply gets it): an orphan keeps it.
            gone = holder_gone(about)
            if gone and about == suspect and _take_over(path, f, about):
                print(f"Khóa kho dữ liệu {target.name} vẫn bị giữ dù tiến trình giữ nó đã dừng ({holder}): "
                      "tiếp quản khóa.", file=sys.stderr, flush=True)
                f.close()
                continue
            suspect = about if gone else None
            if waited % 5 == 0:
                print(f"Đang chờ kho dữ liệu {target.name}: đang được dùng bởi {holder or 'không rõ'}.",
                      file=sys.stderr, flush=True)
            f.close()
            time.sleep(0.5)
            waited += 0.5
            continue
        try:
            same = os.fstat(f.fileno()).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        f.close()  # the file was replaced while we locked it (a takeover): lock the new one
    with f:
        holder, _ = _read_holder(f)
        if holder:  # a holder releases the lock with an empty file: this one died holding it
            print(f"Tiến trình giữ khóa kho dữ liệu {target.name} đã dừng mà không trả khóa ({holder}): "
                  "tiếp quản khóa.", file=sys.stderr, flush=True)
        left = leftovers(target)
        for p in left:  # a holder killed mid-way left its private copy: nobody else writes one while we hold the lock
            p.unlink(missing_ok=True)
        if left:
            print(f"Đã dọn {len(left)} tệp dở dang của một lần ghi kho bị dừng giữa chừng: "
                  + ", ".join(p.name for p in left) + ".", file=sys.stderr, flush=True)
        try:
            f.seek(0)
            f.truncate()
            f.write(_holder_record())
            f.flush()
            yield
        finally:
            f.truncate(0)
            f.flush()
            fcntl.flock(f, fcntl.LOCK_UN)


def _take_over(path: Path, f, about: dict) -> bool:
    """Replace a lock file whose named holder is gone by a new, unlocked one; True if done here
    (False: another command did it first, or the holder changed meanwhile)."""
    with open(str(path) + ".takeover", "a+") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        try:
            if os.fstat(f.fileno()).st_ino != os.stat(path).st_ino or _read_holder(f)[1] != about:
                return False
        except FileNotFoundError:
            return False
        fresh = path.with_name(path.name + f".{os.getpid()}.new")
        fresh.touch()
        os.replace(fresh, path)
        return True


@contextlib.contextmanager
def writer(target: Path | None = None, changes: dict | None = None, after_swap=None, after_discard=None):
    """A read-write connection on a private copy of the warehouse; on success the copy
    replaces the warehouse atomically, on failure it is thrown away. With `changes` (a dict the
    caller fills in while it writes: topic -> the fact rows it deleted or inserted, see refresh_marts),
    only the mart rows those figures can reach are refreshed (etl.marts.refresh_marts); without
    it, every materialized mart is recomputed. `after_swap()` runs right after the swap, still
    under the lock (the load commits its archive records there, etl.archive); if it fails, the
    swap stands (the next holder of the lock settles the records) and the error is logged.
    `after_discard()` runs, still under the lock, when the copy is thrown away instead (the load
    drops its pending archive records there)."""
    target = Path(target or warehouse_path())
    if not target.exists():
        raise FileNotFoundError(f"Chưa có kho dữ liệu {target}. Hãy chạy: python -m etl build")
    with exclusive_lock(target):
        work = target.with_name(target.name + f".{os.getpid()}.loading")
        for p in (work, Path(str(work) + ".wal")):
            p.unlink(missing_ok=True)
        shutil.copyfile(target, work)
        con = duckdb.connect(str(work))
        ok = False
        try:
            # The copy's commits need not reach the disk one by one (a failure or a crash throws
            # the copy away): it is written to disk once, whole, by the checkpoint before the swap.
            con.execute("set fsync_mode = 'none'")
            prepared = prepare_refresh(con)  # before the caller writes (etl.load reads its files meanwhile)
            yield con
            refresh_marts(con, changes, prepared)
            con.execute("reset fsync_mode")
            con.execute("checkpoint")
            ok = True
        finally:
            con.close()
            if ok:
                pause_point("load.before_swap")
                os.replace(work, target)
            else:
                work.unlink(missing_ok=True)
            Path(str(work) + ".wal").unlink(missing_ok=True)
            if not ok and after_discard is not None:
                try:
                    after_discard()
                except Exception:  # noqa: BLE001 - the first error is the one to report; the next holder settles
                    logger.exception("after discarding the copy of %s", target)
        if after_swap is not None:
            pause_point("load.swapped")
            try:
                after_swap()
            except Exception:  # noqa: BLE001 - the swap stands; the next holder of the lock settles
                logger.exception("after the swap of %s", target)
            pause_point("load.done")


@contextlib.contextmanager
def scratch(target: Path | None = None):
    """A connection on a throw-away copy of the warehouse, for dry runs: they see exactly what
    a load would see and leave the warehouse, its folder and its lock untouched. No lock is
    needed: writers replace the file by a rename, and the copy reads the file it opened."""
    target = Path(target or warehouse_path())
    if not target.exists():
        raise FileNotFoundError(f"Chưa có kho dữ liệu {target}. Hãy chạy: python -m etl build")
    with tempfile.TemporaryDirectory(prefix="da06-dry-run-") as tmp:
        work = Path(tmp) / target.name
        shutil.copyfile(target, work)
        con = duckdb.connect(str(work))
        try:
            yield con
        finally:
            con.close()


class Reader:
    """A read-only connection to the warehouse file as it is now, for one command (the app's
    connection, which follows swaps, is dashboard.db.Warehouse): query(sql, params) -> DataFrame."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path or warehouse_path())
        self._con: duckdb.DuckDBPyConnection | None = None

    def exists(self) -> bool:
        return self.path.exists()

    def query(self, sql: str, params: list | tuple = ()):
        if self._con is None:
            self._con = duckdb.connect(str(self.path), read_only=True)
        return self._con.execute(sql, list(params)).df()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


def file_identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)
