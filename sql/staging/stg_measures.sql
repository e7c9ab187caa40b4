-- Grain: one row per stored figure of a submission topic (per indicator for an indicator topic).
-- Its name, unit and nature as the topic registry (etl/topics) declares it: is_stock (the
-- latest count holds, months never add up) and is_cumulative (a stock that never falls).
create or replace view stg_measures as
select topic, item_code, measure, measure_name, unit_label, is_stock, is_cumulative, sort_order
from dim_measure
