-- Grain: one row per unit and topic it reports (the build fills it from the topic registry: the
-- topic's unit levels and, where the topic asks, the catalogue's assignments).
create or replace view stg_unit_topics as
select unit_code, topic
from unit_topic
