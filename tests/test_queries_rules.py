"""The named queries keep the domain rules: rates are sum/sum over a range (never a mean of
rates), stocks are the last month's value, ranks are provincial, names sort in Vietnamese order
and the services below target come worst-pulling first. Expected values by direct SQL."""
import datetime as dt

import pytest

from dashboard.db import Warehouse
from dashboard.queries import catalog, cleaning, identity, overview, services

JAN, SEP = dt.date(2023, 1, 1), dt.date(2023, 9, 1)


@pytest.fixture(scope="module")
def wh(sample_db):
    w = Warehouse(sample_db)
    yield w
    w.close()


def one(wh, sql, params=()):
    return wh.query(sql, params).iloc[0].tolist()


@pytest.mark.parametrize("units", [None, ("395",), ("395", "380")])
@pytest.mark.parametrize("agency", [None, "38.STNMT"])
def test_online_rate_over_a_range_is_a_ratio_of_sums(wh, units, agency):
    codes = list(units) if units else ["38"]
    online, total, mean_of_rates = one(wh, """
        select sum(online_dossiers) filter (where total_dossiers is not null),
               sum(total_dossiers) filter (where online_dossiers is not null),
               avg(online_rate)
        from service_volume_monthly
        where period between ? and ? and list_contains(?, unit_code) and (? is null or agency_code = ?)""",
                                       [JAN, SEP, codes, agency, agency])
    r = services.summary(wh, JAN, SEP, units, agency).iloc[0]
    assert (r["online_dossiers"], r["total_dossiers"]) == (online, total)
    assert r["online_rate"] == pytest.approx(online / total)
    assert r["online_rate"] != pytest.approx(mean_of_rates)


@pytest.mark.parametrize("units", [None, ("395",), ("395", "380")])
def test_identity_stocks_are_taken_at_the_period_end(wh, units):
    codes = list(units) if units else ["38"]
    cccd, act, tgt = one(wh, """select sum(cccd_records), sum(vneid_activated), sum(vneid_target) from identity_monthly
                               where period = ? and list_contains(?, unit_code)""", [SEP, codes])
    kpis = {k["key"]: k for k in overview.kpis(wh, JAN, SEP, units, None)}
    assert kpis["cccd_records"]["value"] == cccd
    assert kpis["vneid_activation"]["value"] == pytest.approx(act / tgt)
    trend = identity.trend(wh, JAN, SEP, units)
    assert len(trend) == 9 and trend.iloc[-1]["cccd_records"] == cccd


def test_cleaning_stock_is_the_last_month_not_a_sum(wh):
    cleaned, total = one(wh, """select sum(records_cleaned) filter (where records_total is not null), sum(records_total)
                                from cleaning_monthly where unit_code = '38' and period = ?""", [SEP])
    k = {k["key"]: k for k in overview.kpis(wh, JAN, SEP)}["cleaning"]
    assert (k["cleaned"], k["total"]) == (cleaned, total)
    assert k["value"] == pytest.approx(cleaned / total)


@pytest.mark.parametrize("units", [None, ("395", "380")])
def test_district_rank_is_among_all_districts(wh, units):
    rows = wh.query("""select unit_code, sum(online_dossiers) filter (where total_dossiers is not null)
                              / sum(total_dossiers) filter (where online_dossiers is not null) as r
                       from service_volume_monthly where unit_level = 'district' and period = ?
                       group by unit_code order by r desc""", [SEP])
    expected = {u: i + 1 for i, u in enumerate(rows["unit_code"])}
    df = services.by_district(wh, SEP, SEP, units)
    assert len(df) == (len(units) if units else 27)
    assert dict(zip(df["unit_code"], df["rank"])) == {u: expected[u] for u in df["unit_code"]}
    idd = identity.by_district(wh, SEP, units)
    act = wh.query("""select unit_code, rank() over (order by activation_rate desc) as rk from identity_monthly
                      where unit_level = 'district' and period = ?""", [SEP])
    assert dict(zip(idd["unit_code"], idd["rank"])) == {u: r for u, r in zip(act["unit_code"], act["rk"]) if u in set(idd["unit_code"])}
    cd = cleaning.by_district(wh, SEP, units)
    full = cleaning.by_district(wh, SEP)
    assert dict(zip(cd["unit_code"], cd["rank"])) == {u: r for u, r in zip(full["unit_code"], full["rank"]) if u in set(cd["unit_code"])}


