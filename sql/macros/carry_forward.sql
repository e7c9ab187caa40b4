-- Grain: a table macro; one row per period (first of month), territorial unit (district or
-- commune) and item, for every month its parent has figures in `facts` and the unit is valid
-- (valid_in), from the unit's first report of the item on.
-- The stock carry-forward, the one place it is written. `facts` names a staging view with
-- period, unit_code, item_code (the row's code: the unit itself, a dataset, an indicator),
-- source and the figures. Each figure is the unit's latest at or before the month, carried
-- forward on its own (a blank cell keeps the last known figure, it is no zero);
-- reported_period is the month of the unit's latest report of the item. The unit marts are
-- built on it and the rollups on the unit marts, so a parent's stock is the sum of its units'
-- carried figures. A unit's stock counts only while the unit is valid: the grid holds a unit
-- only in the months it is valid in (an abolished district's last figure is not carried into
-- the communes' months).
create or replace macro carry_forward(facts) as table
with reported as (
    select f.*, u.parent_code
    from query_table(facts) as f
    join stg_units as u using (unit_code)
    where u.unit_level in ('district', 'commune')
),
months as (
    select distinct period, parent_code from reported
),
first_reports as (
    select unit_code, item_code, min(period) as first_period
    from reported
    group by unit_code, item_code
),
grid as (
    select m.period, u.unit_code, u.unit_name, u.unit_level, u.parent_code, v.former_district_code, k.item_code
    from months as m
    join stg_units as u on u.parent_code = m.parent_code and u.unit_level in ('district', 'commune')
    join stg_unit_validity as v
      on v.unit_code = u.unit_code and v.parent_code = m.parent_code and valid_in(v.valid_from, v.valid_to, m.period)
    join first_reports as k on k.unit_code = u.unit_code and k.first_period <= m.period
),
joined as (
    select g.*, r.period as reported_period, r.* exclude (period, unit_code, item_code, parent_code)
    from grid as g
    left join reported as r on r.unit_code = g.unit_code and r.item_code = g.item_code and r.period = g.period
),
carried as (
    select
        period, unit_code, unit_name, unit_level, parent_code, former_district_code, item_code,
        last_value(columns(* exclude (period, unit_code, unit_name, unit_level, parent_code, former_district_code, item_code)) ignore nulls) over w
    from joined
    window w as (partition by unit_code, item_code order by period rows between unbounded preceding and current row)
)
select * from carried
