"""What a submission topic is: the one shape every registry entry (etl/topics/<topic>.py) fills in.

A topic says, as data: its sheet and the sheet names it also answers to; its columns with their
Vietnamese headers; where its rows come from (the catalogue a row's code is looked up in, and
which codes a unit reports); its fact table and keys; the columns a sheet needs; its rules (one
row, or rows against each other), each with its message; flow or stock per measure; which unit
levels report it; the marts it feeds and how much of them a load refreshes; the checks against
the unit's history; the official figures it has; how the sample writes it.

etl.validate, etl.load, etl.build, etl.marts, etl.template, etl.sample and etl.reference loop
over the registry (etl.topics.TOPICS); none of them names a topic.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from etl.issues import Issue
from etl.numbers import format_count
from etl.periods import add_months, period_label

# Rows a topic's checks read: rec is a validated record ('_row', '_sheet', '_refs' and the
# column keys), ref(key) the cell of a column in the record's row.


@dataclass(frozen=True)
class Column:
    key: str
    headers: tuple[str, ...]  # the template writes the first; the reader accepts any
    kind: str  # 'code' | 'name' | 'count' | 'rate' | 'text' | 'status' | 'label' (locked, from the catalogue)
    required: bool = False
    width: int = 14
    label: str | None = None  # the figure's name in messages (default: the first header)
    unit_label: str | None = None  # 'hồ sơ', 'người' …
    stock: bool = False  # a stock: the latest count holds, months never add up
    cumulative: bool = False  # a stock that only grows: a fall is an error unless the row's note explains it
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()  # kind 'status': (value, (label, aliases…))

    @property
    def name(self) -> str:
        return self.label or self.headers[0]


@dataclass(frozen=True)
class Items:
    """Where a topic's rows come from. `table(cat)` is every code the topic knows (code -> the
    catalogue row, which holds the name under `name` and the locked 'label' columns under their
    keys); `for_unit(cat, unit, period)` the codes one unit reports (the template's rows; None:
    all) — in the month `period`, or at some time when it is None;
    `not_for_unit` the message for a known code the unit does not report ({code}, {unit})."""
    code: str
    name: str
    table: Callable[[Any], Mapping[str, Mapping]]
    for_unit: Callable[[Any, str, Any], list[str]] | None = None
    not_for_unit: str = ""
    notes: str | None = None  # a catalogue column of remarks kept with the official figures (official_note)

    def codes_for(self, cat, unit: str, period=None) -> list[str]:
        return list(self.for_unit(cat, unit, period)) if self.for_unit else list(self.table(cat))


@dataclass(frozen=True)
class Fact:
    """The fact table a topic's accepted rows go to: columns in the table's order, with their
    SQL type and checks, and the primary key. Column names are the record's keys, plus period,
    unit_code, source and submission_id."""
    table: str
    columns: tuple[tuple[str, str], ...]
    key: tuple[str, ...]

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.columns)

    def ddl(self) -> str:
        cols = ",\n    ".join(f"{c} {t}" for c, t in self.columns)
        return f"create table {self.table} (\n    {cols},\n    primary key ({', '.join(self.key)})\n);"

    def row(self, rec: Mapping, period: dt.date, unit: str, source: str, sid: str | None) -> tuple:
        base = {"period": period, "unit_code": unit, "source": source, "submission_id": sid}
        return tuple([rec[c] if c in rec else base.get(c) for c in self.names])


@dataclass(frozen=True)
class Official:
    """The province's official figures of a topic (data/reference/<csv>): loaded as source
    'official'; a submission never overwrites its unit and month. Columns named like the fact
    table's are taken; `period` and `unit_code` default to the official month and the province;
    `stated` names the column with the rate as printed, kept with the row's note."""
    csv: str
    stated: str | None = None


@dataclass(frozen=True)
class Measure:
    """One stored figure of a topic: a column, or for an indicator topic a column of one row."""
    topic: str
    item_code: str | None
    key: str
    name: str
    unit_label: str | None
    is_stock: bool
    is_cumulative: bool


# -- rules on one row ---------------------------------------------------------------------


@dataclass(frozen=True)
class PartOfWhole:
    """sum(parts) <= whole when the whole and a part are known (a blank part counts 0). The
    message gets {part} and {whole}; the cell is the first part given."""
    parts: tuple[str, ...]
    whole: str
    message: str

    def check(self, rec: dict, ref, issue, ok: bool) -> Issue | None:
        whole = rec.get(self.whole)
        given = [p for p in self.parts if rec.get(p) is not None]
        if whole is None or not given:
            return None
        part = sum(rec.get(p) or 0 for p in self.parts)
        if part <= whole:
            return None
        return issue(self.message.format(part=format_count(part), whole=format_count(whole)), ref(given[0]))


