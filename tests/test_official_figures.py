"""The official September 2023 figures are in the warehouse exactly as the report prints them.

Each expected value is checked twice: against the warehouse, and against the report's own text
(data/reference/sources/bao_cao_thang_9_2023.txt) in its Vietnamese number format.
"""
import datetime as dt

import pytest

from etl.numbers import format_count

SEP = dt.date(2023, 9, 1)


@pytest.mark.parametrize("column, value", [
    ("cccd_records", 3421346),
    ("vneid_applications", 2336438),
    ("vneid_activated", 1651144),
    ("vneid_target", 1620967),
])
def test_identity(con, report_text, column, value):
    row = con.execute(f"select {column}, source from identity_monthly where period = ? and unit_code = '38'", [SEP]).fetchone()
    assert row == (value, "official")
    assert format_count(value) in report_text


def test_activation_rate_matches_the_stated_rate(con):
    rate = con.execute("select activation_rate from identity_monthly where period = ? and unit_code = '38'", [SEP]).fetchone()[0]
    assert round(rate * 100, 2) == 101.86


@pytest.mark.parametrize("dataset, cleaned, total", [
    ("children", 780355, 960281),
    ("people_with_merit", 60468, 65546),
    ("social_insurance", 3079271, 3200783),
    ("tax_codes", 1721898, 2262033),
    ("covid_vaccination", 2798936, 3063393),
    ("civil_status", 300790, 2343764),
    ("civil_servants", 84505, 84505),
])
def test_cleaning_pairs(con, report_text, dataset, cleaned, total):
    row = con.execute("select records_cleaned, records_total, source from cleaning_monthly where period = ? and unit_code = '38' and dataset_code = ?", [SEP, dataset]).fetchone()
    assert row == (cleaned, total, "official")
    assert format_count(cleaned) in report_text and format_count(total) in report_text


@pytest.mark.parametrize("service, total, online, on_time", [
    ("E06-01", None, 63, None),
    ("E06-02", 11343, 3846, None),
    ("E06-03", 31809, 31693, None),
    ("E06-06", 5780, 5780, 5780),
    ("E06-08", 4152, 3248, 3248),
    ("E06-12", 6889, 6712, 6712),
    ("E06-14", 0, 0, 0),
    ("E06-19", 1352, 529, None),
    ("E06-20", 1806, 582, None),
    ("E06-23", 2236, 407, None),
    ("E06-25", 22, 22, 22),
    ("Q422-01", 47, 4, 47),
    ("Q422-06", 8020, 2686, None),
])
def test_appendix_volumes(con, report_text, service, total, online, on_time):
    row = con.execute("""select total_dossiers, online_dossiers, on_time, source from service_volume_monthly
                         where period = ? and unit_code = '38' and service_code = ?""", [SEP, service]).fetchone()
    assert row == (total, online, on_time, "official")
    for v in (total, online):
        if v is not None and v >= 1000 and service != "E06-20":  # E06-20 is typed '1806' in the report
            assert format_count(v) in report_text


def test_service_without_figures_has_no_official_row(con):
    # E06-17: the report gives no figures (the software fails), so nothing is invented.
    assert con.execute("select count(*) from service_volume_monthly where period = ? and unit_code = '38' and service_code = 'E06-17'", [SEP]).fetchone()[0] == 0


def test_appendix_ii_has_24_official_rows(con):
    n = con.execute("select count(*) from service_volume_monthly where period = ? and unit_code = '38' and service_group = 'e06_essential' and source = 'official'", [SEP]).fetchone()[0]
    assert n == 24  # 25 services, E06-17 without figures


@pytest.mark.parametrize("code, value", [
    ("hi_lookups_total", 5339392), ("hi_lookups_success", 3573541), ("hi_cards_synced", 3037420),
])
def test_health_insurance_lookups(con, report_text, code, value):
    assert con.execute("select value from fact_indicator where indicator_code = ?", [code]).fetchone()[0] == value
    assert format_count(value) in report_text


@pytest.mark.parametrize("task, status", [
    ("PL1-A-01", "done"), ("PL1-A-03", "in_progress"), ("PL1-A-17", "in_progress"),
    ("PL1-A-18", "done"), ("PL1-B-01", "in_progress"), ("PL1-B-02", "done"), ("PL1-C-03", "in_progress"),
])
def test_appendix_i_statuses(con, task, status):
    row = con.execute("select status, source from task_status where task_code = ? and period = ?", [task, SEP]).fetchone()
    assert row == (status, "official")


def test_appendix_i_counts(con):
    rows = con.execute("""select task_group, count(*), count(*) filter (where status = 'done') from task_status
                          where period = ? and source = 'official' group by 1 order by 1""", [SEP]).fetchall()
    assert rows == [("PL1-A", 18, 16), ("PL1-B", 8, 7), ("PL1-C", 14, 10)]


def test_contradictions_are_noted(con):
    notes = dict(con.execute("select item_code, note from official_note where topic in ('cleaning', 'services')").fetchall())
    assert "5.123" in notes["people_with_merit"]
    assert "78,23%" in notes["E06-08"]
