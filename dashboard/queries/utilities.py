"""The programme's utilities (the utilities topic, etl/topics/utilities.py): health-insurance
look-ups by CCCD, CCCD synced with health-insurance cards, health facilities using CCCD, social
security beneficiaries, their accounts and cashless payments. Every one of them is a stock (the
registry says so, the public views carry is_stock): each month's figure is the count at its end,
never added over months; a unit that has not reported the month counts with its latest figure.

Each result has one column per indicator (its code) and the rates of a part to its whole:
    hi_success_rate    hi_lookups_success / hi_lookups_total
    facilities_share   health_facilities_cccd / health_facilities_total
    accounts_share     ss_accounts / ss_beneficiaries
    cashless_share     ss_cashless_paid / ss_accounts
(the warehouse's rate macros: `ratio` on one row, `sum_ratio` over units).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard.db import Warehouse
from dashboard.queries.common import PROVINCE, PROVINCE_UNITS, bound, unit_list
from etl.definitions import num
from etl.periods import add_months
from etl.topics.utilities import INDICATORS as TOPIC_INDICATORS

# The indicators, in the registry's order, and the rates: (rate, part, whole) — each of the
# registry's parts of a whole (`part_of`).
INDICATOR_CODES = tuple(TOPIC_INDICATORS)
RATES = (("hi_success_rate", "hi_lookups_success", "hi_lookups_total"),
         ("facilities_share", "health_facilities_cccd", "health_facilities_total"),
         ("accounts_share", "ss_accounts", "ss_beneficiaries"),
         ("cashless_share", "ss_cashless_paid", "ss_accounts"))

# Long rows (one per indicator) to one row per group: a column per indicator.
_PIVOT = ",\n".join(f"            sum(value) filter (where indicator_code = '{c}') as {c}" for c in INDICATOR_CODES)
_RATIOS = ",\n".join(f"            ratio({part}, {whole}) as {rate}" for rate, part, whole in RATES)
_SUM_RATIOS = ",\n".join(f"            sum_ratio({part}, {whole}) as {rate}" for rate, part, whole in RATES)
_SUMS = ",\n".join(f"            sum({c}) as {c}" for c in INDICATOR_CODES)
_COLUMNS = ", ".join(INDICATOR_CODES)
_RATE_COLUMNS = ", ".join(rate for rate, _, _ in RATES)

# Units of the province that reported any utility figure in the month, per month.
_REPORTED = """
        select period, count(distinct unit_code) filter (where reported_period = period) as units_reported
        from utilities_unit_monthly
        where {units}
          and period between ?::date and ?::date
        group by period"""


def _changes(df: pd.DataFrame, columns) -> pd.DataFrame:
    """`<column>_change`: each figure's change from the row before (NaN on the first)."""
    for c in columns:
        v = df[c].to_numpy(dtype=float)
        df[f"{c}_change"] = np.concatenate((np.full(min(len(v), 1), np.nan), v[1:] - v[:-1]))
    return df


def trend(wh: Warehouse, first: dt.date, last: dt.date, units=None) -> pd.DataFrame:
    """One row per month: every indicator (the stock at the month's end) and the four rates, for
    the province (its own row of utilities_monthly: the official figure where there is one,
    else the rollup of its units) or the sum of the selected units (utilities_unit_monthly,
    rates sum/sum over the units); with `units_reported` (units that reported the month),
    `units_expected` (the units in scope: the selected ones, else those under the province that
    exist in the month), the sources, and each figure's and rate's change from
    the row before (`<column>_change`, NaN on the first)."""
    if units:
        at_month = f"""
        unit_rows as (
            select period, unit_code, string_agg(distinct source, ',' order by source) as sources,
                   bool_or(reported_period = period) as reported_now,
{_PIVOT}
            from utilities_unit_monthly
            where list_contains(?::varchar[], unit_code)
              and period between ?::date and ?::date
            group by period, unit_code
        ),
        at_month as (
            select period,
{_SUMS},
{_SUM_RATIOS},
                   string_agg(distinct sources, ',' order by sources) as sources
            from unit_rows
            group by period
        ),
        reported as (
            select period, count(*) filter (where reported_now) as units_reported from unit_rows group by period
        ),
        expected as (select period, len(?::varchar[]) as units_expected from at_month)"""
        params = bound(unit_list(units), first, last, unit_list(units))
    else:
        # the province's code read once (each read of stg_settings costs as much as the rest)
        here = "(select province_code from settings)"
        at_month = f"""
        settings as materialized (select province_code from stg_settings),
        province as (
            select period, string_agg(distinct source, ',' order by source) as sources,
{_PIVOT}
            from utilities_monthly
            where unit_code = {here}
              and period between ?::date and ?::date
            group by period
        ),
        at_month as (
            select period, {_COLUMNS},
{_RATIOS},
                   sources
            from province
        ),
        reported as ({_REPORTED.format(units=f"parent_code = {here}")}
        ),
        -- the units expected in a month: those under the province that exist in it (validity)
        expected as (select a.period, count(*) as units_expected
                     from at_month as a join stg_units as u on {PROVINCE_UNITS.replace(PROVINCE, here)}
                     where exists (select 1 from dim_unit as v
                                   where v.unit_code = u.unit_code and valid_in(v.valid_from, v.valid_to, a.period))
                     group by a.period)"""
        params = bound(first, last, first, last)
    df = wh.query(f"""
        with {at_month}
        select a.period, {_COLUMNS}, {_RATE_COLUMNS}, a.sources,
               coalesce(r.units_reported, 0) as units_reported, e.units_expected
        from at_month as a
        left join reported as r using (period)
        left join expected as e using (period)
        order by a.period
        """, params)
    return _changes(df, INDICATOR_CODES + tuple(rate for rate, _, _ in RATES))


