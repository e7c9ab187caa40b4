"""Each page's queries, as the page calls them (the functions of dashboard/queries/, through
dashboard.db.Warehouse, DataFrames included), with the filters a person sets: the whole province
(the default month the app opens on), one unit (a commune valid in that month), a former district
(khu vực huyện cũ: its communes valid in the month) and, for the side-by-side queries, two units
compared; median and p95 per function and the sum per page, at province and at national scale.

The app calls `catalog.filter_options`, `places.places`, `places.valid_places` and
`catalog.warehouse_summary` on every dashboard page (app.py); they are listed under the page "app"
(every page pays them once per warehouse version). The reporting, upload, admin and report pages
have their own controls and ignore the sidebar filters (one variant: what they open with; upload as
an officer of the chosen unit and as an administrator). `users.*` (admin) read the accounts
database, not the warehouse, and are not timed here.
"""
from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path

VARIANTS = ("province", "unit", "area", "2 units")


def query_name(fn) -> str:
    """'services.summary' for dashboard.queries.services.summary."""
    return f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"


def filter_choices(wh, options: dict) -> dict:
    """The filters of each variant, from the warehouse: the default month; the first commune (or
    unit) valid in it in the filter's order, its former district, and the next unit valid then."""
    from dashboard.queries import places

    last = options["default_period"]
    valid = places.valid_places(wh, last, last)
    communes = valid[valid["unit_level"] == "commune"]
    pool = communes if len(communes) >= 2 else valid
    unit, second = pool["unit_code"].iloc[0], pool["unit_code"].iloc[1]
    area = pool["former_district_code"].iloc[0]
    scope = tuple(valid.loc[valid["former_district_code"] == area, "unit_code"]) if area else ()
    names = dict(zip(valid["unit_code"], valid["unit_name"]))
    area_name = pool["former_district_name"].iloc[0]
    return {"last": last, "unit": unit, "unit_name": names[unit], "second": second, "second_name": names[second],
            "area": area, "area_name": area_name if isinstance(area_name, str) else area, "scope": scope}


