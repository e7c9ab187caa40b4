-- Grain: one row per month and reporting unit, as reported (cumulative stocks).
-- item_code: the row's code (here the unit itself), what the stock carry-forward keeps apart.
create or replace view stg_identity as
select period, unit_code, cccd_records, vneid_applications, vneid_activated, vneid_target, source,
       unit_code as item_code
from fact_identity
