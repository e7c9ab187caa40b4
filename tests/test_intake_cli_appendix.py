"""Appendix II typed into Excel carries no unit or period of its own: given on the command
line (--unit, --period), it loads as the district's month, figure for figure."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import rows
from tests.test_reader_appendix import _official, appendix_ii, write_xlsx

ROOT = Path(__file__).resolve().parent.parent


def test_appendix_with_unit_and_period_on_the_command_line(sample_db, tmp_path):
    warehouse = tmp_path / "da06.duckdb"
    shutil.copyfile(sample_db, warehouse)
    path = write_xlsx(tmp_path / "Phụ lục II - Thọ Xuân.xlsx", "Phụ lục II", *appendix_ii())
    cmd = [sys.executable, "-m", "etl", "--warehouse", str(warehouse), "--raw", str(tmp_path / "raw"), "-q", "load", str(path)]

    without = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert without.returncode == 1
    assert without.stdout.splitlines()[1:] == [
        "  LỖI  Tệp không ghi đơn vị báo cáo (ô 'Đơn vị:' ở đầu trang tính). Hãy dùng biểu mẫu của hệ thống hoặc chỉ định --unit MÃ_ĐƠN_VỊ."]

    out = subprocess.run(cmd + ["--unit", "Huyện Thọ Xuân", "--period", "2023-09"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("ĐÃ NẠP: Phụ lục II - Thọ Xuân.xlsx 395 09/2023 — 24 dòng; thay thế ")
    official = _official()
    assert rows(warehouse, "select service_code, total_dossiers, online_dossiers, on_time, overdue from fact_service_volume "
                           "where unit_code = '395' and period = date '2023-09-01' order by 1") == [
        (code, *official[code]) for code in sorted(official) if code.startswith("E06")]
