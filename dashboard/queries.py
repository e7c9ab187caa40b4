"""Named queries behind the pages. Every value is bound with `?`; pages never hold SQL.

Conventions shared by the dashboard queries:

* `first`, `last`: the first and last month of the selected period (dates, first of month);
  a single month has first == last.
* `units`: the selected territorial units (district codes) or None. None means the province:
  its own rows in the public views (official figures where there are any, else the rollup of
  its districts). With units, their own rows are added up (stocks: each unit's latest figure at
  or before the month, from identity_unit_monthly / cleaning_unit_monthly).
* `agency`: a responsible agency code or None: narrows services (dim_service.agency_code),
  datasets (sector_agency_code) and tasks (responsible unit). It does not apply to CCCD/VNeID.
* Flows (dossiers) add up over the period; stocks (CCCD, VNeID, cleaned records) are the value of
  the period's last month; rates are sum(numerator) / sum(denominator) over rows where both are
  known, never an average of rates.
* Every result carries the sources of its figures (`source` or `sources`, comma-separated), so
  the pages can say when they show sample data.
"""
from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from dashboard.db import Warehouse
from etl.periods import add_months

# KPI status: green when the value reaches the target, amber when it is at most AMBER_BAND
# (10 percentage points) below it, red further below; grey when there is no target.
AMBER_BAND = 0.10
# Data cleaning has no target in the sources: the aim is every record (100 %).
CLEANING_TARGET = 1.0
# VNeID activation is measured against vneid_target (100 %).
ACTIVATION_TARGET = 1.0
# Online-rate target when no service in scope has one configured.
DEFAULT_ONLINE_TARGET = 0.5
# Tasks: green with no overdue task, amber while overdue tasks are at most this share of tasks.
TASKS_AMBER_SHARE = 0.10

# The filters are bound where they narrow the data (see _bind): `:first`, `:last` (dates),
# `:units` (a list of unit codes or NULL), `:agency` (a code or NULL). Only the branch the units
# filter needs is in the SQL.
_UNITS = "cast(:units as varchar[])"
_AGENCY = "cast(:agency as varchar)"
_PROVINCE = "(select province_code from stg_settings)"
_BETWEEN = "between cast(:first as date) and cast(:last as date)"


def _services_in_scope(units) -> str:
    """Service rows in scope: the province's own rows, or the selected units' rows."""
    unit = f"list_contains({_UNITS}, v.unit_code)" if units else f"v.unit_code = {_PROVINCE}"
    return f"""
    scope as (
        select v.*
        from service_volume_monthly as v
        where v.period {_BETWEEN}
          and {unit}
          and ({_AGENCY} is null or v.agency_code = {_AGENCY})
    )"""


# Every district's service rows (for rankings and district breakdowns), agency applied.
_SERVICES_BY_DISTRICT = f"""
    districts as (
        -- every district (ranks are among all of them); the selection is applied at the end
        select u.unit_code, u.unit_name,
               ({_UNITS} is null or list_contains({_UNITS}, u.unit_code)) as selected
        from stg_units as u
        where u.unit_level in ('district', 'commune') and u.parent_code = {_PROVINCE}
    ),
    scope as (
        select v.*
        from service_volume_monthly as v
        join districts as d using (unit_code)
        where v.period {_BETWEEN}
          and ({_AGENCY} is null or v.agency_code = {_AGENCY})
    )"""

# The rate rule: sum(online) / sum(total) over rows where both are known.
_RATE_COLUMNS = """
        sum(total_dossiers) filter (where online_dossiers is not null) as total_dossiers,
        sum(online_dossiers) filter (where total_dossiers is not null) as online_dossiers,
        sum(online_dossiers) filter (where total_dossiers is not null)
            / nullif(sum(total_dossiers) filter (where online_dossiers is not null), 0) as online_rate,
        sum(total_dossiers * coalesce(target, 0)) filter (where online_dossiers is not null and target is not null)
            / nullif(sum(total_dossiers) filter (where online_dossiers is not null and target is not null), 0)
            as target_rate,
        string_agg(distinct source, ',' order by source) as sources"""


def _bind(sql: str, **values) -> tuple[str, list]:
    """The query with each `:name` replaced by `?` and the values in the order they appear. The
    filters sit in the WHERE next to the data they narrow, where DuckDB pushes them into the scans
    (a one-row CTE of parameters joined to the data, it does not: it reads whole tables)."""
    params: list = []

    def one(m: re.Match) -> str:
        params.append(values[m.group(1)])
        return "?"

    return re.sub(r"(?<![:\w]):([a-z_]+)\b", one, sql), params


# The composites (filter_options, overview_kpis, district_trend) send their independent queries
# at once: each runs on its own cursor of the shared read-only connection (dashboard.db), so the
# round trips overlap instead of adding up.
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="da06-query")


def _together(*calls) -> list:
    """[fn(wh, *args) for (fn, wh, *args) in calls], run at the same time; results in that order."""
    futures = [_POOL.submit(fn, *args) for fn, *args in calls]
    return [f.result() for f in futures]


def _units(units) -> list[str] | None:
    return list(units) if units else None


def _p(first: dt.date, last: dt.date, units, agency) -> dict:
    """The filters as _bind's values."""
    return {"first": first, "last": last, "units": _units(units), "agency": agency or None}


def _with_target(sql_scope: str) -> str:
    """The scope plus each service's configured online-rate target as `target`."""
    return sql_scope + """,
    scoped as (
        select s.*, sv.online_rate_target as target
        from scope as s
        join stg_services as sv using (service_code)
    )"""


