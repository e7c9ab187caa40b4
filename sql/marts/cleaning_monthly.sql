-- Grain: one row per period (first of month), unit and dataset.
-- Public view. Cleaned records are cumulative stocks: the latest count, never a sum over
-- months. Rows of every unit that reported, plus, for a parent without an own figure that month,
-- the sum of its units' rows of cleaning_unit_monthly (each unit's latest count at or before the
-- month; is_rollup = true). cleaning_ratio = records_cleaned / records_total.
-- materialized
create or replace view cleaning_monthly as
with reported as (
    select period, unit_code, dataset_code, records_cleaned, records_total, source
    from stg_cleaning
),
rollups as (
    select
        l.period,
        l.parent_code as unit_code,
        l.dataset_code,
        sum(l.records_cleaned) as records_cleaned,
        sum(l.records_total) as records_total,
        case when bool_or(l.source = 'submitted') then 'submitted' else 'sample' end as source
    from cleaning_unit_monthly as l
    anti join reported as r
        on r.period = l.period and r.unit_code = l.parent_code and r.dataset_code = l.dataset_code
    group by l.period, l.parent_code, l.dataset_code
),
combined as (
    select period, unit_code, dataset_code, records_cleaned, records_total, source, false as is_rollup
    from reported
    union all
    select period, unit_code, dataset_code, records_cleaned, records_total, source, true as is_rollup
    from rollups
),
final as (
    select
        c.period,
        c.unit_code,
        u.unit_name,
        u.unit_level,
        c.dataset_code,
        d.dataset_name,
        c.records_cleaned,
        c.records_total,
        ratio(c.records_cleaned, c.records_total) as cleaning_ratio,
        c.source,
        c.is_rollup
    from combined as c
    join stg_units as u using (unit_code)
    join stg_datasets as d using (dataset_code)
)
select * from final
