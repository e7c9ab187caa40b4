-- Grain: one row per period (first of month), territorial unit (district or commune) and
-- dataset, for every month its parent has cleaning data, from the unit's first report of the
-- dataset on.
-- Public view. The unit's latest cleaned-record count and total at or before the month (stocks,
-- carried forward): reported_period says which month the figures come from, carried_forward =
-- true when that is an earlier month. Adding these rows up over a parent's units gives
-- cleaning_monthly's rollups; over a subset, that subset's figure. cleaning_ratio =
-- records_cleaned / records_total (NULL where the source gives no total).
-- materialized
create or replace view cleaning_unit_monthly as
with reported as (
    select c.*, u.parent_code
    from stg_cleaning as c
    join stg_units as u using (unit_code)
    where u.unit_level in ('district', 'commune')
),
months as (
    select distinct period, parent_code from reported
),
grid as (
    select m.period, u.unit_code, u.unit_name, u.unit_level, u.parent_code, d.dataset_code,
           d.dataset_name, d.sector_agency_code
    from months as m
    join stg_units as u on u.parent_code = m.parent_code and u.unit_level in ('district', 'commune')
    cross join stg_datasets as d
),
latest as (
    select
        g.*,
        r.period as reported_period, r.records_cleaned, r.records_total, r.source
    from grid as g
    asof left join reported as r
        on r.unit_code = g.unit_code and r.dataset_code = g.dataset_code and g.period >= r.period
),
final as (
    select
        period,
        unit_code,
        unit_name,
        unit_level,
        parent_code,
        dataset_code,
        dataset_name,
        sector_agency_code,
        records_cleaned,
        records_total,
        ratio(records_cleaned, records_total) as cleaning_ratio,
        reported_period,
        reported_period < period as carried_forward,
        source
    from latest
    where reported_period is not null
)
select * from final
