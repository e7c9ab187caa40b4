"""Nhiệm vụ: the status of each programme task a unit is responsible for."""
from __future__ import annotations

import datetime as dt

from etl.sampling import rng
from etl.topics.base import Column, Fact, Items, Official, Sample, Topic
from etl.definitions import TASK_STATUS_LABELS

SOURCE = "varchar not null check (source in ('official', 'sample', 'submitted'))"

# Status wording in Vietnamese, as the template's drop-down offers it (the first of each).
STATUS_LABELS = TASK_STATUS_LABELS  # the one source of the status words: etl.definitions
STATUS_ALIASES = {
    "done": ("Đã hoàn thành", "Hoàn thành", "Đã xong", "Xong"),
    "in_progress": ("Đang thực hiện", "Đang triển khai", "Đang triển khai thực hiện", "Chưa hoàn thành"),
    "not_started": ("Chưa thực hiện", "Chưa triển khai", "Chưa bắt đầu"),
}


def _reference(model) -> dict[str, str]:
    """The official statuses of the official month: a sample plan never contradicts them."""
    return {r["task_code"]: r["status"] for r in model.read_csv(TOPIC.official.csv)}


def _plan(model, official: dict[str, str], unit: str, task_code: str) -> tuple[int, int]:
    """(start k, done k) months relative to the official month; done k may lie beyond the sample."""
    t = model.cat.tasks[task_code]
    r = rng("task", model.seed, unit, task_code)
    if t["deadline"]:
        dl = dt.date.fromisoformat(t["deadline"])
        dk = model.k(dt.date(dl.year, dl.month, 1))
        u = r.random()
        done = dk - int(r.integers(0, 3)) if u < 0.7 else (dk + int(r.integers(1, 5)) if u < 0.92 else 99)
    else:
        done = int(r.integers(-7, 4))
    status = official.get(task_code)
    if status == "done":
        done = min(done, 0)
    elif status in ("in_progress", "not_started"):
        done = max(done, int(r.integers(1, 6)))
    start = min(done - 1, -8 + int(r.integers(0, 4)))
    if status == "not_started":
        start = max(start, 1)
    return start, done


def _taken_over(model, unit: str, code: str) -> tuple[int, int]:
    """(start k, done k) of a level's task that passed to the unit's level (the communes from
    July 2025): the unit starts on it in its first month or a few months later and most finish
    within a year; some not within the sample."""
    r = rng("task-taken-over", model.seed, unit, code)
    first = model.units.first.get(unit)
    k0 = model.k(first) if first else 0
    start = k0 + (0 if r.random() < 0.6 else int(r.integers(1, 4)))
    done = start + int(r.integers(1, 12)) if r.random() < 0.85 else 99
    return start, done


def _values(model, official: dict, unit: str, m) -> dict[str, dict]:
    """The unit's status of each task it carries in the month: a task named to a unit follows
    that unit's plan, so a successor (by default succession) continues its predecessor's; a task
    of a level follows the unit's own plan, started afresh when the task passed to its level."""
    k = model.k(m)
    level = model.cat.unit(unit, m)["unit_level"]
    out = {}
    for code in model.cat.tasks_for(unit, m):
        t = model.cat.tasks[code]
        if t["responsible_level"] and t["responsible_level"] != level:
            start, done = _taken_over(model, unit, code)
        else:
            start, done = _plan(model, official, t["responsible_unit_code"] or unit, code)
        st = "done" if k >= done else ("in_progress" if k >= start else "not_started")
        text = {"done": "Đã hoàn thành", "in_progress": "Đang triển khai thực hiện", "not_started": "Chưa triển khai"}[st]
        out[code] = {"status": st, "status_text": text + " (dữ liệu mẫu)"}
    return out


TOPIC = Topic(
    key="tasks",
    guidance="chọn trạng thái trong danh sách (Đã hoàn thành / Đang thực hiện / Chưa thực hiện) và ghi kết quả thực hiện.",
    sheet="Nhiệm vụ",
    sheet_aliases=("Nhiem vu", "Phụ lục I", "Tiến độ nhiệm vụ"),
    title="TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ ĐỀ ÁN 06",
    columns=(
        Column("task_code", ("Mã nhiệm vụ", "Mã NV", "Mã"), "code", width=12),
        Column("task_name", ("Nội dung nhiệm vụ", "Nhiệm vụ được giao", "Nhiệm vụ"), "name", width=60),
        Column("deadline_text", ("Thời hạn", "Thời hạn hoàn thành"), "label", width=16),
        Column("status", ("Trạng thái", "Tình trạng"), "status", width=18,
               choices=tuple((k, STATUS_ALIASES[k]) for k in STATUS_LABELS)),
        Column("status_text", ("Kết quả thực hiện", "Kết quả", "Ghi chú"), "text", width=40),
    ),
    items=Items("task_code", "task_name", lambda cat: cat.tasks, for_unit=lambda cat, unit, period=None: cat.tasks_for(unit, period),
                not_for_unit="Nhiệm vụ {code} không giao cho đơn vị {unit}. Hãy xóa dòng này hoặc dùng biểu mẫu của đơn vị.",
                notes="notes"),
    fact=Fact("fact_task_status", (
        ("period", "date not null"), ("task_code", "varchar not null"), ("unit_code", "varchar not null"),
        ("status", "varchar not null check (status in ('done', 'in_progress', 'not_started'))"), ("status_text", "varchar"),
        ("source", SOURCE), ("submission_id", "varchar"),
    ), key=("period", "task_code", "unit_code")),
    required=(("task_code", "task_name"), ("status",)),
    levels=None,
    assigned_only=True,
    every_row=True,
    blank_message="{n} nhiệm vụ chưa chọn trạng thái nên chưa được cập nhật tiến độ. Hãy chọn trạng thái nếu đơn vị đã có kết quả.",
    marts=(("task_tracker", "calendar"),),
    official=Official("official_task_status_2023_09.csv"),
    sample=Sample(values=_values, reference=_reference),
)
