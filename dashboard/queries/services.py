"""Public services: dossiers and online rates by service, agency and district, and their trends.

The online rate is sum_ratio(online_dossiers, total_dossiers) over the rows in scope; its target
(`target_rate`) is the services' targets weighted by their dossiers, over the same rows.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.db import Warehouse
from dashboard.queries.common import PROVINCE, PROVINCE_UNITS, bound, unit_list
from etl.periods import add_months

# A group's dossiers, online dossiers (each counted where the other is known), online rate,
# target and sources, over `scoped` (see _scope).
RATE_COLUMNS = """
        sum(total_dossiers) filter (where online_dossiers is not null) as total_dossiers,
        sum(online_dossiers) filter (where total_dossiers is not null) as online_dossiers,
        sum_ratio(online_dossiers, total_dossiers) as online_rate,
        sum_ratio(target_weight * target, target_weight) as target_rate,
        string_agg(distinct source, ',' order by source) as sources"""

# The scope's rows with each service's configured online-rate target as `target`, weighted by the
# dossiers the online rate counts (`target_weight`: the row's dossiers where its online count is known).
_SCOPED = """
    scoped as (
        select s.*, sv.online_rate_target as target,
               case when s.online_dossiers is not null then s.total_dossiers end as target_weight
        from scope as s
        join stg_services as sv using (service_code)
    )"""


def _scope(units, agency) -> str:
    """The CTEs `scope` and `scoped`: the service rows of the period (`?`s: its first and last
    month) of the province, or of the selected units (a `?` where given), for the agency (a `?`
    where given)."""
    return f"""
    scope as (
        select v.*
        from service_volume_monthly as v
        where v.period between ?::date and ?::date
          and {"list_contains(?::varchar[], v.unit_code)" if units else f"v.unit_code = {PROVINCE}"}
          {"and v.agency_code = ?" if agency else ""}
    ),{_SCOPED}"""


def _scope_by_district(units, agency) -> str:
    """The CTEs `districts` (every territorial unit of the province valid in a month of the period
    — `?`s: its first and last month —, `selected` when among the units — a `?` where given,
    before those: ranks are among all of them, the selection is applied at the end), `scope`
    (their service rows of the period — `?`s: its first and last month — for the agency — a `?`
    where given) and `scoped`."""
    return f"""
    districts as (
        select u.unit_code, u.unit_name, {"list_contains(?::varchar[], u.unit_code)" if units else "true"} as selected
        from stg_units as u
        where {PROVINCE_UNITS} and unit_valid_between(u.unit_code, ?::date, ?::date)
    ),
    scope as (
        select v.*
        from service_volume_monthly as v
        join districts as d using (unit_code)
        where v.period between ?::date and ?::date
          {"and v.agency_code = ?" if agency else ""}
    ),{_SCOPED}"""


def summary(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row: dossiers, online dossiers, online rate and the dossier-weighted target over the
    period, for the province (or the selected units)."""
    return wh.query(f"""
        with {_scope(units, agency)}
        select {RATE_COLUMNS}
        from scoped
        """, bound(first, last, unit_list(units), agency))


