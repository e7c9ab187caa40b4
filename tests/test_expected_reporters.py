"""Who is expected to report follows validity: 27 districts, then 26 (after Huyện Đông Sơn joined
Thành phố Thanh Hóa on 1/12/2024), then the 166 communes from July 2025, each month with the
units valid in it (reporting_status)."""
import datetime as dt

from tests.helpers import make_workbook, rows, submit


def test_expected_reporters_are_the_units_valid_in_each_month(tmp_path, empty_warehouse):
    # One commune's file for July 2025 extends the reporting calendar to July 2025.
    p = make_workbook(tmp_path / "f.xlsx", "14797", dt.date(2025, 7, 1), {"identity": {"14797": {"cccd_records": 40}}})
    assert submit(empty_warehouse, tmp_path / "raw", p, dt.datetime(2025, 8, 10, 9)).status == "accepted"
    got = rows(empty_warehouse, """
        select period, unit_level, count(distinct unit_code), count(*) filter (where status <> 'missing')
        from reporting_status
        where topic = 'identity' and period in ('2024-11-01', '2024-12-01', '2025-06-01', '2025-07-01')
        group by all order by period, unit_level""")
    assert got == [
        (dt.date(2024, 11, 1), "district", 27, 0),
        (dt.date(2024, 12, 1), "district", 26, 0),
        (dt.date(2025, 6, 1), "district", 26, 0),
        (dt.date(2025, 7, 1), "commune", 166, 1),
    ]
    assert rows(empty_warehouse, "select count(*) from reporting_status where unit_code = '405' and period > '2024-11-01'") == [(0,)]
    assert rows(empty_warehouse, "select max(period) from reporting_status where unit_code = '395'") == [(dt.date(2025, 6, 1),)]
    assert rows(empty_warehouse, "select min(period) from reporting_status where unit_code = '14797'") == [(dt.date(2025, 7, 1),)]
