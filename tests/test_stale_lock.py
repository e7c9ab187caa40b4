"""A lock whose holder is gone is taken over by the next command, which says so; a live holder
is waited for, with a message naming it. Real processes killed with SIGKILL: an `etl build`
paused while it holds the lock (etl.crashpoints), and a holder whose forked child keeps the
lock open after the holder is killed (what surviving build workers used to do)."""
from __future__ import annotations

import fcntl
import os
import queue
import signal
import subprocess
import sys
import threading
import time

from etl.warehouse import leftovers, lock_path
from tests.conftest import ROOT
from tests.helpers import run_etl, run_killed_at, tables

TAKEN_OVER = "Tiến trình giữ khóa kho dữ liệu da06.duckdb đã dừng mà không trả khóa (tiến trình {pid} trên máy"
ORPHANED = "Khóa kho dữ liệu da06.duckdb vẫn bị giữ dù tiến trình giữ nó đã dừng (tiến trình {pid} trên máy"


def _env(warehouse, tmp_path):
    return {**os.environ, "DA06_WAREHOUSE": str(warehouse), "DA06_RAW": str(tmp_path / "raw")}


def _locked_elsewhere(path) -> bool:
    with open(path) as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
        return False


def test_a_build_killed_holding_the_lock_is_taken_over_by_the_next_build(empty_warehouse, tmp_path):
    env = _env(empty_warehouse, tmp_path)
    before = tables(empty_warehouse)
    pid = run_killed_at("build.replayed", ["build"], env)
    assert open(lock_path(empty_warehouse), encoding="utf-8").read().startswith(f"tiến trình {pid} trên máy")
    assert [p.name for p in leftovers(empty_warehouse)] == ["da06.duckdb.building"]

    t0 = time.monotonic()
    out = run_etl(["build"], env)

    assert out.returncode == 0, out.stderr
    assert time.monotonic() - t0 < 60
    assert TAKEN_OVER.format(pid=pid) in out.stderr
    assert "Đang chờ" not in out.stderr
    assert leftovers(empty_warehouse) == []
    assert open(lock_path(empty_warehouse), encoding="utf-8").read() == ""  # released
    assert tables(empty_warehouse) == before


def test_a_live_holder_is_waited_for_and_taken_over_once_it_is_killed(empty_warehouse, tmp_path):
    env = _env(empty_warehouse, tmp_path)
    first = subprocess.Popen([sys.executable, "-m", "etl", "-q", "build"], cwd=ROOT, env={**env, "DA06_PAUSE_AT": "build.replayed"},
                             stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    second = None
    try:
        assert first.stderr.readline().startswith(f"DA06_PAUSED build.replayed {first.pid}")
        second = subprocess.Popen([sys.executable, "-m", "etl", "-q", "build"], cwd=ROOT, env=env,
                                  stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x) for x in second.stderr], daemon=True).start()
        waiting = lines.get(timeout=60)
        assert waiting.startswith(f"Đang chờ kho dữ liệu da06.duckdb: đang được dùng bởi tiến trình {first.pid} trên máy")
        time.sleep(2)
        assert second.poll() is None  # a live holder is not taken over
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    assert second.wait(timeout=120) == 0
    rest = []
    while not lines.empty():
        rest.append(lines.get())
    assert any(TAKEN_OVER.format(pid=first.pid) in x for x in rest), rest
    assert leftovers(empty_warehouse) == []


HOLDER = """
import os, sys, time
from pathlib import Path
from etl.warehouse import exclusive_lock
with exclusive_lock(Path(sys.argv[1])):
    child = os.fork()
    if child == 0:  # keeps the parent's open lock file, as a surviving worker did
        time.sleep(600)
        os._exit(0)
    print(child, flush=True)
    time.sleep(600)
"""


def test_a_lock_kept_by_an_orphan_after_its_holder_is_killed_is_taken_over(empty_warehouse, tmp_path):
    env = _env(empty_warehouse, tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(empty_warehouse)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    orphan = int(holder.stdout.readline())
    try:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        assert _locked_elsewhere(lock_path(empty_warehouse))  # the orphan still holds it

        out = run_etl(["build"], env, timeout=60)

        assert out.returncode == 0, out.stderr
        assert ORPHANED.format(pid=holder.pid) in out.stderr
        assert open(lock_path(empty_warehouse), encoding="utf-8").read() == ""
        assert not _locked_elsewhere(lock_path(empty_warehouse))  # the new lock file is free again
    finally:
        os.kill(orphan, signal.SIGKILL)