def trend(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per month: dossiers, online dossiers, online rate and target."""
    return wh.query(f"""
        with {_scope(units, agency)}
        select period, {RATE_COLUMNS}
        from scoped
        group by period
        order by period
        """, bound(first, last, unit_list(units), agency))


def trend_with_year_ago(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """trend over [first, last] with the same month a year before beside each month
    (`online_rate_year_ago`, `total_dossiers_year_ago`, `online_dossiers_year_ago`; NaN when
    that month has no figures)."""
    df = trend(wh, add_months(first, -12), last, units, agency)
    year = df[["period", "online_rate", "total_dossiers", "online_dossiers"]].copy()
    year["period"] = year["period"] + pd.DateOffset(years=1)
    year = year.rename(columns={c: f"{c}_year_ago" for c in ("online_rate", "total_dossiers", "online_dossiers")})
    df = df[df["period"] >= pd.Timestamp(first)].merge(year, on="period", how="left")
    return df.reset_index(drop=True)


def trend_by_group(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per month and service group (e06_essential, qd422, ...)."""
    return wh.query(f"""
        with {_scope(units, agency)}
        select period, service_group, {RATE_COLUMNS}
        from scoped
        group by period, service_group
        order by service_group, period
        """, bound(first, last, unit_list(units), agency))


def two_windows(wh: Warehouse, first_before: dt.date, first: dt.date, last: dt.date, units=None,
                agency=None) -> pd.DataFrame:
    """The online rate of the period [first, last] (row 'cur') and of the months from
    first_before up to the period (row 'prev'), in one query: overview.kpis' comparison with the
    same-length period before."""
    return wh.query(f"""
        with {_scope(units, agency)},
        windows as (select 'cur' as w union all select 'prev')
        select windows.w, r.* exclude (w)
        from windows
        left join (
            select case when period >= ?::date then 'cur' else 'prev' end as w, {RATE_COLUMNS}
            from scoped
            group by 1
        ) as r using (w)
        """, bound(first_before, last, unit_list(units), agency, first))


def by_service(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per service of the catalogue in scope, with its dossiers (the counts the rate is
    made of; where it has no rate, whichever count is known, so a lone online count still shows),
    online rate, target,
    the shortfall (online dossiers missing to reach the target) and `pull`: how many points the
    overall rate would gain without the service (positive = the service pulls the rate down).
    Ordered by service code."""
    return wh.query(f"""
        with {_scope(units, agency)},
        per_service as (
            select service_code, {RATE_COLUMNS},
                   sum(total_dossiers) as total_known, sum(online_dossiers) as online_known
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
                -- the counts beside the rate: those it is made of; where it has none (one of the
                -- two counts unknown, E06-01's official 63 online dossiers), the count that is known
                coalesce(ps.total_dossiers, ps.total_known) as total_dossiers,
                coalesce(ps.online_dossiers, ps.online_known) as online_dossiers, ps.online_rate,
                sv.online_rate_target as target_rate,
                case when ps.online_rate is not null  -- no rate, no shortfall (greatest() skips a NULL)
                     then greatest(ceil(ps.total_dossiers * sv.online_rate_target - ps.online_dossiers), 0) end as shortfall,
                case when ps.total_dossiers > 0
                     then ratio(ov.o - ps.online_dossiers, ov.t - ps.total_dossiers) - ratio(ov.o, ov.t) end as pull,
                ps.sources
            from stg_services as sv
            cross join overall as ov
            left join per_service as ps using (service_code)
            left join stg_units as a on a.unit_code = sv.agency_code
            {"where sv.agency_code = ?" if agency else ""}
        )
        select * from final order by service_code
        """, bound(first, last, unit_list(units), agency, agency))


def below_target(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """Services whose online rate is below their target, those pulling the overall rate down
    the most first."""
    df = by_service(wh, first, last, units, agency)
    below = df[df["online_rate"].notna() & df["target_rate"].notna() & (df["online_rate"] < df["target_rate"])]
    return below.sort_values(["pull", "shortfall"], ascending=[False, False], na_position="last").reset_index(drop=True)


def by_agency(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> pd.DataFrame:
    """One row per responsible agency: dossiers, online rate, target; names in Vietnamese order."""
    return wh.query(f"""
        with {_scope(units, agency)}
        select s.agency_code, coalesce(u.unit_name, s.agency_code) as agency_name,
               count(distinct s.service_code) as services, {RATE_COLUMNS}
        from scoped as s
        left join stg_units as u on u.unit_code = s.agency_code
        group by s.agency_code, u.unit_name
        order by coalesce(u.unit_name, s.agency_code) collate vi
        """, bound(first, last, unit_list(units), agency))


def by_district(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None,
                service: str | None = None) -> pd.DataFrame:
    """One row per district (the selected ones, else all): dossiers, online rate, target and its
    rank among all the province's districts (1 = highest rate; districts without dossiers are not
    ranked), so a selected district keeps its provincial rank. Optionally one service. Names in
    Vietnamese order."""
    return wh.query(f"""
        with {_scope_by_district(units, agency)},
        per_unit as (
            select unit_code, {RATE_COLUMNS}
            from scoped
            {"where service_code = ?" if service else ""}
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
        """, bound(unit_list(units), first, last, first, last, agency, service))


def of_district(wh: Warehouse, first: dt.date, last: dt.date, unit: str, agency=None) -> pd.DataFrame:
    """One district's services over the period: dossiers, online rate, target."""
    return by_service(wh, first, last, [unit], agency)


def best_worst_districts(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None,
                         n: int = 5) -> pd.DataFrame:
    """The n districts with the highest and the n with the lowest online rate over the period
    (column `group`: 'best' | 'worst', worst listed lowest first). With 2n districts or fewer
    ranked, every district once, as 'all', best first."""
    df = by_district(wh, first, last, units, agency)
    ranked = df[df["rank"].notna()].sort_values(["rank", "online_dossiers"], ascending=[True, False])
    if len(ranked) <= 2 * n:
        return ranked.assign(group="all").reset_index(drop=True)
    best = ranked.head(n).assign(group="best")
    worst = ranked.tail(n).iloc[::-1].assign(group="worst")
    return pd.concat([best, worst], ignore_index=True)
