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
