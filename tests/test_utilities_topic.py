"""The fifth topic, Tiện ích (the programme's utilities), added through the registry: the official
September 2023 figures and the sample's districts adding up to them exactly, a cumulative figure
that falls refused (or accepted when the row explains it), a part larger than its whole refused,
stocks rolled up with the one carry-forward rule, flows summed."""
from __future__ import annotations

import datetime as dt

import duckdb
import openpyxl
import pytest

from etl.load import load_files
from etl.marts import refresh_marts
from etl.reference import read_csv
from etl.template import write_template
from etl.topics import TOPICS
from etl.topics.utilities import INDICATORS, OFFICIAL_CSV
from tests.helpers import make_workbook, rows, submit

SEP = dt.date(2023, 9, 1)
JUN, JUL, AUG = dt.date(2024, 6, 1), dt.date(2024, 7, 1), dt.date(2024, 8, 1)
OFFICIAL = [  # the report of September 2023, section 4.2 and 4.3
    ("health_facilities_cccd", "Cơ sở y tế dùng CCCD thay thẻ BHYT", 678, "cơ sở"),
    ("health_facilities_total", "Tổng số cơ sở y tế", 678, "cơ sở"),
    ("hi_cards_synced", "CCCD đồng bộ với thẻ BHYT còn hiệu lực", 3037420, "thẻ"),
    ("hi_lookups_success", "Lượt tra cứu thành công", 3573541, "lượt"),
    ("hi_lookups_total", "Lượt tra cứu thông tin thẻ BHYT bằng CCCD", 5339392, "lượt"),
    ("ss_accounts", "Đối tượng đã có tài khoản nhận chi trả", 10550, "người"),
    ("ss_beneficiaries", "Đối tượng hưởng chính sách an sinh xã hội", 261308, "người"),
    ("ss_cashless_paid", "Đối tượng đã được chi trả không dùng tiền mặt từ 01/9/2023", 4562, "người"),
]


def test_the_official_september_2023_figures_are_the_province_row(con):
    got = con.execute("""select indicator_code, indicator_name, value, unit_label, is_stock, source, is_rollup
                         from utilities_monthly where unit_code = '38' and period = ? order by indicator_code""", [SEP]).fetchall()
    assert got == [(code, name, value, unit, True, "official", False) for code, name, value, unit in OFFICIAL]


def test_the_sample_districts_add_up_to_them_exactly(con):
    got = con.execute("""select indicator_code, sum(value), count(*) from utilities_monthly
                         where unit_level = 'district' and period = ? group by 1 order by 1""", [SEP]).fetchall()
    assert got == [(code, value, 27) for code, _, value, _ in OFFICIAL]
    # the unit mart agrees: every district reported that very month
    assert con.execute("""select indicator_code, sum(value) from utilities_unit_monthly where period = ? and not carried_forward
                          group by 1 order by 1""", [SEP]).fetchall() == [(code, value) for code, _, value, _ in OFFICIAL]


def test_the_registry_names_the_indicators_as_the_official_figures_do():
    official = {r["indicator_code"]: r for r in read_csv(OFFICIAL_CSV)}
    for code, row in INDICATORS.items():
        assert (row["indicator_name"], row["unit_label"]) == (official[code]["indicator_name"], official[code]["unit_label"])


def test_sample_cumulative_figures_never_fall_and_parts_stay_within_wholes(con):
    assert con.execute("""select count(*) from (
                            select value < lag(value) over (partition by unit_code, indicator_code order by period) as fell
                            from fact_utility
                            where indicator_code in (select item_code from stg_measures where topic = 'utilities' and is_cumulative)
                          ) where fell""").fetchone() == (0,)
    parts = [(code, row["part_of"]) for code, row in INDICATORS.items() if row["part_of"]]
    for part, whole in parts:
        assert con.execute("""select count(*) from fact_utility as p join fact_utility as w using (period, unit_code)
                              where p.indicator_code = ? and w.indicator_code = ? and p.value > w.value""",
                           [part, whole]).fetchone() == (0,), part


