"""Issue 12: the units the pages offer follow validity. dashboard.queries.places on a warehouse
built from the reference data: the districts and communes valid in a month (27 districts in
November 2024, 26 from December 2024 when Đông Sơn joined Thanh Hóa city, 166 communes from July
2025), each commune with its former district; and the filters' former district (?area=) as the
units it stands for in the period."""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from dashboard.db import Warehouse
from dashboard.filters import Filters, parse_params, scope, unit_label, with_places
from dashboard.queries import places

M = dt.date


@pytest.fixture
def wh(empty_warehouse):
    return Warehouse(empty_warehouse)


@pytest.fixture
def units_view(empty_warehouse):
    con = duckdb.connect(str(empty_warehouse), read_only=True)
    try:
        yield lambda sql, params=(): con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("first,last,levels", [
    (M(2024, 11, 1), M(2024, 11, 1), {"district": 27}),
    (M(2024, 12, 1), M(2024, 12, 1), {"district": 26}),
    (M(2025, 6, 1), M(2025, 6, 1), {"district": 26}),
    (M(2025, 7, 1), M(2025, 7, 1), {"commune": 166}),
    (M(2026, 11, 1), M(2026, 11, 1), {"commune": 166}),
    (M(2025, 6, 1), M(2025, 7, 1), {"district": 26, "commune": 166}),
])
def test_units_offered_are_those_valid_in_the_period(wh, first, last, levels):
    got = places.valid_places(wh, first, last)
    assert got.groupby("unit_level").size().to_dict() == levels
    assert got["unit_code"].is_unique


def test_dong_son_is_offered_until_november_2024_only(wh):
    assert "405" in set(places.valid_places(wh, M(2024, 11, 1), M(2024, 11, 1))["unit_code"])
    assert "405" not in set(places.valid_places(wh, M(2024, 12, 1), M(2024, 12, 1))["unit_code"])


def test_each_commune_names_its_former_district(wh, units_view):
    got = places.valid_places(wh, M(2025, 7, 1), M(2025, 7, 1))
    expected = dict(units_view("""
        select c.unit_code, d.unit_name from units as c join units as d on d.unit_code = c.former_district_code
        where c.unit_level = 'commune' and c.valid_from = date '2025-07-01'
          and c.parent_code = (select province_code from stg_settings)"""))
    assert dict(zip(got["unit_code"], got["former_district_name"])) == expected
    tho_xuan = got[got["former_district_code"] == "395"]
    assert set(tho_xuan["former_district_name"]) == {"Huyện Thọ Xuân"}
    assert all(unit_label(r.unit_name, r.unit_level, r.former_district_name) == f"{r.unit_name} · khu vực Huyện Thọ Xuân cũ"
               for r in tho_xuan.itertuples())
    # listed former district by former district
    assert list(got["former_district_code"]) == sorted(got["former_district_code"], key=list(dict.fromkeys(got["former_district_code"])).index)


def test_a_former_district_stands_for_its_units_of_the_period(wh, units_view):
    july = places.valid_places(wh, M(2025, 7, 1), M(2025, 7, 1))
    june = places.valid_places(wh, M(2025, 6, 1), M(2025, 6, 1))
    communes = {c for (c,) in units_view("select unit_code from units where former_district_code = '395' "
                                         "and unit_level = 'commune'")}
    assert set(scope((), "395", july)) == communes and len(communes) > 1
    assert scope((), "395", june) == ("395",)
    assert scope(("15499",), "395", july) == ("15499",)  # chosen units win over the area
    assert scope((), None, july) == ()


def test_area_in_the_link(wh):
    from dashboard.queries import catalog

    options = with_places(catalog.filter_options(wh), places.places(wh))
    assert ("395", "Huyện Thọ Xuân") in options["areas"]
    parsed = parse_params({"area": "395"}, options)
    assert parsed.filters.area == "395" and parsed.notices == []
    assert Filters(parsed.filters.first, parsed.filters.last, (), None, "395").to_params()["area"] == "395"
    bad = parse_params({"area": "xyz"}, options)
    assert bad.filters.area is None and bad.notices == ["Không có khu vực huyện cũ mã “xyz”; đã bỏ qua."]
