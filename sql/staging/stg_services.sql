-- Grain: one row per service of the catalogue.
create or replace view stg_services as
select service_code, service_group, service_number, service_name, agency_code, portal_connection,
       online_rate_target, source_document
from dim_service
