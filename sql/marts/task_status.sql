-- Grain: one row per task and period (first of month) for which a status was reported.
-- Public view. The months of task_tracker in which the task was reported (status_period =
-- period): the status is defined once, there. A task carried out by every unit of a level
-- (responsible_level) is 'done' when every expected unit has done it, 'not_started'
-- when none has started, else 'in_progress'; units_reporting / units_done say how many.
-- is_overdue: not done and the deadline fell on or before the last day of the period. Where
-- the official report gives a task's status for a month, that status is used and other reports
-- of that month are not. A task of a level is judged over the units expected in the month
-- (task_tracker); units_expected / carrier_unit_code: who carries the task in the month.
create or replace view task_status as
with final as (
    select
        task_code,
        period,
        task_name,
        task_group,
        source_document,
        responsible_unit_code,
        deadline,
        deadline_text,
        recurring,
        status,
        is_overdue,
        days_overdue,
        units_reporting,
        units_done,
        status_text,
        source,
        responsible_level,
        units_expected,
        carrier_unit_code
    from task_tracker
    where status_period = period
)
select * from final
