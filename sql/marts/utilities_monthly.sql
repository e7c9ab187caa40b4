-- Grain: one row per period (first of month), unit and indicator of the programme's utilities
-- (health insurance look-ups by CCCD, health facilities using CCCD, social security accounts
-- and cashless payments).
-- Public view. Rows of every unit that reported, the province's official figures
-- (stg_indicators, source 'official') included, plus, for a parent without an own figure that
-- month, the sum of its units' rows of utilities_unit_monthly (is_rollup = true): a stock adds
-- each unit's latest figure at or before the month, a flow the month's figures.
-- units_reporting = units that reported that very month (1 on a unit's own row).
-- materialized
create or replace view utilities_monthly as
with measures as (
    select item_code as indicator_code, measure_name as indicator_name, unit_label, is_stock
    from stg_measures
    where topic = 'utilities'
),
reported as (
    select period, unit_code, item_code as indicator_code, value, source
    from stg_utilities
    union all
    select i.period, i.unit_code, i.indicator_code, cast(i.value as bigint) as value, i.source
    from stg_indicators as i
    semi join measures as m using (indicator_code)
),
rollups as (
    select
        l.period,
        l.parent_code as unit_code,
        l.indicator_code,
        cast(sum(l.value) as bigint) as value,
        case when bool_or(l.source = 'submitted') then 'submitted' else 'sample' end as source,
        count(*) filter (where l.reported_period = l.period) as units_reporting
    from utilities_unit_monthly as l
    anti join reported as r
        on r.period = l.period and r.unit_code = l.parent_code and r.indicator_code = l.indicator_code
    group by l.period, l.parent_code, l.indicator_code
),
combined as (
    select period, unit_code, indicator_code, value, source, false as is_rollup, 1 as units_reporting
    from reported
    union all
    select period, unit_code, indicator_code, value, source, true as is_rollup, units_reporting
    from rollups
),
final as (
    select
        c.period,
        c.unit_code,
        c.indicator_code,
        m.indicator_name,
        c.value,
        m.unit_label,
        m.is_stock,
        c.source,
        c.is_rollup,
        u.unit_name,
        u.unit_level,
        c.units_reporting
    from combined as c
    join measures as m using (indicator_code)
    join stg_units as u using (unit_code)
)
select * from final
