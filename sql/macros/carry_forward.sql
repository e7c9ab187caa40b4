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
-- From a month on: when the variable carry_forward_since holds a date (etl.marts sets it while
-- it refreshes the rows of a mart from the first changed month on, and unsets it after), only
-- the months from it on are computed; each (unit, item) enters them with its last figures before
-- that month (each figure's latest non-blank value, the latest report's month), taken from the
-- reports the grid holds (the unit valid under its parent that month), so the rows from that
-- month on are exactly those of the whole history. Unset, the whole history.
create or replace macro carry_forward(facts) as table
with reported as (
    select f.*, u.parent_code
    from query_table(facts) as f
    join stg_units as u using (unit_code)
    where u.unit_level in ('district', 'commune')
),
recent as (
    select r.* from reported as r where r.period >= coalesce(cast(getvariable('carry_forward_since') as date), date '0001-01-01')
),
months as (
    select distinct period, parent_code from recent
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
    left join recent as r on r.unit_code = g.unit_code and r.item_code = g.item_code and r.period = g.period
),
-- before the first month computed: one row per (unit, item) with its last figures then (arg_max
-- passes over blanks), of the reports the grid would hold
earlier as (
    select
        r.unit_code,
        r.item_code,
        max(r.period) as period,
        max(r.period) as reported_period,
        arg_max(columns(r.* exclude (period, unit_code, item_code, parent_code)), r.period)
    from reported as r
    semi join stg_unit_validity as v
      on v.unit_code = r.unit_code and v.parent_code = r.parent_code and valid_in(v.valid_from, v.valid_to, r.period)
    where r.period < coalesce(cast(getvariable('carry_forward_since') as date), date '0001-01-01')
    group by r.unit_code, r.item_code
),
carried as (
    select
        period, unit_code, unit_name, unit_level, parent_code, former_district_code, item_code,
        last_value(columns(* exclude (period, unit_code, unit_name, unit_level, parent_code, former_district_code, item_code)) ignore nulls) over w
    from (select * from joined union all by name select * from earlier)
    window w as (partition by unit_code, item_code order by period rows between unbounded preceding and current row)
    qualify unit_name is not null  -- the rows of `earlier` only seed the window
)
select * from carried
