-- Grain: one row per unit and topic that is expected to report every month.
-- Districts (and communes) of the configured province report services, identity and cleaning,
-- and tasks when the catalogue gives districts tasks; its agencies report the tasks they are
-- responsible for. Shared by reporting_status and the app's list of reporting months.
create or replace view reporting_obligations as
with settings as (
    select * from stg_settings
),
district_topics as (
    select u.unit_code, t.topic
    from stg_units as u
    cross join (values ('services'), ('identity'), ('cleaning')) as t(topic)
    where u.unit_level in ('district', 'commune')
    union all
    select u.unit_code, 'tasks' as topic
    from stg_units as u
    where u.unit_level in ('district', 'commune')
      and exists (select 1 from stg_tasks where responsible_unit_code = 'DISTRICTS')
),
agency_topics as (
    select distinct u.unit_code, 'tasks' as topic
    from stg_units as u
    join stg_tasks as t on t.responsible_unit_code = u.unit_code
    where u.unit_level = 'agency'
),
obligations as (
    select o.unit_code, o.topic
    from (select * from district_topics union all select * from agency_topics) as o
    join stg_units as u using (unit_code)
    where u.parent_code = (select province_code from settings)
)
select * from obligations
