"""Reference data (units, services, datasets, tasks) read from data/reference/*.csv.

Units over time (the catalogue API others build on)
---------------------------------------------------
The units are the configured province's tree, read from data/reference/admin_units.csv (derived
by `python -m etl reference units`): the province's row(s), its districts, its communes after
the 2025 reform, its agencies. A unit code may have several rows, one per validity interval
(valid_from / valid_to, inclusive dates; blank = open). data/reference/units.csv, the 2023 list
that the derivation starts from, adds its `communes` and `code_source` columns where it names
the unit. unit_succession.csv gives, for an ended unit, its successors (kind, weight, default).

A unit is *valid in a month* when it is valid on the month's last day (figures are as at the
month's end): Huyện Đông Sơn (valid to 2024-11-30) is valid in 2024-11, not in 2024-12; the
districts (valid to 2025-06-30) are valid in 2025-06; the communes (from 2025-07-01) from 2025-07.
The SQL side applies the same rule with the macro `valid_in` (sql/macros/valid_in.sql).

Periods are 'YYYY-MM' text, 'YYYY-MM-DD' or a date (any day of the month).

    cat = catalogue()
    cat.units                      {code: row} — a unit's latest row (labels; membership)
    cat.unit_rows                  every (unit, validity interval) row
    cat.level(code)                'province' | 'district' | 'commune' | 'agency' | None
    cat.unit(code, period=None)    the row valid in the month (None if the unit is not valid
                                   then); without a period, the latest row
    cat.is_valid(code, period)     True when the unit is valid in the month
    cat.units_valid(period, level=None)   codes valid in the month, directly under the province
                                   (or the province itself for level='province'), sorted
    cat.successors(code)           [(to_code, effective_date, kind, weight, is_default)] default first
    cat.predecessors(code)         [(from_code, effective_date, kind, weight)]
    cat.former_district(code)      the former district (khu vực huyện cũ) of a commune, a district's
                                   own code (a district merged before the reform: the district it
                                   merged into), None for the province and agencies
    cat.validity_problem(code, period)  None, or the Vietnamese message refusing a file or template
                                   for a unit outside its validity (naming successors / predecessors)
    cat.ended(code, today)         the unit's last valid day if before `today` (an ended unit), else None
    cat.topics_for(code, period=None) the sheets of the unit's workbook (in the month)
    cat.tasks_for(code, period=None)  the tasks a unit carries out (in a month: none unless the unit
                                   is valid in it; see Tasks below); without a period, every task it
                                   carries at some time
    cat.task_spans()               {(task, unit): [(from, to)]} who carries which task when (the rule)

    cat.districts(prov) / cat.agencies(prov)  every district / agency that ever was under the province

A row is a dict: unit_code, unit_name, unit_level, unit_type, parent_code ('' for the province),
valid_from / valid_to (datetime.date or None), former_district_code, lat, lon, area_km2 (float or
None), communes, code_source (units.csv's, '' where it has none), source.

In the warehouse: dim_unit / dim_unit_succession (the same rows), the public views `units` and
`unit_succession`, stg_unit_validity (one row per unit and interval), the macros
valid_in(valid_from, valid_to, period) and unit_valid_between(code, first, last), and
former_district_monthly (one trend per former district across July 2025).

Tasks: tasks.csv names the responsible unit (responsible_unit_code) or a level
(responsible_level: 'district' reads "UBND cấp huyện", 'commune' "UBND cấp xã") for a task every
unit of that level valid in the month carries out; cooperating_unit_codes / cooperating_levels
likewise. Who carries a task follows the 2025 reform (Catalogue.task_spans, the one rule; the
build writes it to the warehouse as task_unit, one row per task, unit and span):
  * a unit carries the tasks named to it, while it is valid;
  * a unit carries the tasks named to the units it succeeds by default succession
    (unit_succession.csv, is_default=1, followed transitively), from the effective date on and
    while it is valid: Sở Tài chính (38.STC2025) those of Sở Kế hoạch và Đầu tư and the old Sở
    Tài chính from 2025-03, Sở Nội vụ those of Sở Lao động – Thương binh và Xã hội (its default
    successor; Sở Y tế, a successor for some sectors only, does not);
  * a task of a level applies to the units of that level under the province valid in the month;
    level_succession.csv (from_level, to_level, effective_date, task_rule, source) passes the
    level's tasks to another level on a date: the from-level carries them until the day before,
    the to-level from that day — the tasks the rule lets pass. task_rule 'open': a task passes
    when it is recurring, or its deadline is blank or on/after the change (a one-off task due in
    2023 does not reopen for the communes); 'all': every task. From 2025-07-01 the district
    level's tasks pass to the communes (Luật Tổ chức chính quyền địa phương số 72/2025/QH15).
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from etl.config import REFERENCE_DIR, settings
from etl.periods import add_months, parse_period, period_label
from etl.topics import TOPICS



def read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def month_end(period) -> dt.date:
    """The last day of the month of `period` ('YYYY-MM', 'YYYY-MM-DD' or a date)."""
    p = parse_period(period)
    if p is None:
        raise ValueError(f"not a month: {period!r}")
    return add_months(p, 1) - dt.timedelta(days=1)


def _date(v: str) -> dt.date | None:
    return dt.date.fromisoformat(v) if v else None


def row_valid_in(row: dict, period) -> bool:
    """A unit's row is valid in a month when it is valid on the month's last day."""
    end = month_end(period)
    return (row["valid_from"] is None or row["valid_from"] <= end) and (row["valid_to"] is None or row["valid_to"] >= end)


def _task_open(task: dict, effective: dt.date) -> bool:
    """A task still open at a change: recurring, or its deadline blank or on/after the change."""
    return task.get("recurring") == "true" or not task.get("deadline") or dt.date.fromisoformat(task["deadline"]) >= effective


# level_succession.csv task_rule: which of a level's tasks pass to the next level
TASK_RULES = {"open": _task_open, "all": lambda task, effective: True}


@dataclass(frozen=True)
class Catalogue:
    units: dict[str, dict]
    services: dict[str, dict]
    datasets: dict[str, dict]
    tasks: dict[str, dict]
    unit_rows: tuple[dict, ...] = ()
    succession: tuple[dict, ...] = ()
    level_succession: tuple[dict, ...] = ()
    _rows_by_code: dict[str, list[dict]] = field(default_factory=dict, compare=False, repr=False)
    _task_cache: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self):
        by_code: dict[str, list[dict]] = {}
        for r in self.unit_rows or tuple(self.units.values()):
            by_code.setdefault(r["unit_code"], []).append(r)
        for rows in by_code.values():
            rows.sort(key=lambda r: r.get("valid_from") or dt.date.min)
        self._rows_by_code.update(by_code)

    def level(self, unit_code: str) -> str | None:
        u = self.units.get(unit_code)
        return u["unit_level"] if u else None

    def unit(self, unit_code: str, period=None) -> dict | None:
        rows = self._rows_by_code.get(unit_code, [])
        if period is None:
            return rows[-1] if rows else None
        return next((r for r in rows if row_valid_in(r, period)), None)

    def is_valid(self, unit_code: str, period) -> bool:
        return self.unit(unit_code, period) is not None

    def units_valid(self, period, level: str | None = None) -> list[str]:
        """The codes of the units valid in the month: the province's own row(s) for level
        'province', else the units directly under the province (all levels when level is None,
        the province left out)."""
        prov = settings().province_code
        out = set()
        for r in self.unit_rows or tuple(self.units.values()):
            if not row_valid_in(r, period):
                continue
            if level == "province":
                if r["unit_code"] == prov:
                    out.add(r["unit_code"])
            elif r["parent_code"] == prov and (level is None or r["unit_level"] == level):
                out.add(r["unit_code"])
        return sorted(out)

    def successors(self, unit_code: str) -> list[tuple[str, dt.date, str, float, bool]]:
        out = [(s["to_unit_code"], s["effective_date"], s["kind"], s["weight"], s["is_default"])
               for s in self.succession if s["from_unit_code"] == unit_code]
        return sorted(out, key=lambda t: (t[1], not t[4], t[0]))

    def predecessors(self, unit_code: str) -> list[tuple[str, dt.date, str, float]]:
        out = [(s["from_unit_code"], s["effective_date"], s["kind"], s["weight"])
               for s in self.succession if s["to_unit_code"] == unit_code]
        return sorted(out, key=lambda t: (t[1], t[0]))

    def former_district(self, unit_code: str) -> str | None:
        u = self.unit(unit_code)
        return u.get("former_district_code") if u else None

    def ended(self, unit_code: str, today: dt.date) -> dt.date | None:
        """The last day of the unit's validity when that is before `today` (the unit has ended:
        an account bound to it keeps no new rights), else None."""
        rows = self._rows_by_code.get(unit_code, [])
        if not rows or any(r["valid_to"] is None for r in rows):
            return None
        last = max(r["valid_to"] for r in rows)
        return last if last < today else None

    def unit_label(self, unit_code: str) -> str:
        u = self.unit(unit_code)
        return f"{unit_code} - {u['unit_name']}" if u else unit_code

    def _listed(self, codes: list[str], most: int = 8) -> str:
        shown = [self.unit_label(c) for c in codes[:most]]
        more = len(codes) - len(shown)
        return ", ".join(shown) + (f" và {more} đơn vị khác" if more > 0 else "")

    def validity_problem(self, unit_code: str, period) -> str | None:
        """None when the unit is valid in the month; else a Vietnamese message for the person who
        sent a file (or asked for a template) for it: what, and which unit to report for instead —
        the successors of an ended unit (largest share first), the predecessors of a unit not yet
        formed."""
        rows = self._rows_by_code.get(unit_code, [])
        if not rows or self.is_valid(unit_code, period):
            return None
        end, name, month = month_end(period), rows[-1]["unit_name"], period_label(parse_period(period)).lower()
        if all(r["valid_to"] is not None and r["valid_to"] < end for r in rows):
            ended = max(r["valid_to"] for r in rows)
            succ = [t[0] for t in sorted(self.successors(unit_code), key=lambda t: (-t[3], t[0]))]
            return (f"Đơn vị {unit_code} - {name} đã thôi hoạt động từ ngày {ended + dt.timedelta(days=1):%d/%m/%Y}: "
                    f"không nhận báo cáo {month} của đơn vị này. "
                    + (f"Đơn vị kế thừa: {self._listed(succ)}. Hãy nộp báo cáo cho đơn vị kế thừa (biểu mẫu của đơn vị đó; "
                       "tài khoản gắn với đơn vị đã thôi hoạt động cần quản trị viên gắn lại) hoặc sửa kỳ báo cáo."
                       if succ else "Hãy sửa kỳ báo cáo."))
        if all(r["valid_from"] is not None and r["valid_from"] > end for r in rows):
            start = min(r["valid_from"] for r in rows)
            pred = sorted({p[0] for p in self.predecessors(unit_code)})
            return (f"Đơn vị {unit_code} - {name} hoạt động từ ngày {start:%d/%m/%Y}: chưa có ở {month}. "
                    + (f"Trước đó địa bàn này thuộc: {self._listed(pred)}. Hãy sửa kỳ báo cáo, hoặc nộp báo cáo {month} "
                       "cho đơn vị trước đó." if pred else "Hãy sửa kỳ báo cáo."))
        return f"Đơn vị {unit_code} - {name} không hoạt động trong {month}. Hãy sửa kỳ báo cáo hoặc đơn vị."

    def districts(self, province_code: str) -> list[str]:
        """Every district that ever was under the province (2023 on), whatever its validity."""
        return [c for c, u in self.units.items() if u["unit_level"] == "district" and u["parent_code"] == province_code]

    def agencies(self, province_code: str) -> list[str]:
        return [c for c, u in self.units.items() if u["unit_level"] == "agency" and u["parent_code"] == province_code]

    def task_spans(self) -> dict[tuple[str, str], list[tuple[dt.date | None, dt.date | None]]]:
        """Who carries which task when — the one assignment rule (see the module's Tasks): for
        each (task, unit), the spans (inclusive dates, None = open) in which the unit carries the
        task, each within one of the unit's validity rows. Computed once per catalogue."""
        if "spans" in self._task_cache:
            return self._task_cache["spans"]
        prov = settings().province_code
        rows = self.unit_rows or tuple(self.units.values())
        out: dict[tuple[str, str], list] = {}

        def add(task: str, row: dict, lo, hi) -> None:
            a = max((d for d in (lo, row["valid_from"]) if d), default=None)
            b = min((d for d in (hi, row["valid_to"]) if d), default=None)
            if a is None or b is None or a <= b:
                spans = out.setdefault((task, row["unit_code"]), [])
                if (a, b) not in spans:
                    spans.append((a, b))

        for code, t in self.tasks.items():
            named = t.get("responsible_unit_code") or ""
            if named:  # the named unit, then its default successors from their effective dates
                todo, seen = [(named, None)], set()
                while todo:
                    unit, since = todo.pop()
                    if unit in seen:
                        continue
                    seen.add(unit)
                    for r in self._rows_by_code.get(unit, []):
                        add(code, r, since, None)
                    for to, eff, _kind, _w, default in self.successors(unit):
                        if default:
                            todo.append((to, max((d for d in (since, eff) if d), default=None)))
            if t.get("responsible_level"):  # a level, then the levels its tasks pass to
                todo, seen = [(t["responsible_level"], None)], set()
                while todo:
                    level, since = todo.pop()
                    if level in seen:
                        continue
                    seen.add(level)
                    until = None
                    for ls in self.level_succession:
                        if ls["from_level"] == level and (since is None or ls["effective_date"] > since):
                            until = ls["effective_date"] - dt.timedelta(days=1)
                            if TASK_RULES[ls["task_rule"]](t, ls["effective_date"]):
                                todo.append((ls["to_level"], ls["effective_date"]))
                            break
                    for r in rows:
                        if r["unit_level"] == level and r["parent_code"] == prov:
                            add(code, r, since, until)
        self._task_cache["spans"] = out
        by_unit: dict[str, list] = {}
        for (task, unit), spans in out.items():
            by_unit.setdefault(unit, []).extend((task, a, b) for a, b in spans)
        order = {c: i for i, c in enumerate(self.tasks)}
        for spans in by_unit.values():
            spans.sort(key=lambda s: order[s[0]])
        self._task_cache["by_unit"] = by_unit
        return out

    def tasks_for(self, unit_code: str, period=None) -> list[str]:
        """The tasks the unit carries out (task_spans, the one rule; the build writes it to the
        warehouse as task_unit for the SQL side), in the catalogue's order: in a month
        (`period`), the tasks it carries on the month's last day (none unless the unit is valid
        then); without a period, every task it carries at some time."""
        self.task_spans()
        spans = self._task_cache["by_unit"].get(unit_code, [])
        if period is not None:
            end = month_end(period)
            spans = [s for s in spans if (s[1] is None or s[1] <= end) and (s[2] is None or end <= s[2])]
        return list(dict.fromkeys(s[0] for s in spans))

    def topics_for(self, unit_code: str, period=None) -> list[str]:
        """Which sheets a unit's monthly workbook carries: the topics whose levels include the
        unit's (and that give it rows in the month, for a topic reported only where assigned;
        without a period, rows at some time)."""
        return [key for key, t in TOPICS.items() if t.reported_by(self, unit_code, period)]


def _former_districts(rows: list[dict], succession: list[dict]) -> None:
    """Fill each row's former_district_code: a commune's comes from admin_units.csv (the district
    most of its former communes came from, see the README); a district's is its own code, or for
    a district merged into another before the reform, that district's (following the default
    successors); the province and agencies have none."""
    default_next = {s["from_unit_code"]: s["to_unit_code"] for s in succession
                    if s["is_default"] and s["from_unit_level"] == "district" and s["to_unit_level"] == "district"}
    for r in rows:
        if r["unit_level"] == "district":
            code, seen = r["unit_code"], set()
            while code in default_next and code not in seen:
                seen.add(code)
                code = default_next[code]
            r["former_district_code"] = code
        elif r["unit_level"] != "commune":
            r["former_district_code"] = None
        else:
            r["former_district_code"] = r["former_district_code"] or None


def province_units(province_code: str) -> tuple[list[dict], list[dict]]:
    """The province's tree from admin_units.csv (one row per unit and validity interval, typed:
    dates, floats, None for blanks), with units.csv's extra columns; and the succession rows
    between its units (a row counts when its 'from' unit ends the day before the change, so a
    pre-reform commune that shares a code with a new one is not taken for it)."""
    extra = {r["unit_code"]: r for r in read_csv("units.csv")}
    rows = []
    for r in read_csv("admin_units.csv"):
        if r["unit_code"] != province_code and r["parent_code"] != province_code:
            continue
        e = extra.get(r["unit_code"], {})
        rows.append({
            **{k: (v if v != "" else None) for k, v in r.items()},
            "parent_code": r["parent_code"],
            "valid_from": _date(r["valid_from"]), "valid_to": _date(r["valid_to"]),
            "lat": float(r["lat"]) if r["lat"] else None, "lon": float(r["lon"]) if r["lon"] else None,
            "area_km2": float(r["area_km2"]) if r["area_km2"] else None,
            "communes": e.get("communes", ""), "code_source": e.get("code_source", ""),
        })
    ends = {(r["unit_code"], r["unit_level"]): r["valid_to"] for r in rows if r["valid_to"]}
    codes = {r["unit_code"] for r in rows}
    succession = []
    for s in read_csv("unit_succession.csv"):
        eff = _date(s["effective_date"])
        end = ends.get((s["from_unit_code"], s["from_unit_level"]))
        if end is None or end != eff - dt.timedelta(days=1) or s["to_unit_code"] not in codes:
            continue
        succession.append({**s, "effective_date": eff, "weight": float(s["weight"]), "is_default": s["is_default"] == "1",
                           "sectors": s["sectors"] or None})
    _former_districts(rows, succession)
    for code in codes:
        spans = sorted(((r["valid_from"] or dt.date.min), (r["valid_to"] or dt.date.max)) for r in rows if r["unit_code"] == code)
        if any(b[0] <= a[1] for a, b in zip(spans, spans[1:])):
            raise ValueError(f"admin_units.csv: the validity intervals of unit {code} overlap")
    return rows, succession


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    rows, succession = province_units(settings().province_code)
    units: dict[str, dict] = {}
    for r in sorted(rows, key=lambda r: r["valid_from"] or dt.date.min):
        units[r["unit_code"]] = r  # the latest row
    services = {r["service_code"]: r for r in read_csv("services.csv")}
    datasets = {r["dataset_code"]: r for r in read_csv("datasets.csv")}
    tasks = {r["task_code"]: r for r in read_csv("tasks.csv")} if (REFERENCE_DIR / "tasks.csv").exists() else {}
    return Catalogue(units, services, datasets, tasks, tuple(rows), tuple(succession), level_succession())


def level_succession() -> tuple[dict, ...]:
    """data/reference/level_succession.csv: a level whose tasks pass to another on a date (typed;
    sorted by date). An unknown task_rule is refused."""
    if not (REFERENCE_DIR / "level_succession.csv").exists():
        return ()
    out = []
    for r in read_csv("level_succession.csv"):
        if r["task_rule"] not in TASK_RULES:
            raise ValueError(f"level_succession.csv: task_rule {r['task_rule']!r} is not one of {sorted(TASK_RULES)}")
        out.append({**r, "effective_date": _date(r["effective_date"])})
    return tuple(sorted(out, key=lambda r: r["effective_date"]))


def official_rows(topic) -> list[dict[str, str]]:
    """The rows of a topic's official figures (data/reference/<topic.official.csv>), each with its
    unit (the province unless the file names one) and month (the official month unless the file
    gives one per row, as 'YYYY-MM-DD')."""
    if topic.official is None or not (REFERENCE_DIR / topic.official.csv).exists():
        return []
    s = settings()
    return [{**r, "unit_code": r.get("unit_code") or s.province_code, "period": (r.get("period") or s.official_period)[:7]}
            for r in read_csv(topic.official.csv)]


@lru_cache(maxsize=1)
def official_keys() -> frozenset[tuple[str, str, str]]:
    """(topic, unit_code, 'YYYY-MM') that the official report covers (data/reference/official_*):
    a submitted file never overwrites them."""
    return frozenset((key, r["unit_code"], r["period"]) for key, t in TOPICS.items() for r in official_rows(t))
