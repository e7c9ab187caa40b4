-- Grain: one row per month, task and reporting unit.
create or replace view stg_task_reports as
select period, task_code, unit_code, status, status_text, source
from fact_task_status
