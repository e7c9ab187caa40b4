-- Grain: one row per (from_unit_code, to_unit_code, effective_date).
-- Public view. What became of each ended unit of the configured province: kind merge | split |
-- rename | continue; weight = the share of the ended unit that went to this successor (the
-- weights of one ended unit on one date add up to 1).
create or replace view unit_succession as
select from_unit_code, to_unit_code, effective_date, kind, weight
from stg_unit_succession
