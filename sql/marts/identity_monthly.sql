-- Grain: one row per period (first of month) and unit.
-- Public view. CCCD records and VNeID applications/activations are cumulative stocks: a
-- month's value is the latest count, never a sum over months. Province rows without an own
-- figure add up each district's latest count at or before the month, figure by figure (is_rollup = true,
-- units_reporting = districts that reported that very month).
-- activation_rate = vneid_activated / vneid_target.
-- materialized
create or replace view identity_monthly as
with reported as (
    select i.*, u.unit_level, u.parent_code
    from stg_identity as i
    join stg_units as u using (unit_code)
),
months as (
    select distinct period, parent_code from reported where unit_level in ('district', 'commune')
),
districts as (
    select unit_code, parent_code from stg_units where unit_level in ('district', 'commune')
),
grid as (
    select m.period, d.unit_code, d.parent_code
    from months as m
    join districts as d using (parent_code)
),
joined as (
    select g.period, g.unit_code, g.parent_code, r.period as report_period, r.cccd_records,
           r.vneid_applications, r.vneid_activated, r.vneid_target, r.source
    from grid as g
    left join reported as r on r.unit_code = g.unit_code and r.period = g.period
),
-- Each figure carries forward on its own: a blank cell keeps the unit's last known count.
latest as (
    select
        period, parent_code,
        last_value(report_period ignore nulls) over w as reported_period,
        last_value(cccd_records ignore nulls) over w as cccd_records,
        last_value(vneid_applications ignore nulls) over w as vneid_applications,
        last_value(vneid_activated ignore nulls) over w as vneid_activated,
        last_value(vneid_target ignore nulls) over w as vneid_target,
        last_value(source ignore nulls) over w as source
    from joined
    window w as (partition by unit_code order by period rows between unbounded preceding and current row)
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
    from latest as l
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
