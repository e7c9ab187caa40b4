-- Grain: one row per month, reporting unit and dataset, as reported (cumulative stocks).
-- item_code: the row's code (the dataset), what the stock carry-forward keeps apart.
create or replace view stg_cleaning as
select period, unit_code, dataset_code, records_cleaned, records_total, source,
       dataset_code as item_code
from fact_cleaning
