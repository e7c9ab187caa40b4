"""The page queries rewritten for speed give what the straightforward SQL over the public views
gives: the file counts of submission_log, the months of reporting_status, each district's
latest task report (ASOF over every report) and the province's own service rows. Results only,
never times."""
import datetime as dt

import pandas as pd
import pytest

from dashboard.db import Warehouse
from dashboard.queries import catalog, overview, places, reporting, services, tasks, unit_profile


@pytest.fixture(scope="module")
def wh(sample_db):
    w = Warehouse(sample_db)
    yield w
    w.close()


def test_warehouse_summary_counts_the_files_of_submission_log(wh):
    files, rejected = wh.query(
        "select count(*), count(*) filter (where status = 'rejected') from submission_log").iloc[0].tolist()
    s = catalog.warehouse_summary(wh)
    assert (s["files"], s["rejected"]) == (files, rejected)
    assert rejected > 0
    sources = wh.query("select string_agg(distinct source, ',' order by source) from service_volume_monthly").iloc[0, 0]
    assert s["sources"] == sources


def test_reporting_periods_are_the_months_of_reporting_status(wh):
    expected = [pd.Timestamp(p).date() for p in
                wh.query("select distinct period from reporting_status order by period")["period"]]
    assert expected and reporting.periods(wh) == expected


@pytest.mark.parametrize("units", [None, ("395",), ("395", "380")])
def test_district_task_status_is_each_districts_latest_report(wh, units):
    """A task given to a level applies, each month, to the province's units of that level valid in
    it (README, Tasks): the 27 districts, 26 from December 2024; from July 2025 the communes carry
    the district tasks still open (level_succession.csv) — the assignment the build wrote
    (stg_task_units, checked against the catalogue in test_task_succession)."""
    periods = catalog.filter_options(wh)["periods"]
    sizes = []
    for period in (periods[0], periods[len(periods) // 2], periods[-1]):
        got = tasks.district_status(wh, period, units)
        ref = wh.query(
            """
            with d as (
                select v.unit_code, v.unit_level from stg_unit_validity as v
                where v.unit_level in ('district', 'commune') and v.parent_code = (select province_code from stg_settings)
                  and (cast(? as varchar[]) is null or list_contains(cast(? as varchar[]), v.unit_code))
                  and valid_in(v.valid_from, v.valid_to, ?::date)
            )
            select d.unit_code, t.task_code,
                   (select r.status from stg_task_reports as r
                    where r.unit_code = d.unit_code and r.task_code = t.task_code and r.period <= ?
                    order by r.period desc limit 1) as status
            from d join stg_tasks as t on t.responsible_level is not null
            semi join stg_task_units as a
              on a.task_code = t.task_code and a.unit_code = d.unit_code and valid_in(a.valid_from, a.valid_to, ?::date)
            """,
            [list(units) if units else None, list(units) if units else None, period, period, period],
        )
        ref["status"] = ref["status"].fillna("no_report")
        key = ["unit_code", "task_code"]
        merged = got[key + ["status"]].merge(ref, on=key, how="outer", suffixes=("", "_ref"), indicator=True)
        assert len(got) == len(ref)
        assert (merged["_merge"] == "both").all()
        assert (merged["status"] == merged["status_ref"]).all()
        sizes.append(len(ref))
    # January 2023: every district; December 2024: Đông Sơn has ended (395 and 380 have not);
    # November 2026: the 166 communes, each with the district tasks that passed to them
    assert (periods[0], periods[len(periods) // 2], periods[-1]) == (dt.date(2023, 1, 1), dt.date(2024, 12, 1),
                                                                      dt.date(2026, 11, 1))
    district_tasks = int(wh.query("select count(*) from stg_tasks where responsible_level = 'district'").iloc[0, 0])
    passed = int(wh.query("""select count(*) from stg_tasks where responsible_level = 'district'
                             and (recurring or deadline is null or deadline >= date '2025-07-01')""").iloc[0, 0])
    assert district_tasks > passed > 0
    assert sizes == [len(units or range(27)) * district_tasks, len(units or range(26)) * district_tasks,
                     0 if units else 166 * passed]


@pytest.mark.parametrize("units", [None, ("395",), ("15499", "15505")])
@pytest.mark.parametrize("agency", [None, "38.STNMT"])
def test_service_scope_is_the_provinces_rows_or_the_units(wh, units, agency):
    """Over the year to the default month (the province's rows), or to the units' latest month (a
    district: the last year it existed, ended June 2025; communes: from July 2025)."""
    codes = list(units) if units else ["38"]
    last = catalog.filter_options(wh)["default_period"]
    if units:
        last = wh.query("select max(period) from service_volume_monthly where list_contains(?, unit_code) and period <= ?",
                        [codes, last]).iloc[0, 0].date()
    first = dt.date(last.year, 1, 1)
    total, online = wh.query(
        """
        select sum(total_dossiers) filter (where online_dossiers is not null),
               sum(online_dossiers) filter (where total_dossiers is not null)
        from service_volume_monthly
        where period between ? and ? and list_contains(?, unit_code) and (cast(? as varchar) is null or agency_code = ?)
        """,
        [first, last, codes, agency, agency],
    ).iloc[0].tolist()
    r = services.summary(wh, first, last, units, agency).iloc[0]
    assert total > 0 and online > 0
    assert (r["total_dossiers"], r["online_dossiers"]) == (total, online)


def test_composites_match_their_parts(wh):
    """overview_kpis and district_trend run their parts at once, district_profile is one
    statement: same figures as the parts run one by one."""
    o = catalog.filter_options(wh)
    last = o["default_period"]
    unit = places.valid_places(wh, last, last)["unit_code"].iloc[0]  # a unit valid in the month (a commune)
    first = o["periods"][max(0, len(o["periods"]) - 12)]
    trend = unit_profile.trend(wh, first, last, unit)
    d = services.trend(wh, first, last, [unit], None)
    assert trend["district_online_rate"].dropna().tolist() == d["online_rate"].dropna().tolist()
    prof = unit_profile.profile(wh, last, last, unit).set_index("key")
    dr = services.by_district(wh, last, last, None, None).set_index("unit_code")
    assert prof.loc["online_rate", "district"] == dr.loc[unit, "online_rate"]
    kpis = {k["key"]: k for k in overview.kpis(wh, last, last)}
    assert kpis["online_rate"]["value"] == services.summary(wh, last, last).iloc[0]["online_rate"]
