-- Grain: one row per period (first of month), unit and service.
-- Public view. Dossier counts are monthly flows. Rows of every unit that reported, plus a
-- province row per month and service: the province's own (official) figure where it has one,
-- else the sum over its territorial children, districts or communes (is_rollup = true). To add
-- units up yourself, filter unit_level in ('district', 'commune') so the province is not
-- counted twice. online_rate = online / total, NULL when
-- the total is 0 or unknown.
-- materialized
create or replace view service_volume_monthly as
with reported as (
    select v.*, u.unit_level, u.parent_code
    from stg_service_volume as v
    join stg_units as u using (unit_code)
),
district_sums as (
    select
        period,
        parent_code as unit_code,
        service_code,
        sum(total_dossiers) as total_dossiers,
        sum(online_dossiers) as online_dossiers,
        sum(on_time) as on_time,
        sum(overdue) as overdue,
        case when bool_or(source = 'submitted') then 'submitted' else 'sample' end as source
    from reported
    where unit_level in ('district', 'commune')
    group by period, parent_code, service_code
),
rollups as (
    select d.*
    from district_sums as d
    anti join reported as r
        on r.period = d.period and r.unit_code = d.unit_code and r.service_code = d.service_code
),
combined as (
    select period, unit_code, service_code, total_dossiers, online_dossiers, on_time, overdue, source,
           false as is_rollup
    from reported
    union all
    select period, unit_code, service_code, total_dossiers, online_dossiers, on_time, overdue, source,
           true as is_rollup
    from rollups
),
final as (
    select
        c.period,
        c.unit_code,
        u.unit_name,
        u.unit_level,
        c.service_code,
        s.service_name,
        s.service_group,
        s.agency_code,
        c.total_dossiers,
        c.online_dossiers,
        ratio(c.online_dossiers, c.total_dossiers) as online_rate,
        c.on_time,
        c.overdue,
        c.source,
        c.is_rollup
    from combined as c
    join stg_units as u using (unit_code)
    join stg_services as s using (service_code)
)
select * from final
