-- Grain: one row per month, reporting unit and service, as reported (monthly flows).
create or replace view stg_service_volume as
select period, unit_code, service_code, total_dossiers, online_dossiers, on_time, overdue, source
from fact_service_volume
