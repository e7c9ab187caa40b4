-- Grain: one row per task, unit that carries it out, and validity interval of the unit.
-- The assignment (task_unit, written by the build from the catalogue's one rule: the unit is
-- responsible, or its level is) with the unit's validity: in a month, the task applies to the
-- rows where valid_in(valid_from, valid_to, period).
create or replace view stg_task_units as
select a.task_code, a.unit_code, v.unit_level, v.parent_code, v.valid_from, v.valid_to
from task_unit as a
join stg_unit_validity as v using (unit_code)
