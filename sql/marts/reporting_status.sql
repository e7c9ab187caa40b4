-- Grain: one row per period (first of month), unit and topic that is expected to report.
-- Public view. Each month expects the units valid in it (valid_in: 27 districts, 26 after Huyện
-- Đông Sơn's merger on 1/12/2024, the communes from July 2025; the agencies of the month).
-- Districts and communes report services, identity and cleaning (and tasks when the catalogue
-- gives them tasks: the districts', passed to the communes from July 2025); agencies report the
-- tasks they are responsible for or took over from the departments they succeed. Months run from
-- the configured start to the configured end, else to the latest month anyone reported. A
-- month's report is due on the configured day of the next month (default the 15th: "trước
-- ngày 16"). status: 'on_time' | 'late' (judged on the first accepted file) | 'missing';
-- replaced = a later file replaced the first one.
-- Stored as a table (every read of the view paid 15-25 ms expanding months x obligations x
-- validity), recomputed whole after every load: it reads every topic's submissions, and a file
-- for a month after the last one adds that month for every unit.
-- materialized
-- refreshed whole after every load
create or replace view reporting_status as
with settings as (
    select * from stg_settings
),
expected as (
    select m.period, o.unit_code, o.topic
    from reporting_months as m
    cross join reporting_obligations as o
    semi join stg_unit_validity as v
      on v.unit_code = o.unit_code and valid_in(v.valid_from, v.valid_to, m.period)
),
received as (
    select
        t.unit_code,
        t.period,
        t.topic,
        min(s.submitted_at) as first_submitted_at,
        max(s.submitted_at) as last_submitted_at,
        count(*) as submissions
    from stg_submission_topics as t
    join stg_submissions as s using (submission_id)
    group by t.unit_code, t.period, t.topic
),
final as (
    select
        e.period,
        e.unit_code,
        u.unit_name,
        u.unit_level,
        e.topic,
        cast(e.period + interval 1 month + (s.due_day - 1) * interval 1 day as date) as deadline,
        r.first_submitted_at as submitted_at,
        r.last_submitted_at,
        coalesce(r.submissions, 0) as submissions,
        case
            when r.first_submitted_at is null then 'missing'
            when cast(r.first_submitted_at as date)
                 <= cast(e.period + interval 1 month + (s.due_day - 1) * interval 1 day as date) then 'on_time'
            else 'late'
        end as status,
        coalesce(r.submissions, 0) > 1 as replaced
    from expected as e
    cross join settings as s
    join stg_units as u using (unit_code)
    left join received as r using (unit_code, period, topic)
)
select * from final
