"""What the monthly report says, read from the public views (bound `?` parameters, read-only).

`gather(wh, period, unit)` returns a Report: the month's figures with the month before, the
three appendices' rows and what the sections the data cannot write are prefilled with. `wh` is
anything with `.query(sql, params) -> DataFrame` (dashboard.db.Warehouse).

Units are grouped by whatever parent their rows carry: the report's unit lists the units
below it (districts today; communes under their former district after the reform).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from etl.config import report_settings, settings
from etl.periods import add_months, period_label


class NoData(Exception):
    """The month has no figures for the unit."""


class IncompleteMonth(Exception):
    """Units had not reported for the month; the report can still be written (see `report`)."""

    def __init__(self, message: str, report: "Report"):
        super().__init__(message)
        self.report = report


@dataclass
class Report:
    period: dt.date
    unit_code: str
    unit_name: str
    sources: set[str]
    identity: dict | None  # this month and 'prev_*' of the month before
    indicators: list[dict]
    cleaning: list[dict]
    services: pd.DataFrame  # Appendix II and III rows (all services of the catalogue)
    online: dict  # the unit's online totals this month and the month before
    units: pd.DataFrame  # the units below, their online rate, grouped by parent
    tasks: pd.DataFrame  # Appendix I rows
    task_groups: list[tuple[str, str]]  # (group code, heading)
    overdue: pd.DataFrame
    missing_units: pd.DataFrame
    late_units: pd.DataFrame
    expected_units: int
    settings: dict = field(default_factory=dict)

    @property
    def is_sample(self) -> bool:
        return "sample" in self.sources

    @property
    def is_complete(self) -> bool:
        return len(self.missing_units) == 0

    @property
    def label(self) -> str:
        return period_label(self.period)

    def appendix_ii(self) -> pd.DataFrame:
        return self.services[self.services["service_group"] == "e06_essential"].reset_index(drop=True)

    def appendix_iii(self) -> pd.DataFrame:
        return self.services[self.services["service_group"] != "e06_essential"].reset_index(drop=True)

    def source_note(self) -> str:
        s = settings()
        parts = []
        if "official" in self.sources:
            figures = (set(self.services["source"].dropna()) | {(self.identity or {}).get("source")}
                       | {c["source"] for c in self.cleaning} | {i["source"] for i in self.indicators})
            if "official" in figures:
                parts.append(f"Số liệu chính thức: {s.official_label}.")
            else:  # only task statuses carried forward from the official month
                parts.append(f"Phụ lục I: trạng thái các nhiệm vụ chưa có báo cáo mới lấy theo {s.official_label}.")
        if "submitted" in self.sources:
            parts.append("Số liệu do các đơn vị nộp qua hệ thống.")
        if "sample" in self.sources:
            parts.append(f"DỮ LIỆU MẪU: {s.sample_label}.")
        return " ".join(parts)


def _rows(df: pd.DataFrame) -> list[dict]:
    return [{k: (None if (not isinstance(v, (list, tuple)) and pd.isna(v)) else v) for k, v in r.items()}
            for r in df.to_dict("records")]


def _province() -> str:
    return settings().province_code


def gather(wh, period: dt.date, unit: str | None = None) -> Report:
    """The month's report for the unit (default: the province). Raises NoData for a month
    without figures; IncompleteMonth (carrying the report) when units have not reported."""
    unit = unit or _province()
    prev = add_months(period, -1)
    names = wh.query("select unit_code, unit_name from stg_units where unit_code = ?", [unit])
    if names.empty:
        raise NoData(f"Mã đơn vị '{unit}' không có trong danh mục đơn vị (data/reference/admin_units.csv).")
    unit_name = names.iloc[0]["unit_name"]

    services = wh.query(
        """
        select s.service_code, s.service_number, s.service_name, s.service_group, s.agency_code,
               coalesce(a.unit_name, s.agency_code) as agency_name, s.portal_connection,
               v.total_dossiers, v.online_dossiers, v.online_rate, v.on_time, v.overdue, v.source,
               s.online_rate_target
        from stg_services as s
        left join service_volume_monthly as v
               on v.service_code = s.service_code and v.period = ? and v.unit_code = ?
        left join stg_units as a on a.unit_code = s.agency_code
        order by s.service_group, s.service_number
        """, [period, unit])
    online = wh.query(
        """
        select period,
               sum(total_dossiers) filter (where online_dossiers is not null) as total,
               sum(online_dossiers) filter (where total_dossiers is not null) as online
        from service_volume_monthly
        where unit_code = ? and period in (?, ?)
        group by period
        """, [unit, period, prev])
    identity = wh.query(
        """
        select period, cccd_records, vneid_applications, vneid_activated, vneid_target, source
        from identity_monthly where unit_code = ? and period in (?, ?)
        """, [unit, period, prev])
    if services["source"].notna().sum() == 0 and not (identity["period"].dt.date == period).any():
        raise NoData(f"Không có số liệu {period_label(period).lower()} của {unit_name}: chưa đơn vị nào nộp báo cáo "
                     "tháng này. Hãy chọn tháng khác hoặc nạp báo cáo trước (python -m etl load).")
    cleaning = wh.query(
        """
        select c.dataset_code, c.dataset_name, c.records_cleaned, c.records_total, c.cleaning_ratio, c.source,
               p.records_cleaned as prev_cleaned
        from cleaning_monthly as c
        left join cleaning_monthly as p
               on p.unit_code = c.unit_code and p.dataset_code = c.dataset_code and p.period = ?
        join stg_datasets as d on d.dataset_code = c.dataset_code
        where c.unit_code = ? and c.period = ?
        order by c.dataset_code = 'children' desc, d.dataset_code
        """, [prev, unit, period])
    indicators = wh.query(
        """
        select i.indicator_code, i.indicator_name, i.value, i.unit_label, i.source, p.value as prev_value
        from stg_indicators as i
        left join stg_indicators as p
               on p.unit_code = i.unit_code and p.indicator_code = i.indicator_code and p.period = ?
        where i.unit_code = ? and i.period = ?
        order by i.indicator_code
        """, [prev, unit, period])
    # The units below the report's unit valid in the month (children, or grandchildren where the
    # children have their own), each with its parent for grouping.
    units = wh.query(
        """
        with below as (
            select u.unit_code, u.unit_name, u.parent_code, u.unit_level
            from stg_units as u
            where u.unit_level not in ('agency', 'province')
              and unit_valid_between(u.unit_code, ?::date, ?::date)  -- the units that exist in the month
              and (u.parent_code = ? or u.parent_code in (select unit_code from stg_units where parent_code = ?))
        ),
        leaves as (
            select b.* from below as b
            where not exists (select 1 from below as c where c.parent_code = b.unit_code)
        )
        select l.unit_code, l.unit_name, l.unit_level,
               case when l.parent_code = ? then null else l.parent_code end as group_code,
               case when l.parent_code = ? then null else pu.unit_name end as group_name,
               sum(v.total_dossiers) filter (where v.online_dossiers is not null) as total_dossiers,
               sum(v.online_dossiers) filter (where v.total_dossiers is not null) as online_dossiers,
               sum_ratio(v.online_dossiers, v.total_dossiers) as online_rate,
               -- the services' targets weighted by the dossiers the online rate counts
               sum_ratio(if(v.online_dossiers is null, null, v.total_dossiers) * sv.online_rate_target,
                         if(v.online_dossiers is null, null, v.total_dossiers)) as target_rate
        from leaves as l
        left join stg_units as pu on pu.unit_code = l.parent_code
        left join service_volume_monthly as v on v.unit_code = l.unit_code and v.period = ?
        left join stg_services as sv on sv.service_code = v.service_code
        group by all
        order by 5 collate vi nulls first, 2 collate vi
        """, [period, period, unit, unit, unit, unit, period])
    groups = list(report_settings().get("appendix_i_groups") or [])
    tasks = wh.query(
        """
        select t.task_group, t.task_number, t.task_code, t.task_name, t.responsible_unit_name, t.deadline_text,
               t.deadline, t.status, t.status_text, t.is_overdue, t.days_overdue, t.source
        from task_tracker as t
        where t.period = ? and list_contains(cast(? as varchar[]), t.task_group)
        order by list_position(cast(? as varchar[]), t.task_group), try_cast(t.task_number as integer), t.task_number
        """, [period, groups, groups])
    headings = wh.query(
        "select task_group, any_value(source_document) as heading from stg_tasks "
        "where list_contains(cast(? as varchar[]), task_group) group by task_group", [groups])
    heading = dict(zip(headings["task_group"], headings["heading"]))
    overdue = wh.query(
        """
        select task_code, task_name, responsible_unit_name, deadline, days_overdue, task_group, task_number, source_document
        from task_tracker where period = ? and is_overdue
        order by days_overdue desc, task_code
        """, [period])
    status = wh.query(
        """
        select r.unit_code, r.unit_name, r.status, string_agg(r.topic, ', ' order by r.topic) as topics
        from reporting_status as r
        join stg_units as u using (unit_code)
        where r.period = ? and r.unit_level <> 'agency'
          and (r.unit_code = ? or u.parent_code = ?
               or u.parent_code in (select unit_code from stg_units where parent_code = ?))
        group by r.unit_code, r.unit_name, r.status
        order by r.unit_name collate vi
        """, [period, unit, unit, unit])
    expected = status["unit_code"].nunique()
    missing = status[status["status"] == "missing"].reset_index(drop=True)
    late = status[(status["status"] == "late") & ~status["unit_code"].isin(missing["unit_code"])].reset_index(drop=True)

    def ident(p):
        r = identity[identity["period"].dt.date == p]
        return _rows(r)[0] if len(r) else None

    now, before = ident(period), ident(prev)
    ident_out = None
    if now:
        ident_out = dict(now)
        for k in ("cccd_records", "vneid_applications", "vneid_activated", "vneid_target"):
            ident_out["prev_" + k] = before.get(k) if before else None

    def tot(p):
        r = online[online["period"].dt.date == p]
        return (_rows(r)[0] if len(r) else {"total": None, "online": None})

    o_now, o_prev = tot(period), tot(prev)
    sources = set(services["source"].dropna()) | set(identity["source"].dropna()) | set(cleaning["source"].dropna()) \
        | set(indicators["source"].dropna()) | set(tasks["source"].dropna())
    report = Report(
        period=period, unit_code=unit, unit_name=unit_name, sources=sources, identity=ident_out,
        indicators=_rows(indicators), cleaning=_rows(cleaning), services=services,
        online={"total": o_now["total"], "online": o_now["online"], "prev_total": o_prev["total"], "prev_online": o_prev["online"]},
        units=units, tasks=tasks, task_groups=[(g, heading.get(g, g)) for g in groups if g in heading],
        overdue=overdue, missing_units=missing, late_units=late, expected_units=expected,
        settings=report_settings(),
    )
    if len(missing):
        raise IncompleteMonth(
            f"{period_label(period)} chưa đủ báo cáo: {len(missing)}/{expected} đơn vị chưa nộp "
            f"({', '.join(missing['unit_name'].head(5))}{', …' if len(missing) > 5 else ''}).", report)
    return report
