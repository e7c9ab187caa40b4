-- Grain: one row per month, reporting unit and utilities indicator, as reported.
-- item_code: the row's code (the indicator), what the stock carry-forward keeps apart.
create or replace view stg_utilities as
select period, unit_code, indicator_code as item_code, value, source
from fact_utility
