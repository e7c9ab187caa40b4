"""Appendix I of the generated workbook loads back through the project's own intake
(`python -m etl load --dry-run`) with no error and the same statuses.

Appendix I lists every unit's tasks, and a file is one unit's report (the intake takes a unit's
own tasks only), so the appendix goes back the way the working group's readers would send it:
each responsible unit's part of the generated sheet — its rows, its code in the sheet's
"Đơn vị:" cell, nothing else changed — as that unit's file. Every row of the appendix is in
exactly one part. The rows carry their task code, so two tasks sharing a name in two groups
(PL1-A-12 and PL1-B-04) are told apart."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from dashboard.db import Warehouse
from etl.read import read_workbook
from etl.reference import catalogue
from etl.report import IncompleteMonth, gather, write_xlsx
from etl.topics import STATUS_LABELS
from etl.validate import validate

ROOT = Path(__file__).resolve().parent.parent
JUNE = dt.date(2024, 6, 1)


def _report(path: Path, period: dt.date):
    wh = Warehouse(path)
    try:
        return gather(wh, period)
    except IncompleteMonth as e:
        return e.report
    finally:
        wh.close()


def _unit_part(workbook: Path, unit: str, owners: dict[str, str], out: Path) -> list[str]:
    """The responsible unit's part of Appendix I: the other sheets and the other units' task rows
    deleted, the unit's code and name in the 'Đơn vị:' cell. Returns the task codes kept."""
    wb = openpyxl.load_workbook(workbook)
    for name in wb.sheetnames:
        if name != "Phụ lục I":
            del wb[name]
    ws = wb["Phụ lục I"]
    unit_cell = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("Đơn vị:"))
    unit_cell.value = f"Đơn vị: {unit} - {catalogue().units[unit]['unit_name']}"
    kept = []
    for r in range(ws.max_row, 0, -1):
        code = ws.cell(r, 2).value
        if code in owners:
            if owners[code] == unit:
                kept.append(code)
            else:
                ws.delete_rows(r)
    wb.save(out)
    return sorted(kept)


def test_appendix_i_loads_back_per_responsible_unit_with_the_same_statuses(sample_db, tmp_path):
    warehouse = tmp_path / "da06.duckdb"
    shutil.copyfile(sample_db, warehouse)
    report = _report(warehouse, JUNE)
    path = write_xlsx(report, tmp_path / "BaoCao_DA06_38_2024-06_PhuLuc.xlsx")
    owners = {code: catalogue().tasks[code]["responsible_unit_code"] for code in report.tasks["task_code"]}
    assert len(owners) == 40 and "DISTRICTS" not in owners.values()
    want = {t["task_code"]: (t["status"], t["status_text"]) for t in report.tasks.to_dict("records")}
    back: dict[str, tuple] = {}
    parts = 0
    for unit in sorted(set(owners.values())):
        part = tmp_path / f"Phụ lục I {unit}.xlsx"
        kept = _unit_part(path, unit, owners, part)
        assert kept == sorted(c for c, u in owners.items() if u == unit)
        out = subprocess.run([sys.executable, "-m", "etl", "--warehouse", str(warehouse), "--raw", str(tmp_path / "raw"), "-q",
                              "load", str(part), "--dry-run"], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stdout + out.stderr
        assert out.stdout.splitlines()[0].startswith(f"HỢP LỆ (chạy thử, chưa ghi): {part.name} {unit} 06/2024 — "), out.stdout
        assert "LỖI" not in out.stdout, out.stdout
        checked = validate(read_workbook(part), catalogue())
        assert checked.errors == [] and checked.unit_code == unit
        for rec in checked.records["tasks"]:
            assert rec["task_code"] not in back
            back[rec["task_code"]] = (rec["status"], rec["status_text"])
        parts += 1
    assert parts == len(set(owners.values())) > 1
    # every reported status comes back as it stands in the report; none is left out
    assert back == {code: v for code, v in want.items() if v[0] in STATUS_LABELS}
    assert {"PL1-A-12", "PL1-B-04"} <= set(back)  # the two tasks that share a name


def test_a_task_nobody_reported_has_an_empty_status_the_intake_reads_as_not_reported(sample_db, tmp_path):
    """Before the official month the province's own tasks (PL1-A, PL1-B) have no report: the
    sheet leaves their status empty and says so in the result column, so the intake reads them
    as not reported (a file of them alone has nothing to load), never as a wrong status."""
    report = _report(sample_db, dt.date(2023, 6, 1))
    silent = set(report.tasks.loc[report.tasks["status"] == "no_report", "task_code"])
    assert silent == {f"PL1-A-{i:02d}" for i in range(1, 19)} | {f"PL1-B-{i:02d}" for i in range(1, 9)}
    path = write_xlsx(report, tmp_path / "PhuLuc.xlsx", ("I",))
    ws = openpyxl.load_workbook(path)["Phụ lục I"]
    rows = {r[1]: r for r in ws.iter_rows(values_only=True) if r[1] in report.tasks["task_code"].values}
    assert len(rows) == 40
    assert all(rows[c][4] is None and rows[c][5] == "Chưa có báo cáo" for c in silent)
    assert all(rows[c][4] in STATUS_LABELS.values() for c in set(rows) - silent)
    owners = {code: catalogue().tasks[code]["responsible_unit_code"] for code in report.tasks["task_code"]}
    part = tmp_path / "Phụ lục I 38.xlsx"
    assert _unit_part(path, "38", owners, part) == sorted(silent)
    checked = validate(read_workbook(part), catalogue(), today=dt.date(2023, 7, 10))
    assert [i.message for i in checked.issues] == [
        "Tệp không có dòng số liệu nào để nạp. Hãy điền số liệu vào biểu mẫu rồi nộp lại."]


@pytest.mark.parametrize("code,other", [("PL1-B-04", "PL1-A-12"), ("PL1-B-01", "PL1-A-03"), ("PL1-B-07", "PL1-A-13")])
def test_a_task_code_with_the_name_it_shares_with_another_task_is_read_as_that_code(code, other, tmp_path):
    """The catalogue repeats a task in two groups under the same name: the name cannot tell
    them apart, so it does not contradict the code; a name of a different task still does."""
    from etl.template import write_template
    from etl.text import fold

    cat = catalogue()
    assert fold(cat.tasks[code]["task_name"]) == fold(cat.tasks[other]["task_name"])
    path = write_template(tmp_path / "38.xlsx", "38", JUNE, {"tasks": {code: {"status": "done", "status_text": "Đã xong"}}},
                          sample=True)
    checked = validate(read_workbook(path), cat, today=dt.date(2024, 7, 10))
    assert checked.errors == []
    assert [(r["task_code"], r["status"]) for r in checked.records["tasks"] if r["status"]] == [(code, "done")]

    wb = openpyxl.load_workbook(path)
    ws = wb[next(n for n in wb.sheetnames if n.startswith("Nhiệm vụ"))]
    row = next(row for row in ws.iter_rows() if any(c.value == code for c in row))
    cell = next(c for c in row if c.value == cat.tasks[code]["task_name"])
    cell.value = cat.tasks["PL1-A-01"]["task_name"]
    wb.save(path)
    checked = validate(read_workbook(path), cat, today=dt.date(2024, 7, 10))
    assert [i.message.split(" (ô")[0] for i in checked.errors] == [
        f"Mã {code} và tên '{cat.tasks['PL1-A-01']['task_name'][:39]}…'"]
