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
-- (responsible_level, responsible_unit_code NULL), who carries it out in the month ('UBND cấp
-- huyện'; 'UBND cấp xã' once the task passed to the communes).
-- Who carries a task in a month is stg_task_units (the catalogue's one rule, Catalogue.
-- task_spans): a task named to a unit that ended (Sở Kế hoạch và Đầu tư, March 2025) is carried
-- by its default successor (Sở Tài chính), and its one row per month shows the latest status
-- of any carrier: the predecessor's reports before, the successor's after. A task of a level
-- is judged over the units expected to carry it in the month (the districts, then from July
-- 2025 the communes it passed to), each with its own latest report at or before the month:
-- 'done' when every expected unit has done it, 'not_started' when no unit that reported has
-- started, else 'in_progress' ('no_report' when none of them has reported); units_reporting /
-- units_done count the expected units with a report / done, status_period is the latest of
-- their reports' months. Added at the end: units_expected (the units carrying the task in the
-- month) and carrier_unit_code (the one unit carrying it, NULL for a level's task).
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
-- the units carrying each task in each month (the catalogue's assignment, valid in the month)
carriers as (
    select m.period, a.task_code, a.unit_code, a.unit_level
    from months as m
    join stg_task_units as a on valid_in(a.valid_from, a.valid_to, m.period)
),
carried as (
    select period, task_code, count(*) as units_expected,
           case when count(*) = 1 then any_value(unit_code) end as carrier_unit_code,
           case when count(distinct unit_level) = 1 then any_value(unit_level) end as carrier_level
    from carriers
    group by period, task_code
),
-- a level's task: each expected unit's latest report at or before the month
level_latest as (
    select c.period, c.task_code, c.unit_code, r.period as report_period, r.status, r.status_text, r.source
    from carriers as c
    semi join stg_tasks as t on t.task_code = c.task_code and t.responsible_level is not null
    asof left join reports as r
        on r.task_code = c.task_code and r.unit_code = c.unit_code and c.period >= r.period
),
level_status as (
    select
        task_code,
        period,
        count(status) as units_reporting,
        count(*) filter (where status = 'done') as units_done,
        case
            when count(status) = 0 then null
            when count(*) filter (where status = 'done') = count(*) then 'done'
            when count(*) filter (where status = 'not_started') = count(status) then 'not_started'
            else 'in_progress'
        end as status,
        max(report_period) as status_period,
        case when count(status) = 1 then any_value(status_text) filter (where status is not null) end as status_text,
        case
            when bool_or(source = 'official') then 'official'
            when bool_or(source = 'submitted') then 'submitted'
            when count(status) > 0 then 'sample'
        end as source
    from level_latest
    group by task_code, period
),
grid as (
    select m.period, t.task_code
    from months as m
    cross join stg_tasks as t
),
by_task as (
    select
        g.period, g.task_code,
        s.period as status_period, s.status, s.status_text, s.units_reporting, s.units_done, s.source
    from grid as g
    asof left join reported as s
        on s.task_code = g.task_code and g.period >= s.period
),
-- a level's task over its expected units (in the months it has some), except in a month the
-- official report gives its status
picked as (
    select b.*, v.task_code is not null and not exists (
               select 1 from official as o where o.task_code = b.task_code and o.period = b.period) as by_units,
           v.status_period as u_status_period, v.status as u_status, v.status_text as u_status_text,
           v.units_reporting as u_units_reporting, v.units_done as u_units_done, v.source as u_source
    from by_task as b
    left join level_status as v using (task_code, period)
),
latest as (
    select
        period, task_code,
        if(by_units, u_status_period, status_period) as status_period,
        if(by_units, u_status, status) as status,
        if(by_units, u_status_text, status_text) as status_text,
        if(by_units, u_units_reporting, units_reporting) as units_reporting,
        if(by_units, u_units_done, units_done) as units_done,
        if(by_units, u_source, source) as source
    from picked
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
        coalesce(u.unit_name, clv.assignee_label, lv.assignee_label, t.responsible_unit_code) as responsible_unit_name,
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
        t.responsible_level,
        coalesce(c.units_expected, 0) as units_expected,
        c.carrier_unit_code
    from latest as l
    join stg_tasks as t using (task_code)
    left join carried as c using (period, task_code)
    left join stg_units as u on u.unit_code = t.responsible_unit_code
    left join stg_unit_levels as lv on lv.unit_level = t.responsible_level
    left join stg_unit_levels as clv on clv.unit_level = c.carrier_level and t.responsible_level is not null
)
select * from final
