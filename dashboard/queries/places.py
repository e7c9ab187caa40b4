"""Where the province's territorial units are and when they exist: for the map and the unit
filter. Reads the public view `units` (one row per unit and validity interval, with its centre
coordinates and its former district)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.db import Warehouse
from dashboard.queries.common import PROVINCE


_PLACES = f"""
    with territorial as (
        select u.unit_code, u.unit_name, u.unit_level, u.valid_from, u.valid_to, u.lat, u.lon,
               coalesce(u.former_district_code,
                        case when u.unit_level = 'district' then u.unit_code end) as former_district_code
        from units as u
        where u.parent_code = {PROVINCE} and u.unit_level in ('district', 'commune')
    ),
    district_names as (
        -- a former district's name: its last interval's
        select unit_code, arg_max(unit_name, coalesce(valid_to, date '9999-12-31')) as unit_name
        from units
        where unit_level = 'district'
        group by unit_code
    )
    select t.*, d.unit_name as former_district_name
    from territorial as t
    left join district_names as d on d.unit_code = t.former_district_code
"""
_ORDER = "order by former_district_name collate vi nulls last, unit_level desc, unit_name collate vi"


def places(wh: Warehouse) -> pd.DataFrame:
    """One row per territorial unit directly under the province (districts; communes after the
    2025 reform) and validity interval: code, name, level, valid_from, valid_to (NULL = open),
    lat, lon and the former district (code and name; a district is its own). Names in Vietnamese order within each former district."""
    return wh.query(f"select * from ({_PLACES}) {_ORDER}")


def valid_places(wh: Warehouse, first: dt.date, last: dt.date) -> pd.DataFrame:
    """places' units valid in at least one of the months first..last (dates, first of month;
    the warehouse's rule, valid_in), one row per unit (its interval that ends last),
    in the same order."""
    return wh.query(f"""
        select * from ({_PLACES})
        where exists (select 1 from range(?::date, ?::date + interval 1 month, interval 1 month) as m(period)
                      where valid_in(valid_from, valid_to, m.period::date))
        qualify row_number() over (partition by unit_code order by coalesce(valid_to, date '9999-12-31') desc) = 1
        {_ORDER}
        """, [first, last])