def page_calls(options: dict, choice: dict, variant: str, reporting_periods: list[dt.date], today: dt.date,
               as_of: dt.date, share: float) -> dict[str, list[tuple]]:
    """{page: [(function, args without wh)]} as the pages call them for one variant of the filters."""
    from dashboard.filters import Filters
    from dashboard.queries import (catalog, cleaning, compare, identity, overview, pivot, places, reporting, services,
                                   submissions, tasks, unit_profile, utilities)
    from etl.periods import add_months
    from etl.report import service as report_service

    last = choice["last"]
    if variant == "province":
        f = Filters(last, last)
    elif variant == "unit":
        f = Filters(last, last, (choice["unit"],))
    elif variant == "area":
        f = Filters(last, last, area=choice["area"], scope=choice["scope"])
    else:
        f = Filters(last, last, (choice["unit"], choice["second"]))
    first, units, agency = f.first, f.units_or_none, f.agency
    tf = f.trend_first(options["periods"])
    if variant == "2 units":  # the side-by-side queries, as services, identity and cleaning call them when f.compares
        return {"services": [(compare.services_by_unit, (first, last, units, agency)),
                             (compare.services_by_unit_month, (tf, last, units, agency))],
                "identity": [(compare.identity_by_unit_month, (tf, last, units))],
                "cleaning": [(compare.cleaning_by_unit_month, (tf, last, units, agency))]}
    pick = f.units[0] if f.units else choice["unit"]  # the unit profile: the filter's unit, else the first
    calls = {
        "app": [(catalog.filter_options, (as_of, share)), (places.places, ()), (places.valid_places, (first, last)),
                (catalog.warehouse_summary, ())],
        "overview": [(overview.kpis, (first, last, units, agency)), (services.trend_with_year_ago, (tf, last, units, agency)),
                     (overview.ranking, (first, last, units, agency)), (services.below_target, (first, last, units, agency)),
                     (utilities.kpi, (first, last, units)), (services.by_district, (first, last, None, agency))],
        "services": [(services.summary, (first, last, units, agency)), (services.by_service, (first, last, units, agency)),
                     (services.by_agency, (first, last, units, agency)), (services.by_district, (first, last, units, agency)),
                     (services.trend_by_group, (tf, last, units, agency)), (services.trend, (tf, last, units, agency)),
                     (services.below_target, (first, last, units, agency)),
                     (services.of_district, (first, last, pick, agency))],
        "identity": [(identity.trend, (tf, last, units)), (identity.by_district, (last, units)),
                     (identity.by_district, (last, None))],
        "utilities": [(utilities.trend, (tf, last, units)), (utilities.by_unit, (last, units))],
        "cleaning": [(cleaning.by_dataset, (last, units, agency)), (cleaning.matrix, (last, units, agency)),
                     (cleaning.by_district, (last, units, agency)), (cleaning.trend, (tf, last, units, agency)),
                     (cleaning.trend_by_dataset, (tf, last, units, agency))],
        "tasks": [(tasks.tracker, (last, agency)), (tasks.counts, (last, agency)),
                  (tasks.counts_by_agency, (last, agency)), (tasks.due_soon, (last, agency)),
                  (tasks.tracker, (last, agency, ("done", "in_progress")))]
                 + ([(tasks.district_status, (last, f.units))] if f.units else []),
        "district": [(places.valid_places, (first, last)), (unit_profile.profile, (first, last, pick)),
                     (unit_profile.trend, (tf, last, pick)), (services.of_district, (first, last, pick)),
                     (cleaning.by_dataset, (last, (pick,))), (services.by_district, (first, last, None, None))],
        "pivot": [(pivot.services, (first, last, units, agency, tuple(pivot.DIMS))),
                  (pivot.cleaning, (first, last, units, agency, tuple(pivot.DIMS)))],
    }
    if variant == "province" and reporting_periods:
        rf, rl = reporting_periods[max(0, len(reporting_periods) - 12)], reporting_periods[-1]
        calls["reporting"] = [(catalog.warehouse_summary, ()), (reporting.periods, ()),
                              (reporting.rates_by_month, (rf, rl, None, None, today)),
                              (reporting.not_yet_reported, (rl, None, None, today)),
                              (reporting.matrix, (rf, rl, None, None, today)),
                              (reporting.rates_by_unit, (rf, rl, None, None, today))]
        own = [choice["unit"]]
        month0 = dt.date(today.year, today.month, 1)
        calls["upload"] = [(catalog.reportable_units, (own,)), (reporting.owed, (own, today)),
                           (catalog.valid_months, (choice["unit"], [add_months(month0, -i) for i in range(1, 37)])),
                           (submissions.previous_month, ("services", choice["unit"], last)),
                           (submissions.history, (own, 100)), (submissions.history, (None, 100)),
                           (catalog.reportable_units, (None,))]
        calls["admin"] = [(catalog.reportable_units, (None,)), (catalog.ended_units, (today,))]
        calls["report"] = [(report_service.report_options, ())]  # the report page's choices (etl.report: the report section times the rest)
    return calls


def _stats(ts: list[float]) -> dict:
    ts = sorted(ts)
    return {"median": statistics.median(ts), "p95": ts[min(len(ts) - 1, int(round(0.95 * (len(ts) - 1))))], "n": len(ts)}


def _label(fn, args) -> str:
    """The function's name, with what tells two calls of it on one page apart."""
    from dashboard.queries import identity, places, services, submissions, tasks

    name = query_name(fn)
    if fn is services.by_district and args[2] is None:
        return name + " (every unit: the map)"
    if fn is identity.by_district and args[1] is None:
        return name + " (every unit: the ranking)"
    if fn is tasks.tracker and len(args) > 2:
        return name + " (statuses picked)"
    if fn is submissions.history:
        return name + (" (administrator)" if args[0] is None else " (one unit)")
    return name


def time_page_queries(path: Path, repeat: int = 15, budget_s: float = 3.0) -> dict:
    """Times every page's calls on the warehouse at `path`, for each variant of the filters.
    Round-robin: each round calls every function once (and the baseline, `select 1` through the
    same Warehouse, before each), so a burst of load on the shared machine falls on all of them
    alike. A function leaves the rounds once it has 3 timings and has used `budget_s` seconds (a
    slow query at national scale would otherwise take the benchmark's whole time). Returns
    {"choice", "province", "months", "baseline": {median, p95, n},
     "rows": [{page, variant, function, median, p95, n, rows, error}]}."""
    from dashboard.db import Warehouse
    from dashboard.queries import catalog, reporting
    from etl.config import complete_share, reporting_as_of

    wh = Warehouse(path)
    try:
        as_of, share = reporting_as_of(), complete_share()
        options = catalog.filter_options(wh, as_of, share)
        choice = filter_choices(wh, options)
        rep_periods = reporting.periods(wh)
        jobs = []
        for variant in VARIANTS:
            for page, calls in page_calls(options, choice, variant, rep_periods, as_of, as_of, share).items():
                for fn, args in calls:
                    row = {"page": page, "variant": variant, "function": _label(fn, args), "rows": None, "error": None,
                           "median": float("nan"), "p95": float("nan"), "n": 0}
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
        return {"choice": choice, "province": options["province_code"], "months": len(options["periods"]),
                "as_of": as_of, "baseline": _stats(base), "rows": rows}
    finally:
        wh.close()


