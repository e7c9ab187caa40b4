-- Grain: one row per task and period (first of month) for which a status was reported.
-- Public view. A task carried out by every district (responsible 'DISTRICTS') is 'done' when
-- every reporting district has done it, 'not_started' when none has started, else
-- 'in_progress'; units_reporting / units_done say how many. is_overdue: not done and the
-- deadline fell on or before the last day of the period. Where the official report gives a
-- task's status for a month, that status is used and other reports of that month are not.
create or replace view task_status as
with official as (
    select task_code, period from stg_task_reports where source = 'official'
),
reports as (
    select r.*
    from stg_task_reports as r
    where r.source = 'official'
       or not exists (select 1 from official as o where o.task_code = r.task_code and o.period = r.period)
),
by_task as (
    select
        task_code,
        period,
        count(*) as units_reporting,
        count(*) filter (where status = 'done') as units_done,
        case
            when count(*) filter (where status = 'done') = count(*) then 'done'
            when count(*) filter (where status = 'not_started') = count(*) then 'not_started'
            else 'in_progress'
        end as status,
        case when count(*) = 1 then any_value(status_text) end as status_text,
        case
            when bool_or(source = 'official') then 'official'
            when bool_or(source = 'submitted') then 'submitted'
            else 'sample'
        end as source
    from reports
    group by task_code, period
),
final as (
    select
        t.task_code,
        b.period,
        t.task_name,
        t.task_group,
        t.source_document,
        t.responsible_unit_code,
        t.deadline,
        t.deadline_text,
        t.recurring,
        b.status,
        coalesce(b.status <> 'done' and t.deadline <= last_day(b.period), false) as is_overdue,
        case
            when b.status <> 'done' and t.deadline <= last_day(b.period)
            then date_diff('day', t.deadline, last_day(b.period))
        end as days_overdue,
        b.units_reporting,
        b.units_done,
        b.status_text,
        b.source
    from by_task as b
    join stg_tasks as t using (task_code)
)
select * from final