def test_the_template_has_the_sheet_with_every_indicator_and_a_note_column(tmp_path):
    path = write_template(tmp_path / "t.xlsx", "395", JUN)
    ws = openpyxl.load_workbook(path)["Tiện ích"]
    assert [c.value for c in ws[6]] == ["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Cách tính", "Số liệu", "Ghi chú"]
    assert [(ws.cell(r, 1).value, ws.cell(r, 4).value) for r in range(7, 7 + len(INDICATORS))] == [
        (code, "Lũy kế đến cuối tháng" if row["is_cumulative"] else "Số hiện có cuối tháng") for code, row in INDICATORS.items()]
    assert "Tiện ích" not in openpyxl.load_workbook(write_template(tmp_path / "agency.xlsx", "38.CA", JUN)).sheetnames


def _utilities(warehouse, tmp_path, name: str, values: dict, period=JUN, unit="395", when=dt.datetime(2024, 7, 5, 9, 0)):
    path = make_workbook(tmp_path / name, unit, period, {"utilities": values})
    return submit(warehouse, tmp_path / "raw", path, when, today=dt.date(2025, 1, 20))


def test_a_cumulative_figure_that_falls_is_refused_saying_by_how_much(warehouse, tmp_path):
    before = rows(warehouse, "select * from fact_utility order by all")
    r = _utilities(warehouse, tmp_path, "falls.xlsx", {"hi_lookups_total": {"value": 38647}, "ss_beneficiaries": {"value": 12000}})
    assert r.status == "rejected"
    assert [[i.severity, str(i)] for i in r.issues] == [[
        "error", "Tiện ích!E7 — Lượt tra cứu thông tin thẻ BHYT bằng CCCD: Số liệu (lũy kế) giảm 334.080 so với tháng 5/2024 "
                 "(372.727 → 38.647). Số lũy kế không được giảm: hãy kiểm tra lại ô này (thiếu hoặc thừa chữ số?). Nếu số giảm là "
                 "đúng, hãy ghi lý do vào cột 'Ghi chú' của dòng này rồi nộp lại."]]  # beneficiaries may fall: a stock, not cumulative
    assert rows(warehouse, "select * from fact_utility order by all") == before


def test_a_fall_the_note_explains_is_accepted_with_a_warning_and_rolls_up(warehouse, tmp_path):
    province = ("select value, is_rollup, source from utilities_monthly where unit_code = '38' and period = ? "
                "and indicator_code = 'hi_lookups_total'")
    [(before, _, _)] = rows(warehouse, province, [JUN])
    r = _utilities(warehouse, tmp_path, "explained.xlsx",
                   {"hi_lookups_total": {"value": 370000, "note": "Loại 2.727 lượt tra cứu trùng theo rà soát của BHXH"}})
    assert r.status == "accepted"
    assert [[i.severity, str(i)] for i in r.issues] == [[
        "warning", "Tiện ích!E7 — Lượt tra cứu thông tin thẻ BHYT bằng CCCD: Số liệu (lũy kế) giảm 2.727 so với tháng 5/2024 "
                   "(372.727 → 370.000); số giảm được chấp nhận vì cột 'Ghi chú' của dòng giải thích: “Loại 2.727 lượt tra cứu "
                   "trùng theo rà soát của BHXH”."]]
    # the file replaces the sample's June figures of 395 for this topic; the province's June sum moves by the difference
    assert rows(warehouse, "select value, source from utilities_monthly where unit_code = '395' and period = ? "
                           "and indicator_code = 'hi_lookups_total'", [JUN]) == [(370000, "submitted")]
    assert rows(warehouse, province, [JUN]) == [(before - 386470 + 370000, True, "submitted")]


def test_a_part_larger_than_its_whole_is_refused_at_its_cell(warehouse, tmp_path):
    r = _utilities(warehouse, tmp_path, "part.xlsx", {"hi_lookups_total": {"value": 386470}, "hi_lookups_success": {"value": 400000},
                                                     "ss_beneficiaries": {"value": 12273}, "ss_accounts": {"value": 2629},
                                                     "ss_cashless_paid": {"value": 2630}})
    assert r.status == "rejected"
    assert [[i.severity, str(i)] for i in r.issues] == [
        ["error", "Tiện ích!E8 — Lượt tra cứu thành công: Số liệu (400.000) lớn hơn 'Lượt tra cứu thông tin thẻ BHYT bằng CCCD' "
                  "(386.470, ô E7): chỉ tiêu này là một phần của chỉ tiêu đó nên không thể lớn hơn. Hãy kiểm tra lại hai ô."],
        ["error", "Tiện ích!E14 — Đối tượng đã được chi trả không dùng tiền mặt từ 01/9/2023: Số liệu (2.630) lớn hơn 'Đối tượng đã "
                  "có tài khoản nhận chi trả' (2.629, ô E13): chỉ tiêu này là một phần của chỉ tiêu đó nên không thể lớn hơn. Hãy kiểm "
                  "tra lại hai ô."]]