def section_page_queries(rep, raw, wh: Path, national: Path | None, quick: bool):
    """Report rows: per scale, one row per page and function (its filter variants in one cell),
    and the sum per page and variant."""
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
        worst_all = 0.0
        for (page, function), variants in by_key.items():
            cells, worst, errors = [], 0.0, []
            for v in VARIANTS:
                x = variants.get(v)
                if not x:
                    continue
                if x["error"]:
                    errors.append(x["error"])
                    cells.append(f"{v}: error")
                    continue
                cells.append(f"{v}: median {ms(x['median'])}, p95 {ms(x['p95'])}")
                worst = max(worst, x["p95"])
            worst_all = max(worst_all, worst)
            value = " · ".join(cells) + (f" — {'; '.join(errors)}" if errors else "")
            rep.add(section, f"{page}: `{function}`", value, base_text, f"p95 {worst / b['median']:.0f}× baseline" if worst else "",
                    f"p95 < {limit * 1000:.0f} ms", not errors and worst < limit)
        for v in VARIANTS:
            totals = {}
            for x in r["rows"]:
                if x["variant"] == v and not x["error"]:
                    totals[x["page"]] = totals.get(x["page"], 0.0) + x["median"]
            if totals:
                rep.add(section, f"all of a page's queries one after the other ({v}; sum of medians)",
                        ", ".join(f"{p} {ms(t)}" for p, t in totals.items()), "", "", "", None)
        c = r["choice"]
        rep.notes.append(
            f"Page queries ({scale}): the functions of dashboard/queries/ each page calls (app.py's under \"app\"), "
            f"called as the page calls them through dashboard.db.Warehouse (DataFrame included), {3 if quick else 21} "
            f"timed rounds after one warm-up call (a function leaves the rounds once it has 3 timings and "
            f"{1 if quick else 3} s used), each round calling every function once, each call after the baseline "
            f"(`select 1` through the same Warehouse: the cost of a query's round trip at that moment on this shared "
            f"machine); province {r['province']}, {r['months']} months, the month the app opens on {c['last']:%Y-%m} "
            f"(as of {r['as_of']:%Y-%m-%d}); \"unit\" = the filter set to {c['unit_name']} ({c['unit']}); \"area\" = the "
            f"former district {c['area_name']} ({c['area']}), {len(c['scope'])} units valid in the month; \"2 units\" = "
            f"{c['unit_name']} and {c['second_name']} compared side by side. The reporting, upload, admin and report pages ignore "
            "the sidebar filters (one variant). In the app the results are cached (st.cache_data) per warehouse "
            "version: these times are paid on the first view of a filter choice after a load. Slowest p95 of "
            f"{scale}: {ms(worst_all)}.")


# --------------------------------------------------------------------------- causes, measured in the run
# What makes the slow page queries slow, each as the query the page runs against the same query
# changed one way, on the same connection, alternating (ratio = as the page runs it ÷ changed).

_SCOPE_AS_PAGES = """
    with params as (select cast(? as date) as first_period, cast(? as date) as last_period,
                           cast(? as varchar[]) as units, (select province_code from stg_settings) as province_code)
    select sum(total_dossiers), sum(online_dossiers) from service_volume_monthly as v, params as p
    where v.period between p.first_period and p.last_period
      and (case when p.units is null then v.unit_code = p.province_code else list_contains(p.units, v.unit_code) end)"""
_SCOPE_BOUND = """
    select sum(total_dossiers), sum(online_dossiers) from service_volume_monthly as v
    where v.period between ? and ? and v.unit_code = ?"""


def _pair(con, a: tuple, b: tuple, repeat: int) -> dict:
    con.execute(*a).fetchall()
    con.execute(*b).fetchall()
    ta, tb = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        ra = con.execute(*a).fetchall()
        ta.append(time.perf_counter() - t)
        t = time.perf_counter()
        rb = con.execute(*b).fetchall()
        tb.append(time.perf_counter() - t)
    return {"as_is": statistics.median(ta), "changed": statistics.median(tb), "same": sorted(map(str, ra)) == sorted(map(str, rb))}


