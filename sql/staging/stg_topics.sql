-- Grain: one row per submission topic of the registry (etl/topics).
create or replace view stg_topics as
select topic, sheet_name, title, sort_order, expected
from dim_topic
