-- Grain: one row per unit and validity interval (dim_unit): the unit's name, level, parent and
-- former district in that interval. A unit counts in a month where valid_in(valid_from,
-- valid_to, period).
create or replace view stg_unit_validity as
select unit_code, unit_name, unit_level, unit_type, parent_code, valid_from, valid_to, former_district_code
from dim_unit