@dataclass(frozen=True)
class TypedRate:
    """A rate the sender typed must agree with its counts (within half a percentage point; typed
    rates are rounded). Checked only on a row whose other rules passed. The message gets {typed},
    {numerator}, {denominator} and {rate}."""
    rate: str
    numerator: str
    denominator: str
    message: str
    tolerance: float = 0.005

    def check(self, rec: dict, ref, issue, ok: bool) -> Issue | None:
        typed = rec.pop("_" + self.rate, None)
        n, d = rec.get(self.numerator), rec.get(self.denominator)
        if not ok or not typed or typed[0] is None or not d or n is None:
            return None
        actual = n / d
        if abs(typed[0] - actual) <= self.tolerance:
            return None
        return issue(self.message.format(typed=cell_text(typed[1]), numerator=format_count(n), denominator=format_count(d),
                                         rate=percent(actual)), typed[2])


# -- rules on rows against each other (an indicator topic: one row per indicator) ----------


@dataclass(frozen=True)
class ItemPartOfWhole:
    """The row `part` never exceeds the row `whole` (the same measure): a part of a whole."""
    part: str
    whole: str
    measure: str
    message: str  # {part_name}, {part}, {whole_name}, {whole}, {whole_cell}

    def check(self, by_code: dict[str, dict], names: Mapping[str, str], issue) -> tuple[str, Issue] | None:
        p, w = by_code.get(self.part), by_code.get(self.whole)
        if not p or not w or p.get(self.measure) is None or w.get(self.measure) is None:
            return None
        if p[self.measure] <= w[self.measure]:
            return None
        text = self.message.format(part_name=names[self.part], part=format_count(p[self.measure]), whole_name=names[self.whole],
                                   whole=format_count(w[self.measure]), whole_cell=w["_refs"].get(self.measure))
        return self.part, issue(text, p["_refs"].get(self.measure), p)


# -- checks against the unit's history ------------------------------------------------------


@dataclass(frozen=True)
class NoFall:
    """A cumulative figure (Column.cumulative, or an indicator's) below the unit's latest earlier
    figure is an error, saying by how much it fell, unless the row's note explains it (then a
    warning that repeats the note)."""
    note: str = "note"
    window_months: int | None = None  # the whole history

    def measures(self, topic: "Topic", cat) -> set[str]:
        return {m.key for m in topic.measures(cat) if m.is_cumulative}

    def check(self, topic: "Topic", cat, rec: dict, period: dt.date, history, issue) -> list[Issue]:
        out = []
        code = rec[topic.items.code]
        cumulative = topic.cumulative(cat)
        for key in cumulative.get(None, []) + cumulative.get(code, []):
            new = rec.get(key)
            if new is None:
                continue
            earlier = history.latest(code, key, period)
            if earlier is None or new >= earlier[1]:
                continue
            when, old = earlier
            col = topic.column(key)
            head = (f"{col.name} (lũy kế) giảm {format_count(old - new)} so với {period_label(when).lower()} "
                    f"({format_count(old)} → {format_count(new)})")
            note = (rec.get(self.note) or "").strip()
            if note:
                out.append(issue(f"{head}; số giảm được chấp nhận vì cột '{topic.column(self.note).headers[0]}' của dòng giải thích: "
                                 f"“{short(note, 120)}”.", rec["_refs"].get(key), rec, "warning"))
            else:
                out.append(issue(f"{head}. Số lũy kế không được giảm: hãy kiểm tra lại ô này (thiếu hoặc thừa chữ số?). "
                                 f"Nếu số giảm là đúng, hãy ghi lý do vào cột '{topic.column(self.note).headers[0]}' "
                                 "của dòng này rồi nộp lại.", rec["_refs"].get(key), rec))
        return out


@dataclass(frozen=True)
class FarFromMedian:
    """A flow far from the unit's median of the months before (at least `min_months` of the last
    `window_months`) is a warning: five times above or below it, or for a small median (< 20)
    above 100 and ten times it."""
    measure: str
    message: str  # {value}, {months}, {median}
    window_months: int = 12
    min_months: int = 3

    def measures(self, topic: "Topic", cat) -> set[str]:
        return {self.measure}

    def check(self, topic: "Topic", cat, rec: dict, period: dt.date, history, issue) -> list[Issue]:
        t = rec.get(self.measure)
        values = history.values(rec[topic.items.code], self.measure, add_months(period, -self.window_months), period)
        if t is None or len(values) < self.min_months:
            return []
        ordered = sorted(values)
        half = len(ordered) // 2
        med = float(ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2)
        if (med >= 20 and (t > 5 * med or t < med / 5)) or (med < 20 and t > 100 and t > 10 * max(med, 1)):
            return [issue(self.message.format(value=format_count(t), months=len(values), median=format_count(med)),
                          rec["_refs"].get(self.measure), rec, "warning")]
        return []


