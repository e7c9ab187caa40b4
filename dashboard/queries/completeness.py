"""How complete the figures are: of the reports expected (reporting_status: unit × month ×
topic), how many are in; which units have not reported a topic; which month the dashboards open
on (the latest month whose reports are due and mostly in)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.db import Warehouse
from dashboard.queries.common import bound, unit_list


def by_topic(wh: Warehouse, first: dt.date, last: dt.date, units=None) -> pd.DataFrame:
    """One row per topic: over the months of the period, the reports expected and received
    (unit × month), and the units expected and those that reported every month. With units,
    only theirs."""
    return wh.query(f"""
        with s as (
            select * from reporting_status
            where period between ?::date and ?::date
              {"and list_contains(?::varchar[], unit_code)" if units else ""}
        ),
        per_unit as (
            select topic, unit_code, count(*) as expected,
                   count(*) filter (where status <> 'missing') as received
            from s group by topic, unit_code
        ),
        final as (
            select topic, sum(expected)::bigint as expected, sum(received)::bigint as received,
                   count(*) as units_expected,
                   count(*) filter (where received = expected) as units_received
            from per_unit group by topic
        )
        select * from final order by topic
        """, bound(first, last, unit_list(units)))


def not_reported(wh: Warehouse, first: dt.date, last: dt.date, topic: str, units=None) -> pd.DataFrame:
    """The units expected to report the topic in the period that sent no report of it in any
    of its months (unit_code, unit_name), in Vietnamese order. With units, only theirs."""
    return wh.query(f"""
        select unit_code, unit_name
        from reporting_status
        where period between ?::date and ?::date and topic = ?
          {"and list_contains(?::varchar[], unit_code)" if units else ""}
        group by unit_code, unit_name
        having bool_and(status = 'missing')
        order by unit_name collate vi
        """, bound(first, last, topic, unit_list(units)))


def by_month(wh: Warehouse) -> pd.DataFrame:
    """One row per month of the reporting calendar: the last on-time day (deadline), the
    reports expected and received (every unit and topic)."""
    return wh.query("""
        select period, max(deadline) as deadline, count(*) as expected,
               count(*) filter (where status <> 'missing') as received
        from reporting_status
        group by period
        order by period
        """)


def default_month(months: pd.DataFrame, periods: list[dt.date], as_of: dt.date, share: float) -> dt.date | None:
    """The month the dashboards open on: of the months with figures (`periods`), the latest
    whose reports are due (its deadline before `as_of`) and of which at least `share` of the
    expected reports are in (`months`: by_month). Months outside the reporting calendar count
    as complete (official figures, history before it). None when no month qualifies."""
    status = {pd.Timestamp(r.period).date(): r for r in months.itertuples()}
    for p in sorted(periods, reverse=True):
        r = status.get(p)
        if r is None:
            return p
        due = pd.Timestamp(r.deadline).date() < as_of
        if due and r.expected and r.received / r.expected >= share:
            return p
    return None
