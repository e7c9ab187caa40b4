-- Grain: one row per period (first of month) and unit.
-- Public view. CCCD records and VNeID applications/activations are cumulative stocks: a
-- month's value is the latest count, never a sum over months. Rows of every unit that reported,
-- plus, for a parent without an own figure that month, the sum of its units' rows of
-- identity_unit_monthly (each unit's latest count at or before the month, figure by figure;
-- is_rollup = true, units_reporting = units that reported that very month).
-- activation_rate = vneid_activated / vneid_target.
-- materialized
create or replace view identity_monthly as
with reported as (
    select period, unit_code, cccd_records, vneid_applications, vneid_activated, vneid_target, source
    from stg_identity
),
rollups as (
    select
        l.period,
        l.parent_code as unit_code,
        sum(l.cccd_records) as cccd_records,
        sum(l.vneid_applications) as vneid_applications,
        sum(l.vneid_activated) as vneid_activated,
        sum(l.vneid_target) as vneid_target,
        case when bool_or(l.source = 'submitted') then 'submitted' else 'sample' end as source,
        count(*) filter (where l.reported_period = l.period) as units_reporting
    from identity_unit_monthly as l
    anti join reported as r on r.period = l.period and r.unit_code = l.parent_code
    group by l.period, l.parent_code
),
combined as (
    select period, unit_code, cccd_records, vneid_applications, vneid_activated, vneid_target, source,
           false as is_rollup, 1 as units_reporting
    from reported
    union all
    select period, unit_code, cccd_records, vneid_applications, vneid_activated, vneid_target, source,
           true as is_rollup, units_reporting
    from rollups
),
final as (
    select
        c.period,
        c.unit_code,
        u.unit_name,
        u.unit_level,
        c.cccd_records,
        c.vneid_applications,
        c.vneid_activated,
        c.vneid_target,
        ratio(c.vneid_activated, c.vneid_target) as activation_rate,
        c.source,
        c.is_rollup,
        c.units_reporting
    from combined as c
    join stg_units as u using (unit_code)
)
select * from final
