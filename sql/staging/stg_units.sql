-- Grain: one row per unit (province, district, agency).
create or replace view stg_units as
select unit_code, unit_name, unit_level, unit_type, parent_code, communes
from dim_unit
