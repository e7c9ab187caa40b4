-- Grain: one row per month and reporting unit, as reported (cumulative stocks).
create or replace view stg_identity as
select period, unit_code, cccd_records, vneid_applications, vneid_activated, vneid_target, source
from fact_identity
