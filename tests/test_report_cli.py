"""`python -m etl report`: exit codes and messages, and the appendix workbook it writes loads
back through the intake (--dry-run) with no error and the same figures."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import docx

from dashboard.db import Warehouse
from etl.config import settings
from etl.periods import add_months
from etl.read import read_workbook
from etl.reference import catalogue
from etl.report import IncompleteMonth, gather, write_xlsx
from etl.validate import validate

ROOT = Path(__file__).resolve().parent.parent


def _run(warehouse, *args):
    return subprocess.run([sys.executable, "-m", "etl", "--warehouse", str(warehouse), "report", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_report_command_writes_the_docx_and_the_appendices(sample_db, tmp_path):
    out = _run(sample_db, "--period", "2023-09", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    docx_path, xlsx_path = tmp_path / "BaoCao_DA06_38_2023-09.docx", tmp_path / "BaoCao_DA06_38_2023-09_PhuLuc.xlsx"
    assert out.stdout == f"Đã tạo báo cáo tháng 9/2023 của Tỉnh Thanh Hóa (DỮ LIỆU MẪU): {docx_path} và {xlsx_path}\n"
    assert any("3.421.346" in p.text for p in docx.Document(docx_path).paragraphs)


def test_a_month_without_data_exits_1_and_writes_nothing(sample_db, tmp_path):
    # the month after the sample's last ([sample] last_period): no unit has sent it
    after = add_months(dt.date.fromisoformat(settings().sample_last + "-01"), 1)
    out = _run(sample_db, "--period", f"{after:%Y-%m}", "--out", str(tmp_path / "out"))
    assert out.returncode == 1
    assert out.stderr == (f"Lỗi: Không có số liệu tháng {after.month}/{after.year} của Tỉnh Thanh Hóa: chưa đơn vị nào nộp báo cáo tháng này. "
                          "Hãy chọn tháng khác hoặc nạp báo cáo trước (python -m etl load).\n")
    assert not (tmp_path / "out").exists()


def test_an_incomplete_month_exits_3_naming_the_missing_units_unless_allowed(sample_db, tmp_path):
    out = _run(sample_db, "--period", "2023-10", "--out", str(tmp_path / "out"))
    assert out.returncode == 3
    assert out.stderr.startswith("Lỗi: Tháng 10/2023 chưa đủ báo cáo: 1/27 đơn vị chưa nộp (Huyện Hậu Lộc). Chưa tạo báo cáo;")
    assert not (tmp_path / "out").exists()
    allowed = _run(sample_db, "--period", "2023-10", "--out", str(tmp_path / "out"), "--allow-incomplete")
    assert allowed.returncode == 0
    assert allowed.stderr.startswith("Cảnh báo: Tháng 10/2023 chưa đủ báo cáo: 1/27 đơn vị chưa nộp (Huyện Hậu Lộc).")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["BaoCao_DA06_38_2023-10.docx", "BaoCao_DA06_38_2023-10_PhuLuc.xlsx"]


def test_an_unknown_unit_exits_2(sample_db, tmp_path):
    out = _run(sample_db, "--period", "2023-09", "--unit", "XYZ", "--out", str(tmp_path))
    assert out.returncode == 2
    assert out.stderr == "Lỗi: Mã đơn vị 'XYZ' không có trong danh mục đơn vị (data/reference/admin_units.csv).\n"


def test_appendices_ii_and_iii_load_back_through_the_intake_with_the_same_figures(sample_db, tmp_path):
    warehouse = tmp_path / "da06.duckdb"
    shutil.copyfile(sample_db, warehouse)
    wh = Warehouse(warehouse)
    try:
        gather(wh, dt.date(2023, 10, 1))
        raise AssertionError("October 2023 lacks one district's report")
    except IncompleteMonth as e:
        report = e.report
    wh.close()
    path = write_xlsx(report, tmp_path / "Phụ lục II III.xlsx", ("II", "III"))
    out = subprocess.run([sys.executable, "-m", "etl", "--warehouse", str(warehouse), "--raw", str(tmp_path / "raw"), "-q",
                          "load", str(path), "--dry-run"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout
    assert out.stdout.splitlines()[0].startswith("HỢP LỆ (chạy thử, chưa ghi): Phụ lục II III.xlsx 38 10/2023 — ")
    assert "LỖI" not in out.stdout
    checked = validate(read_workbook(path), catalogue())
    assert checked.errors == []
    back = {r["service_code"]: (r["total_dossiers"], r["online_dossiers"], r["on_time"], r["overdue"])
            for r in checked.records["services"]}
    def v(x):
        return None if x != x or x is None else int(x)
    want = {s["service_code"]: (v(s["total_dossiers"]), v(s["online_dossiers"]), v(s["on_time"]), v(s["overdue"]))
            for s in report.services.to_dict("records") if s["total_dossiers"] == s["total_dossiers"] or s["online_dossiers"] == s["online_dossiers"]}
    assert back == want
