-- Grain: one row per task, unit that carries it out, and span in which it does.
-- The assignment (task_unit, written by the build from the catalogue's one rule, Catalogue.
-- task_spans: the unit is named, or succeeds a named unit by default succession, or its level
-- carries the task — or a level the task passed from, level_succession.csv) with the unit's
-- level and parent in the validity row the span lies in. In a month, the unit carries the task
-- where valid_in(valid_from, valid_to, period) — the span's dates, not the unit's.
create or replace view stg_task_units as
select a.task_code, a.unit_code, v.unit_level, v.parent_code, a.valid_from, a.valid_to
from task_unit as a
join stg_unit_validity as v
  on v.unit_code = a.unit_code
 and coalesce(v.valid_from, date '0001-01-01') <= coalesce(a.valid_from, date '0001-01-01')
 and coalesce(a.valid_to, date '9999-12-31') <= coalesce(v.valid_to, date '9999-12-31')
