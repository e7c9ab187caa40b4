-- Grain: exactly one row: the build's settings, typed.
create or replace view stg_settings as
with pivoted as (
    select
        max(value) filter (where key = 'province_code') as province_code,
        max(value) filter (where key = 'due_day') as due_day,
        max(value) filter (where key = 'start_period') as start_period,
        max(value) filter (where key = 'end_period') as end_period,
        max(value) filter (where key = 'official_label') as official_label,
        max(value) filter (where key = 'sample_label') as sample_label
    from app_setting
),
typed as (
    select
        province_code,
        cast(due_day as integer) as due_day,
        cast(start_period || '-01' as date) as start_period,
        cast(nullif(end_period, '') || '-01' as date) as end_period,
        official_label,
        sample_label
    from pivoted
)
select * from typed
