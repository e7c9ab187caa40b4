"""The page queries rewritten for speed give what the straightforward SQL over the public views
gives: the file counts of submission_log, the months of reporting_status, each district's
latest task report (ASOF over every report) and the province's own service rows. Results only,
never times."""
import datetime as dt

import pandas as pd
import pytest

from dashboard.db import Warehouse
from dashboard.queries import catalog, overview, reporting, services, tasks, unit_profile


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
    periods = catalog.filter_options(wh)["periods"]
    for period in (periods[0], periods[len(periods) // 2], periods[-1]):
        got = tasks.district_status(wh, period, units)
        ref = wh.query(
            """
            with d as (
                select unit_code from stg_units
                where unit_level in ('district', 'commune') and parent_code = (select province_code from stg_settings)
                  and (cast(? as varchar[]) is null or list_contains(cast(? as varchar[]), unit_code))
                  and unit_code in (select v.unit_code from stg_unit_validity as v
                                    where valid_in(v.valid_from, v.valid_to, ?::date))
            )
            select d.unit_code, t.task_code,
                   (select r.status from stg_task_reports as r
                    where r.unit_code = d.unit_code and r.task_code = t.task_code and r.period <= ?
                    order by r.period desc limit 1) as status
            from d cross join stg_tasks as t
            where t.responsible_level = 'district'
            """,
            [list(units) if units else None, list(units) if units else None, period, period],
        )
        ref["status"] = ref["status"].fillna("no_report")
        key = ["unit_code", "task_code"]
        merged = got[key + ["status"]].merge(ref, on=key, how="outer", suffixes=("", "_ref"), indicator=True)
        assert len(got) == len(ref) > 0
        assert (merged["_merge"] == "both").all()
        assert (merged["status"] == merged["status_ref"]).all()


@pytest.mark.parametrize("units", [None, ("395",)])
@pytest.mark.parametrize("agency", [None, "38.STNMT"])
def test_service_scope_is_the_provinces_rows_or_the_units(wh, units, agency):
    last = catalog.filter_options(wh)["default_period"]
    first = dt.date(last.year, 1, 1)
    codes = list(units) if units else ["38"]
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
    assert (r["total_dossiers"], r["online_dossiers"]) == (total, online)


def test_composites_match_their_parts(wh):
    """overview_kpis and district_trend run their parts at once, district_profile is one
    statement: same figures as the parts run one by one."""
    o = catalog.filter_options(wh)
    last, unit = o["default_period"], o["units"][0][0]
    first = o["periods"][max(0, len(o["periods"]) - 12)]
    trend = unit_profile.trend(wh, first, last, unit)
    d = services.trend(wh, first, last, [unit], None)
    assert trend["district_online_rate"].dropna().tolist() == d["online_rate"].dropna().tolist()
    prof = unit_profile.profile(wh, last, last, unit).set_index("key")
    dr = services.by_district(wh, last, last, None, None).set_index("unit_code")
    assert prof.loc["online_rate", "district"] == dr.loc[unit, "online_rate"]
    kpis = {k["key"]: k for k in overview.kpis(wh, last, last)}
    assert kpis["online_rate"]["value"] == services.summary(wh, last, last).iloc[0]["online_rate"]
