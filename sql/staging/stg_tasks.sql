-- Grain: one row per programme task.
create or replace view stg_tasks as
select task_code, task_group, task_number, task_name, source_document, responsible_unit_code,
       cooperating_unit_codes, deadline_text, deadline, recurring
from dim_task
