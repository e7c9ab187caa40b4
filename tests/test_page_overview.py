"""Overview KPI cards: province, one district and a range of months, each value computed
here from the reference CSVs (official September 2023) or by SQL on the warehouse."""
import csv
import datetime as dt

import pytest

from tests.conftest import ROOT
from tests.test_page_support import app_env, linked_units, markdown, metrics, open_page, sql, vn_count, vn_rate  # noqa: F401

REF = ROOT / "data" / "reference"


def _official_online():
    rows = list(csv.DictReader(open(REF / "official_service_volume_2023_09.csv", encoding="utf-8")))
    both = [r for r in rows if r["total_dossiers"] and r["online_dossiers"]]
    return sum(int(r["online_dossiers"]) for r in both), sum(int(r["total_dossiers"]) for r in both)


def _official_identity():
    return next(csv.DictReader(open(REF / "official_identity_2023_09.csv", encoding="utf-8")))


def _official_cleaning():
    rows = [r for r in csv.DictReader(open(REF / "official_cleaning_2023_09.csv", encoding="utf-8"))
            if r["records_total"] and r["records_cleaned"]]
    return sum(int(r["records_cleaned"]) for r in rows), sum(int(r["records_total"]) for r in rows)


def _rate_sql(db, unit, first, last):
    return sql(db, """select sum(online_dossiers) filter (where total_dossiers is not null),
                             sum(total_dossiers) filter (where online_dossiers is not null)
                      from service_volume_monthly where unit_code = ? and period between ? and ?""",
               [unit, first, last])[0]


def test_province_september_2023_shows_the_official_figures(app_env):
    at = open_page("overview", period="2023-09")
    assert not at.exception
    m, md = metrics(at), markdown(at)
    online, total = _official_online()
    assert m["Nộp hồ sơ trực tuyến"] == vn_rate(online / total) == "81,0 %"
    assert f"{vn_count(online)} / {vn_count(total)} hồ sơ" in md
    idt = _official_identity()
    assert m["Hồ sơ CCCD gắn chip"] == vn_count(idt["cccd_records"]) == "3.421.346"
    act, tgt = int(idt["vneid_activated"]), int(idt["vneid_target"])
    assert m["Kích hoạt VNeID"] == vn_rate(act / tgt) == "101,9 %"
    assert "1.651.144 / 1.620.967 tài khoản chỉ tiêu" in md
    cleaned, ctotal = _official_cleaning()
    assert m["Làm sạch dữ liệu"] == vn_rate(cleaned / ctotal)
    assert f"{vn_count(cleaned)} / {vn_count(ctotal)} bản ghi" in md
    # status colours: online 81 % >= 50 % target, activation above 100 %, cleaning far below 100 %
    assert ":green[● **Đạt chỉ tiêu**]  \nChỉ tiêu: 50 %" in md
    assert ":green[● **Đạt chỉ tiêu**]  \n1.651.144" in md
    assert ":red[● **Chưa đạt chỉ tiêu**]  \nChỉ tiêu: 100 %" in md
    assert "Số liệu đến **Tháng 9/2023**" in md and "Số liệu chính thức: Báo cáo tháng 9/2023" in md


def test_tasks_card_counts_done_and_overdue(app_env):
    at = open_page("overview", period="2023-09")
    done, tasks, overdue = sql(app_env, """select count(*) filter (where status = 'done'), count(*),
                                                  count(*) filter (where is_overdue)
                                           from task_tracker where period = ?""", [dt.date(2023, 9, 1)])[0]
    assert metrics(at)["Nhiệm vụ hoàn thành"] == f"{done} / {tasks}"
    assert f"Quá hạn: **{overdue}**" in markdown(at)


def test_one_district_shows_its_own_figures(app_env):
    at = open_page("overview", period="2023-09", unit="395")
    m, md = metrics(at), markdown(at)
    online, total = _rate_sql(app_env, "395", dt.date(2023, 9, 1), dt.date(2023, 9, 1))
    assert m["Nộp hồ sơ trực tuyến"] == vn_rate(online / total)
    assert f"{vn_count(online)} / {vn_count(total)} hồ sơ" in md
    cccd, act, tgt = sql(app_env, """select cccd_records, vneid_activated, vneid_target from identity_monthly
                                     where unit_code = '395' and period = ?""", [dt.date(2023, 9, 1)])[0]
    assert m["Hồ sơ CCCD gắn chip"] == vn_count(cccd)
    assert m["Kích hoạt VNeID"] == vn_rate(act / tgt)
    assert "Địa bàn: **Huyện Thọ Xuân**" in md


@pytest.mark.parametrize("unit", [None, "395"])
def test_a_range_adds_flows_and_takes_stocks_at_its_last_month(app_env, unit):
    params = {"period": "2023-01..2023-09"} | ({"unit": unit} if unit else {})
    at = open_page("overview", **params)
    m, md = metrics(at), markdown(at)
    code = unit or "38"
    online, total = _rate_sql(app_env, code, dt.date(2023, 1, 1), dt.date(2023, 9, 1))
    assert f"{vn_count(online)} / {vn_count(total)} hồ sơ" in md
    assert m["Nộp hồ sơ trực tuyến"] == vn_rate(online / total)
    cccd, summed = sql(app_env, """select max(cccd_records) filter (where period = '2023-09-01'), sum(cccd_records)
                                   from identity_monthly where unit_code = ? and period between '2023-01-01' and '2023-09-01'""",
                       [code])[0]
    assert m["Hồ sơ CCCD gắn chip"] == vn_count(cccd) != vn_count(summed)
    assert "Kỳ: **Tháng 1/2023 – Tháng 9/2023**" in md


def test_best_and_worst_five_districts_link_to_their_profiles(app_env):
    at = open_page("overview", period="2023-09")
    rates = sql(app_env, """select unit_name, unit_code, sum(online_dossiers) filter (where total_dossiers is not null)
                                   / sum(total_dossiers) filter (where online_dossiers is not null) as r
                            from service_volume_monthly where unit_level = 'district' and period = '2023-09-01'
                            group by unit_name, unit_code order by r desc""")
    best = at.table[1].value
    worst = at.table[2].value
    # each name a link to the unit's profile for the same month (only the unit and the period)
    assert linked_units(best["Địa phương"]) == [(n, f"district?place={c}&period=2023-09") for n, c, _ in rates[:5]]
    assert list(best["Hạng"]) == [1, 2, 3, 4, 5]
    assert linked_units(worst["Địa phương"]) == [(n, f"district?place={c}&period=2023-09") for n, c, _ in rates[::-1][:5]]
    assert list(worst["Hạng"]) == [27, 26, 25, 24, 23]
    assert any(c.value.endswith("Bấm tên địa phương để mở hồ sơ của địa phương ở thẻ mới.") for c in at.caption)


def test_services_below_target_are_listed(app_env):
    at = open_page("overview", period="2023-09")
    below = at.table[0].value
    rows = list(csv.DictReader(open(REF / "official_service_volume_2023_09.csv", encoding="utf-8")))
    expected = {r["service_code"] for r in rows
                if r["total_dossiers"] and int(r["total_dossiers"]) and int(r["online_dossiers"]) / int(r["total_dossiers"]) < 0.5}
    assert set(below["Mã"]) == expected == {"E06-02", "E06-19", "E06-20", "E06-23", "Q422-01", "Q422-06"}
    assert list(below.columns) == ["Mã", "Dịch vụ", "Tỷ lệ trực tuyến", "Chỉ tiêu", "Hồ sơ", "Thiếu so với chỉ tiêu"]
