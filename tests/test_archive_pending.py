"""The archive's record of a submission becomes valid in the same step as the warehouse swap.

A load writes its files' manifests as pending records (data/raw/.pending/, etl.archive) and
commits them right after the swap. A real `python -m etl load` process is killed with SIGKILL
at a pause point (etl.crashpoints): before its swap, the warehouse did not take the batch in
and the archive holds no record of it (the pending record and the private copy it left are
cleaned up by the next command); after its swap but before the records were committed, the
next command keeps them, so a rebuild has the batch.
"""
from __future__ import annotations

import datetime as dt
import os

from etl.archive import PENDING_DIR, list_archive
from etl.warehouse import leftovers
from tests.helpers import make_workbook, rows, run_etl, run_killed_at, tables

JUN = dt.date(2024, 6, 1)


def _setup(empty_warehouse, tmp_path):
    raw = tmp_path / "raw"
    wb = make_workbook(tmp_path / "inbox" / "DA06_395_2024-06.xlsx", "395", JUN,
                       {"services": {"E06-03": {"total_dossiers": 1500, "online_dossiers": 1400}}})
    env = {**os.environ, "DA06_WAREHOUSE": str(empty_warehouse), "DA06_RAW": str(raw)}
    return raw, wb, env


def _archive_files(raw):
    return sorted(str(p.relative_to(raw)) for p in raw.rglob("*") if p.is_file())


def test_a_load_killed_before_its_swap_leaves_no_record_and_the_next_build_cleans_up(empty_warehouse, tmp_path):
    raw, wb, env = _setup(empty_warehouse, tmp_path)
    before = tables(empty_warehouse)

    pid = run_killed_at("load.staged", ["load", str(wb)], env)

    pending = sorted(p.name for p in (raw / PENDING_DIR).iterdir())
    assert len(pending) == 1 and pending[0].endswith(".json")
    sid = pending[0].removesuffix(".json")
    assert _archive_files(raw) == [f"{PENDING_DIR}/{sid}.json", f"2024-06/395/{sid}.xlsx"]
    assert list_archive(raw) == []  # a pending record is not the archive's
    # the private copy, and its write-ahead log (the macros are created on the copy as it opens)
    assert [p.name for p in leftovers(empty_warehouse)] == [f"da06.duckdb.{pid}.loading", f"da06.duckdb.{pid}.loading.wal"]
    assert tables(empty_warehouse) == before

    out = run_etl(["build"], env)

    assert out.returncode == 0, out.stderr
    assert "0 bản ghi của lần nạp đã vào kho được xác nhận, 1 bản ghi của lần nạp bị dừng giữa chừng (chưa vào kho) được bỏ" in out.stderr
    assert f"da06.duckdb.{pid}.loading" in out.stderr
    assert _archive_files(raw) == []
    assert leftovers(empty_warehouse) == []
    assert tables(empty_warehouse) == before


def test_a_load_killed_after_its_swap_keeps_its_record_and_the_rebuild_has_it(empty_warehouse, tmp_path):
    raw, wb, env = _setup(empty_warehouse, tmp_path)

    run_killed_at("load.swapped", ["load", str(wb)], env)

    landed = tables(empty_warehouse)
    [(sid, status)] = [(r[0], r[8]) for r in landed["submission"]]
    assert status == "accepted"
    assert rows(empty_warehouse, "select unit_code, service_code, total_dossiers, online_dossiers from fact_service_volume "
                                 "where submission_id = ?", [sid]) == [("395", "E06-03", 1500, 1400)]
    assert list_archive(raw) == []  # not yet committed: the next holder of the lock settles it

    out = run_etl(["build"], env)

    assert out.returncode == 0, out.stderr
    assert "1 bản ghi của lần nạp đã vào kho được xác nhận, 0 bản ghi" in out.stderr
    assert [m["submission_id"] for m in list_archive(raw)] == [sid]
    assert _archive_files(raw) == [f"2024-06/395/{sid}.json", f"2024-06/395/{sid}.xlsx"]
    assert tables(empty_warehouse) == landed


def test_a_load_that_is_not_killed_commits_its_records_at_once(empty_warehouse, tmp_path):
    raw, wb, env = _setup(empty_warehouse, tmp_path)

    out = run_etl(["load", str(wb)], env)

    assert out.returncode == 0, out.stderr
    [sid] = [r[0] for r in tables(empty_warehouse)["submission"]]
    assert _archive_files(raw) == [f"2024-06/395/{sid}.json", f"2024-06/395/{sid}.xlsx"]
    assert [m["submission_id"] for m in list_archive(raw)] == [sid]


class _Rerun(Exception):
    """What Streamlit raises in a script thread when the person leaves the page or reruns it."""


def test_a_load_stopped_by_an_exception_drops_its_pending_records_at_once(empty_warehouse, tmp_path):
    from etl.load import load_files

    raw, wb, _ = _setup(empty_warehouse, tmp_path)
    other = make_workbook(tmp_path / "inbox" / "DA06_396_2024-06.xlsx", "396", JUN,
                          {"services": {"E06-03": {"total_dossiers": 10, "online_dossiers": 5}}})
    before = tables(empty_warehouse)

    def progress(i, n, result):  # the upload page's progress bar, interrupted after the first file
        raise _Rerun()

    try:
        load_files([(wb, wb.name), (other, other.name)], warehouse=empty_warehouse, archive_root=raw, progress=progress)
    except _Rerun:
        pass
    else:
        raise AssertionError("the load was not stopped")

    assert _archive_files(raw) == []  # the first file's copy and pending record are gone with the batch
    assert leftovers(empty_warehouse) == []
    assert tables(empty_warehouse) == before
