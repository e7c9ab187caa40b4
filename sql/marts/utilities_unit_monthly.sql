-- Grain: one row per period (first of month), territorial unit (district or commune) and
-- utilities indicator: for a stock, every month its parent has utilities figures from the
-- unit's first report of the indicator on; for a flow, the months the unit reported it.
-- Public view. A stock is the unit's latest figure at or before the month (carried forward by
-- carry_forward: reported_period says from which month, carried_forward = true when that is an
-- earlier one); a flow is the month's own figure, never carried. Whether an indicator is a
-- stock is the topic registry's (etl/topics/utilities.py, as stg_measures). Adding these rows
-- up over a parent's units gives utilities_monthly's rollups.
-- former_district_code: the unit's former district (khu vực huyện cũ; see the units view).
-- materialized
create or replace view utilities_unit_monthly as
with measures as (
    select item_code as indicator_code, measure_name as indicator_name, unit_label, is_stock, sort_order
    from stg_measures
    where topic = 'utilities'
),
stocks as (
    select c.period, c.unit_code, c.unit_name, c.unit_level, c.parent_code, c.item_code as indicator_code,
           c.value, c.reported_period, c.source, c.former_district_code
    from carry_forward('stg_utilities') as c
    semi join measures as m on m.indicator_code = c.item_code and m.is_stock
),
flows as (
    select r.period, r.unit_code, u.unit_name, u.unit_level, u.parent_code, r.item_code as indicator_code,
           r.value, r.period as reported_period, r.source, v.former_district_code
    from stg_utilities as r
    join stg_units as u using (unit_code)
    left join stg_unit_validity as v on v.unit_code = r.unit_code and valid_in(v.valid_from, v.valid_to, r.period)
    semi join measures as m on m.indicator_code = r.item_code and not m.is_stock
    where u.unit_level in ('district', 'commune')
),
final as (
    select
        f.period,
        f.unit_code,
        f.unit_name,
        f.unit_level,
        f.parent_code,
        f.indicator_code,
        m.indicator_name,
        f.value,
        m.unit_label,
        m.is_stock,
        f.reported_period,
        f.reported_period < f.period as carried_forward,
        f.source,
        f.former_district_code
    from (select * from stocks union all select * from flows) as f
    join measures as m using (indicator_code)
)
select * from final