def previous_window(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before [first, last]."""
    n = (last.year - first.year) * 12 + last.month - first.month + 1
    return add_months(first, -n), add_months(first, -1)


# --------------------------------------------------------------------------- filters, context

def warehouse_summary(wh: Warehouse) -> dict:
    """What the warehouse holds: months covered, sources, file counts."""
    df = wh.query(
        """
        select
            (select min(period) from service_volume_monthly) as first_period,
            (select max(period) from service_volume_monthly) as last_period,
            -- submission_log has one row per received file, rejected iff the file was: counted from
            -- the files themselves (the view would work out every file's superseded status first)
            (select count(*) from stg_submissions) as files,
            (select count(*) from stg_submissions where status = 'rejected') as rejected,
            (select count(distinct unit_code) from service_volume_monthly where unit_level = 'district') as districts,
            (select string_agg(source, ',' order by source)
             from (select distinct source from service_volume_monthly)) as sources,
            (select official_label from stg_settings) as official_label,
            (select sample_label from stg_settings) as sample_label
        """
    )
    return df.iloc[0].to_dict()


def filter_options(wh: Warehouse) -> dict:
    """What the filters offer: the months with data (any topic), the province's territorial
    units and the agencies (names in Vietnamese order), the default month (the latest month of
    service_volume_monthly) and the source labels."""
    # four independent queries, at once (see _together)
    months, units, agencies, s = _together(*[(wh.query, sql) for sql in (
        """
        select distinct period from (
            select period from service_volume_monthly
            union all select period from identity_monthly
            union all select period from cleaning_monthly
            union all select period from task_status
        ) order by period
        """,
        """
        select u.unit_code, u.unit_name, u.unit_level
        from stg_units as u
        where u.unit_level in ('district', 'commune')
          and u.parent_code = (select province_code from stg_settings)
        order by u.unit_name collate vi
        """,
        """
        select u.unit_code, u.unit_name
        from stg_units as u
        where u.unit_level = 'agency' and u.parent_code = (select province_code from stg_settings)
        order by u.unit_name collate vi
        """,
        """
        select s.province_code, u.unit_name as province_name, s.official_label, s.sample_label,
               (select max(period) from service_volume_monthly) as default_period
        from stg_settings as s
        left join stg_units as u on u.unit_code = s.province_code
        """,
    )])
    s = s.iloc[0]
    periods = [pd.Timestamp(p).date() for p in months["period"]]
    default = pd.Timestamp(s["default_period"]).date() if pd.notna(s["default_period"]) else (periods[-1] if periods else None)
    return {
        "periods": periods,
        "default_period": default,
        "units": list(zip(units["unit_code"], units["unit_name"])),
        "agencies": list(zip(agencies["unit_code"], agencies["unit_name"])),
        "province_code": s["province_code"],
        "province_name": s["province_name"] or s["province_code"],
        "official_label": s["official_label"],
        "sample_label": s["sample_label"],
    }


# --------------------------------------------------------------------------- public services

def online_rate_summary(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row: dossiers, online dossiers, online rate and the dossier-weighted target over the
    period, for the province (or the selected units)."""
    return wh.query(*_bind(
        "with " + _with_target(_services_in_scope(units)) + f"""
        select {_RATE_COLUMNS}
        from scoped
        """,
        **_p(first, last, units, agency),
    ))


def online_rate_trend(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per month: dossiers, online dossiers, online rate and target."""
    return wh.query(*_bind(
        "with " + _with_target(_services_in_scope(units)) + f"""
        select period, {_RATE_COLUMNS}
        from scoped
        group by period
        order by period
        """,
        **_p(first, last, units, agency),
    ))


def online_rate_trend_by_group(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per month and service group (e06_essential, qd422, ...)."""
    return wh.query(*_bind(
        "with " + _with_target(_services_in_scope(units)) + f"""
        select period, service_group, {_RATE_COLUMNS}
        from scoped
        group by period, service_group
        order by service_group, period
        """,
        **_p(first, last, units, agency),
    ))


def service_rates(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per service of the catalogue in scope, with its dossiers, online rate, target,
    the shortfall (online dossiers missing to reach the target) and `pull`: how many points the
    overall rate would gain without the service (positive = the service pulls the rate down).
    Ordered by service code."""
    return wh.query(*_bind(
        "with " + _with_target(_services_in_scope(units)) + f""",
        per_service as (
            select service_code, {_RATE_COLUMNS}
            from scoped
            group by service_code
        ),
        overall as (
            select sum(total_dossiers) as t, sum(online_dossiers) as o from per_service
        ),
        final as (
            select
                sv.service_code, sv.service_name, sv.service_group, sv.agency_code,
                coalesce(a.unit_name, sv.agency_code) as agency_name,
                ps.total_dossiers, ps.online_dossiers, ps.online_rate,
                sv.online_rate_target as target_rate,
                greatest(ceil(ps.total_dossiers * sv.online_rate_target - ps.online_dossiers), 0) as shortfall,
                case when ov.t - ps.total_dossiers > 0 and ps.total_dossiers > 0
                     then (ov.o - ps.online_dossiers) / (ov.t - ps.total_dossiers) - ov.o / ov.t end as pull,
                ps.sources
            from stg_services as sv
            cross join overall as ov
            left join per_service as ps using (service_code)
            left join stg_units as a on a.unit_code = sv.agency_code
            where cast(:agency as varchar) is null or sv.agency_code = cast(:agency as varchar)
        )
        select * from final order by service_code
        """,
        **_p(first, last, units, agency),
    ))


def services_below_target(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """Services whose online rate is below their target, those pulling the overall rate down
    the most first."""
    df = service_rates(wh, first, last, units, agency)
    below = df[df["online_rate"].notna() & df["target_rate"].notna() & (df["online_rate"] < df["target_rate"])]
    return below.sort_values(["pull", "shortfall"], ascending=[False, False], na_position="last").reset_index(drop=True)


def agency_rates(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per responsible agency: dossiers, online rate, target; names in Vietnamese order."""
    return wh.query(*_bind(
        "with " + _with_target(_services_in_scope(units)) + f"""
        select s.agency_code, coalesce(u.unit_name, s.agency_code) as agency_name,
               count(distinct s.service_code) as services, {_RATE_COLUMNS}
        from scoped as s
        left join stg_units as u on u.unit_code = s.agency_code
        group by s.agency_code, u.unit_name
        order by coalesce(u.unit_name, s.agency_code) collate vi
        """,
        **_p(first, last, units, agency),
    ))


def district_rates(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None, service: str | None = None) -> pd.DataFrame:
    """One row per district (the selected ones, else all): dossiers, online rate, target and its
    rank among all the province's districts (1 = highest rate; districts without dossiers are not
    ranked), so a selected district keeps its provincial rank. Optionally one service. Names in
    Vietnamese order."""
    return wh.query(*_bind(
        "with " + _with_target(_SERVICES_BY_DISTRICT) + f""",
        per_unit as (
            select unit_code, {_RATE_COLUMNS}
            from scoped
            where cast(:service as varchar) is null or service_code = cast(:service as varchar)
            group by unit_code
        ),
        final as (
            select d.unit_code, d.unit_name, r.total_dossiers, r.online_dossiers, r.online_rate, r.target_rate,
                   case when r.online_rate is not null
                        then rank() over (order by r.online_rate desc nulls last) end as rank,
                   r.sources, d.selected
            from districts as d
            left join per_unit as r using (unit_code)
        )
        select * exclude (selected) from final where selected order by unit_name collate vi
        """,
        **_p(first, last, units, agency), service=service,
    ))


def district_services(wh: Warehouse, first: dt.date, last: dt.date, unit: str, agency=None) -> pd.DataFrame:
    """One district's services over the period: dossiers, online rate, target."""
    return service_rates(wh, first, last, [unit], agency)


# --------------------------------------------------------------------------- CCCD and VNeID

def _identity_at(units) -> str:
    """Identity stocks per month in scope. Only the branch the filter needs is in the SQL: a
    branch switched off by a bound parameter would still make DuckDB compute the
    identity_unit_monthly view (carried-forward stocks of every unit and month)."""
    if units:
        rows = """
        select period, sum(cccd_records) as cccd_records, sum(vneid_applications) as vneid_applications,
               sum(vneid_activated) as vneid_activated, sum(vneid_target) as vneid_target,
               string_agg(distinct source, ',' order by source) as sources,
               count(*) as units, count(*) filter (where carried_forward) as units_carried
        from identity_unit_monthly
        where list_contains(cast(:units as varchar[]), unit_code)
          and period between cast(:first as date) and cast(:last as date)
        group by period"""
    else:
        rows = """
        select period, cccd_records, vneid_applications, vneid_activated, vneid_target, source as sources,
               1 as units, 0 as units_carried
        from identity_monthly
        where unit_code = (select province_code from stg_settings)
          and period between cast(:first as date) and cast(:last as date)"""
    return f"""
    at_month as ({rows}
    )"""


def identity_trend(wh: Warehouse, first: dt.date, last: dt.date, units=None) -> pd.DataFrame:
    """One row per month: CCCD records, VNeID applications, activations and target (stocks),
    activation rate, for the province (or the sum of the selected units)."""
    return wh.query(*_bind(
        "with " + _identity_at(units) + """
        select period, cccd_records, vneid_applications, vneid_activated, vneid_target,
               vneid_activated / nullif(vneid_target, 0) as activation_rate, sources, units, units_carried
        from at_month
        order by period
        """,
        first=first, last=last, units=_units(units),
    ))


def identity_by_district(wh: Warehouse, period: dt.date, units=None) -> pd.DataFrame:
    """One row per district (the selected ones, else all) at the month: CCCD records, VNeID
    applications, activations, target, activation rate, the change in activations from the
    previous month, the rank by activation rate among all the province's districts (1 = highest)
    and the month the figures come from. Names in Vietnamese order."""
    return wh.query(
        """
        with p as (
            select cast(? as date) as period, cast(? as varchar[]) as units,
                   (select province_code from stg_settings) as province_code
        ),
        -- the view is read once for both months (each reference would compute it again)
        two_months as materialized (
            select i.* from identity_unit_monthly as i, p
            where i.period in (p.period, p.period - interval 1 month) and i.parent_code = p.province_code
        ),
        cur as (
            select i.*, (p.units is null or list_contains(p.units, i.unit_code)) as selected
            from two_months as i, p
            where i.period = p.period
        ),
        prev as (
            select i.unit_code, i.vneid_activated, i.cccd_records from two_months as i, p
            where i.period = p.period - interval 1 month
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
        """,
        [period, _units(units)],
    )


# --------------------------------------------------------------------------- data cleaning

def _cleaning_scope(units) -> str:
    """Cleaning rows in scope; only the branch the filter needs is in the SQL (see _identity_at)."""
    if units:
        rows = """
        select c.period, c.dataset_code, c.records_cleaned, c.records_total, c.source
        from cleaning_unit_monthly as c
        where list_contains(cast(:units as varchar[]), c.unit_code)
          and c.period between cast(:first as date) and cast(:last as date)"""
    else:
        rows = """
        select c.period, c.dataset_code, c.records_cleaned, c.records_total, c.source
        from cleaning_monthly as c
        where c.unit_code = (select province_code from stg_settings)
          and c.period between cast(:first as date) and cast(:last as date)"""
    return f"""
    rows_in_scope as ({rows}
    ),
    scoped as (
        select r.*, d.dataset_name, d.sector_agency_code, d.has_total
        from rows_in_scope as r
        join stg_datasets as d using (dataset_code)
        where cast(:agency as varchar) is null or d.sector_agency_code = cast(:agency as varchar)
    )"""


_CLEANING_COLUMNS = """
        sum(records_cleaned) as records_cleaned,
        sum(records_cleaned) filter (where records_total is not null) as records_cleaned_with_total,
        sum(records_total) filter (where records_cleaned is not null) as records_total,
        sum(records_cleaned) filter (where records_total is not null)
            / nullif(sum(records_total) filter (where records_cleaned is not null), 0) as cleaning_ratio,
        string_agg(distinct source, ',' order by source) as sources"""


def cleaning_trend(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per month: records cleaned and the overall cleaning ratio over the datasets that
    have a total (stocks of each month)."""
    return wh.query(*_bind(
        "with " + _cleaning_scope(units) + f"""
        select period, {_CLEANING_COLUMNS}
        from scoped
        group by period
        order by period
        """,
        **_p(first, last, units, agency),
    ))


def cleaning_trend_by_dataset(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per month and dataset: records cleaned, total, ratio."""
    return wh.query(*_bind(
        "with " + _cleaning_scope(units) + f"""
        select period, dataset_code, dataset_name, {_CLEANING_COLUMNS}
        from scoped
        group by period, dataset_code, dataset_name
        order by dataset_name collate vi, period
        """,
        **_p(first, last, units, agency),
    ))


def cleaning_by_dataset(wh: Warehouse, period: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per dataset at the month: records cleaned, total, ratio, the sector agency, and
    the change in cleaned records from the previous month. Names in Vietnamese order."""
    return wh.query(*_bind(
        "with " + _cleaning_scope(units) + f""",
        per_dataset as materialized (
            select period, dataset_code, {_CLEANING_COLUMNS}
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
            left join per_dataset as cur on cur.dataset_code = d.dataset_code and cur.period = cast(:last as date)
            left join per_dataset as prev on prev.dataset_code = d.dataset_code
                                         and prev.period = cast(:last as date) - interval 1 month
            left join stg_units as a on a.unit_code = d.sector_agency_code
            where cast(:agency as varchar) is null or d.sector_agency_code = cast(:agency as varchar)
        )
        select * from final order by dataset_name collate vi
        """,
        # The previous month is read too, for the change.
        **_p(add_months(period, -1), period, units, agency),
    ))


def cleaning_matrix(wh: Warehouse, period: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per district and dataset at the month (the heat map): cleaning ratio, counts and
    whether the figure is carried forward. Districts and datasets (dataset_order) in Vietnamese
    order."""
    return wh.query(
        """
        with p as (
            select cast(? as date) as period, cast(? as varchar[]) as units, cast(? as varchar) as agency,
                   (select province_code from stg_settings) as province_code
        ),
        datasets as (
            select dataset_code, dataset_name, sector_agency_code,
                   row_number() over (order by dataset_name collate vi) as dataset_order
            from stg_datasets
        ),
        final as (
            select c.unit_code, c.unit_name, c.dataset_code, d.dataset_name, d.dataset_order,
                   c.records_cleaned, c.records_total, c.cleaning_ratio, c.carried_forward, c.source
            from cleaning_unit_monthly as c
            join datasets as d using (dataset_code)
            cross join p
            where c.period = p.period and c.parent_code = p.province_code
              and (p.units is null or list_contains(p.units, c.unit_code))
              and (p.agency is null or d.sector_agency_code = p.agency)
        )
        select * from final order by unit_name collate vi, dataset_order
        """,
        [period, _units(units), agency or None],
    )


def cleaning_by_district(wh: Warehouse, period: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per district (the selected ones, else all) at the month: overall cleaning ratio
    over the datasets with a total, and its rank among all the province's districts (1 =
    highest). Names in Vietnamese order."""
    return wh.query(
        """
        with p as (
            select cast(? as date) as period, cast(? as varchar[]) as units, cast(? as varchar) as agency,
                   (select province_code from stg_settings) as province_code
        ),
        per_unit as (
            select c.unit_code, c.unit_name,
                   sum(c.records_cleaned) filter (where c.records_total is not null) as records_cleaned,
                   sum(c.records_total) filter (where c.records_cleaned is not null) as records_total,
                   string_agg(distinct c.source, ',' order by c.source) as sources
            from cleaning_unit_monthly as c
            join stg_datasets as d using (dataset_code)
            cross join p
            where c.period = p.period and c.parent_code = p.province_code
              and (p.agency is null or d.sector_agency_code = p.agency)
            group by c.unit_code, c.unit_name
        ),
        final as (
            select unit_code, unit_name, records_cleaned, records_total,
                   records_cleaned / nullif(records_total, 0) as cleaning_ratio,
                   case when records_cleaned / nullif(records_total, 0) is not null
                        then rank() over (order by records_cleaned / nullif(records_total, 0) desc nulls last) end as rank,
                   sources
            from per_unit
        )
        select f.* from final as f, p
        where p.units is null or list_contains(p.units, f.unit_code)
        order by f.unit_name collate vi
        """,
        [period, _units(units), agency or None],
    )


# --------------------------------------------------------------------------- tasks

def task_tracker(wh: Warehouse, period: dt.date, agency=None, statuses=None) -> pd.DataFrame:
    """Every task of the catalogue with its status as of the month (carried forward from its
    latest report), responsible unit, deadline, days overdue and source document. Optionally
    only some statuses ('done', 'in_progress', 'not_started', 'no_report', or 'overdue').
    Overdue first (most days first), then by task code."""
    st = list(statuses) if statuses else None
    return wh.query(
        """
        select task_code, task_group, task_name, responsible_unit_code, responsible_unit_name,
               deadline, deadline_text, recurring, status, status_period, status_text,
               is_overdue, days_overdue, days_to_deadline, units_reporting, units_done,
               source_document, source as sources
        from task_tracker
        where period = cast(? as date) and (cast(? as varchar) is null or responsible_unit_code = cast(? as varchar))
          and (cast(? as varchar[]) is null or list_contains(cast(? as varchar[]), status)
               or (is_overdue and list_contains(cast(? as varchar[]), 'overdue')))
        order by is_overdue desc, days_overdue desc nulls last, task_group, try_cast(task_number as integer) nulls last, task_code
        """,
        [period, agency or None, agency or None, st, st, st],
    )


def task_counts(wh: Warehouse, period: dt.date, agency=None) -> pd.DataFrame:
    """One row: tasks in scope, done, in progress, not started, without a report, overdue, for
    the month and the month before."""
    return wh.query(
        """
        select period,
               count(*) as tasks,
               count(*) filter (where status = 'done') as done,
               count(*) filter (where status = 'in_progress') as in_progress,
               count(*) filter (where status = 'not_started') as not_started,
               count(*) filter (where status = 'no_report') as no_report,
               count(*) filter (where is_overdue) as overdue,
               string_agg(distinct source, ',' order by source) as sources
        from task_tracker
        where period between cast(? as date) - interval 1 month and cast(? as date)
          and (cast(? as varchar) is null or responsible_unit_code = cast(? as varchar))
        group by period
        order by period
        """,
        [period, period, agency or None, agency or None],
    )


def task_counts_by_agency(wh: Warehouse, period: dt.date, agency=None) -> pd.DataFrame:
    """One row per responsible unit: tasks, done, in progress, not started, no report, overdue.
    Names in Vietnamese order."""
    return wh.query(
        """
        select responsible_unit_code, responsible_unit_name,
               count(*) as tasks,
               count(*) filter (where status = 'done') as done,
               count(*) filter (where status = 'in_progress') as in_progress,
               count(*) filter (where status = 'not_started') as not_started,
               count(*) filter (where status = 'no_report') as no_report,
               count(*) filter (where is_overdue) as overdue,
               string_agg(distinct source, ',' order by source) as sources
        from task_tracker
        where period = cast(? as date) and (cast(? as varchar) is null or responsible_unit_code = cast(? as varchar))
        group by responsible_unit_code, responsible_unit_name
        order by responsible_unit_name collate vi
        """,
        [period, agency or None, agency or None],
    )


def tasks_due_soon(wh: Warehouse, period: dt.date, agency=None) -> pd.DataFrame:
    """Tasks not done whose deadline falls in the month after the as-of month (after its last
    day, up to the next month's last day: deadlines fall at month ends, so a fixed number of
    days would miss some), soonest first."""
    return wh.query(
        """
        select task_code, task_name, responsible_unit_name, deadline, deadline_text, status,
               days_to_deadline, source_document, source as sources
        from task_tracker
        where period = cast(? as date)
          and (cast(? as varchar) is null or responsible_unit_code = cast(? as varchar))
          and status <> 'done'
          and deadline > last_day(cast(? as date))
          and deadline <= last_day(cast(? as date) + interval 1 month)
        order by deadline, task_code
        """,
        [period, agency or None, agency or None, period, period],
    )


def district_task_status(wh: Warehouse, period: dt.date, units=None) -> pd.DataFrame:
    """Tasks assigned to every district: each district's own status as of the month (its latest
    report at or before it). One row per district and task; names in Vietnamese order."""
    unit_filter = "and list_contains(cast(:units as varchar[]), u.unit_code)" if units else ""
    return wh.query(*_bind(
        f"""
        with districts as (
            select u.unit_code, u.unit_name from stg_units as u
            where u.unit_level in ('district', 'commune') and u.parent_code = (select province_code from stg_settings)
              {unit_filter}
        ),
        district_tasks as (
            select task_code, task_name, deadline from stg_tasks where responsible_unit_code = 'DISTRICTS'
        ),
        grid as (
            select d.unit_code, d.unit_name, t.task_code, t.task_name, t.deadline, cast(:period as date) as period
            from districts as d
            cross join district_tasks as t
        ),
        -- only the reports the ASOF join can pick: these districts', these tasks', up to the month
        reports as (
            select r.period, r.unit_code, r.task_code, r.status, r.source
            from stg_task_reports as r
            where r.period <= cast(:period as date)
              and r.unit_code in (select unit_code from districts)
              and r.task_code in (select task_code from district_tasks)
        ),
        latest as (
            select g.*, r.period as status_period, r.status, r.source
            from grid as g
            asof left join reports as r
                on r.unit_code = g.unit_code and r.task_code = g.task_code and g.period >= r.period
        ),
        final as (
            select unit_code, unit_name, task_code, task_name, deadline,
                   coalesce(status, 'no_report') as status, status_period,
                   coalesce(status is not null and status <> 'done' and deadline <= last_day(period), false) as is_overdue,
                   source as sources
            from latest
        )
        select * from final order by unit_name collate vi, task_code
        """,
        period=period, units=_units(units),
    ))


# --------------------------------------------------------------------------- overview KPIs

def _status(value, target, band: float = AMBER_BAND) -> str:
    if value is None or target is None or pd.isna(value) or pd.isna(target):
        return "none"
    if value >= target:
        return "green"
    if value >= target - band:
        return "amber"
    return "red"


def _num(v):
    return None if v is None or pd.isna(v) else float(v)


def _sources(*values) -> str:
    out: set[str] = set()
    for v in values:
        if v is not None and not (isinstance(v, float) and pd.isna(v)):
            out.update(s for s in str(v).split(",") if s)
    return ",".join(sorted(out))


def _rates_both_windows(wh: Warehouse, pf: dt.date, first: dt.date, last: dt.date, units, agency) -> pd.DataFrame:
    """overview_kpis' online rate: one row for the period ('cur') and one for the same-length
    period before it ('prev')."""
    return wh.query(*_bind(
        "with " + _with_target(_services_in_scope(units)) + f""",
        windows as (select 'cur' as w union all select 'prev')
        select windows.w, r.* exclude (w)
        from windows
        left join (
            select case when period >= cast(:cur_first as date) then 'cur' else 'prev' end as w, {_RATE_COLUMNS}
            from scoped
            group by 1
        ) as r using (w)
        """,
        **_p(pf, last, units, agency), cur_first=first,
    ))


def overview_kpis(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> list[dict]:
    """The leadership KPIs for the period: value, target, the previous value (the same-length
    period before for flows, the month before the period for stocks), status
    ('green' | 'amber' | 'red' | 'none') and sources. Each a dict with key, value, previous,
    target, status, sources and the figures behind it."""
    pf, pl = previous_window(first, last)
    kpis: list[dict] = []

    before = add_months(first, -1)
    # The period and the same-length period before it, in one query; the stocks and tasks at once.
    both, idt, cl, tc = _together(
        (_rates_both_windows, wh, pf, first, last, units, agency), (identity_trend, wh, before, last, units),
        (cleaning_trend, wh, before, last, units, agency), (task_counts, wh, last, agency))
    both = both.set_index("w")
    cur, prev = both.loc["cur"], both.loc["prev"]

    # Online-submission rate (flow over the period).
    target = _num(cur["target_rate"]) if _num(cur["target_rate"]) is not None else DEFAULT_ONLINE_TARGET
    kpis.append({
        "key": "online_rate", "value": _num(cur["online_rate"]), "previous": _num(prev["online_rate"]),
        "target": target, "status": _status(_num(cur["online_rate"]), target),
        "total": _num(cur["total_dossiers"]), "online": _num(cur["online_dossiers"]),
        "sources": _sources(cur["sources"]),
    })

    # CCCD records and VNeID (stocks at the period's last month vs the month before the period).
    idt_cur = idt[idt["period"].dt.date == last]
    idt_prev = idt[idt["period"].dt.date == add_months(first, -1)]
    c = idt_cur.iloc[0] if len(idt_cur) else None
    p = idt_prev.iloc[0] if len(idt_prev) else None
    kpis.append({
        "key": "cccd_records", "value": _num(c["cccd_records"]) if c is not None else None,
        "previous": _num(p["cccd_records"]) if p is not None else None,
        "target": None, "status": "none", "sources": _sources(c["sources"]) if c is not None else "",
    })
    act = _num(c["vneid_activated"]) if c is not None else None
    tgt = _num(c["vneid_target"]) if c is not None else None
    rate = act / tgt if act is not None and tgt else None
    p_rate = (_num(p["vneid_activated"]) / _num(p["vneid_target"])) if p is not None and _num(p["vneid_target"]) else None
    kpis.append({
        "key": "vneid_activation", "value": rate, "previous": p_rate, "target": ACTIVATION_TARGET,
        "activated": act, "vneid_target": tgt,
        "activated_previous": _num(p["vneid_activated"]) if p is not None else None,
        "status": _status(rate, ACTIVATION_TARGET), "sources": _sources(c["sources"]) if c is not None else "",
    })

    # Data cleaning (stock).
    cl_cur = cl[cl["period"].dt.date == last]
    cl_prev = cl[cl["period"].dt.date == add_months(first, -1)]
    cc = cl_cur.iloc[0] if len(cl_cur) else None
    cp = cl_prev.iloc[0] if len(cl_prev) else None
    ratio = _num(cc["cleaning_ratio"]) if cc is not None else None
    kpis.append({
        "key": "cleaning", "value": ratio, "previous": _num(cp["cleaning_ratio"]) if cp is not None else None,
        "target": CLEANING_TARGET, "status": _status(ratio, CLEANING_TARGET),
        "cleaned": _num(cc["records_cleaned_with_total"]) if cc is not None else None,
        "total": _num(cc["records_total"]) if cc is not None else None,
        "sources": _sources(cc["sources"]) if cc is not None else "",
    })

    # Tasks (status as of the period's last month; the province's tracker).
    t_cur = tc[tc["period"].dt.date == last]
    t_prev = tc[tc["period"].dt.date == add_months(last, -1)]
    t = t_cur.iloc[0] if len(t_cur) else None
    tp = t_prev.iloc[0] if len(t_prev) else None
    tasks = int(t["tasks"]) if t is not None else 0
    overdue = int(t["overdue"]) if t is not None else None
    if t is None or tasks == 0:
        status = "none"
    elif overdue == 0:
        status = "green"
    elif overdue <= TASKS_AMBER_SHARE * tasks:
        status = "amber"
    else:
        status = "red"
    kpis.append({
        "key": "tasks", "value": int(t["done"]) if t is not None else None,
        "previous": int(tp["done"]) if tp is not None else None,
        "tasks": tasks, "overdue": overdue,
        "overdue_previous": int(tp["overdue"]) if tp is not None else None,
        "target": tasks, "status": status, "sources": _sources(t["sources"]) if t is not None else "",
    })
    for k in kpis:
        k["change"] = (k["value"] - k["previous"]) if k["value"] is not None and k["previous"] is not None else None
    return kpis


def best_worst_districts(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None, n: int = 5) -> pd.DataFrame:
    """The n districts with the highest and the n with the lowest online rate over the period
    (column `group`: 'best' | 'worst', worst listed lowest first). With 2n districts or fewer
    ranked, every district once, as 'all', best first."""
    df = district_rates(wh, first, last, units, agency)
    ranked = df[df["rank"].notna()].sort_values(["rank", "online_dossiers"], ascending=[True, False])
    if len(ranked) <= 2 * n:
        return ranked.assign(group="all").reset_index(drop=True)
    best = ranked.head(n).assign(group="best")
    worst = ranked.tail(n).iloc[::-1].assign(group="worst")
    return pd.concat([best, worst], ignore_index=True)


# --------------------------------------------------------------------------- district profile

# district_profile's figures in one statement, one row: each as the query the district page
# would otherwise run for it computes it (district_rates and online_rate_summary over the period;
# identity_by_district, identity_trend, cleaning_by_district, cleaning_trend and
# district_task_status at its last month): the same rows, the same expressions, the same ranks
# (rank() over the province's districts, 1 = highest, ties share the lowest rank, a district
# without the figure is not ranked). For each indicator `<key>` the district's value, `<key>_province`,
# `<key>_rank` and `<key>_ranked` (how many districts have the figure); the sources of each
# topic (`<topic>_sources`, `<topic>_province_sources`) as comma-separated lists in no particular
# order (district_profile sorts and joins them).
_DISTRICT_PROFILE = """
    -- the settings view is read once
    with province as materialized (select province_code from stg_settings),
    districts as (
        select u.unit_code
        from stg_units as u
        join province as p on u.parent_code = p.province_code
        where u.unit_level in ('district', 'commune')
    ),
    -- online rate and dossiers over the period: every district's rows and the province's own rows
    -- (its official figures, else the rollup of its districts), one rate per unit
    service_units as (
        select v.unit_code,
               sum(v.total_dossiers) filter (where v.online_dossiers is not null) as total_dossiers,
               sum(v.online_dossiers) filter (where v.total_dossiers is not null)
                   / nullif(sum(v.total_dossiers) filter (where v.online_dossiers is not null), 0) as online_rate,
               array_to_string(list_distinct(list(v.source)), ',') as sources
        from service_volume_monthly as v
        join stg_services as sv using (service_code)
        where v.period between cast(:first as date) and cast(:last as date)
          and (v.unit_code = (select province_code from province)
               or v.unit_code in (select unit_code from districts))
        group by v.unit_code
    ),
    service_ranked as (
        select d.unit_code, s.total_dossiers, s.online_rate, s.sources,
               case when s.online_rate is not null
                    then rank() over (order by s.online_rate desc nulls last) end as online_rate_rank,
               case when s.total_dossiers is not null
                    then rank() over (order by s.total_dossiers desc nulls last) end as total_dossiers_rank
        from districts as d
        left join service_units as s using (unit_code)
    ),
    -- CCCD and VNeID stocks at the last month: each district's latest figures, the province's own
    identity_ranked as (
        select i.unit_code, i.cccd_records, i.vneid_activated, i.activation_rate, i.source as sources,
               case when i.cccd_records is not null
                    then rank() over (order by i.cccd_records desc nulls last) end as cccd_records_rank,
               case when i.vneid_activated is not null
                    then rank() over (order by i.vneid_activated desc nulls last) end as vneid_activated_rank,
               case when i.activation_rate is not null
                    then rank() over (order by i.activation_rate desc nulls last) end as activation_rate_rank
        from identity_unit_monthly as i
        join province as p on i.parent_code = p.province_code
        where i.period = cast(:last as date)
    ),
    identity_province as (
        select i.cccd_records, i.vneid_activated, i.vneid_activated / nullif(i.vneid_target, 0) as activation_rate,
               i.source as sources
        from identity_monthly as i
        join province as p on i.unit_code = p.province_code
        where i.period = cast(:last as date)
    ),
    -- cleaning ratio at the last month over the datasets with a total: each district, the province
    cleaning_units as (
        select c.unit_code,
               sum(c.records_cleaned) filter (where c.records_total is not null)
                   / nullif(sum(c.records_total) filter (where c.records_cleaned is not null), 0) as cleaning_ratio,
               array_to_string(list_distinct(list(c.source)), ',') as sources
        from cleaning_unit_monthly as c
        join stg_datasets as d using (dataset_code)
        join province as p on c.parent_code = p.province_code
        where c.period = cast(:last as date)
        group by c.unit_code, c.unit_name
    ),
    cleaning_ranked as (
        select unit_code, cleaning_ratio, sources,
               case when cleaning_ratio is not null
                    then rank() over (order by cleaning_ratio desc nulls last) end as cleaning_ratio_rank
        from cleaning_units
    ),
    cleaning_province as (
        select sum(c.records_cleaned) filter (where c.records_total is not null)
                   / nullif(sum(c.records_total) filter (where c.records_cleaned is not null), 0) as cleaning_ratio,
               array_to_string(list_distinct(list(c.source)), ',') as sources
        from cleaning_monthly as c
        join stg_datasets as d using (dataset_code)
        join province as p on c.unit_code = p.province_code
        where c.period = cast(:last as date)
    ),
    -- district-level tasks: each district's own status of each task as of the last month, from its
    -- latest report at or before it (one report per month, task and unit: the primary key);
    -- no report = not done
    district_tasks as (
        select task_code from stg_tasks where responsible_unit_code = 'DISTRICTS'
    ),
    task_latest as (
        select r.unit_code, r.task_code, arg_max(r.status, r.period) as status, arg_max(r.source, r.period) as source
        from stg_task_reports as r
        where r.period <= cast(:last as date)
          and r.unit_code in (select unit_code from districts)
          and r.task_code in (select task_code from district_tasks)
        group by r.unit_code, r.task_code
    ),
    task_units as (
        select d.unit_code, count(*) filter (where l.status = 'done') as done, count(*) as tasks,
               count(*) filter (where l.status = 'done') / count(*) as share,
               array_to_string(list_distinct(list(l.source)), ',') as sources
        from districts as d
        cross join district_tasks as t
        left join task_latest as l on l.unit_code = d.unit_code and l.task_code = t.task_code
        group by d.unit_code
    ),
    task_ranked as (
        select *, rank() over (order by share desc) as share_rank from task_units
    ),
    -- how many districts have each figure, and the province's share of tasks done (aggregates in
    -- the FROM: a scalar subquery each would cost a join of its own to plan and run)
    ranked as (
        select s.*, i.*, c.*, t.*
        from (select count(online_rate) as online_rate_ranked, count(total_dossiers) as total_dossiers_ranked
              from service_ranked) as s,
             (select count(cccd_records) as cccd_records_ranked, count(vneid_activated) as vneid_activated_ranked,
                     count(activation_rate) as activation_rate_ranked from identity_ranked) as i,
             (select count(cleaning_ratio) as cleaning_ratio_ranked from cleaning_ranked) as c,
             (select count(share) as district_tasks_done_ranked,
                     sum(done) / nullif(sum(tasks), 0) as district_tasks_done_province from task_units) as t
    )
    -- one row: the counts, the chosen unit's figures (NULL where it has none) and the province's
    select n.*,
           s.online_rate, sp.online_rate as online_rate_province, s.online_rate_rank,
           s.total_dossiers, sp.total_dossiers as total_dossiers_province, s.total_dossiers_rank,
           s.sources as service_sources, sp.sources as service_province_sources,
           i.cccd_records, ip.cccd_records as cccd_records_province, i.cccd_records_rank,
           i.vneid_activated, ip.vneid_activated as vneid_activated_province, i.vneid_activated_rank,
           i.activation_rate, ip.activation_rate as activation_rate_province, i.activation_rate_rank,
           i.sources as identity_sources, ip.sources as identity_province_sources,
           c.cleaning_ratio, cp.cleaning_ratio as cleaning_ratio_province, c.cleaning_ratio_rank,
           c.sources as cleaning_sources, cp.sources as cleaning_province_sources,
           t.share as district_tasks_done, t.share_rank as district_tasks_done_rank, t.done, t.tasks,
           t.sources as task_sources, null as task_province_sources
    from ranked as n
    cross join cleaning_province as cp
    left join service_ranked as s on s.unit_code = :unit
    left join (select su.* from service_units as su join province as p on su.unit_code = p.province_code) as sp on true
    left join identity_ranked as i on i.unit_code = :unit
    left join identity_province as ip on true
    left join cleaning_ranked as c on c.unit_code = :unit
    left join task_ranked as t on t.unit_code = :unit
"""

# The profile's indicators in order, each with the topic of its sources.
_PROFILE_KEYS = (("online_rate", "service"), ("total_dossiers", "service"), ("cccd_records", "identity"),
                 ("vneid_activated", "identity"), ("activation_rate", "identity"), ("cleaning_ratio", "cleaning"),
                 ("district_tasks_done", "task"))


def district_profile(wh: Warehouse, first: dt.date, last: dt.date, unit: str) -> pd.DataFrame:
    """One district across every KPI, against the province and its rank among the districts:
    one row per indicator (key, district value, province value, rank, ranked units, sources; for
    the district-level tasks also done and tasks). Online rate and dossiers over the period,
    stocks and tasks at its last month. One statement (_DISTRICT_PROFILE)."""
    r = wh.query(*_bind(_DISTRICT_PROFILE, first=first, last=last, unit=unit)).iloc[0]

    def text(v):
        return None if v is None or pd.isna(v) else v

    rows = []
    for key, topic in _PROFILE_KEYS:
        row = {"key": key, "district": _num(r[key]), "province": _num(r[f"{key}_province"]),
               "rank": _num(r[f"{key}_rank"]), "ranked": int(r[f"{key}_ranked"])}
        if key == "district_tasks_done":
            row.update(done=_num(r["done"]), tasks=_num(r["tasks"]))
        row["sources"] = _sources(text(r[f"{topic}_sources"]), text(r[f"{topic}_province_sources"]))
        rows.append(row)
    return pd.DataFrame(rows)


def district_trend(wh: Warehouse, first: dt.date, last: dt.date, unit: str) -> pd.DataFrame:
    """One row per month: the district's and the province's online rate and VNeID activation
    rate."""
    d, p, di, pi = _together((online_rate_trend, wh, first, last, [unit], None), (online_rate_trend, wh, first, last, None, None),
                             (identity_trend, wh, first, last, [unit]), (identity_trend, wh, first, last, None))
    d, p = d[["period", "online_rate", "sources"]], p[["period", "online_rate", "sources"]]
    di, pi = di[["period", "activation_rate"]], pi[["period", "activation_rate"]]
    out = (p.rename(columns={"online_rate": "province_online_rate", "sources": "province_sources"})
           .merge(d.rename(columns={"online_rate": "district_online_rate"}), on="period", how="outer")
           .merge(pi.rename(columns={"activation_rate": "province_activation_rate"}), on="period", how="outer")
           .merge(di.rename(columns={"activation_rate": "district_activation_rate"}), on="period", how="outer"))
    out["sources"] = [_sources(a, b) for a, b in zip(out["sources"], out["province_sources"])]
    return out.drop(columns=["province_sources"]).sort_values("period").reset_index(drop=True)


# The functions the dashboard pages and app.py call (through ui.q / ui._cached), for benchmarks
# and tests/test_page_queries_named.py.
PAGE_QUERIES = (
    "filter_options", "warehouse_summary", "overview_kpis", "best_worst_districts", "services_below_target",
    "online_rate_summary", "online_rate_trend", "online_rate_trend_by_group", "service_rates", "agency_rates",
    "district_rates", "district_services", "identity_trend", "identity_by_district", "cleaning_trend",
    "cleaning_trend_by_dataset", "cleaning_by_dataset", "cleaning_matrix", "cleaning_by_district", "task_tracker",
    "task_counts", "task_counts_by_agency", "tasks_due_soon", "district_task_status", "district_profile",
    "district_trend",
)


# --------------------------------------------------------------------------- reporting completeness and submissions
STATUS_RANK = "case status when 'missing' then 3 when 'late' then 2 else 1 end"


def reporting_periods(wh: Warehouse) -> list[dt.date]:
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
    """The latest received files, for the given units (None = all), with the names of the files
    that replaced them (`replaced_by_files`, NULL when none did)."""
    return wh.query(
        """
        with recent as (
            select submitted_at, file_name, unit_code, period, topic, row_count, status, submitted_by, message,
                   submission_id, superseded_by
            from submission_log
            where (? is null or list_contains(?, unit_code))
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
        select r.* exclude (superseded_by), x.replaced_by_files
        from recent as r
        left join replacements as x using (submission_id)
        order by r.submitted_at desc
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
