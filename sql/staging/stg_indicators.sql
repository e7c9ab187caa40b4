-- Grain: one row per month, unit and indicator (other figures of the reports).
create or replace view stg_indicators as
select period, unit_code, indicator_code, indicator_name, value, unit_label, note, source
from fact_indicator
