"""`python -m etl load`: exit 0 when every file is loaded, non-zero with every error printed
(sheet!cell) when any file is rejected; --dry-run checks and writes nothing."""
from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bad_workbooks.make import template
from tests.helpers import rows

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "bad_workbooks"


def _run(warehouse: Path, raw: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", "--warehouse", str(warehouse), "--raw", str(raw), "-q", "load", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def setup(sample_db, tmp_path):
    warehouse = tmp_path / "wh" / "da06.duckdb"
    warehouse.parent.mkdir()
    shutil.copyfile(sample_db, warehouse)
    good = template(tmp_path / "tho_xuan_06_2024.xlsx", {"E06-03": {"total_dossiers": 1500, "online_dossiers": 1400}})
    return warehouse, tmp_path / "raw", good


def _facts(warehouse):
    return rows(warehouse, "select service_code, total_dossiers, online_dossiers from fact_service_volume "
                           "where unit_code = '395' and period = date '2024-06-01' order by 1")


def test_all_loaded_exits_0(setup):
    warehouse, raw, good = setup
    out = _run(warehouse, raw, good)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("ĐÃ NẠP: tho_xuan_06_2024.xlsx 395 06/2024 — 1 dòng; thay thế ")
    assert "LỖI" not in out.stdout
    assert _facts(warehouse) == [("E06-03", 1500, 1400)]
    assert len(list(raw.rglob("*.xlsx"))) == 1


def test_any_rejected_exits_1_and_prints_every_error(setup):
    warehouse, raw, good = setup
    out = _run(warehouse, raw, good, BAD / "non_numbers.xlsx")
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0].startswith("ĐÃ NẠP: tho_xuan_06_2024.xlsx 395 06/2024 — 1 dòng")
    assert lines[1:] == [
        "TỪ CHỐI: non_numbers.xlsx 395 06/2024 — 0 dòng",
        '  LỖI  Dịch vụ công!C6 — Đăng ký thường trú: "N/A" không phải là số. Hãy nhập số nguyên không âm, ví dụ 11343 hoặc 11.343.',
        "  LỖI  Dịch vụ công!C7 — Đăng ký tạm trú: Ô chứa ngày tháng (12/06/2024), không phải số: Excel có thể đã tự đổi số vừa gõ thành ngày. "
        "Hãy định dạng ô là Số (Number) rồi nhập lại.",
        '  LỖI  Dịch vụ công!C8 — Khai báo tạm vắng: "x" không phải là số. Hãy nhập số nguyên không âm, ví dụ 11343 hoặc 11.343.',
        '  LỖI  Dịch vụ công!D8 — Khai báo tạm vắng: "không" không phải là số. Hãy nhập số nguyên không âm, ví dụ 11343 hoặc 11.343.',
    ]
    assert _facts(warehouse) == [("E06-03", 1500, 1400)]  # the good file still landed
    assert rows(warehouse, "select file_name, status from submission_log where submitted_by like 'cli:%' order by file_name") == [
        ("non_numbers.xlsx", "rejected"), ("tho_xuan_06_2024.xlsx", "accepted")]


def test_missing_file_exits_1(setup):
    warehouse, raw, _ = setup
    out = _run(warehouse, raw, raw / "khong_co.xlsx")
    assert out.returncode == 1
    assert out.stderr.strip() == f"Lỗi: không tìm thấy tệp {raw / 'khong_co.xlsx'}"


@pytest.mark.parametrize(("files", "code", "head"), [
    (["good"], 0, "HỢP LỆ (chạy thử, chưa ghi): tho_xuan_06_2024.xlsx 395 06/2024 — 1 dòng"),
    (["good", BAD / "online_gt_total.xlsx"], 1, "TỪ CHỐI: online_gt_total.xlsx 395 06/2024 — 0 dòng"),
])
def test_dry_run_writes_nothing(setup, files, code, head):
    warehouse, raw, good = setup
    before = _sha(warehouse)
    siblings = sorted(p.name for p in warehouse.parent.iterdir())
    out = _run(warehouse, raw, "--dry-run", *[good if f == "good" else f for f in files])
    assert out.returncode == code, out.stdout + out.stderr
    assert head in out.stdout.splitlines()
    assert _sha(warehouse) == before
    assert sorted(p.name for p in warehouse.parent.iterdir()) == siblings
    assert not raw.exists() or not any(raw.rglob("*"))
