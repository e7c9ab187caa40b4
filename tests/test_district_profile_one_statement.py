"""unit_profile.profile answers in one statement what the seven page queries it stands for give:
services.by_district and services.summary over the period, identity.by_district, identity.trend,
cleaning.by_district, cleaning.trend and tasks.district_status at its last month. The expected
frame is built here from those functions (which stay in dashboard/queries/), the way the profile
used to be built, and compared with assert_frame_equal: same columns, rows, order, values and
dtypes, for every district of the sample and several periods."""
import datetime as dt

import pandas as pd
import pytest

from dashboard.db import Warehouse
from dashboard.queries import catalog, cleaning, common, identity, places, services, tasks, unit_profile
from etl import definitions
from etl.config import settings
from etl.periods import add_months


@pytest.fixture(scope="module")
def wh(sample_db):
    w = Warehouse(sample_db)
    yield w
    w.close()


@pytest.fixture(scope="module")
def options(wh):
    return catalog.filter_options(wh)


def _month_with_missing_reports(wh) -> dt.date:
    """The first month in which some district valid in it sent no service figures."""
    return wh.query(
        """
        with districts as (
            select unit_code, valid_from, valid_to from stg_unit_validity
            where unit_level in ('district', 'commune') and parent_code = (select province_code from stg_settings)
        )
        select v.period
        from stg_service_volume as v
        join districts as d on d.unit_code = v.unit_code and valid_in(d.valid_from, d.valid_to, v.period)
        group by v.period
        having count(distinct v.unit_code)
               < (select count(*) from districts as e where valid_in(e.valid_from, e.valid_to, v.period))
        order by v.period
        limit 1
        """
    ).iloc[0, 0].date()


def _periods(name: str, wh, options) -> tuple[dt.date, dt.date]:
    months = options["periods"]
    if name == "first_month":
        return months[0], months[0]
    if name == "latest_month":
        return months[-1], months[-1]
    if name == "month_with_missing_reports":
        m = _month_with_missing_reports(wh)
        return m, m
    if name == "official_month":
        m = dt.date.fromisoformat(settings().official_period + "-01")
        return m, m
    if name == "last_twelve_months":
        return months[max(0, len(months) - 12)], months[-1]
    if name == "all_months":
        return months[0], months[-1]
    if name == "before_any_data":
        m = add_months(months[0], -1)
        return m, m
    raise ValueError(name)


PERIODS = ("first_month", "latest_month", "month_with_missing_reports", "official_month",
           "last_twelve_months", "all_months", "before_any_data")
# how many units are valid in each period (units valid in at least one of its months)
VALID_UNITS = {"first_month": 27, "latest_month": 166, "month_with_missing_reports": 27, "official_month": 27,
               "last_twelve_months": 166, "all_months": 27 + 166, "before_any_data": 27}


def _parts(wh, first: dt.date, last: dt.date) -> tuple:
    """The seven queries district_profile stands for, one by one."""
    return (services.by_district(wh, first, last, None, None), services.summary(wh, first, last, None, None),
            identity.by_district(wh, last, None), identity.trend(wh, last, last, None),
            cleaning.by_district(wh, last, None, None), cleaning.trend(wh, last, last, None, None),
            tasks.district_status(wh, last, None))


