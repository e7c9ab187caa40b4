"""Tasks follow the 2025 reform (issue 12): a department merged in March 2025 hands its tasks to
its default successor (unit_succession.csv, is_default=1), and the district level's tasks that
are still open pass to the communes on 1 July 2025 (level_succession.csv). One rule
(Catalogue.task_spans, read by tasks_for), written by the build to task_unit for the SQL side;
the templates, the validation, the obligations and the task tracker follow it."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io

import openpyxl
import pytest

from dashboard.db import Warehouse
from dashboard.queries import tasks
from etl.load import load_files
from etl.reference import catalogue
from etl.template import write_template
from tests.helpers import make_workbook, rows

LEVEL_TASKS = ["KH24-22.1", "KH24-22.2", "KH24-22.3", "KH24-22.4", "KH24-22.5", "KH24-22.6", "KH24-22.7"]
PASSING = ["KH24-22.1", "KH24-22.2", "KH24-22.3", "KH24-22.5", "KH24-22.6", "KH24-22.7"]  # not 22.4: one-off, due 2023-03-31
COMMUNE, DISTRICT = "14758", "395"


def test_a_merged_department_hands_its_tasks_to_its_default_successor():
    cat = catalogue()
    # Sở Tài chính (2025): its own predecessors' tasks — Sở Kế hoạch và Đầu tư's and the old Sở Tài chính's
    assert cat.tasks_for("38.STC2025", "2025-05") == ["KH24-4", "KH24-5.1", "KH24-5.2", "PL1-C-06", "PL1-C-14"]
    assert cat.tasks_for("38.SKHDT", "2025-02") == ["KH24-5.1", "KH24-5.2", "PL1-C-14"]
    assert cat.tasks_for("38.STC", "2025-02") == ["KH24-4", "PL1-C-06"]
    assert cat.tasks_for("38.SKHCN2025", "2025-05") == [c for c, t in cat.tasks.items()
                                                        if t["responsible_unit_code"] in ("38.STTTT", "38.SKHCN")]
    # Sở Lao động – TB&XH was divided: Sở Nội vụ (the default successor) carries its tasks from March 2025, Sở Y tế does not
    assert cat.tasks_for("38.SNV", "2025-02") == ["KH24-8.1", "KH24-8.2", "KH24-8.3", "PL1-C-05"]
    assert cat.tasks_for("38.SNV", "2025-05") == ["KH24-8.1", "KH24-8.2", "KH24-8.3", "KH24-11.1", "KH24-11.2", "KH24-11.3",
                                                  "PL1-C-05"]
    assert cat.tasks_for("38.SYT", "2025-05") == cat.tasks_for("38.SYT", "2025-02") == \
        ["KH24-9.1", "KH24-9.2", "KH24-9.3", "KH24-9.4", "KH24-9.5"]


def test_the_open_district_tasks_pass_to_the_communes_in_july_2025():
    cat = catalogue()
    assert cat.tasks_for(DISTRICT, "2025-05") == LEVEL_TASKS
    assert cat.tasks_for(COMMUNE, "2025-08") == PASSING
    assert [t for t in LEVEL_TASKS if t not in PASSING] == ["KH24-22.4"]
    assert (cat.tasks["KH24-22.4"]["recurring"], cat.tasks["KH24-22.4"]["deadline"]) == ("false", "2023-03-31")
    communes = cat.units_valid("2025-08", "commune")
    assert len(communes) == 166 and all(cat.tasks_for(c, "2025-08") == PASSING for c in communes)
    assert [r["task_rule"] for r in cat.level_succession] == ["open"]


def test_nobody_carries_a_task_outside_its_validity():
    cat = catalogue()
    assert (cat.tasks_for("38.SKHDT", "2025-03"), cat.tasks_for("38.STC2025", "2025-02"),
            cat.tasks_for(DISTRICT, "2025-07"), cat.tasks_for(COMMUNE, "2025-06"), cat.tasks_for("405", "2024-12")) == \
        ([], [], [], [], [])
    for month in ("2023-01", "2024-11", "2024-12", "2025-02", "2025-03", "2025-06", "2025-07", "2026-11"):
        carriers = [u for u in cat.units if cat.tasks_for(u, month)]
        assert carriers and all(cat.is_valid(u, month) for u in carriers), month


def test_the_level_rule_lets_recurring_and_still_due_tasks_pass():
    cat = catalogue()
    base = {**cat.tasks["KH24-22.4"], "responsible_level": "district"}
    tasks = {"one-off-2023": {**base, "recurring": "false", "deadline": "2023-03-31"},
             "one-off-2025-07": {**base, "recurring": "false", "deadline": "2025-07-01"},
             "one-off-2025-06": {**base, "recurring": "false", "deadline": "2025-06-30"},
             "no-deadline": {**base, "recurring": "false", "deadline": ""},
             "recurring-2023": {**base, "recurring": "true", "deadline": "2023-03-31"}}
    cat = dataclasses.replace(cat, tasks=tasks)
    assert cat.tasks_for(COMMUNE, "2025-07") == ["one-off-2025-07", "no-deadline", "recurring-2023"]
    assert cat.tasks_for(DISTRICT, "2025-06") == list(tasks)
    every = dataclasses.replace(cat, level_succession=tuple({**r, "task_rule": "all"} for r in cat.level_succession))
    assert every.tasks_for(COMMUNE, "2025-07") == list(tasks)


def test_the_warehouse_assignment_is_the_catalogues(empty_warehouse):
    cat = catalogue()
    for month in ("2024-11", "2025-02", "2025-03", "2025-06", "2025-07"):
        python = sorted((t, u) for u in cat.units for t in cat.tasks_for(u, month))
        sql = rows(empty_warehouse, "select task_code, unit_code from stg_task_units "
                                    "where valid_in(valid_from, valid_to, ?::date) order by 1, 2",
                   [dt.date.fromisoformat(month + "-01")])
        assert sql == python, month
    assert rows(empty_warehouse, "select task_code, valid_from, valid_to from stg_task_units "
                                 "where unit_code = '38.SNV' and task_code like 'KH24-11.%' order by 1") == [
        ("KH24-11.1", dt.date(2025, 3, 1), None), ("KH24-11.2", dt.date(2025, 3, 1), None),
        ("KH24-11.3", dt.date(2025, 3, 1), None)]


def _task_rows(unit: str, period: dt.date) -> list[str] | None:
    buf = io.BytesIO()
    write_template(buf, unit, period)
    wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()), read_only=True)
    if "Nhiệm vụ" not in wb.sheetnames:
        return None
    return [r[0] for r in wb["Nhiệm vụ"].iter_rows(min_row=7, max_col=1, values_only=True) if r[0]]


def test_templates_carry_the_task_sheet_of_the_month():
    assert _task_rows("38.STC2025", dt.date(2025, 5, 1)) == ["KH24-4", "KH24-5.1", "KH24-5.2", "PL1-C-06", "PL1-C-14"]
    assert _task_rows(COMMUNE, dt.date(2025, 8, 1)) == PASSING
    assert _task_rows(DISTRICT, dt.date(2025, 5, 1)) == LEVEL_TASKS
    assert _task_rows("38.SNV", dt.date(2024, 5, 1)) == ["KH24-8.1", "KH24-8.2", "KH24-8.3", "PL1-C-05"]


def test_the_successor_and_the_communes_are_expected_to_report_tasks(empty_warehouse):
    assert rows(empty_warehouse, "select unit_code from reporting_obligations where topic = 'tasks' "
                                 "and unit_code in ('38.STC2025', '38.SKHCN2025', '38.SNV', ?, ?) order by 1",
                [COMMUNE, DISTRICT]) == [(COMMUNE,), ("38.SKHCN2025",), ("38.SNV",), ("38.STC2025",), (DISTRICT,)]
    assert rows(empty_warehouse, """
        select u.unit_level, count(distinct o.unit_code) from reporting_obligations as o join units as u using (unit_code)
        where o.topic = 'tasks' and u.unit_level in ('district', 'commune') group by 1 order by 1""") == \
        [("commune", 166), ("district", 27)]


def _load(warehouse, tmp_path, specs, today=dt.date(2025, 9, 20)):
    files = [(make_workbook(tmp_path / f"f{i}.xlsx", unit, period, values), f"f{i}.xlsx")
             for i, (unit, period, values) in enumerate(specs)]
    return load_files(files, warehouse=warehouse, archive_root=tmp_path / "raw", today=today)


def test_a_predecessors_task_is_taken_from_the_successor_only_after_the_merger(empty_warehouse, tmp_path):
    """Sở Nội vụ's May 2025 workbook carries Sở Lao động – TB&XH's KH24-11.1; the same workbook
    relabelled May 2024 (before the merger) is refused on that row."""
    values = {"tasks": {"KH24-11.1": {"status": "done"}}}
    early = make_workbook(tmp_path / "early.xlsx", "38.SNV", dt.date(2025, 5, 1), values)
    wb = openpyxl.load_workbook(early)
    for ws in wb.worksheets[1:]:
        ws["B3"], ws["C3"] = "2024-05", "Tháng 5/2024"
    wb.save(early)
    late = make_workbook(tmp_path / "late.xlsx", "38.SNV", dt.date(2025, 5, 1), values)
    before, after = load_files([(early, "early.xlsx"), (late, "late.xlsx")], warehouse=empty_warehouse,
                               archive_root=tmp_path / "raw", today=dt.date(2025, 9, 20))
    assert (before.period, before.status, after.status) == (dt.date(2024, 5, 1), "rejected", "accepted")
    assert [i.message for i in before.errors] == [  # the three rows of the workbook of May 2025
        f"Nhiệm vụ {t} không giao cho đơn vị 38.SNV. Hãy xóa dòng này hoặc dùng biểu mẫu của đơn vị."
        for t in ("KH24-11.1", "KH24-11.2", "KH24-11.3")]


def test_the_tracker_shows_a_merged_departments_task_with_its_successors_status(empty_warehouse, tmp_path):
    results = _load(empty_warehouse, tmp_path, [
        ("38.SKHDT", dt.date(2025, 1, 1), {"tasks": {"KH24-5.1": {"status": "in_progress"}}}),
        ("38.STC2025", dt.date(2025, 4, 1), {"tasks": {"KH24-5.1": {"status": "done", "status_text": "Đã bố trí kinh phí"}}}),
    ])
    assert [r.status for r in results] == ["accepted", "accepted"]
    assert rows(empty_warehouse, """
        select period, status, status_period, units_reporting, units_expected, carrier_unit_code, responsible_unit_code
        from task_tracker where task_code = 'KH24-5.1' and period between date '2025-01-01' and date '2025-05-01'
        order by period""") == [
        (dt.date(2025, 1, 1), "in_progress", dt.date(2025, 1, 1), 1, 1, "38.SKHDT", "38.SKHDT"),
        (dt.date(2025, 2, 1), "in_progress", dt.date(2025, 1, 1), 1, 1, "38.SKHDT", "38.SKHDT"),
        (dt.date(2025, 3, 1), "in_progress", dt.date(2025, 1, 1), 1, 1, "38.STC2025", "38.SKHDT"),
        (dt.date(2025, 4, 1), "done", dt.date(2025, 4, 1), 1, 1, "38.STC2025", "38.SKHDT")]
    assert rows(empty_warehouse, "select period, status, status_text from task_status where task_code = 'KH24-5.1' "
                                 "and period >= date '2025-01-01' order by 1") == [
        (dt.date(2025, 1, 1), "in_progress", None), (dt.date(2025, 4, 1), "done", "Đã bố trí kinh phí")]
    # the Tasks page's agency filter: the successor's tasks of the month, by the unit the documents name
    wh = Warehouse(empty_warehouse)
    # (PL1-C-06 and PL1-C-14 carry the official statuses of September 2023; overdue first)
    assert tasks.tracker(wh, dt.date(2025, 4, 1), "38.STC2025")[["task_code", "responsible_unit_code", "status"]] \
        .values.tolist() == [["PL1-C-06", "38.STC", "in_progress"], ["KH24-4", "38.STC", "no_report"],
                             ["KH24-5.1", "38.SKHDT", "done"], ["KH24-5.2", "38.SKHDT", "no_report"],
                             ["PL1-C-14", "38.SKHDT", "done"]]
    assert tasks.tracker(wh, dt.date(2025, 2, 1), "38.STC2025").empty


def test_a_district_tasks_status_after_july_2025_is_over_the_communes(empty_warehouse, tmp_path):
    cat = catalogue()
    districts = cat.units_valid("2025-06", "district")
    communes = cat.units_valid("2025-08", "commune")
    done = {"tasks": {t: {"status": "done"} for t in LEVEL_TASKS}}
    results = _load(empty_warehouse, tmp_path, [(d, dt.date(2025, 6, 1), done) for d in districts] + [
        (communes[0], dt.date(2025, 7, 1), {"tasks": {t: {"status": "in_progress"} for t in PASSING}}),
        (communes[1], dt.date(2025, 8, 1), {"tasks": {t: {"status": "done"} for t in PASSING}}),
    ])
    assert {r.status for r in results} == {"accepted"}
    assert rows(empty_warehouse, """
        select period, task_code, status, status_period, units_reporting, units_done, units_expected, responsible_unit_name
        from task_tracker where task_code in ('KH24-22.1', 'KH24-22.4') and period >= date '2025-06-01'
        order by period, task_code""") == [
        (dt.date(2025, 6, 1), "KH24-22.1", "done", dt.date(2025, 6, 1), 26, 26, 26, "UBND cấp huyện"),
        (dt.date(2025, 6, 1), "KH24-22.4", "done", dt.date(2025, 6, 1), 26, 26, 26, "UBND cấp huyện"),
        (dt.date(2025, 7, 1), "KH24-22.1", "in_progress", dt.date(2025, 7, 1), 1, 0, 166, "UBND cấp xã"),
        (dt.date(2025, 7, 1), "KH24-22.4", "done", dt.date(2025, 6, 1), 26, 26, 0, "UBND cấp huyện"),
        (dt.date(2025, 8, 1), "KH24-22.1", "in_progress", dt.date(2025, 8, 1), 2, 1, 166, "UBND cấp xã"),
        (dt.date(2025, 8, 1), "KH24-22.4", "done", dt.date(2025, 6, 1), 26, 26, 0, "UBND cấp huyện")]


@pytest.mark.parametrize("unit, month", [("38.STC2025", "2025-03"), (COMMUNE, "2025-07")])
def test_the_sample_has_task_reports_from_the_new_carriers(con, unit, month):
    reported = con.execute("select distinct task_code from fact_task_status where unit_code = ? and period = ?::date "
                           "order by 1", [unit, month + "-01"]).fetchall()
    assert [r[0] for r in reported] == sorted(catalogue().tasks_for(unit, month))