def test_stocks_roll_up_with_the_carry_forward(tmp_path, empty_warehouse):
    """380 reports June and August, 381 June only: the province's July and August count 381's June
    figure, and July 380's June one; units_reporting says who reported that very month."""
    for unit, period, value in (("380", JUN, 100), ("381", JUN, 50), ("380", AUG, 130)):
        r = _utilities(empty_warehouse, tmp_path, f"{unit}_{period:%m}.xlsx", {"hi_cards_synced": {"value": value}}, period, unit)
        assert r.status == "accepted", r.issues
    r = _utilities(empty_warehouse, tmp_path, "380_07.xlsx", {"hi_lookups_total": {"value": 7}}, JUL, "380")
    assert r.status == "accepted", r.issues
    assert rows(empty_warehouse, """select period, value, is_rollup, units_reporting from utilities_monthly
                                    where unit_code = '38' and indicator_code = 'hi_cards_synced' and period >= ? order by period""",
                [JUN]) == [(JUN, 150, True, 2), (JUL, 150, True, 0), (AUG, 180, True, 1)]
    assert rows(empty_warehouse, """select period, unit_code, value, reported_period, carried_forward from utilities_unit_monthly
                                    where indicator_code = 'hi_cards_synced' order by period, unit_code""") == [
        (JUN, "380", 100, JUN, False), (JUN, "381", 50, JUN, False), (JUL, "380", 100, JUN, True), (JUL, "381", 50, JUN, True),
        (AUG, "380", 130, AUG, False), (AUG, "381", 50, JUN, True)]


def test_a_flow_indicator_sums_the_month_and_is_never_carried(tmp_path, empty_warehouse):
    """Whether an indicator is a stock is the registry's (stg_measures): declared a flow, the same
    figures add up within their month only."""
    for unit, period, value in (("380", JUN, 100), ("381", JUN, 50), ("380", AUG, 130)):
        assert _utilities(empty_warehouse, tmp_path, f"{unit}_{period:%m}.xlsx", {"hi_cards_synced": {"value": value}},
                          period, unit).status == "accepted"
    con = duckdb.connect(str(empty_warehouse))
    try:
        con.execute("update dim_measure set is_stock = false where topic = 'utilities' and item_code = 'hi_cards_synced'")
        refresh_marts(con)
        assert con.execute("""select period, value, is_stock, is_rollup from utilities_monthly
                              where unit_code = '38' and indicator_code = 'hi_cards_synced' and period >= ? order by period""",
                           [JUN]).fetchall() == [(JUN, 150, False, True), (AUG, 130, False, True)]
        assert con.execute("select count(*) from utilities_unit_monthly where indicator_code = 'hi_cards_synced' and carried_forward"
                           ).fetchone() == (0,)
    finally:
        con.close()


def test_the_registry_entry_is_all_the_topic_needs_in_etl():
    t = TOPICS["utilities"]
    assert (t.sheet, t.fact.table, dict(t.marts)) == ("Tiện ích", "fact_utility",
                                                      {"utilities_unit_monthly": "siblings", "utilities_monthly": "since"})
    assert not t.expected  # reporting_status does not chase it yet (see etl/topics/utilities.py)


def test_a_dry_run_check_lists_the_figures_with_their_vietnamese_headers(warehouse, tmp_path):
    path = make_workbook(tmp_path / "check.xlsx", "395", JUN, {"utilities": {"hi_lookups_total": {"value": 386470}}})
    [r] = load_files([(path, "check.xlsx")], warehouse=warehouse, dry_run=True, today=dt.date(2025, 1, 20))
    assert r.status == "valid"
    assert r.preview["utilities"] == [{"indicator_code": "hi_lookups_total", "value": 386470, "note": None, "dòng": 7}]
    assert [r.labels[k] for k in r.preview["utilities"][0]] == ["Mã chỉ tiêu", "Số liệu", "Ghi chú", "Dòng"]
