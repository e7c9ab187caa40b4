"""Crash safety: a load and a build killed with SIGKILL at every step that matters.

Real processes: the load (etl.load.load_files, in a process of its own with a fixed time of
arrival so that its outcome can be compared row for row) and `python -m etl build` pause at a
point named by DA06_PAUSE_AT (etl.crashpoints) and are killed from outside, as a crash or an
operator would kill them. Each time the test proves:
  * the warehouse holds the old state or the new one — every table (facts, marts, the
    submission log, reference data) identical to one of them, the one the point says — never a
    mix;
  * the archive holds no record of a batch that did not land, and every record it holds is in
    the warehouse;
  * no stale lock: the next command (a load of another file from the command line, or a build)
    runs at once, says it takes over the lock of the killed process and cleans up what it left
    (private copies, pending archive records);
  * after it, the archive's records are exactly the warehouse's submissions, and the next build
    from the archive reproduces the warehouse.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl.archive import PENDING_DIR, list_archive, settle_message
from etl.build import build
from etl.load import load_files
from etl.reference import catalogue
from etl.warehouse import leftovers
from tests.conftest import ROOT
from tests.helpers import make_workbook, run_etl, run_killed_at, tables

MAY, JUN = dt.date(2024, 5, 1), dt.date(2024, 6, 1)
BATCH_AT = dt.datetime(2024, 7, 5, 9, 0)

LOAD = """
import datetime as dt, sys
from pathlib import Path
from etl.load import load_files
at = dt.datetime.fromisoformat(sys.argv[3])
load_files([(Path(p), Path(p).name) for p in sys.argv[4:]], warehouse=Path(sys.argv[1]), archive_root=Path(sys.argv[2]),
           submitted_at=at, today=at.date(), submitted_by="test")
