-- Grain: one row per data-cleaning dataset.
create or replace view stg_datasets as
select dataset_code, dataset_name, sector_agency_code, has_total
from dim_dataset
