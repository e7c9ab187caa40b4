-- Grain: one row per period (first of month), territorial unit (district or commune) and
-- dataset, for every month its parent has cleaning data, from the unit's first report of the
-- dataset on.
-- Public view. The unit's latest cleaned-record count and total at or before the month (stocks,
-- carried forward by carry_forward, each figure on its own so a blank cell keeps the last known
-- figure): reported_period says which month the unit last reported the dataset,
-- carried_forward = true when that is an earlier month. Adding these rows up over a parent's
-- units gives cleaning_monthly's rollups; over a subset, that subset's figure. cleaning_ratio =
-- records_cleaned / records_total (NULL where the source gives no total).
-- former_district_code: the unit's former district (khu vực huyện cũ; see the units view).
-- materialized
create or replace view cleaning_unit_monthly as
with carried as (
    select * from carry_forward('stg_cleaning')
),
final as (
    select
        c.period,
        c.unit_code,
        c.unit_name,
        c.unit_level,
        c.parent_code,
        c.dataset_code,
        d.dataset_name,
        d.sector_agency_code,
        c.records_cleaned,
        c.records_total,
        ratio(c.records_cleaned, c.records_total) as cleaning_ratio,
        c.reported_period,
        c.reported_period < c.period as carried_forward,
        c.source,
        c.former_district_code
    from carried as c
    join stg_datasets as d using (dataset_code)
)
select * from final
