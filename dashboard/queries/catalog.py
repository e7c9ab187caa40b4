"""What the warehouse holds: the months, units and agencies the filters offer, a summary of
its contents, and the units one may pick for a template or an account."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.db import Warehouse
from dashboard.queries import completeness
from dashboard.queries.common import PROVINCE, PROVINCE_UNITS, bound, together


def warehouse_summary(wh: Warehouse) -> dict:
    """What the warehouse holds: months covered, sources, file counts."""
    df = wh.query(
        """
        select
            (select min(period) from service_volume_monthly) as first_period,
            (select max(period) from service_volume_monthly) as last_period,
            -- submission_log has one row per received file, rejected iff the file was: counted from
            -- the files themselves (the view would work out every file's superseded status first)
            (select count(*) from stg_submissions) as files,
            (select count(*) from stg_submissions where status = 'rejected') as rejected,
            (select count(distinct unit_code) from service_volume_monthly where unit_level = 'district') as districts,
            (select string_agg(source, ',' order by source)
             from (select distinct source from service_volume_monthly)) as sources,
            (select official_label from stg_settings) as official_label,
            (select sample_label from stg_settings) as sample_label
        """
    )
    return df.iloc[0].to_dict()


def filter_options(wh: Warehouse, as_of: dt.date | None = None, share: float | None = None) -> dict:
    """What the filters offer: the months with data (any topic), the province's territorial
    units valid in some month of service_volume_monthly (all of them before any data) and the
    agencies (names in Vietnamese order), the default month and the source labels.
    The default month: with `as_of` and `share`, the latest month whose reports are due and at
    least that share in (completeness.default_month); else, or when none is, the latest month of
    service_volume_monthly."""
    # independent queries, at once (see common.together): the four below and, for the default
    # month, the reporting calendar's completeness
    complete = as_of is not None and share is not None
    months, units, agencies, s, *by_month = together(*[(wh.query, sql) for sql in (
        """
        select distinct period from (
            select period from service_volume_monthly
            union all select period from identity_monthly
            union all select period from cleaning_monthly
            union all select period from task_status
        ) order by period
        """,
        f"""
        select u.unit_code, u.unit_name, u.unit_level
        from stg_units as u
        where {PROVINCE_UNITS}
          -- the units valid in some month the warehouse has figures for (every unit when it has none)
          and unit_valid_between(u.unit_code,
                                 (select coalesce(min(period), date '1900-01-01') from service_volume_monthly),
                                 (select coalesce(max(period), date '2999-12-01') from service_volume_monthly))
        order by u.unit_name collate vi
        """,
        f"""
        select u.unit_code, u.unit_name
        from stg_units as u
        where u.unit_level = 'agency' and u.parent_code = {PROVINCE}
        order by u.unit_name collate vi
        """,
        """
        select s.province_code, u.unit_name as province_name, s.official_label, s.sample_label,
               (select max(period) from service_volume_monthly) as default_period
        from stg_settings as s
        left join stg_units as u on u.unit_code = s.province_code
        """,
    )], *([(completeness.by_month, wh)] if complete else []))
    s = s.iloc[0]
    periods = [pd.Timestamp(p).date() for p in months["period"]]
    default = pd.Timestamp(s["default_period"]).date() if pd.notna(s["default_period"]) else (periods[-1] if periods else None)
    if complete and periods:
        default = completeness.default_month(by_month[0], periods, as_of, share) or default
    return {
        "periods": periods,
        "default_period": default,
        "units": list(zip(units["unit_code"], units["unit_name"])),
        "agencies": list(zip(agencies["unit_code"], agencies["unit_name"])),
        "province_code": s["province_code"],
        "province_name": s["province_name"] or s["province_code"],
        "official_label": s["official_label"],
        "sample_label": s["sample_label"],
    }


def ended_units(wh: Warehouse, today: dt.date) -> pd.DataFrame:
    """The units whose validity ended before `today`, by code: unit_code, unit_name, ended_from
    (the first day the unit no longer exists), successors ('code - name' listed, the default
    first, then by share) and default_successor (the one to rebind an account to)."""
    ended = wh.query("""
        select u.unit_code, u.unit_name, cast(u.valid_to + interval 1 day as date) as ended_from,
               string_agg(s.to_unit_code || ' - ' || t.unit_name, '; '
                          order by s.is_default desc, s.weight desc, s.to_unit_code) as successors,
               any_value(s.to_unit_code) filter (where s.is_default) as default_successor
        from stg_units as u
        left join stg_unit_succession as s
               on s.from_unit_code = u.unit_code and s.effective_date = u.valid_to + interval 1 day
        left join stg_units as t on t.unit_code = s.to_unit_code
        where u.valid_to < ?::date
        group by u.unit_code, u.unit_name, u.valid_to
        order by u.unit_code
        """, bound(today))
    ended["ended_from"] = [pd.Timestamp(d).date() for d in ended["ended_from"]]
    return ended


def reportable_units(wh: Warehouse, units: list[str] | None) -> pd.DataFrame:
    """Units a person may pick for a template or an account: the given ones (None = every
    district, commune and agency; an empty list = none)."""
    return wh.query(f"""
        select unit_code, unit_name, unit_level from stg_units
        where unit_level in ('district', 'agency', 'commune')
          {"and list_contains(?::varchar[], unit_code)" if units is not None else ""}
        order by unit_level, unit_name collate vi
        """, bound(None if units is None else list(units)))


def valid_months(wh: Warehouse, unit: str, months: list) -> list:
    """The months of `months` (firsts of months) in which the unit is valid (valid_in): the months a
    template can be made for it. Newest first, as given."""
    if not months:
        return []
    df = wh.query("""
        select distinct m.period
        from unnest(?::date[]) as m(period)
        join stg_unit_validity as v on v.unit_code = ? and valid_in(v.valid_from, v.valid_to, m.period)
        """, [list(months), unit])
    ok = {pd.Timestamp(p).date() for p in df["period"]}
    return [m for m in months if m in ok]
