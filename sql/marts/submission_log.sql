-- Grain: one row per received file (accepted, superseded or rejected).
-- Public view. topic lists the topics the file carried (comma-separated). status:
-- 'accepted', 'superseded' (every topic replaced by a later file), 'partly_superseded',
-- 'rejected' (message holds every error with sheet and cell).
create or replace view submission_log as
with topic_counts as (
    select
        submission_id,
        count(*) as n_topics,
        count(superseded_by) as n_superseded,
        string_agg(distinct superseded_by, ',' order by superseded_by) as superseded_by
    from stg_submission_topics
    group by submission_id
),
final as (
    select
        s.submission_id,
        s.file_name,
        s.sha256,
        s.unit_code,
        s.period,
        s.topics as topic,
        s.row_count,
        case
            when s.status = 'rejected' then 'rejected'
            when t.n_topics > 0 and t.n_superseded = t.n_topics then 'superseded'
            when t.n_superseded > 0 then 'partly_superseded'
            else 'accepted'
        end as status,
        s.submitted_at,
        s.submitted_by,
        s.message,
        s.source,
        t.superseded_by
    from stg_submissions as s
    left join topic_counts as t using (submission_id)
)
select * from final
