"""Tasks: the task tracker (each task's status as of a month, read from the task_tracker mart),
counts by status and responsible unit, what falls due next (an agency's: the tasks it is named
for or carries in the month, a successor's those of the departments it took over); and each district's own status on
the tasks given to every district (`unit_task_status`, the one place it is worked out)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.db import Warehouse
from dashboard.queries.common import PROVINCE_UNITS, bound, unit_list
from etl.definitions import NO_REPORT
from etl.periods import add_months

# The tasks given to a level (tasks.csv: responsible_level, e.g. every district).
DISTRICT_TASKS = """
    district_tasks as (
        select task_code, task_name, deadline from stg_tasks where responsible_level is not null
    )"""

# Each unit of a `districts` CTE (unit_code) on each of `district_tasks` it carries out in the month
# (stg_task_units, valid in it): its own status as of the month (its latest report at or before it;
# NULL when it has none), the month that report is of, and its source. Two parameters: the month,
# twice (the grid's month, the reports up to it).
UNIT_TASK_STATUS = """
    unit_task_grid as (
        select d.unit_code, t.task_code, g.period
        from (select ?::date as period) as g
        cross join districts as d
        join stg_task_units as a on a.unit_code = d.unit_code and valid_in(a.valid_from, a.valid_to, g.period)
        join district_tasks as t on t.task_code = a.task_code
    ),
    -- only the reports that can be the latest: these units', these tasks', up to the month
    unit_task_reports as (
        select r.period, r.unit_code, r.task_code, r.status, r.source
        from stg_task_reports as r
        where r.period <= ?::date
          and r.unit_code in (select unit_code from districts)
          and r.task_code in (select task_code from district_tasks)
    ),
    -- each unit's latest report of each task up to the month (one report per month, task and
    -- unit: no ties); a grouped arg_max, a quarter of an ASOF join's cost here
    unit_task_latest as (
        select unit_code, task_code, max(period) as status_period,
               arg_max(status, period) as status, arg_max(source, period) as source
        from unit_task_reports
        group by unit_code, task_code
    ),
    unit_task_status as (
        select g.unit_code, g.task_code, g.period, l.status_period, l.status, l.source
        from unit_task_grid as g
        left join unit_task_latest as l using (unit_code, task_code)
    )"""

_COUNTS = f"""
               count(*) as tasks,
               count(*) filter (where status = 'done') as done,
               count(*) filter (where status = 'in_progress') as in_progress,
               count(*) filter (where status = 'not_started') as not_started,
               count(*) filter (where status = '{NO_REPORT}') as no_report,
               count(*) filter (where is_overdue) as overdue,
               string_agg(distinct source, ',' order by source) as sources"""


def _month_end(d: dt.date) -> dt.date:
    return add_months(d, 1) - dt.timedelta(days=1)


def tracker(wh: Warehouse, period: dt.date, agency=None, statuses=None) -> pd.DataFrame:
    """Every task of the catalogue with its status as of the month (carried forward from its
    latest report: the task_tracker mart), responsible unit, deadline, days overdue and source
    document. Optionally only some statuses ('done', 'in_progress', 'not_started', 'no_report',
    or 'overdue'). Overdue first (most days first), then by task code."""
    named = [s for s in statuses or () if s != "overdue"] or None
    overdue = "overdue" in (statuses or ())
    wanted = " or ".join((["list_contains(?::varchar[], status)"] if named else []) + (["is_overdue"] if overdue else []))
    return wh.query(f"""
        select task_code, task_group, task_name, responsible_unit_code, responsible_unit_name,
               deadline, deadline_text, recurring, status, status_period, status_text,
               is_overdue, days_overdue, days_to_deadline, units_reporting, units_done,
               source_document, source as sources
        from task_tracker
        where period = ?::date
          {"and ? in (responsible_unit_code, carrier_unit_code)" if agency else ""}
          {f"and ({wanted})" if wanted else ""}
        order by is_overdue desc, days_overdue desc nulls last, task_group, try_cast(task_number as integer) nulls last, task_code
        """, bound(period, agency, named))


def counts(wh: Warehouse, period: dt.date, agency=None) -> pd.DataFrame:
    """One row per month, the month and the month before: tasks in scope, done, in progress, not
    started, without a report, overdue."""
    return wh.query(f"""
        select period,{_COUNTS}
        from task_tracker
        where period between ?::date and ?::date
          {"and ? in (responsible_unit_code, carrier_unit_code)" if agency else ""}
        group by period
        order by period
        """, bound(add_months(period, -1), period, agency))


def counts_by_agency(wh: Warehouse, period: dt.date, agency=None) -> pd.DataFrame:
    """One row per responsible unit: tasks, done, in progress, not started, no report, overdue,
    and not done (every status but done). Names in Vietnamese order."""
    return wh.query(f"""
        select responsible_unit_code, responsible_unit_name,{_COUNTS},
               count(*) filter (where status <> 'done') as not_done
        from task_tracker
        where period = ?::date
          {"and ? in (responsible_unit_code, carrier_unit_code)" if agency else ""}
        group by responsible_unit_code, responsible_unit_name
        order by responsible_unit_name collate vi
        """, bound(period, agency))


def due_soon(wh: Warehouse, period: dt.date, agency=None) -> pd.DataFrame:
    """Tasks not done whose deadline falls in the month after the as-of month (after its last
    day, up to the next month's last day: deadlines fall at month ends, so a fixed number of
    days would miss some), soonest first."""
    return wh.query(f"""
        select task_code, task_name, responsible_unit_name, deadline, deadline_text, status,
               days_to_deadline, source_document, source as sources
        from task_tracker
        where period = ?::date
          {"and ? in (responsible_unit_code, carrier_unit_code)" if agency else ""}
          and status <> 'done' and deadline > ?::date and deadline <= ?::date
        order by deadline, task_code
        """, bound(period, agency, _month_end(period), _month_end(add_months(period, 1))))


def district_status(wh: Warehouse, period: dt.date, units=None) -> pd.DataFrame:
    """Tasks assigned to every district: each district's own status as of the month (its latest
    report at or before it, see UNIT_TASK_STATUS). One row per district and task; names in
    Vietnamese order."""
    return wh.query(f"""
        with districts as (
            select u.unit_code, u.unit_name from stg_units as u
            where {PROVINCE_UNITS} and unit_valid_between(u.unit_code, ?::date, ?::date)
              {"and list_contains(?::varchar[], u.unit_code)" if units else ""}
        ),{DISTRICT_TASKS},{UNIT_TASK_STATUS},
        final as (
            select d.unit_code, d.unit_name, t.task_code, t.task_name, t.deadline,
                   coalesce(s.status, '{NO_REPORT}') as status, s.status_period,
                   coalesce(s.status is not null and s.status <> 'done' and t.deadline <= last_day(s.period), false)
                       as is_overdue,
                   s.source as sources
            from unit_task_status as s
            join districts as d using (unit_code)
            join district_tasks as t using (task_code)
        )
        select * from final order by unit_name collate vi, task_code
        """, bound(period, period, unit_list(units), period, period))
