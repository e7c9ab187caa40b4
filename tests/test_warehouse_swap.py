"""Readers see a load as soon as it lands and never half of it: the app's connection notices
the swapped file and reopens, while queries running in other threads keep working."""
import datetime as dt
import shutil
import threading

from dashboard.db import Warehouse
from etl.template import write_template
from tests.helpers import submit

DEC = dt.date(2024, 12, 1)
SQL = "select cccd_records from fact_identity where unit_code = '395' and period = ?"


def test_reader_sees_the_new_figures_after_a_load(tmp_path, sample_db):
    path = tmp_path / "da06.duckdb"
    shutil.copyfile(sample_db, path)
    wh = Warehouse(path)
    before = wh.query(SQL, [DEC]).iloc[0, 0]
    f = write_template(tmp_path / "f.xlsx", "395", DEC, {"identity": {"395": {"cccd_records": before + 1000}}})
    assert submit(path, tmp_path / "raw", f, dt.datetime(2025, 1, 20, 9, 0)).status == "accepted"
    assert wh.query(SQL, [DEC]).iloc[0, 0] == before + 1000
    wh.close()


def test_queries_in_other_threads_survive_a_swap(tmp_path, sample_db):
    path = tmp_path / "da06.duckdb"
    shutil.copyfile(sample_db, path)
    wh = Warehouse(path)
    original = int(wh.query(SQL, [DEC]).iloc[0, 0])
    errors, seen, stop = [], set(), threading.Event()

    def reader():
        while not stop.is_set():
            try:
                seen.add(int(wh.query(SQL, [DEC]).iloc[0, 0]))
            except Exception as e:  # any failure is what this test is about
                errors.append(repr(e))

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(3):
        f = write_template(tmp_path / f"f{i}.xlsx", "395", DEC, {"identity": {"395": {"cccd_records": 200000 + i}}})
        assert submit(path, tmp_path / "raw", f, dt.datetime(2025, 1, 20, 9, i)).status == "accepted"
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    assert wh.query(SQL, [DEC]).iloc[0, 0] == 200002
    assert seen <= {original, 200000, 200001, 200002}  # whole snapshots only, never a half-load
    wh.close()
