"""Each dashboard page's queries, as the page calls them (the named functions of
dashboard/queries.py, through dashboard.db.Warehouse, DataFrames included), with the default
filters (the latest month, the whole province) and with one district selected; median and p95
per function and the sum per page, at province and at national scale.

The app also calls `filter_options` and `warehouse_summary` on every dashboard page (app.py);
they are listed under the page "app" (every page pays them once per warehouse version).
The reporting page has its own controls (last 12 months, every topic and level) and ignores
the sidebar filters, so it has one variant only.
"""
from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path



def page_calls(options: dict, unit: str | None, reporting_periods: list[dt.date]) -> dict[str, list[tuple[str, tuple]]]:
    """{page: [(function, args without wh)]} as the pages call them for the filters: the latest
    month, and the whole province (unit None) or one district (unit)."""
    from dashboard.filters import Filters

    last = options["default_period"]
    f = Filters(last, last, (unit,) if unit else ())
    first, units, agency = f.first, f.units_or_none, f.agency
    tf = f.trend_first(options["periods"])
    pick = unit or options["units"][0][0]  # the district page: the filter's district, else the first
    calls = {
        "app": [("filter_options", ()), ("warehouse_summary", ())],
        "overview": [("overview_kpis", (first, last, units, agency)), ("online_rate_trend", (tf, last, units, agency)),
                     ("best_worst_districts", (first, last, units, agency)),
                     ("services_below_target", (first, last, units, agency))],
        "services": [("online_rate_summary", (first, last, units, agency)), ("service_rates", (first, last, units, agency)),
                     ("agency_rates", (first, last, units, agency)), ("district_rates", (first, last, units, agency)),
                     ("online_rate_trend_by_group", (tf, last, units, agency)),
                     ("online_rate_trend", (tf, last, units, agency)),
                     ("services_below_target", (first, last, units, agency))],
        "identity": [("identity_trend", (tf, last, units)), ("identity_by_district", (last, units))],
        "cleaning": [("cleaning_by_dataset", (last, units, agency)), ("cleaning_matrix", (last, units, agency)),
                     ("cleaning_by_district", (last, units, agency)), ("cleaning_trend", (tf, last, units, agency)),
                     ("cleaning_trend_by_dataset", (tf, last, units, agency))],
        "tasks": [("task_tracker", (last, agency)), ("task_counts", (last, agency)),
                  ("task_counts_by_agency", (last, agency)), ("tasks_due_soon", (last, agency))]
                 + ([("district_task_status", (last, units))] if units else []),
        "district": [("district_profile", (first, last, pick)), ("district_trend", (tf, last, pick)),
                     ("district_services", (first, last, pick)), ("cleaning_by_dataset", (last, (pick,)))],
    }
    if unit is None and reporting_periods:
        rf, rl = reporting_periods[max(0, len(reporting_periods) - 12)], reporting_periods[-1]
        calls["reporting"] = [("reporting_periods", ()), ("reporting_rates_by_month", (rf, rl, None, None)),
                              ("not_yet_reported", (rl, None, None)), ("reporting_matrix", (rf, rl, None, None)),
                              ("reporting_rates_by_unit", (rf, rl, None, None))]
    return calls


def _stats(ts: list[float]) -> dict:
    ts = sorted(ts)
    return {"median": statistics.median(ts), "p95": ts[min(len(ts) - 1, int(round(0.95 * (len(ts) - 1))))], "n": len(ts)}