@pytest.mark.parametrize("fn, args, column", [
    (services.by_district, (SEP, SEP), "unit_name"),
    (identity.by_district, (SEP,), "unit_name"),
    (cleaning.by_district, (SEP,), "unit_name"),
    (cleaning.by_dataset, (SEP,), "dataset_name"),
    (services.by_agency, (SEP, SEP), "agency_name"),
])
def test_names_sort_in_vietnamese_order(wh, fn, args, column):
    names = list(fn(wh, *args)[column])
    assert names == sorted(names, key=_vi_key)
    if column == "unit_name":
        assert names.index("Huyện Đông Sơn") > names.index("Huyện Cẩm Thủy")
        assert names.index("Huyện Đông Sơn") < names.index("Huyện Hà Trung")


def test_filter_options_sort_unit_names_in_vietnamese_order(wh):
    names = [n for _, n in catalog.filter_options(wh)["units"]]
    assert names == sorted(names, key=_vi_key)


_BASES = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONED = {  # toned vowel -> (base, tone): none, grave, hook, tilde, acute, dot
    **{c: (b, t) for b, row in {
        "a": "aàảãáạ", "ă": "ăằẳẵắặ", "â": "âầẩẫấậ", "e": "eèẻẽéẹ", "ê": "êềểễếệ", "i": "iìỉĩíị",
        "o": "oòỏõóọ", "ô": "ôồổỗốộ", "ơ": "ơờởỡớợ", "u": "uùủũúụ", "ư": "ưừửữứự", "y": "yỳỷỹýỵ",
    }.items() for t, c in enumerate(row)},
}


def _vi_key(text: str):
    """Vietnamese dictionary order written out here: the letters a ă â b c d đ e ê … decide,
    tones only break ties (so "Giáo dục" < "Giao thông")."""
    base, tones = [], []
    for ch in text.lower():
        b, t = _TONED.get(ch, (ch, 0))
        base.append(_BASES.index(b) if b in _BASES else ord(b) - 10_000)  # spaces, punctuation first
        tones.append(t)
    return base, tones


def test_vi_key_itself():
    assert sorted(["Đông", "Dung", "Ea", "An", "Ăn", "Ân"], key=_vi_key) == ["An", "Ăn", "Ân", "Dung", "Đông", "Ea"]
    assert sorted(["Giao thông", "Giáo dục", "Giao"], key=_vi_key) == ["Giao", "Giáo dục", "Giao thông"]
    assert sorted(["Quảng Xương", "Quan Hóa"], key=_vi_key) == ["Quan Hóa", "Quảng Xương"]


def test_services_below_target_come_by_pull_then_shortfall(wh):
    below = services.below_target(wh, SEP, SEP)
    t, o = one(wh, """select sum(total_dossiers) filter (where online_dossiers is not null),
                             sum(online_dossiers) filter (where total_dossiers is not null)
                      from service_volume_monthly where unit_code = '38' and period = ?""", [SEP])
    rows = wh.query("""select service_code, total_dossiers, online_dossiers from service_volume_monthly
                       where unit_code = '38' and period = ? and total_dossiers > 0 and online_dossiers is not null
                         and online_dossiers / total_dossiers < 0.5""", [SEP])
    pull = {s: (o - on) / (t - tot) - o / t for s, tot, on in rows.itertuples(index=False)}
    assert list(below["service_code"]) == sorted(pull, key=lambda s: -pull[s])
    assert list(below["service_code"]) == ["E06-02", "Q422-06", "E06-23", "E06-20", "E06-19", "Q422-01"]
    assert below["pull"].tolist() == pytest.approx([pull[s] for s in below["service_code"]])


@pytest.mark.parametrize("first, last", [(SEP, SEP), (JAN, SEP), (dt.date(2023, 1, 1), dt.date(2023, 1, 1))])
@pytest.mark.parametrize("units", [None, ("395",)])
def test_online_kpi_compares_with_the_same_length_period_before(wh, first, last, units):
    k = {k["key"]: k for k in overview.kpis(wh, first, last, units, None)}["online_rate"]
    pf, pl = overview.previous_window(first, last)
    codes = list(units) if units else ["38"]
    for (a, b), value in (((first, last), k["value"]), ((pf, pl), k["previous"])):
        o, t = one(wh, """select sum(online_dossiers) filter (where total_dossiers is not null),
                                 sum(total_dossiers) filter (where online_dossiers is not null)
                          from service_volume_monthly where period between ? and ? and list_contains(?, unit_code)""",
                   [a, b, codes])
        assert value == (pytest.approx(o / t) if t == t and t else None)  # t is NaN when no month has data
