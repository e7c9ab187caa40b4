-- Grain: one row per accepted file and topic it carried.
create or replace view stg_submission_topics as
select submission_id, unit_code, period, topic, row_count, superseded_by
from submission_topic
