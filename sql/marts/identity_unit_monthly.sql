-- Grain: one row per period (first of month) and territorial unit (district or commune), for
-- every month its parent has identity data, from the unit's first report on.
-- Public view. The unit's latest CCCD records and VNeID applications, activations and target at
-- or before the month (stocks, carried forward, each figure on its own so a blank cell keeps the
-- last known count): reported_period says which month the unit last reported, carried_forward =
-- true when that is an earlier month. Adding these rows up over a
-- parent's units gives identity_monthly's rollups; over a subset, that subset's figure.
-- materialized
create or replace view identity_unit_monthly as
with reported as (
    select i.*, u.parent_code
    from stg_identity as i
    join stg_units as u using (unit_code)
    where u.unit_level in ('district', 'commune')
),
months as (
    select distinct period, parent_code from reported
),
grid as (
    select m.period, u.unit_code, u.unit_name, u.unit_level, u.parent_code
    from months as m
    join stg_units as u on u.parent_code = m.parent_code and u.unit_level in ('district', 'commune')
),
joined as (
    select
        g.*, r.period as report_period, r.cccd_records, r.vneid_applications, r.vneid_activated,
        r.vneid_target, r.source
    from grid as g
    left join reported as r on r.unit_code = g.unit_code and r.period = g.period
),
-- Each figure carries forward on its own: a blank cell in a later report keeps the unit's
-- last known count instead of dropping it from the totals.
latest as (
    select
        period, unit_code, unit_name, unit_level, parent_code,
        last_value(report_period ignore nulls) over w as reported_period,
        last_value(cccd_records ignore nulls) over w as cccd_records,
        last_value(vneid_applications ignore nulls) over w as vneid_applications,
        last_value(vneid_activated ignore nulls) over w as vneid_activated,
        last_value(vneid_target ignore nulls) over w as vneid_target,
        last_value(source ignore nulls) over w as source
    from joined
    window w as (partition by unit_code order by period rows between unbounded preceding and current row)
),
final as (
    select
        period,
        unit_code,
        unit_name,
        unit_level,
        parent_code,
        cccd_records,
        vneid_applications,
        vneid_activated,
        vneid_target,
        ratio(vneid_activated, vneid_target) as activation_rate,
        reported_period,
        reported_period < period as carried_forward,
        source
    from latest
    where reported_period is not null
)
select * from final