"""


def _services(total: int) -> dict:
    return {"services": {"E06-03": {"total_dossiers": total, "online_dossiers": total - 7}}}


def _sids(warehouse: Path) -> set[str]:
    return {r[0] for r in tables(warehouse)["submission"]}


def _records(raw: Path) -> set[str]:
    return {m["submission_id"] for m in list_archive(raw)}


def _pending(raw: Path) -> list[str]:
    return sorted(p.name for p in (raw / PENDING_DIR).glob("*")) if (raw / PENDING_DIR).exists() else []


def _restore(backup: Path, warehouse: Path, raw: Path) -> None:
    shutil.rmtree(raw)
    shutil.copytree(backup / "raw", raw)
    shutil.copyfile(backup / warehouse.name, warehouse)


def _save(backup: Path, warehouse: Path, raw: Path) -> None:
    shutil.copytree(raw, backup / "raw")
    shutil.copyfile(warehouse, backup / warehouse.name)


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            pass
    return out


def _after_the_kill(warehouse: Path, raw: Path, env: dict, pid: int, inbox: Path, settled: str | None) -> None:
    """The next command is a load from the command line: it takes over the lock at once, cleans
    up (saying `settled` about the pending archive records), and leaves archive and warehouse in
    agreement; a build then reproduces the warehouse."""
    landed = _sids(warehouse)
    out = run_etl(["load", str(inbox / "DA06_397_2024-06.xlsx")], env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"đã dừng mà không trả khóa (tiến trình {pid} trên máy" in out.stderr
    assert [x for x in out.stderr.splitlines() if x.startswith("Lưu trữ:")] == ([settled] if settled else [])
    assert "Đang chờ" not in out.stderr
    assert leftovers(warehouse) == [] and _pending(raw) == []
    [new] = _sids(warehouse) - landed
    assert _sids(warehouse) == landed | {new} == _records(raw)
    assert not list(raw.rglob("*.part"))
    loaded = tables(warehouse)
    out = run_etl(["build"], env)
    assert out.returncode == 0, out.stderr
    assert tables(warehouse) == loaded


@pytest.fixture(scope="module")
def load_case(tmp_path_factory):
    """A warehouse with one accepted file (395, June), and a batch of two files: 396 for June and
    a newer 395 for June that replaces the first. The old state, and the new one (the batch run
    to its end once, then undone)."""
    tmp = tmp_path_factory.mktemp("crash_load")
    warehouse, raw, inbox = tmp / "warehouse" / "da06.duckdb", tmp / "raw", tmp / "inbox"
    raw.mkdir()
    build(warehouse, raw, progress=False, workers=1)
    first = make_workbook(inbox / "first" / "DA06_395_2024-06.xlsx", "395", JUN, _services(1500))
    [r] = load_files([(first, first.name)], warehouse=warehouse, archive_root=raw, submitted_at=dt.datetime(2024, 7, 2, 8, 0),
                     today=dt.date(2024, 7, 2), submitted_by="test")
    assert r.status == "accepted"
    batch = [make_workbook(inbox / "DA06_396_2024-06.xlsx", "396", JUN, _services(900)),
             make_workbook(inbox / "DA06_395_2024-06.xlsx", "395", JUN, _services(1600))]
    make_workbook(inbox / "DA06_397_2024-06.xlsx", "397", JUN, _services(300))  # the next command's file
    env = {**os.environ, "DA06_WAREHOUSE": str(warehouse), "DA06_RAW": str(raw)}
    args = ["-c", LOAD, str(warehouse), str(raw), BATCH_AT.isoformat(), *map(str, batch)]
    backup = tmp / "backup"
    _save(backup, warehouse, raw)
    old = tables(warehouse)
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    new = tables(warehouse)
    assert len(new["submission"]) == 3 and new != old
    _restore(backup, warehouse, raw)
    return {"warehouse": warehouse, "raw": raw, "inbox": inbox, "env": env, "args": args, "backup": backup,
            "old": old, "new": new}


@pytest.mark.parametrize("point, lands", [
    ("load.file_staged", False),  # the batch's first file staged: archived as pending, the second not yet read
    ("load.staged", False),  # the whole batch staged in the private copy, not committed
    ("load.before_swap", False),  # committed, marts refreshed, checkpointed in the private copy
    ("load.swapped", True),  # swapped in, the archive records not yet committed
    ("load.done", True),  # the archive records committed, the lock not yet released
])
def test_a_load_killed_leaves_the_old_or_the_new_state(load_case, point, lands):
    c = load_case
    warehouse, raw = c["warehouse"], c["raw"]
    _restore(c["backup"], warehouse, raw)
    old_sids = {r[0] for r in c["old"]["submission"]}

    pid = run_killed_at(point, [], c["env"], python_args=c["args"])

    assert tables(warehouse) == (c["new"] if lands else c["old"])
    assert _records(raw) <= _sids(warehouse)  # no record of a batch that did not land
    assert _records(raw) == ({r[0] for r in c["new"]["submission"]} if point == "load.done" else old_sids)
    pending = _pending(raw)  # what the killed load left, for the next command to settle
    assert len(pending) == {"load.file_staged": 1, "load.done": 0}.get(point, 2)
    settled = settle_message(pending if lands else [], [] if lands else pending) if pending else None
    _after_the_kill(warehouse, raw, c["env"], pid, c["inbox"], settled)


@pytest.fixture(scope="module")
def build_case(tmp_path_factory):
    """A warehouse built from an empty archive, and an archive that has since received 54 files
    (27 districts, May and June; loaded into another warehouse, as if restored from a backup):
    the old state, and the new one (the build run to its end once, then undone). 54 files: the
    build reads them back in worker processes."""
    tmp = tmp_path_factory.mktemp("crash_build")
    warehouse, raw, inbox = tmp / "warehouse" / "da06.duckdb", tmp / "raw", tmp / "inbox"
    raw.mkdir()
    build(warehouse, raw, progress=False, workers=1)
    districts = sorted(u for u, row in catalogue().units.items() if row["unit_level"] == "district")
    files = [make_workbook(inbox / f"DA06_{u}_{m:%Y-%m}.xlsx", u, m, _services(1000 + 10 * i + m.month))
             for i, u in enumerate(districts) for m in (MAY, JUN)]
    assert len(files) == 54
    results = load_files([(f, f.name) for f in files], warehouse=_other(tmp, raw),
                         archive_root=raw, submitted_at=BATCH_AT, today=BATCH_AT.date(), submitted_by="test")
    assert {r.status for r in results} == {"accepted"}
    env = {**os.environ, "DA06_WAREHOUSE": str(warehouse), "DA06_RAW": str(raw)}
    backup = tmp / "backup"
    _save(backup, warehouse, raw)
    old = tables(warehouse)
    out = run_etl(["build"], env)
    assert out.returncode == 0, out.stderr
    new = tables(warehouse)
    assert len(new["submission"]) == 54 and new != old
    _restore(backup, warehouse, raw)
    return {"warehouse": warehouse, "raw": raw, "env": env, "backup": backup, "old": old, "new": new}


def _other(tmp: Path, raw: Path) -> Path:
    other = tmp / "other" / "da06.duckdb"
    build(other, raw, progress=False, workers=1)
    return other


@pytest.mark.parametrize("point, lands", [
    ("build.reading", False),  # worker processes reading the archive
    ("build.replayed", False),  # the archive replayed into the new file, not committed
    ("build.before_swap", False),  # the new file committed and checkpointed, not swapped in
    ("build.swapped", True),  # swapped in, the lock not yet released
])
def test_a_build_killed_leaves_the_old_or_the_new_state(build_case, point, lands):
    c = build_case
    warehouse, raw = c["warehouse"], c["raw"]
    _restore(c["backup"], warehouse, raw)
    workers: list[int] = []

    pid = run_killed_at(point, ["build"], c["env"], before_kill=lambda p: workers.extend(_children(p)))

    assert tables(warehouse) == (c["new"] if lands else c["old"])
    if point == "build.reading":
        assert len(workers) >= 2  # two readers (and multiprocessing's resource tracker)
    for w in workers:  # they die with the build (the readers by PR_SET_PDEATHSIG)
        for _ in range(50):
            if _gone(w):
                break
            time.sleep(0.1)
        assert _gone(w), w
    assert _records(raw) == {r[0] for r in c["new"]["submission"]}  # a build writes no record
    out = run_etl(["build"], c["env"])
    assert out.returncode == 0, out.stderr
    assert f"đã dừng mà không trả khóa (tiến trình {pid} trên máy" in out.stderr
    assert "Đang chờ" not in out.stderr
    assert leftovers(warehouse) == []
    assert tables(warehouse) == c["new"]
