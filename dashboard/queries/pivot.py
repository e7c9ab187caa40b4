"""The pivot ("Bảng tổng hợp"): service × unit × month and dataset × unit × month as tables, the
table behind Appendix II by unit. The caller chooses which of the dimensions the rows keep
(`dims`, any of DIMS); the others are added up (flows) or taken at the period's last month
(stocks: cleaning). Rates are sum/sum over the rows of each group.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.db import Warehouse
from dashboard.queries.common import PROVINCE, bound, unit_list

# The dimensions a row may keep, in the order the columns stand: item (service or dataset),
# unit, month. Each names the columns it adds to the group by (fixed SQL, never a value).
DIMS = ("item", "unit", "month")
_SERVICE_COLS = {"item": ["v.service_code", "sv.service_name"], "unit": ["v.unit_code", "v.unit_name"],
                 "month": ["v.period"]}
_CLEANING_COLS = {"item": ["c.dataset_code", "c.dataset_name"], "unit": ["c.unit_code", "c.unit_name"],
                  "month": ["c.period"]}
_ORDER = {"v.service_code": "v.service_code", "sv.service_name": None, "v.unit_code": None,
          "v.unit_name": "v.unit_name collate vi", "v.period": "v.period",
          "c.dataset_code": None, "c.dataset_name": "c.dataset_name collate vi", "c.unit_code": None,
          "c.unit_name": "c.unit_name collate vi", "c.period": "c.period"}


def _dims(dims) -> list[str]:
    wanted = set(dims or ())
    bad = wanted - set(DIMS)
    if bad:
        raise ValueError(f"unknown pivot dimensions: {sorted(bad)}")
    return [d for d in DIMS if d in wanted]


def _columns(cols: dict, dims: list[str]) -> tuple[str, str, str]:
    chosen = [c for d in dims for c in cols[d]]
    select = "".join(f"{c}, " for c in chosen)
    group = ", ".join(chosen) if chosen else "()"
    order = ", ".join(o for c in chosen if (o := _ORDER[c])) or "1"
    return select, group, order


def services(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None,
             dims=DIMS) -> pd.DataFrame:
    """One row per combination of the kept dimensions (service: service_code, service_name;
    unit: unit_code, unit_name; month: period) over the period: dossiers (total_dossiers),
    online dossiers, on time, overdue, and the online rate (sum_ratio over the group).
    Units: the selected ones, else every unit under the province when the unit is kept, else
    the province's own rows (official figures where it has them)."""
    d = _dims(dims)
    select, group, order = _columns(_SERVICE_COLS, d)
    if units:
        where_units = "list_contains(?::varchar[], v.unit_code)"
    elif "unit" in d:
        where_units = f"v.unit_level in ('district', 'commune') and v.unit_code in (select unit_code from stg_units where parent_code = {PROVINCE})"
    else:
        where_units = f"v.unit_code = {PROVINCE}"
    return wh.query(f"""
        select {select}
               sum(v.total_dossiers) as total_dossiers,
               sum(v.online_dossiers) as online_dossiers,
               sum(v.on_time) as on_time,
               sum(v.overdue) as overdue,
               sum_ratio(v.online_dossiers, v.total_dossiers) as online_rate,
               string_agg(distinct v.source, ',' order by v.source) as sources
        from service_volume_monthly as v
        join stg_services as sv using (service_code)
        where v.period between ?::date and ?::date
          and {where_units}
          {"and v.agency_code = ?" if agency else ""}
        group by {group}
        order by {order}
        """, bound(first, last, unit_list(units), agency))


def cleaning(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None,
             dims=DIMS) -> pd.DataFrame:
    """One row per combination of the kept dimensions (dataset: dataset_code, dataset_name;
    unit: unit_code, unit_name; month: period): records cleaned, records to clean and the
    cleaning ratio. Stocks: without the month, the period's last month only (never added over
    months). Units: the selected ones, else every unit under the province."""
    d = _dims(dims)
    select, group, order = _columns(_CLEANING_COLS, d)
    months = "c.period between ?::date and ?::date" if "month" in d else "c.period = ?::date"
    return wh.query(f"""
        select {select}
               sum(c.records_cleaned) as records_cleaned,
               sum(c.records_total) filter (where c.records_cleaned is not null) as records_total,
               sum_ratio(c.records_cleaned, c.records_total) as cleaning_ratio,
               string_agg(distinct c.source, ',' order by c.source) as sources
        from cleaning_unit_monthly as c
        join stg_datasets as ds using (dataset_code)
        where {months}
          and c.parent_code = {PROVINCE}
          {"and list_contains(?::varchar[], c.unit_code)" if units else ""}
          {"and ds.sector_agency_code = ?" if agency else ""}
        group by {group}
        order by {order}
        """, bound(*((first, last) if "month" in d else (last,)), unit_list(units), agency))
