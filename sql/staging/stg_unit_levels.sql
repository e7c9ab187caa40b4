-- Grain: one row per unit level: its label and who carries out a task assigned to it.
create or replace view stg_unit_levels as
select unit_level, level_label, assignee_label
from dim_unit_level
