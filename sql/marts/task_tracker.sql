-- Grain: one row per month (first of month) and task of the catalogue, for every month from the
-- first to the latest month with a task report.
-- Public view, and the one definition of a task's status (task_status is its reported months).
-- A task's status in a month it was reported aggregates every unit's report of that month: a
-- task carried out by every unit of a level (responsible_level) is 'done' when every reporting
-- unit has done it, 'not_started' when none has started, else 'in_progress';
-- units_reporting / units_done say how many. Where the official report gives a task's status
-- for a month, that status is used and other reports of that month are not. In any month, a
-- task's status is the latest at or before it, carried forward ('no_report' when none yet);
-- status_period says which month it comes from. is_overdue: a reported status other than 'done'
-- and a deadline on or before the month's last day; days_overdue counts from the deadline to
-- the month's last day. days_to_deadline counts from the month's last day to the deadline
-- (negative once past). responsible_unit_name: the unit's name; for a task of a level
-- (responsible_level, responsible_unit_code NULL), who carries it out ('UBND cấp huyện').
-- materialized
create or replace view task_tracker as
with official as (
    select task_code, period from stg_task_reports where source = 'official'
),
reports as (
    select r.*
    from stg_task_reports as r
    where r.source = 'official'
       or not exists (select 1 from official as o where o.task_code = r.task_code and o.period = r.period)
),
reported as (
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
bounds as (
    select min(period) as first_period, max(period) as last_period from reported
),
months as (
    select cast(unnest(generate_series(b.first_period, b.last_period, interval 1 month)) as date) as period
    from bounds as b
    where b.first_period is not null
),
grid as (
    select m.period, t.task_code
    from months as m
    cross join stg_tasks as t
),
latest as (
    select
        g.period, g.task_code,
        s.period as status_period, s.status, s.status_text, s.units_reporting, s.units_done, s.source
    from grid as g
    asof left join reported as s
        on s.task_code = g.task_code and g.period >= s.period
),
final as (
    select
        l.period,
        l.task_code,
        t.task_group,
        t.task_number,
        t.task_name,
        t.source_document,
        t.responsible_unit_code,
        coalesce(u.unit_name, lv.assignee_label, t.responsible_unit_code) as responsible_unit_name,
        t.deadline,
        t.deadline_text,
        t.recurring,
        coalesce(l.status, 'no_report') as status,
        l.status_period,
        l.status_text,
        l.units_reporting,
        l.units_done,
        coalesce(l.status is not null and l.status <> 'done' and t.deadline <= last_day(l.period), false)
            as is_overdue,
        case
            when l.status is not null and l.status <> 'done' and t.deadline <= last_day(l.period)
            then date_diff('day', t.deadline, last_day(l.period))
        end as days_overdue,
        date_diff('day', last_day(l.period), t.deadline) as days_to_deadline,
        l.source,
        t.responsible_level
    from latest as l
    join stg_tasks as t using (task_code)
    left join stg_units as u on u.unit_code = t.responsible_unit_code
    left join stg_unit_levels as lv on lv.unit_level = t.responsible_level
)
select * from final
