"""Tasks assigned to a level (tasks.csv responsible_level: "UBND cấp huyện", later "UBND cấp xã")
apply to the units of that level valid in the month: one rule (Catalogue.tasks_for), the same in
the warehouse (task_unit, stg_task_units with valid_in)."""
import dataclasses
import datetime as dt

from etl.reference import catalogue
from tests.helpers import rows

LEVEL_TASKS = ["KH24-22.1", "KH24-22.2", "KH24-22.3", "KH24-22.4", "KH24-22.5", "KH24-22.6", "KH24-22.7"]


def test_district_tasks_apply_to_the_districts_valid_in_the_month(empty_warehouse):
    cat = catalogue()
    assert sorted(c for c, t in cat.tasks.items() if t["responsible_level"] == "district") == LEVEL_TASKS
    assert cat.tasks_for("395") == LEVEL_TASKS and cat.tasks_for("395", "2025-06") == LEVEL_TASKS
    assert cat.tasks_for("395", "2025-07") == [] and cat.tasks_for("405", "2024-12") == []
    for month in ("2024-11", "2024-12", "2025-06", "2025-07"):
        python = sorted((t, u) for u in cat.units_valid(month) for t in cat.tasks_for(u, month) if t in LEVEL_TASKS)
        sql = rows(empty_warehouse, """
            select a.task_code, a.unit_code from stg_task_units as a join stg_tasks as t using (task_code)
            where t.responsible_level is not null and valid_in(a.valid_from, a.valid_to, ?::date)
            order by 1, 2""", [dt.date.fromisoformat(month + "-01")])
        assert sql == python
        # from July 2025 the six district tasks still open pass to the 166 communes (level_succession.csv)
        assert len(sql) == {"2024-11": 27 * 7, "2024-12": 26 * 7, "2025-06": 26 * 7, "2025-07": 166 * 6}[month]


def test_a_commune_level_task_applies_to_the_communes_from_july_2025():
    cat = catalogue()
    task = {**cat.tasks["KH24-22.1"], "task_code": "X-1", "responsible_level": "commune"}
    cat = dataclasses.replace(cat, tasks={"X-1": task})
    assert (cat.tasks_for("15499", "2025-06"), cat.tasks_for("15499", "2025-07"), cat.tasks_for("395", "2025-06")) == \
        ([], ["X-1"], [])
    assert len([u for u in cat.units_valid("2025-07") if cat.tasks_for(u, "2025-07")]) == 166


def test_a_level_task_names_who_carries_it_out(empty_warehouse):
    assert rows(empty_warehouse, "select distinct task_code, responsible_unit_code, responsible_level, responsible_unit_name "
                                 "from task_tracker where task_code in ('KH24-22.1', 'KH24-1.1') order by 1") == [
        ("KH24-1.1", "38.CA", None, "Công an tỉnh"),
        ("KH24-22.1", None, "district", "UBND cấp huyện")]
