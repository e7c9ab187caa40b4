"""The files received: the latest ones, with the files that replaced them."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.db import Warehouse
from dashboard.queries.common import bound
from etl.periods import add_months
from etl.topics import TOPICS


def history(wh: Warehouse, units: list[str] | None, limit: int = 200) -> pd.DataFrame:
    """The latest received files, for the given units (None = all; an empty list = none), with
    the names of the files that replaced them (`replaced_by_files`, NULL when none did) and the
    unit's name (NULL for a code the catalogue does not know)."""
    return wh.query(f"""
        with recent as (
            select submitted_at, file_name, unit_code, period, topic, row_count, status, submitted_by, message,
                   submission_id, superseded_by
            from submission_log
            {"where list_contains(?::varchar[], unit_code)" if units is not None else ""}
            order by submitted_at desc
            limit ?
        ),
        replacements as (
            select r.submission_id,
                   string_agg(s.file_name || ' (' || strftime(s.submitted_at, '%d/%m/%Y %H:%M') || ')', ', '
                              order by s.submitted_at) as replaced_by_files
            from recent as r
            cross join unnest(string_split(r.superseded_by, ',')) as t(sid)
            join stg_submissions as s on s.submission_id = t.sid
            group by r.submission_id
        )
        select r.* exclude (superseded_by), x.replaced_by_files, u.unit_name
        from recent as r
        left join replacements as x using (submission_id)
        left join stg_units as u on u.unit_code = r.unit_code
        order by r.submitted_at desc
        """, bound(None if units is None else list(units), limit))


def previous_month(wh: Warehouse, topic: str, unit: str, period: dt.date) -> pd.DataFrame:
    """What the unit reported for the topic the month before `period`: the rows of the topic's
    fact table (its registry entry, etl/topics) for that unit and month, as stored."""
    table = TOPICS[topic].fact.table  # an identifier from the registry, never a value from outside
    return wh.query(f"select * from {table} where unit_code = ? and period = ?::date",
                    [unit, add_months(period, -1)])
