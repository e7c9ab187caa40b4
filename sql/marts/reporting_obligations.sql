-- Grain: one row per unit and topic that is expected to report every month.
-- The configured province's units (districts or communes, agencies) with the topics they report
-- (stg_unit_topics: the topic registry's unit levels and the catalogue's task assignments),
-- for the topics reporting_status expects. Shared by reporting_status and the app's list of
-- reporting months. Which of them a month expects follows their validity (reporting_status).
create or replace view reporting_obligations as
with settings as (
    select * from stg_settings
),
obligations as (
    select o.unit_code, o.topic
    from stg_unit_topics as o
    join stg_topics as t using (topic)
    join stg_units as u using (unit_code)
    where t.expected
      and u.parent_code = (select province_code from settings)
)
select * from obligations