def time_page_queries(path: Path, repeat: int = 15, unit: str | None = None, budget_s: float = 3.0) -> dict:
    """Times every page's calls on the warehouse at `path`, with the default filters and with
    one district (`unit`, else the first in the filter's list) selected. Round-robin: each round
    calls every function once (and the baseline, `select 1` through the same Warehouse, before
    each), so a burst of load on the shared machine falls on all of them alike. A function
    leaves the rounds once it has 3 timings and has used `budget_s` seconds (a slow query at
    national scale would otherwise take the benchmark's whole time). Returns
    {"unit", "unit_name", "province", "months", "last", "baseline": {median, p95, n},
     "rows": [{page, variant, function, median, p95, n, rows, error}]}."""
    from dashboard import queries
    from dashboard.db import Warehouse

    wh = Warehouse(path)
    try:
        options = queries.filter_options(wh)
        unit = unit or options["units"][0][0]
        rep_periods = queries.reporting_periods(wh)
        jobs = []
        for variant, u in (("province", None), ("district", unit)):
            for page, calls in page_calls(options, u, rep_periods).items():
                for name, args in calls:
                    row = {"page": page, "variant": variant, "function": name, "rows": None, "error": None,
                           "median": float("nan"), "p95": float("nan"), "n": 0}
                    fn = getattr(queries, name)
                    try:
                        res = fn(wh, *args)  # the first call (also the warm-up): it must work
                        row["rows"] = len(res) if hasattr(res, "__len__") else None
                        jobs.append((row, fn, args, []))
                    except Exception as e:  # a failing query is a figure of the benchmark
                        row["error"] = f"{type(e).__name__}: {e}"[:200]
                        jobs.append((row, None, None, []))
        base: list[float] = []
        for _ in range(repeat):
            for row, fn, args, ts in jobs:
                if fn is None or (len(ts) >= 3 and sum(ts) >= budget_s):
                    continue
                t = time.perf_counter()
                wh.query("select 1")
                base.append(time.perf_counter() - t)
                t = time.perf_counter()
                fn(wh, *args)
                ts.append(time.perf_counter() - t)
        rows = []
        for row, fn, args, ts in jobs:
            if ts:
                row.update(_stats(ts))
            rows.append(row)
        return {"unit": unit, "unit_name": dict(options["units"]).get(unit, unit), "province": options["province_code"],
                "months": len(options["periods"]), "last": options["default_period"], "baseline": _stats(base),
                "rows": rows}
    finally:
        wh.close()


def section_page_queries(rep, raw, wh: Path, national: Path | None, quick: bool):
    """Report rows: per scale, one row per page and function (both filter variants), and the
    sum per page."""
    from bench.timing import ms

    print("page queries", flush=True)
    scales = [("province", wh, 0.050)] + ([("national", national, 0.500)] if national else [])
    for scale, path, limit in scales:
        r = time_page_queries(path, repeat=3 if quick else 21, budget_s=1.0 if quick else 3.0)
        section = f"page queries ({scale})"
        b = r["baseline"]
        base_text = f"`select 1`: median {ms(b['median'])}, p95 {ms(b['p95'])}"
        by_key: dict[tuple, dict] = {}
        for x in r["rows"]:
            by_key.setdefault((x["page"], x["function"]), {})[x["variant"]] = x
        for (page, function), variants in by_key.items():
            cells, worst, errors = [], 0.0, []
            for v in ("province", "district"):
                x = variants.get(v)
                if not x:
                    continue
                if x["error"]:
                    errors.append(x["error"])
                    cells.append(f"{v}: error")
                    continue
                cells.append(f"{v}: median {ms(x['median'])}, p95 {ms(x['p95'])}")
                worst = max(worst, x["p95"])
            value = " · ".join(cells) + (f" — {'; '.join(errors)}" if errors else "")
            rep.add(section, f"{page}: `{function}`", value, base_text, f"p95 {worst / b['median']:.0f}× baseline" if worst else "",
                    f"p95 < {limit * 1000:.0f} ms", not errors and worst < limit)
        for v in ("province", "district"):
            totals = {}
            for x in r["rows"]:
                if x["variant"] == v and not x["error"]:
                    totals[x["page"]] = totals.get(x["page"], 0.0) + x["median"]
            rep.add(section, f"all of a page's queries one after the other ({v}; sum of medians)",
                    ", ".join(f"{p} {ms(t)}" for p, t in totals.items()), "", "", "", None)
        rep.notes.append(
            f"Page queries ({scale}): the functions of dashboard/queries.py each page calls (app.py's "
            f"`filter_options` and `warehouse_summary` under \"app\"), called as the page calls them through "
            f"dashboard.db.Warehouse (DataFrame included), {3 if quick else 21} timed rounds after one warm-up call "
            f"(a function leaves the rounds once it has 3 timings and {1 if quick else 3} s used), "
            f"each round calling every function once, each call after the baseline (`select 1` through the same "
            f"Warehouse: the cost of a query's round trip at that moment on this shared machine); "
            f"province {r['province']}, {r['months']} months, latest month {r['last']:%Y-%m}; \"district\" = the "
            f"filter set to {r['unit_name']} ({r['unit']}). The reporting page ignores the sidebar filters "
            "(one variant). In the app the results are cached (st.cache_data) per warehouse version: these "
            "times are paid on the first view of a filter choice after a load.")


if __name__ == "__main__":
    import sys

    from bench.timing import ms

    r = time_page_queries(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 7)
    print(r["province"], r["unit"], r["months"], r["last"])
    for x in r["rows"]:
        print(f"{x['page']:10} {x['variant']:9} {x['function']:28} median {ms(x['median']):>10} p95 {ms(x['p95']):>10} "
              f"rows {x['rows']} {x['error'] or ''}")
