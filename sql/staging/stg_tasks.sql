-- Grain: one row per programme task.
-- responsible_unit_code: the unit that carries it out; responsible_level: else the level every
-- unit of which, valid in the month, carries it out (stg_task_units).
create or replace view stg_tasks as
select task_code, task_group, task_number, task_name, source_document, responsible_unit_code,
       cooperating_unit_codes, deadline_text, deadline, recurring, responsible_level, cooperating_levels
from dim_task