def diagnose(path: Path, repeat: int = 5) -> list[dict]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    out = []
    try:
        prov, last = con.execute("select (select province_code from stg_settings), max(period) from service_volume_monthly").fetchone()
        unit = con.execute("select min(unit_code) from stg_units where parent_code = ? and unit_level in ('district', 'commune')",
                           [prov]).fetchone()[0]
        for who, units, code in (("province", None, prov), (f"one unit ({unit})", [unit], unit)):
            r = _pair(con, (_SCOPE_AS_PAGES, [last, last, units]), (_SCOPE_BOUND, [last, last, code]), repeat)
            out.append({"what": f"service scope filter ({who}): a one-row `params` CTE joined to the data (the former "
                                "_PARAMS of dashboard/queries.py) against the same filter bound with ? in the WHERE "
                                "(as the queries bind it now)", **r})
        # submission_log in catalog.warehouse_summary; reporting_status in reporting.periods.
        r = _pair(con, ("select count(*), count(*) filter (where status = 'rejected') from submission_log", []),
                  ("select count(*), count(*) filter (where status = 'rejected') from submission", []), repeat)
        out.append({"what": "`catalog.warehouse_summary`'s file counts from the submission_log view against the submission table", **r})
        r = _pair(con, ("select distinct period from reporting_status order by period", []),
                  ("""select cast(unnest(generate_series(s.start_period, coalesce(s.end_period,
                        (select max(period) from submission where status <> 'rejected')), interval 1 month)) as date)
                      from stg_settings as s""", []), repeat)
        out.append({"what": "`reporting.periods` from the reporting_status view against the months from the settings and "
                            "the latest month reported", **r})
    finally:
        con.close()
    return out


def section_page_query_causes(rep, raw, wh: Path, national: Path | None, quick: bool):
    from bench.timing import ms

    print("page query causes", flush=True)
    for scale, path in [("province", wh)] + ([("national", national)] if national else []):
        for d in diagnose(path, repeat=3 if quick else 7):
            rep.add(f"page queries: causes ({scale})", d["what"], f"{ms(d['as_is'])} as the page runs it",
                    f"{ms(d['changed'])} changed" + ("" if d["same"] else " (NOT the same result)"),
                    f"{d['as_is'] / d['changed']:.1f}× slower" if d["changed"] else "", "", None)
    rep.notes.append(
        "Page queries, causes and fixes (each measured above as the slow form against the fixed one, on the "
        "same connection, same result): (1) a one-row `params` CTE joined to the data (`v.period between "
        "p.first_period and p.last_period`, `case when p.units is null ... list_contains(p.units, ...)`): DuckDB "
        "does not push such join predicates into the scan — the modules of dashboard/queries/ bind every filter "
        "with a positional ? where it narrows the data, with only the branch each filter needs in the SQL. "
        "(2) `cleaning_unit_monthly`, `identity_unit_monthly` and `task_tracker` are materialized (`-- "
        "materialized`, refreshed by etl.build after every load); the rows above time the view's query against "
        "the stored table. (3) `tasks.district_status` (tasks.UNIT_TASK_STATUS) filters stg_task_reports to the "
        "province's districts, "
        "the DISTRICTS tasks and the months up to the chosen one before the ASOF join. (4) `catalog.warehouse_summary` "
        "counts files from stg_submissions (one row per file, rejected iff the file was), not the "
        "submission_log view, and the sources from the distinct sources. (5) `reporting.periods` computes "
        "reporting_status's months (settings' start to their end or the latest month reported, when anyone "
        "is expected to report) without the view. (6) `overview.kpis` (4 queries) and "
        "`unit_profile.trend` (4) send their independent queries at once (a small thread pool; each query has its "
        "own cursor of the shared read-only connection), so their round trips overlap. (7) `unit_profile.profile` "
        "is one statement over the marts (it was 7 queries sent at once, p95 62 ms at province scale).")

if __name__ == "__main__":
    import sys

    from bench.timing import ms

    r = time_page_queries(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 7)
    print(r["province"], r["choice"], r["months"], "baseline", ms(r["baseline"]["median"]))
    for x in r["rows"]:
        print(f"{x['page']:10} {x['variant']:9} {x['function']:45} median {ms(x['median']):>10} p95 {ms(x['p95']):>10} "
              f"rows {x['rows']} {x['error'] or ''}")
