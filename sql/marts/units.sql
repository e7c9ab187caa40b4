-- Grain: one row per unit and validity interval.
-- Public view. The configured province's units: the province, its districts (to 30/6/2025;
-- Huyện Đông Sơn to 30/11/2024), its communes and wards (from 1/7/2025), its agencies (the
-- departments merged on 1/3/2025). valid_from / valid_to: inclusive dates, NULL = open (valid
-- before the records begin / still valid). A unit counts in a month when it is valid on the
-- month's last day. former_district_code: the district (khu vực huyện cũ) a commune's area
-- mostly came from; a district's own code (Đông Sơn: Thành phố Thanh Hóa, which it joined);
-- NULL for the province and agencies. lat / lon: centre; area_km2 where the source gives it.
create or replace view units as
select
    unit_code, unit_name, unit_level, unit_type, parent_code, valid_from, valid_to,
    former_district_code, lat, lon, area_km2
from dim_unit
