"""`python -m etl build` on the whole sample: wall time and peak memory, against the obvious
way of rebuilding (replaying every archived file through the load path one file at a time, each
its own batch and transaction) measured in the same run."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from bench.server import ROOT


def time_build_command(raw: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "da06.duckdb"
        env = {**os.environ, "DA06_WAREHOUSE": str(target), "DA06_RAW": str(raw)}
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "etl", "-q", "build"], cwd=ROOT, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if out.returncode:
            raise RuntimeError(out.stderr)
        size = target.stat().st_size
    return {"seconds": seconds, "peak_rss_mb": max(peak, before) / 1024, "warehouse_mb": size / 1048576, "output": out.stdout.strip()}


def time_naive_replay(raw: Path, limit: int | None = None) -> dict:
    """Rebuild the obvious way: schema, reference, then each archived file read, checked and
    loaded alone (a batch of one, etl.load.load_batch) in its own transaction. `limit` replays
    only the first files and scales the time up."""
    import datetime as dt

    from etl.build import create_schema, create_views, list_archive, load_official, load_reference
    from etl.load import load_batch, receive
    from etl.reference import catalogue

    manifests = list_archive(raw)
    chosen = manifests[:limit] if limit else manifests
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "naive.duckdb"))
        t = time.perf_counter()
        create_schema(con)
        load_reference(con)
        load_official(con)
        for m in chosen:
            at = dt.datetime.fromisoformat(m["submitted_at"])
            arrival = receive(Path(m["_path"]), m["file_name"], catalogue(), None, None, None, at.date())
            arrival.submitted_at, arrival.submission_id, arrival.submitted_by = at, m["submission_id"], m["submitted_by"]
            arrival.source, arrival.archived = m["source"], m["_path"]
            con.execute("begin transaction")
            load_batch(con, [arrival], preview=False)
            con.execute("commit")
        create_views(con)
        seconds = time.perf_counter() - t
        con.close()
    return {"seconds": seconds * len(manifests) / max(1, len(chosen)), "files": len(chosen), "of": len(manifests)}


def _run_timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, the command and its worker processes)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode:
        raise RuntimeError(f"{' '.join(cmd)}: {out.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def time_setup() -> dict:
    """The first run's set-up as the README gives it, into a temporary folder: `python -m etl
    sample` then `python -m etl build` (fresh processes, imports included), each timed; and the
    baseline, a fresh python that imports what the two commands import and does nothing (the
    floor of two command starts on this machine at this moment)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DA06_WAREHOUSE": str(Path(tmp) / "da06.duckdb"), "DA06_RAW": str(Path(tmp) / "raw"),
               "DA06_ACCOUNTS": str(Path(tmp) / "accounts.sqlite")}
        load_before = os.getloadavg()[0]
        sample_s, sample_cpu = _run_timed([sys.executable, "-m", "etl", "-q", "sample"], env)
        files = sum(1 for _ in (Path(tmp) / "raw").rglob("*.xlsx"))
        build_s, build_cpu = _run_timed([sys.executable, "-m", "etl", "-q", "build"], env)
        base_s = sum(_run_timed([sys.executable, "-c", "import etl.build, etl.sample, etl.load, accounts.store"], env)[0]
                     for _ in range(2))
        load_after = os.getloadavg()[0]
    return {"sample": sample_s, "sample_cpu": sample_cpu, "build": build_s, "build_cpu": build_cpu, "files": files,
            "seconds": sample_s + build_s, "cpu": sample_cpu + build_cpu, "baseline": base_s,
            "load_before": load_before, "load_after": load_after}
