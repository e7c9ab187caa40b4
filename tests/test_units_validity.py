"""Units over time: the catalogue's validity API and the warehouse's units / unit_succession views
(data/reference/admin_units.csv, unit_succession.csv: the configured province's tree)."""
import datetime as dt

from etl.reference import catalogue
from tests.helpers import rows


def test_catalogue_counts_the_units_valid_in_each_month():
    cat = catalogue()
    got = {p: (len(cat.units_valid(p, "district")), len(cat.units_valid(p, "commune")), len(cat.units_valid(p, "agency")))
           for p in ("2023-09", "2024-11", "2024-12", "2025-02", "2025-03", "2025-06", "2025-07", "2026-11")}
    assert got == {"2023-09": (27, 0, 26), "2024-11": (27, 0, 26), "2024-12": (26, 0, 26), "2025-02": (26, 0, 26),
                   "2025-03": (26, 0, 21), "2025-06": (26, 0, 21), "2025-07": (0, 166, 21), "2026-11": (0, 166, 21)}
    assert cat.units_valid("2025-07", "province") == ["38"]


def test_catalogue_answers_validity_successors_and_former_district():
    cat = catalogue()
    assert (cat.is_valid("405", "2024-11"), cat.is_valid("405", "2024-12")) == (True, False)
    assert (cat.is_valid("395", "2025-06"), cat.is_valid("395", "2025-07")) == (True, False)
    assert (cat.is_valid("15499", "2025-06"), cat.is_valid("15499", dt.date(2025, 7, 15))) == (False, True)
    assert cat.unit("395", "2025-08") is None and cat.unit("395")["unit_name"] == "Huyện Thọ Xuân"
    assert cat.successors("405") == [("380", dt.date(2024, 12, 1), "merge", 1.0, True)]
    assert cat.predecessors("380") == [("405", dt.date(2024, 12, 1), "merge", 1.0)]
    assert cat.successors("38.SKHDT") == [("38.STC2025", dt.date(2025, 3, 1), "merge", 1.0, True)]
    # A new commune's predecessors are districts (its former communes are not reporting units).
    assert [p[0] for p in cat.predecessors("15499")] == ["395"]
    assert (cat.level("15499"), cat.former_district("15499"), cat.former_district("395"),
            cat.former_district("405"), cat.former_district("38"), cat.former_district("38.CA")) == \
        ("commune", "395", "395", "380", None, None)


def test_units_view_has_one_row_per_unit_and_validity_interval(empty_warehouse):
    assert rows(empty_warehouse, "select * from units where unit_code in ('38', '405', '15499', '38.SKHDT', '38.STC2025') order by unit_code") == [
        ("15499", "Xã Thọ Xuân", "commune", "xã", "38", dt.date(2025, 7, 1), None, "395", 19.9293, 105.512, 27.4),
        ("38", "Tỉnh Thanh Hóa", "province", "tỉnh", None, None, None, None, 20.0468, 105.317, None),
        ("38.SKHDT", "Sở Kế hoạch và Đầu tư", "agency", "cơ quan cấp tỉnh", "38", None, dt.date(2025, 2, 28), None, None, None, None),
        ("38.STC2025", "Sở Tài chính", "agency", "cơ quan cấp tỉnh", "38", dt.date(2025, 3, 1), None, None, None, None, None),
        ("405", "Huyện Đông Sơn", "district", "huyện", "38", None, dt.date(2024, 11, 30), "380", None, None, None),
    ]
    assert rows(empty_warehouse, "select unit_level, count(*) from units group by all order by 1") == [
        ("agency", 30), ("commune", 166), ("district", 27), ("province", 1)]


def test_unit_succession_view_relates_ended_units_to_their_successors(empty_warehouse):
    assert rows(empty_warehouse, "select * from unit_succession where from_unit_code in ('405', '38.SLDTBXH') order by 1, 2") == [
        ("38.SLDTBXH", "38.SGDDT", dt.date(2025, 3, 1), "split", 0.090909),
        ("38.SLDTBXH", "38.SNV", dt.date(2025, 3, 1), "split", 0.636364),
        ("38.SLDTBXH", "38.SYT", dt.date(2025, 3, 1), "split", 0.272727),
        ("405", "380", dt.date(2024, 12, 1), "merge", 1.0),
    ]
    # Every district's weights add up to 1 on 1/7/2025, and every successor is a commune of the province.
    assert rows(empty_warehouse, """
        select count(distinct s.from_unit_code), min(round(t, 6)), max(round(t, 6)) from (
            select from_unit_code, sum(weight) over (partition by from_unit_code) as t from unit_succession
            where effective_date = date '2025-07-01') as s""") == [(26, 1.0, 1.0)]
