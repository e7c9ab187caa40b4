"""Who has reported: each unit's reports of each month, on time, late or missing (the
reporting_status view), as rates, a unit × month matrix and the units still missing."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.db import Warehouse
from dashboard.queries.common import bound
from etl.config import reporting_as_of
from etl.periods import add_months
# missing > late > not yet due > on time: a unit's month takes the worst status of its topics.
_STATUS_RANK = "case status when 'missing' then 4 when 'late' then 3 when 'not_due' then 2 else 1 end"
_RANK_STATUS = "case rank when 4 then 'missing' when 3 then 'late' when 2 then 'not_due' else 'on_time' end"


def _status(where: str) -> str:
    """reporting_status rows (a `?` first: the date "today"), a missing report whose deadline
    has not passed by that date being 'not_due' (not yet due) instead of 'missing'."""
    return f"""(
        select * replace (case when status = 'missing' and deadline >= ?::date then 'not_due'
                               else status end as status)
        from reporting_status
        where {where}
    )"""


def _where(topic: str | None, level: str | None) -> str:
    """reporting_status rows of the months (`?`s: the first and last month), for the topic and
    the unit level (a `?` each where given; None: all)."""
    return ("period between ?::date and ?::date" + (" and topic = ?" if topic else "")
            + (" and unit_level = ?" if level else ""))


def periods(wh: Warehouse) -> list[dt.date]:
    """The months of reporting_status (`select distinct period from reporting_status`), from the
    two views it is built on without computing it: the reporting calendar, when anyone in the
    province is expected to report."""
    df = wh.query(
        """
        select period from reporting_months
        where exists (select 1 from reporting_obligations)
        order by period
        """
    )
    return [p.date() if hasattr(p, "date") else p for p in df["period"]]


def matrix(wh: Warehouse, first: dt.date, last: dt.date, topic: str | None, level: str | None,
           as_of: dt.date | None = None) -> pd.DataFrame:
    """One row per unit and month: the worst status over the unit's topics (missing > late >
    not yet due > on time; not yet due: no report and the deadline not passed on `as_of`, the
    date "today", default etl.config.reporting_as_of) and whether any topic was replaced. Units
    sorted in Vietnamese order."""
    return wh.query(f"""
        with s as {_status(_where(topic, level))},
        per_unit as (
            select period, unit_code, unit_name, unit_level,
                   max({_STATUS_RANK}) as rank,
                   bool_or(replaced) as replaced,
                   count(*) as expected,
                   count(*) filter (where status in ('on_time', 'late')) as reported
            from s
            group by period, unit_code, unit_name, unit_level
        ),
        final as (
            select period, unit_code, unit_name, unit_level,
                   {_RANK_STATUS} as status,
                   replaced, expected, reported
            from per_unit
        )
        select * from final order by unit_name collate vi, period
        """, bound(_today(as_of), first, last, topic, level))


def rates_by_month(wh: Warehouse, first: dt.date, last: dt.date, topic: str | None, level: str | None,
                   as_of: dt.date | None = None) -> pd.DataFrame:
    """Reporting rate (reports received / expected) and on-time rate per month; the reports not
    yet due on `as_of` (`not_due`) and those overdue (`missing`)."""
    return wh.query(f"""
        select period,
               count(*) as expected,
               count(*) filter (where status in ('on_time', 'late')) as received,
               count(*) filter (where status = 'on_time') as on_time,
               count(*) filter (where status = 'not_due') as not_due,
               count(*) filter (where status = 'missing') as missing,
               ratio(count(*) filter (where status in ('on_time', 'late')), count(*)) as reporting_rate,
               ratio(count(*) filter (where status = 'on_time'), count(*)) as on_time_rate
        from {_status(_where(topic, level))}
        group by period
        order by period
        """, bound(_today(as_of), first, last, topic, level))


def rates_by_unit(wh: Warehouse, first: dt.date, last: dt.date, topic: str | None, level: str | None,
                  as_of: dt.date | None = None) -> pd.DataFrame:
    """Per unit over the months: reports expected, received, on time, late, missing (overdue),
    not yet due on `as_of`, replaced, the reporting and on-time rates; the lowest on-time rate
    first."""
    return wh.query(f"""
        select unit_code, unit_name, unit_level,
               count(*) as expected,
               count(*) filter (where status in ('on_time', 'late')) as received,
               count(*) filter (where status = 'on_time') as on_time,
               count(*) filter (where status = 'late') as late,
               count(*) filter (where status = 'missing') as missing,
               count(*) filter (where status = 'not_due') as not_due,
               count(*) filter (where replaced) as replaced,
               ratio(count(*) filter (where status in ('on_time', 'late')), count(*)) as reporting_rate,
               ratio(count(*) filter (where status = 'on_time'), count(*)) as on_time_rate
        from {_status(_where(topic, level))}
        group by unit_code, unit_name, unit_level
        order by on_time_rate, unit_name collate vi
        """, bound(_today(as_of), first, last, topic, level))


def not_yet_reported(wh: Warehouse, period: dt.date, topic: str | None = None, level: str | None = None,
                     as_of: dt.date | None = None) -> pd.DataFrame:
    """Units and topics with no report for the month, with the deadline and `status`:
    'missing' (overdue on `as_of`) or 'not_due' (not yet due)."""
    return wh.query(f"""
        select unit_code, unit_name, unit_level, string_agg(topic, ', ' order by topic) as topics, min(deadline) as deadline,
               min(status) as status
        from {_status(_where(topic, level))}
        where status in ('missing', 'not_due')
        group by unit_code, unit_name, unit_level
        order by unit_name collate vi
        """, bound(_today(as_of), period, period, topic, level))


def _today(as_of: dt.date | None) -> dt.date:
    return as_of if as_of is not None else reporting_as_of()


def owed(wh: Warehouse, units, as_of: dt.date, months: int = 3) -> pd.DataFrame:
    """The reports the units still owe ("Việc của tôi"): for each of the `months` months before
    the month of `as_of` (not before the reporting calendar's start), each topic a unit is
    expected to report (reporting_obligations) and valid in (an ended unit owes nothing after its
    end) with no report received, one row per unit and
    month (`topics`: comma-separated); with the deadline and `status` 'missing' (overdue on `as_of`) or 'not_due'. The calendar here runs to the month
    just ended even when nobody has reported it yet. Newest month first, units in Vietnamese order."""
    this_month = dt.date(as_of.year, as_of.month, 1)
    first = dt.date(this_month.year - (1 if this_month.month <= months else 0),
                    (this_month.month - months - 1) % 12 + 1, 1)
    return wh.query("""
        with s as (select * from stg_settings),
        months as (
            select cast(unnest(generate_series(greatest(?::date, (select start_period from s)), ?::date,
                                               interval 1 month)) as date) as period
        ),
        mine as (
            select o.unit_code, o.topic from reporting_obligations as o
            where list_contains(?::varchar[], o.unit_code)
        ),
        received as (
            select distinct unit_code, period, topic from stg_submission_topics
        ),
        final as (
            select m.period, o.unit_code, u.unit_name, o.topic,
                   cast(m.period + interval 1 month + ((select due_day from s) - 1) * interval 1 day as date) as deadline
            from months as m
            cross join mine as o
            join stg_units as u using (unit_code)
            semi join stg_unit_validity as v  -- owed only in months the unit exists (as reporting_status)
              on v.unit_code = o.unit_code and valid_in(v.valid_from, v.valid_to, m.period)
            left join received as r on r.unit_code = o.unit_code and r.period = m.period and r.topic = o.topic
            where r.unit_code is null
        )
        select period, unit_code, unit_name, string_agg(topic, ', ' order by topic) as topics, deadline,
               case when deadline >= ?::date then 'not_due' else 'missing' end as status
        from final
        group by period, unit_code, unit_name, deadline
        order by period desc, unit_name collate vi
        """, [first, add_months(this_month, -1), list(units), as_of])