# -- the sample --------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """How etl.sample writes a topic: `reference(model)` once (the official month split over the
    districts so that they add up to it exactly), then `values(model, ref, unit, month)` -> the
    template's figures by row code. `mistake(values, kind)` changes a copy of a unit's values
    into a deliberately wrong first version ('corrected': replaced a few days later) or a file
    the intake refuses ('rejected'); topics without one are left as they are."""
    values: Callable[..., dict]
    reference: Callable[..., Any] = lambda model: None
    mistake: Callable[[dict, str], None] | None = None


# -- the topic -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    key: str
    sheet: str
    sheet_aliases: tuple[str, ...]
    title: str
    columns: tuple[Column, ...]
    items: Items
    fact: Fact
    required: tuple[tuple[str, ...], ...]  # each: one of these columns must be present
    levels: tuple[str, ...] | None  # unit levels that report it (None: any level the catalogue assigns rows to)
    assigned_only: bool = False  # a unit reports it only when the catalogue gives it rows (tasks)
    expected: bool = True  # reporting_status expects it every month from every unit that reports it
    every_row: bool = False  # a row without figures is still the unit's answer (a task left blank)
    blank_message: str = ""  # every_row: the warning for rows whose choice was left blank ({n} rows)
    row_rules: tuple = ()
    sheet_rules: tuple = ()
    history: tuple = ()
    marts: tuple[tuple[str, str], ...] = ()  # (materialized mart, refresh scope; see etl.marts)
    official: Official | None = None
    sample: Sample | None = None
    indicator_column: str | None = None  # an indicator topic: this column's nature (stock, cumulative) is its row's
    is_stock: bool = False  # every measure a stock (the template says so)
    guidance: str = ""  # the template's instruction for the sheet, to the officer who fills it in

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def column_order(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    @cached_property
    def texts(self) -> frozenset[str]:
        """The text columns a record keeps: those stored, and the notes its history checks read."""
        return frozenset(c.key for c in self.columns if c.kind == "text"
                         and (c.key in self.fact.names or any(getattr(h, "note", None) == c.key for h in self.history)))

    @cached_property
    def values(self) -> tuple[str, ...]:
        """The fact table's figures (what a row must have one of to be stored)."""
        return tuple(c for c in self.fact.names if c not in ("period", "unit_code", "source", "submission_id", self.items.code))

    def reported_by(self, cat, unit: str, period=None) -> bool:
        """Whether the unit reports the topic: in the month `period` (its sheet in the month's
        template), or at some time when it is None (the warehouse's unit_topic)."""
        level = cat.level(unit)
        if self.levels is not None and level not in self.levels:
            return False
        return not self.assigned_only or bool(self.items.codes_for(cat, unit, period))

    def measures(self, cat) -> list[Measure]:
        """Every stored figure with its name and nature (computed once per catalogue)."""
        cache = self.__dict__.setdefault("_measure_cache", {})
        if id(cat) not in cache:
            cache[id(cat)] = (cat, self._measures(cat))
        return cache[id(cat)][1]

    def _measures(self, cat) -> list[Measure]:
        if self.indicator_column:
            col = self.column(self.indicator_column)
            return [Measure(self.key, code, col.key, row[self.items.name], row.get("unit_label"), bool(row["is_stock"]),
                            bool(row["is_cumulative"])) for code, row in self.items.table(cat).items()]
        return [Measure(self.key, None, c.key, c.name, c.unit_label, c.stock, c.cumulative)
                for c in self.columns if c.kind == "count" and c.key in self.fact.names]

    def cumulative(self, cat) -> dict[str | None, list[str]]:
        """item code (None: every row) -> its cumulative measures, in column order."""
        cache = self.__dict__.setdefault("_cumulative_cache", {})
        if id(cat) not in cache:
            out: dict[str | None, list[str]] = {}
            for m in self.measures(cat):
                if m.is_cumulative:
                    out.setdefault(m.item_code, []).append(m.key)
            cache[id(cat)] = (cat, {k: sorted(v, key=self.column_order) for k, v in out.items()})
        return cache[id(cat)][1]

    def fact_rows(self, records: list[dict], period: dt.date, unit: str, source: str, sid: str | None) -> list[tuple]:
        """The rows a file's records add to the fact table: those with a figure."""
        return [self.fact.row(r, period, unit, source, sid) for r in records if any(r.get(k) is not None for k in self.values)]


# -- small text helpers shared by messages -------------------------------------------------


def short(text, n: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def cell_text(raw) -> str:
    """A cell value as the person sees it: 120 for 120.0, '120,5' for 120.5 (Vietnamese decimal comma)."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, float):
        return repr(raw).replace(".", ",")
    return str(raw)


def percent(r: float) -> str:
    """0.33906 -> '33,91%'."""
    return f"{r * 100:.2f}".replace(".", ",") + "%"


__all__ = ["Column", "Items", "Fact", "Official", "Measure", "PartOfWhole", "TypedRate", "ItemPartOfWhole", "NoFall",
           "FarFromMedian", "Sample", "Topic", "short", "cell_text", "percent"]
