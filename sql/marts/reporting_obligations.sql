-- Grain: one row per unit and topic that is expected to report every month.
-- The configured province's units (districts or communes, agencies) with the topics they report
-- (stg_unit_topics: the topic registry's unit levels and the catalogue's task assignments),
-- for the topics reporting_status expects. Shared by reporting_status and the app's list of
-- reporting months. Which of them a month expects follows their validity (reporting_status).
create or replace view reporting_obligations as
with settings as (
    select * from stg_settings
),
-- the province's units: those with a validity interval under it (the validity rows, not
-- stg_units: its latest-row window costs every reporting_status query a few ms for nothing here)
obligations as (
    select o.unit_code, o.topic
    from stg_unit_topics as o
    join stg_topics as t using (topic)
    where t.expected
      and o.unit_code in (select v.unit_code from stg_unit_validity as v
                          where v.parent_code = (select province_code from settings))
)
select * from obligations
