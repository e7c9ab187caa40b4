-- Grain: one row per received file.
create or replace view stg_submissions as
select submission_id, file_name, sha256, unit_code, period, topics, row_count, status,
       submitted_at, submitted_by, source, message
from submission
