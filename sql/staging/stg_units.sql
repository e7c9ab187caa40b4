-- Grain: one row per unit (province, district, commune, agency) of the configured province's tree.
-- Its latest validity row (name, level, type, parent, former district) with the whole span it
-- was valid (first valid_from, last valid_to; NULL = open): for labels and joins by code. Which
-- units count in a month is stg_unit_validity's, with the macro valid_in.
create or replace view stg_units as
with spans as (
    select
        unit_code,
        case when bool_or(valid_from is null) then null else min(valid_from) end as valid_from,
        case when bool_or(valid_to is null) then null else max(valid_to) end as valid_to
    from dim_unit
    group by unit_code
),
latest as (
    select *
    from dim_unit
    qualify row_number() over (partition by unit_code order by valid_from desc nulls last) = 1
)
select
    l.unit_code, l.unit_name, l.unit_level, l.unit_type, l.parent_code, l.communes,
    s.valid_from, s.valid_to, l.former_district_code, l.lat, l.lon, l.area_km2
from latest as l
join spans as s using (unit_code)
