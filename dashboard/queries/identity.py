"""CCCD records and VNeID applications, activations and targets: stocks, each month's figure
the count at its end (a unit that has not reported the month counts with its latest figure)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard.db import Warehouse
from dashboard.queries.common import PROVINCE, bound, unit_list
from etl.periods import add_months

# Each month's stocks of the selected units, added up (a `?`: the units), or the province's own.
# Only the branch the filter needs is in the SQL: a branch switched off by a bound parameter
# would still make DuckDB compute identity_unit_monthly for every unit and month.
_UNITS_AT_MONTH = """
        select period, sum(cccd_records) as cccd_records, sum(vneid_applications) as vneid_applications,
               sum(vneid_activated) as vneid_activated, sum(vneid_target) as vneid_target,
               string_agg(distinct source, ',' order by source) as sources,
               count(*) as units, count(*) filter (where carried_forward) as units_carried
        from identity_unit_monthly
        where list_contains(?::varchar[], unit_code)
          and period between ?::date and ?::date
        group by period"""
_PROVINCE_AT_MONTH = f"""
        select period, cccd_records, vneid_applications, vneid_activated, vneid_target, source as sources,
               1 as units, 0 as units_carried
        from identity_monthly
        where unit_code = {PROVINCE}
          and period between ?::date and ?::date"""


def trend(wh: Warehouse, first: dt.date, last: dt.date, units=None) -> pd.DataFrame:
    """One row per month: CCCD records, VNeID applications, activations and target (stocks),
    activation rate, for the province (or the sum of the selected units), with how many units
    it covers and how many of them are carried forward from an earlier month; and the change of
    each figure from the row before (NaN on the first: `cccd_change`, `applications_change`,
    `activated_change`, `activation_rate_change`; worked out on the result: a window in the SQL
    makes the query half as long again)."""
    df = wh.query(f"""
        with at_month as ({_UNITS_AT_MONTH if units else _PROVINCE_AT_MONTH}
        )
        select period, cccd_records, vneid_applications, vneid_activated, vneid_target,
               ratio(vneid_activated, vneid_target) as activation_rate, sources, units, units_carried
        from at_month
        order by period
        """, bound(unit_list(units), first, last))
    for figure, change in (("cccd_records", "cccd_change"), ("vneid_applications", "applications_change"),
                           ("vneid_activated", "activated_change"), ("activation_rate", "activation_rate_change")):
        v = df[figure].to_numpy(dtype=float)
        df[change] = np.concatenate((np.full(min(len(v), 1), np.nan), v[1:] - v[:-1]))
    return df


def by_district(wh: Warehouse, period: dt.date, units=None) -> pd.DataFrame:
    """One row per district (the selected ones, else all) at the month: CCCD records, VNeID
    applications, activations, target, activation rate, the change in activations from the
    previous month, the rank by activation rate among all the province's districts (1 = highest)
    and the month the figures come from. Names in Vietnamese order."""
    before = add_months(period, -1)
    return wh.query(f"""
        -- the view is read once for both months (each reference would compute it again)
        with two_months as materialized (
            select i.* from identity_unit_monthly as i
            where i.period in (?::date, ?::date) and i.parent_code = {PROVINCE}
        ),
        cur as (
            select i.*, {"list_contains(?::varchar[], i.unit_code)" if units else "true"} as selected
            from two_months as i
            where i.period = ?::date
        ),
        prev as (
            select i.unit_code, i.vneid_activated, i.cccd_records from two_months as i
            where i.period = ?::date
        ),
        final as (
            select c.unit_code, c.unit_name, c.cccd_records, c.vneid_applications, c.vneid_activated,
                   c.vneid_target, c.activation_rate,
                   c.vneid_activated - pr.vneid_activated as activated_change,
                   c.cccd_records - pr.cccd_records as cccd_change,
                   case when c.activation_rate is not null
                        then rank() over (order by c.activation_rate desc nulls last) end as rank,
                   c.reported_period, c.carried_forward, c.source as sources, c.selected
            from cur as c
            left join prev as pr using (unit_code)
        )
        select * exclude (selected) from final where selected order by unit_name collate vi
        """, bound(period, before, unit_list(units), period, before))
