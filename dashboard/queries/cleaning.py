"""Data cleaning: records cleaned against the records to clean, per dataset and unit; stocks,
each month's figure the count at its end. The ratio counts only the datasets that have a total."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.db import Warehouse
from dashboard.queries.common import PROVINCE, bound, unit_list
from etl.periods import add_months

# A group's records cleaned (all, and those of datasets with a total), records to clean, the
# cleaning ratio and the sources, over `scoped` (see _scope).
CLEANING_COLUMNS = """
        sum(records_cleaned) as records_cleaned,
        sum(records_cleaned) filter (where records_total is not null) as records_cleaned_with_total,
        sum(records_total) filter (where records_cleaned is not null) as records_total,
        sum_ratio(records_cleaned, records_total) as cleaning_ratio,
        string_agg(distinct source, ',' order by source) as sources"""


def ratio_columns(a: str) -> str:
    """A group's records cleaned and to clean (each where the other is known), the cleaning ratio
    and the sources, over the cleaning rows aliased `a` (one unit's or a ranking's groups)."""
    return f"""sum({a}.records_cleaned) filter (where {a}.records_total is not null) as records_cleaned,
               sum({a}.records_total) filter (where {a}.records_cleaned is not null) as records_total,
               sum_ratio({a}.records_cleaned, {a}.records_total) as cleaning_ratio,
               string_agg(distinct {a}.source, ',' order by {a}.source) as sources"""

# The cleaning rows of the selected units (a `?`: the units) or of the province, and of the period
# (`?`s: its first and last month). Only the branch the units filter needs is in the SQL (see identity).
_UNIT_ROWS = """
        select c.period, c.dataset_code, c.records_cleaned, c.records_total, c.source
        from cleaning_unit_monthly as c
        where list_contains(?::varchar[], c.unit_code)
          and c.period between ?::date and ?::date"""
_PROVINCE_ROWS = f"""
        select c.period, c.dataset_code, c.records_cleaned, c.records_total, c.source
        from cleaning_monthly as c
        where c.unit_code = {PROVINCE}
          and c.period between ?::date and ?::date"""


def _scope(units, agency) -> str:
    """The CTEs `rows_in_scope` (the cleaning rows of the province or of the selected units, of
    the period: _UNIT_ROWS or _PROVINCE_ROWS) and `scoped` (with the dataset's name, sector
    agency and whether it has a total; for the agency — a `?` where given)."""
    return f"""
    rows_in_scope as ({_UNIT_ROWS if units else _PROVINCE_ROWS}
    ),
    scoped as (
        select r.*, d.dataset_name, d.sector_agency_code, d.has_total
        from rows_in_scope as r
        join stg_datasets as d using (dataset_code)
        {"where d.sector_agency_code = ?" if agency else ""}
    )"""


def trend(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per month: records cleaned and the overall cleaning ratio over the datasets that
    have a total (stocks of each month); and the records cleaned in the datasets without a
    total (`records_cleaned_without_total`: association members, workers)."""
    return wh.query(f"""
        with {_scope(units, agency)}
        select period, {CLEANING_COLUMNS},
               sum(records_cleaned) - sum(records_cleaned) filter (where records_total is not null)
                   as records_cleaned_without_total
        from scoped
        group by period
        order by period
        """, bound(unit_list(units), first, last, agency))


def trend_by_dataset(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per month and dataset: records cleaned, total, ratio."""
    return wh.query(f"""
        with {_scope(units, agency)}
        select period, dataset_code, dataset_name, {CLEANING_COLUMNS}
        from scoped
        group by period, dataset_code, dataset_name
        order by dataset_name collate vi, period
        """, bound(unit_list(units), first, last, agency))


def by_dataset(wh: Warehouse, period: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per dataset at the month: records cleaned, total, ratio, the sector agency, and
    the change in cleaned records from the previous month. Names in Vietnamese order."""
    before = add_months(period, -1)  # read too, for the change
    return wh.query(f"""
        with {_scope(units, agency)},
        per_dataset as materialized (
            select period, dataset_code, {CLEANING_COLUMNS}
            from scoped
            group by period, dataset_code
        ),
        final as (
            select d.dataset_code, d.dataset_name, d.sector_agency_code,
                   coalesce(a.unit_name, d.sector_agency_code) as agency_name,
                   cur.records_cleaned, cur.records_total, cur.cleaning_ratio,
                   cur.records_cleaned - prev.records_cleaned as cleaned_change,
                   cur.sources
            from stg_datasets as d
            left join per_dataset as cur on cur.dataset_code = d.dataset_code and cur.period = ?::date
            left join per_dataset as prev on prev.dataset_code = d.dataset_code and prev.period = ?::date
            left join stg_units as a on a.unit_code = d.sector_agency_code
            {"where d.sector_agency_code = ?" if agency else ""}
        )
        select * from final order by dataset_name collate vi
        """, bound(unit_list(units), before, period, agency, period, before, agency))


def matrix(wh: Warehouse, period: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per district and dataset at the month (the heat map): cleaning ratio, counts and
    whether the figure is carried forward. Districts and datasets (dataset_order) in Vietnamese
    order."""
    return wh.query(f"""
        with datasets as (
            select dataset_code, dataset_name, sector_agency_code,
                   row_number() over (order by dataset_name collate vi) as dataset_order
            from stg_datasets
        ),
        final as (
            select c.unit_code, c.unit_name, c.dataset_code, d.dataset_name, d.dataset_order,
                   c.records_cleaned, c.records_total, c.cleaning_ratio, c.carried_forward, c.source
            from cleaning_unit_monthly as c
            join datasets as d using (dataset_code)
            where c.period = ?::date and c.parent_code = {PROVINCE}
              {"and list_contains(?::varchar[], c.unit_code)" if units else ""}
              {"and d.sector_agency_code = ?" if agency else ""}
        )
        select * from final order by unit_name collate vi, dataset_order
        """, bound(period, unit_list(units), agency))


def by_district(wh: Warehouse, period: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per district (the selected ones, else all) at the month: overall cleaning ratio
    over the datasets with a total, and its rank among all the province's districts (1 =
    highest). Names in Vietnamese order."""
    return wh.query(f"""
        with per_unit as (
            select c.unit_code, c.unit_name,
                   {ratio_columns("c")}
            from cleaning_unit_monthly as c
            join stg_datasets as d using (dataset_code)
            where c.period = ?::date and c.parent_code = {PROVINCE}
              {"and d.sector_agency_code = ?" if agency else ""}
            group by c.unit_code, c.unit_name
        ),
        -- ranks among every district; the selection is applied after
        final as (
            select unit_code, unit_name, records_cleaned, records_total, cleaning_ratio,
                   case when cleaning_ratio is not null
                        then rank() over (order by cleaning_ratio desc nulls last) end as rank,
                   sources
            from per_unit
        )
        select * from final
        {"where list_contains(?::varchar[], unit_code)" if units else ""}
        order by unit_name collate vi
        """, bound(period, agency, unit_list(units)))
