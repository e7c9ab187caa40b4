"""Units side by side: the figures of each selected unit on its own, for the pages' comparison
(two or more districts chosen and not added up). One row per unit and month; the pages draw a
line (or a column) per unit. Rates are sum/sum over each unit's own rows.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.db import Warehouse
from dashboard.queries.cleaning import ratio_columns
from dashboard.queries.common import bound, unit_list
from dashboard.queries.services import RATE_COLUMNS

# The selected units in the filter's order (`?`s: the units, twice).
_CHOSEN = """
        chosen as (
            select unnest(?::varchar[]) as unit_code, generate_subscripts(?::varchar[], 1) as unit_order
        )"""


def _services_scoped(agency) -> str:
    """_CHOSEN and the selected units' service rows of the period (`?`s: first and last month, the
    agency where given), each with its service's target and the dossiers that weight it."""
    return f"""{_CHOSEN},
        scoped as (
            select v.*, c.unit_order, sv.online_rate_target as target,
                   case when v.online_dossiers is not null then v.total_dossiers end as target_weight
            from service_volume_monthly as v
            join chosen as c using (unit_code)
            join stg_services as sv using (service_code)
            where v.period between ?::date and ?::date
              {"and v.agency_code = ?" if agency else ""}
        )"""


def services_by_unit_month(wh: Warehouse, first: dt.date, last: dt.date, units, agency=None) -> pd.DataFrame:
    """One row per selected unit and month of the period: dossiers, online dossiers, online
    rate, the dossier-weighted target and sources. Units in the filter's order (unit_order)."""
    return wh.query(f"""
        with {_services_scoped(agency)}
        select s.period, s.unit_code, u.unit_name, s.unit_order, {RATE_COLUMNS}
        from scoped as s
        join stg_units as u using (unit_code)
        group by s.period, s.unit_code, u.unit_name, s.unit_order
        order by s.unit_order, s.period
        """, bound(unit_list(units), unit_list(units), first, last, agency))


def services_by_unit(wh: Warehouse, first: dt.date, last: dt.date, units, agency=None) -> pd.DataFrame:
    """One row per selected unit (every one, with or without figures): dossiers, online dossiers,
    online rate and target over the whole period. Units in the filter's order."""
    return wh.query(f"""
        with {_services_scoped(agency)},
        per_unit as (
            select unit_code, {RATE_COLUMNS}
            from scoped
            group by unit_code
        )
        select c.unit_code, u.unit_name, p.* exclude (unit_code)
        from chosen as c
        join stg_units as u using (unit_code)
        left join per_unit as p using (unit_code)
        order by c.unit_order
        """, bound(unit_list(units), unit_list(units), first, last, agency))


def identity_by_unit_month(wh: Warehouse, first: dt.date, last: dt.date, units) -> pd.DataFrame:
    """One row per selected unit and month: CCCD records, VNeID applications, activations and
    target (stocks at the month's end, a unit not reporting the month with its latest figure),
    the activation rate and whether the figure is carried forward. Units in the filter's order."""
    return wh.query(f"""
        with {_CHOSEN}
        select i.period, i.unit_code, i.unit_name, c.unit_order, i.cccd_records, i.vneid_applications,
               i.vneid_activated, i.vneid_target, ratio(i.vneid_activated, i.vneid_target) as activation_rate,
               i.reported_period, i.carried_forward, i.source as sources
        from identity_unit_monthly as i
        join chosen as c using (unit_code)
        where i.period between ?::date and ?::date
        order by c.unit_order, i.period
        """, bound(unit_list(units), unit_list(units), first, last))


def cleaning_by_unit_month(wh: Warehouse, first: dt.date, last: dt.date, units, agency=None) -> pd.DataFrame:
    """One row per selected unit and month: records cleaned (in the datasets with a total, and
    in all), records to clean and the cleaning ratio (stocks at the month's end), for the
    datasets of the agency where given. Units in the filter's order."""
    return wh.query(f"""
        with {_CHOSEN}
        select c2.period, c2.unit_code, c2.unit_name, c.unit_order,
               sum(c2.records_cleaned) as records_cleaned_all,
               {ratio_columns("c2")}
        from cleaning_unit_monthly as c2
        join chosen as c using (unit_code)
        join stg_datasets as d using (dataset_code)
        where c2.period between ?::date and ?::date
          {"and d.sector_agency_code = ?" if agency else ""}
        group by c2.period, c2.unit_code, c2.unit_name, c.unit_order
        order by c.unit_order, c2.period
        """, bound(unit_list(units), unit_list(units), first, last, agency))
