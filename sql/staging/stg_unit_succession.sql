-- Grain: one row per (from unit, to unit, effective date) between the configured province's units.
create or replace view stg_unit_succession as
select from_unit_code, from_unit_level, to_unit_code, to_unit_level, effective_date, kind, weight, is_default
from dim_unit_succession
