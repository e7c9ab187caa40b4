"""Hostile and borderline workbooks (issue 15): a sheet spanning to XFD1048576 is refused before
the reader allocates, by the upload page's check in a separate process too; what Excel shows
as a whole count is read as one; a total row that adds up is accepted; a province file never
replaces the province's rollup."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from etl.intake import submit
from etl.load import load_files
from tests.bad_workbooks import make

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "tests" / "bad_workbooks"
FAR = json.loads((FOLDER / "cases.json").read_text(encoding="utf-8"))["far_cell.xlsx"]["issues"]
TODAY = dt.date(2025, 1, 20)


def test_far_cell_workbook_is_refused_by_a_process_with_2_gb(tmp_path):
    """Old code: python-calamine asks for ~550 GB and the process aborts (signal 6)."""
    path = FOLDER / "far_cell.xlsx"
    assert path.stat().st_size < 6 * 1024
    script = ("import resource, sys\n"
              "resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))\n"
              "from etl.read import read_workbook\nfrom etl.issues import Rejected\n"
              "try:\n    read_workbook(sys.argv[1])\nexcept Rejected as r:\n    print(r)\n")
    proc = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == FAR[0][1]


def test_upload_check_of_far_cell_workbook_runs_apart_and_says_why(sample_db, tmp_path):
    warehouse = tmp_path / "da06.duckdb"
    shutil.copyfile(sample_db, warehouse)
    [r] = submit([(FOLDER / "far_cell.xlsx", "far_cell.xlsx")], user=None, dry_run=True, warehouse=warehouse)
    assert r.status == "rejected"
    assert [[i.severity, str(i)] for i in r.issues] == FAR
    assert os.getpid()  # still here; and a good file is still checked as valid afterwards
    good = make.template(tmp_path / "good.xlsx", {"E06-03": {"total_dossiers": 1500, "online_dossiers": 1400}})
    [ok] = submit([(good, "good.xlsx")], user=None, dry_run=True, warehouse=warehouse)
    assert ok.status == "valid" and (ok.unit_code, ok.row_count) == ("395", 1)


def _load(warehouse, path, raw):
    [result] = load_files([(path, path.name)], warehouse=warehouse, submitted_by="test", archive_root=raw, today=TODAY)
    return result


def _facts(warehouse, unit, period):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select service_code, total_dossiers, online_dossiers from fact_service_volume "
                           "where unit_code = ? and period = ? order by 1", [unit, period]).fetchall()
    finally:
        con.close()


def test_count_with_float_noise_is_read_as_the_whole_number(sample_db, tmp_path):
    warehouse = tmp_path / "da06.duckdb"
    shutil.copyfile(sample_db, warehouse)
    path = make.table(tmp_path / "noise.xlsx", make.services_sheet(["E06-03", "Đăng ký thường trú", 300.0000000000001, 299.99999999999994]))
    r = _load(warehouse, path, tmp_path / "raw")
    assert (r.status, r.errors) == ("accepted", [])
    assert _facts(warehouse, "395", dt.date(2024, 6, 1)) == [("E06-03", 300, 300)]


def test_total_row_that_adds_up_is_recognised_and_not_loaded(sample_db, tmp_path):
    warehouse = tmp_path / "da06.duckdb"
    shutil.copyfile(sample_db, warehouse)
    path = make.table(tmp_path / "total.xlsx", make.services_sheet(
        ["E06-03", "Đăng ký thường trú", 120, 100], ["E06-04", "Đăng ký tạm trú", 40, 30], [None, "Toàn huyện", 160, 130]))
    r = _load(warehouse, path, tmp_path / "raw")
    assert (r.status, r.errors) == ("accepted", [])
    assert _facts(warehouse, "395", dt.date(2024, 6, 1)) == [("E06-03", 120, 100), ("E06-04", 40, 30)]


def test_province_file_leaves_the_province_rollup(sample_db, tmp_path):
    warehouse = tmp_path / "da06.duckdb"
    shutil.copyfile(sample_db, warehouse)
    query = ("select total_dossiers, is_rollup from service_volume_monthly where unit_code = '38' "
             "and service_code = 'E06-03' and period = date '2024-12-01'")
    con = duckdb.connect(str(warehouse), read_only=True)
    before = con.execute(query).fetchall()
    con.close()
    r = _load(warehouse, FOLDER / "province_file.xlsx", tmp_path / "raw")
    assert r.status == "rejected"
    assert "số liệu cấp tỉnh là tổng của các đơn vị cấp huyện" in str(r.errors[0])
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute(query).fetchall() == before and before[0][1] is True
    con.close()
