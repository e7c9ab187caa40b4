"""The leadership KPIs: the online rate, CCCD records, VNeID activation, data cleaning and tasks
for the period, each with its previous value, target and status (thresholds and targets:
etl.definitions)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.db import Warehouse
from dashboard.queries import cleaning, completeness, identity, services, tasks
from dashboard.queries.common import sources, together
from etl.definitions import (ACTIVATION_TARGET, CLEANING_TARGET, DEFAULT_ONLINE_TARGET, KPI_FLOWS, KPI_TOPICS, NOT_REPORTED, kpi_status, num,
                             tasks_status)
from etl.periods import add_months


def previous_window(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before [first, last]."""
    n = (last.year - first.year) * 12 + last.month - first.month + 1
    return add_months(first, -n), add_months(first, -1)


def months(first: dt.date, last: dt.date) -> int:
    """How many months [first, last] spans."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _at(df, column: str, month: dt.date):
    """The row of `df` for the month, None when there is none."""
    rows = df[df[column].dt.date == month]
    return rows.iloc[0] if len(rows) else None


def kpis(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None) -> list[dict]:
    """The leadership KPIs for the period: value, target, the previous value (the same-length
    period before for flows, the month before the period for stocks), the value a year before
    (`year_ago`: the same months a year before), status ('green' | 'amber' | 'red' | 'none') and
    sources; how complete it is: `reported` of `expected` reports (unit x month) of its `topic`
    over the period for a flow, in the period's last month for a stock (`coverage_months`).
    Each a dict with key, value, previous, change, year_ago, change_year, target, status,
    sources, topic, reported, expected and the figures behind it."""
    pf, _ = previous_window(first, last)
    before = add_months(first, -1)
    # The same period a year before (flows), the period's last month a year before (stocks).
    yf, yl = add_months(first, -12), add_months(last, -12)
    # The period and the same-length period before it, in one query; the stocks and tasks at once.
    both, year, idt, cl, tc, tcy, cov = together(
        (services.two_windows, wh, pf, first, last, units, agency), (services.two_windows, wh, yf, yf, yl, units, agency),
        (identity.trend, wh, min(before, yl), last, units),
        (cleaning.trend, wh, min(before, yl), last, units, agency), (tasks.counts, wh, last, agency),
        (tasks.counts, wh, yl, agency), (completeness.by_topic, wh, first, last, units))
    # stocks are the period's last month's: their completeness is that month's
    cov_last = cov if first == last else completeness.by_topic(wh, last, last, units)
    both = both.set_index("w")
    cur, prev = both.loc["cur"], both.loc["prev"]
    year = year.set_index("w").loc["cur"]
    out: list[dict] = []

    # Online-submission rate (flow over the period).
    target = num(cur["target_rate"]) if num(cur["target_rate"]) is not None else DEFAULT_ONLINE_TARGET
    out.append({
        "key": "online_rate", "value": num(cur["online_rate"]), "previous": num(prev["online_rate"]),
        "year_ago": num(year["online_rate"]),
        "target": target, "status": kpi_status(cur["online_rate"], target),
        "total": num(cur["total_dossiers"]), "online": num(cur["online_dossiers"]),
        "sources": sources(cur["sources"]),
    })

    # CCCD records and VNeID (stocks at the period's last month vs the month before the period).
    c, p, y = _at(idt, "period", last), _at(idt, "period", before), _at(idt, "period", yl)
    out.append({
        "key": "cccd_records", "value": num(c["cccd_records"]) if c is not None else None,
        "year_ago": num(y["cccd_records"]) if y is not None else None,
        "previous": num(p["cccd_records"]) if p is not None else None,
        "target": None, "status": "none", "sources": sources(c["sources"]) if c is not None else "",
    })
    rate = num(c["activation_rate"]) if c is not None else None
    out.append({
        "key": "vneid_activation", "value": rate, "previous": num(p["activation_rate"]) if p is not None else None,
        "year_ago": num(y["activation_rate"]) if y is not None else None,
        "target": ACTIVATION_TARGET,
        "activated": num(c["vneid_activated"]) if c is not None else None,
        "vneid_target": num(c["vneid_target"]) if c is not None else None,
        "activated_previous": num(p["vneid_activated"]) if p is not None else None,
        "status": kpi_status(rate, ACTIVATION_TARGET), "sources": sources(c["sources"]) if c is not None else "",
    })

    # Data cleaning (stock).
    cc, cp, cy = _at(cl, "period", last), _at(cl, "period", before), _at(cl, "period", yl)
    ratio = num(cc["cleaning_ratio"]) if cc is not None else None
    out.append({
        "key": "cleaning", "value": ratio, "previous": num(cp["cleaning_ratio"]) if cp is not None else None,
        "year_ago": num(cy["cleaning_ratio"]) if cy is not None else None,
        "target": CLEANING_TARGET, "status": kpi_status(ratio, CLEANING_TARGET),
        "cleaned": num(cc["records_cleaned_with_total"]) if cc is not None else None,
        "total": num(cc["records_total"]) if cc is not None else None,
        "sources": sources(cc["sources"]) if cc is not None else "",
    })

    # Tasks (status as of the period's last month; the province's tracker).
    t, tp, ty = _at(tc, "period", last), _at(tc, "period", add_months(last, -1)), _at(tcy, "period", yl)
    n_tasks = int(t["tasks"]) if t is not None else 0
    overdue = int(t["overdue"]) if t is not None else None
    out.append({
        "key": "tasks", "value": int(t["done"]) if t is not None else None,
        "year_ago": int(ty["done"]) if ty is not None else None,
        "previous": int(tp["done"]) if tp is not None else None,
        "tasks": n_tasks, "overdue": overdue,
        "overdue_previous": int(tp["overdue"]) if tp is not None else None,
        "target": n_tasks, "status": tasks_status(n_tasks, overdue),
        "sources": sources(t["sources"]) if t is not None else "",
    })
    # How complete each figure is: the reports of its topic in, of those expected (units x months).
    cov, cov_last = cov.set_index("topic"), cov_last.set_index("topic")
    for k in out:
        k["change"] = (k["value"] - k["previous"]) if k["value"] is not None and k["previous"] is not None else None
        k["change_year"] = (k["value"] - k["year_ago"]) if k["value"] is not None and k["year_ago"] is not None else None
        # a KPI without a topic in KPI_TOPICS (or a topic not expected every month) says nothing
        topic = KPI_TOPICS.get(k["key"])
        k["topic"] = topic
        c = cov if k["key"] in KPI_FLOWS else cov_last
        k["coverage_months"] = months(first, last) if k["key"] in KPI_FLOWS else 1
        k["reported"] = int(c.loc[topic, "received"]) if topic in c.index else None
        k["expected"] = int(c.loc[topic, "expected"]) if topic in c.index else None
    return out


def ranking(wh: Warehouse, first: dt.date, last: dt.date, units=None, agency=None, n: int = 5) -> pd.DataFrame:
    """services.best_worst_districts, and after the lowest ('worst', or 'all' when every ranked
    district is listed) the districts that sent no report of public services for the period,
    unranked, with `note` NOT_REPORTED (empty for the ranked ones): a district that has not
    reported is named, never silently left out."""
    ranked, missing = together((services.best_worst_districts, wh, first, last, units, agency, n),
                               (completeness.not_reported, wh, first, last, KPI_TOPICS["online_rate"], units))
    ranked = ranked.assign(note="")
    if missing.empty:
        return ranked
    group = "all" if ranked.empty or (ranked["group"] == "all").all() else "worst"
    return pd.concat([ranked, missing.assign(group=group, note=NOT_REPORTED)], ignore_index=True)
