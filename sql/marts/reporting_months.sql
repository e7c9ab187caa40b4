-- Grain: one row per month (first of month) of the reporting calendar.
-- The months units are expected to report for: from the configured start to the configured end,
-- else to the latest month anyone reported. Shared by reporting_status and the app's list of
-- reporting months.
create or replace view reporting_months as
with settings as (
    select * from stg_settings
),
months as (
    select cast(unnest(generate_series(
        s.start_period,
        coalesce(s.end_period, (select max(period) from stg_submission_topics), s.start_period),
        interval 1 month)) as date) as period
    from settings as s
)
select * from months
