-- Grain: one row per period (first of month) and territorial unit (district or commune), for
-- every month its parent has identity data, from the unit's first report on.
-- Public view. The unit's latest CCCD records and VNeID applications, activations and target at
-- or before the month (stocks, carried forward by carry_forward, each figure on its own so a
-- blank cell keeps the last known count): reported_period says which month the unit last
-- reported, carried_forward = true when that is an earlier month. Adding these rows up over a
-- parent's units gives identity_monthly's rollups; over a subset, that subset's figure.
-- former_district_code: the unit's former district (khu vực huyện cũ; see the units view).
-- materialized
create or replace view identity_unit_monthly as
with carried as (
    select * from carry_forward('stg_identity')
),
final as (
    select
        period,
        unit_code,
        unit_name,
        unit_level,
        parent_code,
        cccd_records,
        vneid_applications,
        vneid_activated,
        vneid_target,
        ratio(vneid_activated, vneid_target) as activation_rate,
        reported_period,
        reported_period < period as carried_forward,
        source,
        former_district_code
    from carried
)
select * from final