def _expected(parts: tuple, unit: str) -> pd.DataFrame:
    """The profile built from the parts (district_profile's former post-processing)."""
    num, src = definitions.num, common.sources
    dr, prov, idd, pid, cd, pc, dt_ = parts
    rows = []
    prov = prov.iloc[0]
    mine = dr[dr["unit_code"] == unit]
    m = mine.iloc[0] if len(mine) else None
    rows.append({"key": "online_rate", "district": num(m["online_rate"]) if m is not None else None,
                 "province": num(prov["online_rate"]),
                 "rank": num(m["rank"]) if m is not None else None, "ranked": int(dr["rank"].notna().sum()),
                 "sources": src(m["sources"] if m is not None else None, prov["sources"])})
    total_rank = None
    if m is not None and pd.notna(m["total_dossiers"]):
        total_rank = num(dr["total_dossiers"].rank(ascending=False, method="min")[mine.index[0]])
    rows.append({"key": "total_dossiers", "district": num(m["total_dossiers"]) if m is not None else None,
                 "province": num(prov["total_dossiers"]), "rank": total_rank,
                 "ranked": int(dr["total_dossiers"].notna().sum()),
                 "sources": src(m["sources"] if m is not None else None, prov["sources"])})

    mi = idd[idd["unit_code"] == unit]
    i = mi.iloc[0] if len(mi) else None
    pi = pid.iloc[0] if len(pid) else None
    for col in ("cccd_records", "vneid_activated", "activation_rate"):
        rank = None
        if i is not None and pd.notna(i[col]):
            rank = num(idd[col].rank(ascending=False, method="min")[mi.index[0]])
        rows.append({"key": col, "district": num(i[col]) if i is not None else None,
                     "province": num(pi[col]) if pi is not None else None, "rank": rank,
                     "ranked": int(idd[col].notna().sum()),
                     "sources": src(i["sources"] if i is not None else None, pi["sources"] if pi is not None else None)})

    mc = cd[cd["unit_code"] == unit]
    c = mc.iloc[0] if len(mc) else None
    rows.append({"key": "cleaning_ratio", "district": num(c["cleaning_ratio"]) if c is not None else None,
                 "province": num(pc["cleaning_ratio"].iloc[0]) if len(pc) else None,
                 "rank": num(c["rank"]) if c is not None else None, "ranked": int(cd["rank"].notna().sum()),
                 "sources": src(c["sources"] if c is not None else None, pc["sources"].iloc[0] if len(pc) else None)})

    done = dt_.assign(done=dt_["status"].eq("done")).groupby("unit_code")["done"].sum()
    total = dt_.groupby("unit_code")["task_code"].count()
    share = done / total
    rank = share.rank(ascending=False, method="min")
    rows.append({"key": "district_tasks_done", "district": num(share.get(unit)),
                 "province": num(done.sum() / total.sum()) if total.sum() else None,
                 "rank": num(rank.get(unit)), "ranked": int(share.notna().sum()),
                 "done": num(done.get(unit)), "tasks": num(total.get(unit)),
                 "sources": src(*dt_.loc[dt_["unit_code"] == unit, "sources"].dropna().unique())})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("period", PERIODS)
def test_profile_of_every_district_is_what_its_parts_give(wh, options, period):
    first, last = _periods(period, wh, options)
    parts = _parts(wh, first, last)
    # the units valid in the period: the 27 districts until November 2024 (Đông Sơn ends then), 26
    # until June 2025, the 166 communes from July 2025
    units = places.valid_places(wh, first, last)["unit_code"].tolist()
    assert len(units) == VALID_UNITS[period]
    for unit in units:
        got = unit_profile.profile(wh, first, last, unit)
        pd.testing.assert_frame_equal(got, _expected(parts, unit), check_exact=True, obj=f"{unit} {first}..{last}")
    if period == "month_with_missing_reports":  # some district is unranked for the online rate
        assert 0 < int(parts[0]["rank"].notna().sum()) < len(units)
    if period == "before_any_data":
        got = unit_profile.profile(wh, first, last, units[0]).set_index("key")
        assert got.loc["online_rate", "ranked"] == 0 and got.loc["district_tasks_done", "ranked"] == len(units)


@pytest.mark.parametrize("period", ["official_month", "latest_month"])
def test_profile_of_a_unit_without_any_data(wh, options, period):
    last = _periods(period, wh, options)[1]
    got = unit_profile.profile(wh, last, last, "no-such-unit")
    pd.testing.assert_frame_equal(got, _expected(_parts(wh, last, last), "no-such-unit"), check_exact=True)
    assert got["key"].tolist() == ["online_rate", "total_dossiers", "cccd_records", "vneid_activated",
                                   "activation_rate", "cleaning_ratio", "district_tasks_done"]
    assert got["district"].isna().all() and got["rank"].isna().all()
    assert got["district"].tolist() == [None] * 7 and got["rank"].tolist() == [None] * 7
    assert got.loc[6, ["done", "tasks"]].isna().all()
    figures = got.iloc[:6]
    assert figures["province"].notna().all() and (figures["ranked"] > 0).all()  # the others are still counted
    # the tasks given to a level: the districts' in September 2023; after the reform the communes
    # carry the district tasks still open (level_succession.csv), so all 166 have a share
    with_tasks = wh.query("""select count(distinct unit_code) from stg_task_units
                             where unit_level in ('district', 'commune') and valid_in(valid_from, valid_to, ?::date)""",
                          [last]).iloc[0, 0]
    assert with_tasks == {"official_month": 27, "latest_month": 166}[period]
    assert got.loc[6, "ranked"] == with_tasks
    assert pd.notna(got.loc[6, "province"]) == (with_tasks > 0)


@pytest.mark.parametrize("unit", ["38", "38.CA"])
def test_profile_of_the_province_or_an_agency_code_is_what_the_parts_give(wh, options, unit):
    last = options["default_period"]
    pd.testing.assert_frame_equal(unit_profile.profile(wh, last, last, unit), _expected(_parts(wh, last, last), unit),
                                  check_exact=True)