def by_unit(wh: Warehouse, period: dt.date, units=None) -> pd.DataFrame:
    """One row per territorial unit under the province (the selected ones, else all) at the
    month: every indicator (the unit's latest figure at or before the month), the four rates,
    the change of each figure from the month before (`<indicator>_change`), each rate's rank
    among all the province's units that have it (`<rate>_rank`, 1 = highest), the month of the
    unit's latest report (`reported_period`), whether any figure is carried from an earlier
    month and the sources. Names in Vietnamese order."""
    before = add_months(period, -1)
    changes = ",\n".join(f"                   c.{c} - p.{c} as {c}_change" for c in INDICATOR_CODES)
    ranks = ",\n".join(f"                   case when c.{rate} is not null then rank() over (order by c.{rate} desc) end "
                       f"as {rate}_rank" for rate, _, _ in RATES)
    return wh.query(f"""
        with unit_rows as (
            select period, unit_code, any_value(unit_name) as unit_name, any_value(unit_level) as unit_level,
                   max(reported_period) as reported_period, bool_or(carried_forward) as carried_forward,
                   string_agg(distinct source, ',' order by source) as sources,
{_PIVOT}
            from utilities_unit_monthly
            where period in (?::date, ?::date) and parent_code = {PROVINCE}
            group by period, unit_code
        ),
        cur as (
            select *,
{_RATIOS},
                   {"list_contains(?::varchar[], unit_code)" if units else "true"} as selected
            from unit_rows
            where period = ?::date
        ),
        prev as (
            select * from unit_rows where period = ?::date
        ),
        final as (
            select c.unit_code, c.unit_name, c.unit_level, {", ".join(f"c.{c}" for c in INDICATOR_CODES)},
                   {", ".join(f"c.{rate}" for rate, _, _ in RATES)},
{changes},
{ranks},
                   c.reported_period, c.carried_forward, c.sources, c.selected
            from cur as c
            left join prev as p using (unit_code)
        )
        select * exclude (selected) from final where selected order by unit_name collate vi
        """, bound(period, before, unit_list(units), period, before))


def kpi(wh: Warehouse, first: dt.date, last: dt.date, units=None) -> dict:
    """The overview's utilities card for the period: every indicator and rate at the period's
    last month (`value`: the health-insurance look-ups by CCCD), the look-ups at the month before
    the period (`previous`) and the change (stocks: the end of the period against the end of the
    month before it), the look-ups at the same month a year before (`year_ago`, `change_year`),
    how complete it is — the units reported/expected in the last month (`units_reported`,
    `units_expected`; as `reported`, `expected` and `coverage_months` = 1, as overview.kpis
    writes it for the other cards) — and the sources. Figures are None where the warehouse has none."""
    before, year = add_months(first, -1), add_months(last, -12)
    df = trend(wh, min(before, year), last, units)
    at = {d.date(): row for d, row in zip(df["period"], df.to_dict("records"))}
    cur, prev, ago = at.get(last), at.get(before), at.get(year)
    out = {c: num(cur[c]) if cur else None for c in INDICATOR_CODES + tuple(rate for rate, _, _ in RATES)}
    out.update(key="utilities", value=out["hi_lookups_total"],
               previous=num(prev["hi_lookups_total"]) if prev else None,
               year_ago=num(ago["hi_lookups_total"]) if ago else None,
               units_reported=num(cur["units_reported"]) if cur else None,
               units_expected=num(cur["units_expected"]) if cur else None,
               sources=cur["sources"] if cur else "")
    out.update(reported=out["units_reported"], expected=out["units_expected"], coverage_months=1)
    out["change"] = out["value"] - out["previous"] if out["value"] is not None and out["previous"] is not None else None
    out["change_year"] = (out["value"] - out["year_ago"]
                          if out["value"] is not None and out["year_ago"] is not None else None)
    return out
