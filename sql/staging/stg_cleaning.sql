-- Grain: one row per month, reporting unit and dataset, as reported (cumulative stocks).
create or replace view stg_cleaning as
select period, unit_code, dataset_code, records_cleaned, records_total, source
from fact_cleaning
