"""Named queries for reporting completeness and submissions (to be merged into queries.py)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.db import Warehouse

STATUS_RANK = "case status when 'missing' then 3 when 'late' then 2 else 1 end"


def reporting_periods(wh: Warehouse) -> list[dt.date]:
    df = wh.query("select distinct period from reporting_status order by period")
    return [p.date() if hasattr(p, "date") else p for p in df["period"]]


def reporting_matrix(wh: Warehouse, first: dt.date, last: dt.date, topic: str | None, level: str | None) -> pd.DataFrame:
    """One row per unit and month: the worst status over the unit's topics (missing > late >
    on time) and whether any topic was replaced. Units sorted in Vietnamese order."""
    return wh.query(
        f"""
        with s as (
            select * from reporting_status
            where period between ? and ? and (? is null or topic = ?) and (? is null or unit_level = ?)
        ),
        per_unit as (
            select period, unit_code, unit_name, unit_level,
                   max({STATUS_RANK}) as rank,
                   bool_or(replaced) as replaced,
                   count(*) as expected,
                   count(*) filter (where status <> 'missing') as reported
            from s
            group by period, unit_code, unit_name, unit_level
        ),
        final as (
            select period, unit_code, unit_name, unit_level,
                   case rank when 3 then 'missing' when 2 then 'late' else 'on_time' end as status,
                   replaced, expected, reported
            from per_unit
        )
        select * from final order by unit_name collate vi, period
        """,
        [first, last, topic, topic, level, level],
    )


def reporting_rates_by_month(wh: Warehouse, first: dt.date, last: dt.date, topic: str | None, level: str | None) -> pd.DataFrame:
    """Reporting rate (reports received / expected) and on-time rate per month."""
    return wh.query(
        """
        select period,
               count(*) as expected,
               count(*) filter (where status <> 'missing') as received,
               count(*) filter (where status = 'on_time') as on_time,
               count(*) filter (where status <> 'missing') / count(*) as reporting_rate,
               count(*) filter (where status = 'on_time') / count(*) as on_time_rate
        from reporting_status
        where period between ? and ? and (? is null or topic = ?) and (? is null or unit_level = ?)
        group by period
        order by period
        """,
        [first, last, topic, topic, level, level],
    )


def reporting_rates_by_unit(wh: Warehouse, first: dt.date, last: dt.date, topic: str | None, level: str | None) -> pd.DataFrame:
    return wh.query(
        """
        select unit_code, unit_name, unit_level,
               count(*) as expected,
               count(*) filter (where status <> 'missing') as received,
               count(*) filter (where status = 'on_time') as on_time,
               count(*) filter (where status = 'late') as late,
               count(*) filter (where status = 'missing') as missing,
               count(*) filter (where replaced) as replaced,
               count(*) filter (where status <> 'missing') / count(*) as reporting_rate,
               count(*) filter (where status = 'on_time') / count(*) as on_time_rate
        from reporting_status
        where period between ? and ? and (? is null or topic = ?) and (? is null or unit_level = ?)
        group by unit_code, unit_name, unit_level
        order by on_time_rate, unit_name collate vi
        """,
        [first, last, topic, topic, level, level],
    )


def not_yet_reported(wh: Warehouse, period: dt.date, topic: str | None = None, level: str | None = None) -> pd.DataFrame:
    """Units and topics with no report for the month, with the deadline."""
    return wh.query(
        """
        select unit_code, unit_name, unit_level, string_agg(topic, ', ' order by topic) as topics, min(deadline) as deadline
        from reporting_status
        where period = ? and status = 'missing' and (? is null or topic = ?) and (? is null or unit_level = ?)
        group by unit_code, unit_name, unit_level
        order by unit_name collate vi
        """,
        [period, topic, topic, level, level],
    )


def submission_history(wh: Warehouse, units: list[str] | None, limit: int = 200) -> pd.DataFrame:
    """The latest received files, for the given units (None = all)."""
    return wh.query(
        """
        select submitted_at, file_name, unit_code, period, topic, row_count, status, submitted_by, message, submission_id
        from submission_log
        where (? is null or list_contains(?, unit_code))
        order by submitted_at desc
        limit ?
        """,
        [None if units is None else 1, units, limit],
    )


def reportable_units(wh: Warehouse, units: list[str] | None) -> pd.DataFrame:
    """Units a person may pick for a template: the given ones (None = every district and agency)."""
    return wh.query(
        """
        select unit_code, unit_name, unit_level from stg_units
        where unit_level in ('district', 'agency', 'commune') and (? is null or list_contains(?, unit_code))
        order by unit_level, unit_name collate vi
        """,
        [None if units is None else 1, units],
    )
