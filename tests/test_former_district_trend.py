"""The former-district trend (former_district_monthly): Huyện Thọ Xuân across July 2025 — the
district's own figures before, the sum of its communes after, rates sum/sum — and the province's
figure across the same break."""
import datetime as dt

from tests.helpers import make_workbook, rows, submit

JUN, JUL = dt.date(2025, 6, 1), dt.date(2025, 7, 1)
FILES = [
    ("395", JUN, {"identity": {"395": {"cccd_records": 100, "vneid_activated": 30, "vneid_target": 60}},
                  "services": {"E06-03": {"total_dossiers": 10, "online_dossiers": 5}}}),
    ("380", JUN, {"identity": {"380": {"cccd_records": 200, "vneid_activated": 10, "vneid_target": 20}}}),
    # Xã Thọ Xuân and Xã Thọ Long: communes of Huyện Thọ Xuân's area; Phường Hạc Thành: Thành phố Thanh Hóa's.
    ("15499", JUL, {"identity": {"15499": {"cccd_records": 40, "vneid_activated": 20, "vneid_target": 40}},
                    "services": {"E06-03": {"total_dossiers": 8, "online_dossiers": 6}}}),
    ("15505", JUL, {"identity": {"15505": {"cccd_records": 70, "vneid_activated": 30, "vneid_target": 50}},
                    "services": {"E06-03": {"total_dossiers": 12, "online_dossiers": 3}}}),
    ("14797", JUL, {"identity": {"14797": {"cccd_records": 150, "vneid_activated": 15, "vneid_target": 25}}}),
]


def _load(tmp_path, warehouse):
    for i, (unit, period, values) in enumerate(FILES):
        p = make_workbook(tmp_path / f"f{i}.xlsx", unit, period, values)
        r = submit(warehouse, tmp_path / "raw", p, dt.datetime(2025, 8, 5, 9, i))
        assert r.status == "accepted", r.issues


def test_tho_xuan_is_one_trend_across_july_2025(tmp_path, empty_warehouse):
    _load(tmp_path, empty_warehouse)
    got = rows(empty_warehouse, """
        select period, former_district_code, former_district_name, unit_level, units_expected,
               cccd_records, vneid_activated, vneid_target, activation_rate, identity_units_reporting,
               total_dossiers, online_dossiers, online_rate, service_units_reporting, source
        from former_district_monthly where former_district_code = '395' order by period""")
    assert got == [
        (JUN, "395", "Huyện Thọ Xuân", "district", 1, 100, 30, 60, 0.5, 1, 10, 5, 0.5, 1, "submitted"),
        # 8 communes have Thọ Xuân as their former district; two reported. 50/90 and 9/20: sum/sum.
        (JUL, "395", "Huyện Thọ Xuân", "commune", 8, 110, 50, 90, 50 / 90, 2, 20, 9, 0.45, 2, "submitted"),
    ]


def test_the_province_and_the_former_districts_add_up_across_the_break(tmp_path, empty_warehouse):
    _load(tmp_path, empty_warehouse)
    assert rows(empty_warehouse, "select period, cccd_records, vneid_activated, vneid_target, activation_rate, units_reporting "
                                 "from identity_monthly where unit_code = '38' and period >= ? order by period", [JUN]) == [
        (JUN, 300, 40, 80, 0.5, 2), (JUL, 260, 65, 115, 65 / 115, 3)]
    assert rows(empty_warehouse, "select period, former_district_code, unit_level, units_expected, cccd_records "
                                 "from former_district_monthly order by period, former_district_code") == [
        # June 2025: Thành phố Thanh Hóa alone (Huyện Đông Sơn, in its area, ended in November 2024).
        (JUN, "380", "district", 1, 200), (JUN, "395", "district", 1, 100),
        (JUL, "380", "commune", 7, 150), (JUL, "395", "commune", 8, 110)]
    assert rows(empty_warehouse, "select period, sum(cccd_records) from former_district_monthly group by period order by period") == [
        (JUN, 300), (JUL, 260)]
