-- Grain: one row per period (first of month) and former district (khu vực huyện cũ).
-- Public view. One trend per former district across the 2025 reform: until June 2025 the
-- district's own figures (Huyện Đông Sơn's, to November 2024, count in Thành phố Thanh Hóa's
-- area, which it joined), from July 2025 the sum of the communes whose former district it is
-- (units' former_district_code). unit_level says which units the month's figures are of
-- ('district' | 'commune'): the break is where it changes. Identity figures are stocks (each
-- unit's latest at or before the month, identity_unit_monthly, only while the unit is valid);
-- dossiers are flows (the month's rows of service_volume_monthly, all services). Rates are
-- sum/sum over the area's units, never averages of rates. units_expected: the area's units
-- valid in the month; identity_units_reporting / service_units_reporting: those that reported
-- that very month.
create or replace view former_district_monthly as
with identity as (
    select
        period,
        former_district_code,
        sum(cccd_records) as cccd_records,
        sum(vneid_applications) as vneid_applications,
        sum(vneid_activated) as vneid_activated,
        sum(vneid_target) as vneid_target,
        count(*) filter (where reported_period = period) as identity_units_reporting,
        bool_or(source = 'submitted') as any_submitted
    from identity_unit_monthly
    where former_district_code is not null
    group by period, former_district_code
),
services as (
    select
        v.period,
        u.former_district_code,
        sum(v.total_dossiers) filter (where v.online_dossiers is not null) as total_dossiers,
        sum(v.online_dossiers) filter (where v.total_dossiers is not null) as online_dossiers,
        sum_ratio(v.online_dossiers, v.total_dossiers) as online_rate,
        count(distinct v.unit_code) as service_units_reporting,
        bool_or(v.source = 'submitted') as any_submitted
    from service_volume_monthly as v
    join stg_unit_validity as u
      on u.unit_code = v.unit_code and valid_in(u.valid_from, u.valid_to, v.period)
    where u.unit_level in ('district', 'commune') and u.former_district_code is not null
    group by v.period, u.former_district_code
),
figures as (
    select
        period,
        former_district_code,
        i.cccd_records, i.vneid_applications, i.vneid_activated, i.vneid_target, i.identity_units_reporting,
        s.total_dossiers, s.online_dossiers, s.online_rate, s.service_units_reporting,
        coalesce(i.any_submitted, false) or coalesce(s.any_submitted, false) as any_submitted
    from identity as i
    full outer join services as s using (period, former_district_code)
),
expected as (
    select f.period, f.former_district_code, count(*) as units_expected, max(v.unit_level) as unit_level
    from figures as f
    join stg_unit_validity as v
      on v.former_district_code = f.former_district_code and valid_in(v.valid_from, v.valid_to, f.period)
    where v.unit_level in ('district', 'commune')
      and v.parent_code = (select province_code from stg_settings)
    group by f.period, f.former_district_code
),
final as (
    select
        f.period,
        f.former_district_code,
        d.unit_name as former_district_name,
        e.unit_level,
        e.units_expected,
        f.cccd_records,
        f.vneid_applications,
        f.vneid_activated,
        f.vneid_target,
        ratio(f.vneid_activated, f.vneid_target) as activation_rate,
        coalesce(f.identity_units_reporting, 0) as identity_units_reporting,
        f.total_dossiers,
        f.online_dossiers,
        f.online_rate,
        coalesce(f.service_units_reporting, 0) as service_units_reporting,
        case when f.any_submitted then 'submitted' else 'sample' end as source
    from figures as f
    left join expected as e using (period, former_district_code)
    join stg_units as d on d.unit_code = f.former_district_code
)
select * from final
