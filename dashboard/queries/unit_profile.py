"""One district across every KPI, against the province, with its rank among the districts; and
its trends beside the province's."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.db import Warehouse
from dashboard.queries import identity, services
from dashboard.queries.common import bound, sources, together
from dashboard.queries.tasks import DISTRICT_TASKS, UNIT_TASK_STATUS
from etl.definitions import PROFILE_INDICATORS, num

# The topic each indicator's sources are of.
_TOPIC = {"online_rate": "service", "total_dossiers": "service", "cccd_records": "identity",
          "vneid_activated": "identity", "activation_rate": "identity", "cleaning_ratio": "cleaning",
          "district_tasks_done": "task"}

# profile's figures in one statement, one row: each as the query the district page would
# otherwise run for it computes it (services.by_district and services.summary over the period;
# identity.by_district, identity.trend, cleaning.by_district, cleaning.trend and
# tasks.district_status at its last month): the same rows, the same expressions, the same ranks
# (rank() over the province's districts, 1 = highest, ties share the lowest rank, a district
# without the figure is not ranked). For each indicator `<key>` the district's value, `<key>_province`,
# `<key>_rank` and `<key>_ranked` (how many districts have the figure); the sources of each
# topic (`<topic>_sources`, `<topic>_province_sources`) as comma-separated lists in no particular
# order (profile sorts and joins them). Parameters: the period's first and last month, the last
# month six times more (each where it narrows), the unit four times (each figure's row of it).
_PROFILE = f"""
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
               sum_ratio(v.online_dossiers, v.total_dossiers) as online_rate,
               array_to_string(list_distinct(list(v.source)), ',') as sources
        from service_volume_monthly as v
        join stg_services as sv using (service_code)
        where v.period between ?::date and ?::date
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
        where i.period = ?::date
    ),
    identity_province as (
        select i.cccd_records, i.vneid_activated, ratio(i.vneid_activated, i.vneid_target) as activation_rate,
               i.source as sources
        from identity_monthly as i
        join province as p on i.unit_code = p.province_code
        where i.period = ?::date
    ),
    -- cleaning ratio at the last month over the datasets with a total: each district, the province
    cleaning_units as (
        select c.unit_code,
               sum_ratio(c.records_cleaned, c.records_total) as cleaning_ratio,
               array_to_string(list_distinct(list(c.source)), ',') as sources
        from cleaning_unit_monthly as c
        join stg_datasets as d using (dataset_code)
        join province as p on c.parent_code = p.province_code
        where c.period = ?::date
        group by c.unit_code, c.unit_name
    ),
    cleaning_ranked as (
        select unit_code, cleaning_ratio, sources,
               case when cleaning_ratio is not null
                    then rank() over (order by cleaning_ratio desc nulls last) end as cleaning_ratio_rank
        from cleaning_units
    ),
    cleaning_province as (
        select sum_ratio(c.records_cleaned, c.records_total) as cleaning_ratio,
               array_to_string(list_distinct(list(c.source)), ',') as sources
        from cleaning_monthly as c
        join stg_datasets as d using (dataset_code)
        join province as p on c.unit_code = p.province_code
        where c.period = ?::date
    ),
    -- district-level tasks: each district's own status of each task as of the last month
    -- (tasks.UNIT_TASK_STATUS); no report = not done
    {DISTRICT_TASKS.strip()},{UNIT_TASK_STATUS},
    task_units as (
        select unit_code, count(*) filter (where status = 'done') as done, count(*) as tasks,
               ratio(count(*) filter (where status = 'done'), count(*)) as share,
               array_to_string(list_distinct(list(source)), ',') as sources
        from unit_task_status
        group by unit_code
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
                     sum_ratio(done, tasks) as district_tasks_done_province from task_units) as t
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
    left join service_ranked as s on s.unit_code = ?
    left join (select su.* from service_units as su join province as p on su.unit_code = p.province_code) as sp on true
    left join identity_ranked as i on i.unit_code = ?
    left join identity_province as ip on true
    left join cleaning_ranked as c on c.unit_code = ?
    left join task_ranked as t on t.unit_code = ?
"""


def profile(wh: Warehouse, first: dt.date, last: dt.date, unit: str) -> pd.DataFrame:
    """One district across every KPI, against the province and its rank among the districts:
    one row per indicator (key, district value, province value, rank, ranked units, sources; for
    the district-level tasks also done and tasks). Online rate and dossiers over the period,
    stocks and tasks at its last month. One statement (_PROFILE)."""
    r = wh.query(_PROFILE, bound(first, last, last, last, last, last, last, last, unit, unit, unit, unit)).iloc[0]

    def text(v):
        return None if v is None or pd.isna(v) else v

    rows = []
    for key in PROFILE_INDICATORS:
        topic = _TOPIC[key]
        row = {"key": key, "district": num(r[key]), "province": num(r[f"{key}_province"]),
               "rank": num(r[f"{key}_rank"]), "ranked": int(r[f"{key}_ranked"])}
        if key == "district_tasks_done":
            row.update(done=num(r["done"]), tasks=num(r["tasks"]))
        row["sources"] = sources(text(r[f"{topic}_sources"]), text(r[f"{topic}_province_sources"]))
        rows.append(row)
    return pd.DataFrame(rows)


def trend(wh: Warehouse, first: dt.date, last: dt.date, unit: str) -> pd.DataFrame:
    """One row per month: the district's and the province's online rate and VNeID activation
    rate."""
    d, p, di, pi = together((services.trend, wh, first, last, [unit], None), (services.trend, wh, first, last, None, None),
                            (identity.trend, wh, first, last, [unit]), (identity.trend, wh, first, last, None))
    d, p = d[["period", "online_rate", "sources"]], p[["period", "online_rate", "sources"]]
    di, pi = di[["period", "activation_rate"]], pi[["period", "activation_rate"]]
    out = (p.rename(columns={"online_rate": "province_online_rate", "sources": "province_sources"})
           .merge(d.rename(columns={"online_rate": "district_online_rate"}), on="period", how="outer")
           .merge(pi.rename(columns={"activation_rate": "province_activation_rate"}), on="period", how="outer")
           .merge(di.rename(columns={"activation_rate": "district_activation_rate"}), on="period", how="outer"))
    out["sources"] = [sources(a, b) for a, b in zip(out["sources"], out["province_sources"])]
    return out.drop(columns=["province_sources"]).sort_values("period").reset_index(drop=True)
