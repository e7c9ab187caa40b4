"""For the official month, the 27 sample districts add up exactly to the province's figures."""
import datetime as dt

SEP = dt.date(2023, 9, 1)


def test_27_districts_reported_the_official_month(con):
    n = con.execute("select count(distinct unit_code) from service_volume_monthly where period = ? and unit_level = 'district'", [SEP]).fetchone()[0]
    assert n == 27


def test_service_totals_and_online_add_up(con):
    diff = con.execute("""
        with d as (select service_code, sum(total_dossiers) t, sum(online_dossiers) o from service_volume_monthly
                   where period = ? and unit_level = 'district' group by 1),
             p as (select service_code, total_dossiers t, online_dossiers o from service_volume_monthly
                   where period = ? and unit_code = '38')
        select p.service_code from p full join d using (service_code)
        where p.t is distinct from d.t or p.o is distinct from d.o""", [SEP, SEP]).fetchall()
    assert diff == []


def test_on_time_adds_up_except_where_the_report_contradicts_itself(con):
    diff = con.execute("""
        with d as (select service_code, sum(on_time) ot from service_volume_monthly where period = ? and unit_level = 'district' group by 1),
             p as (select service_code, on_time ot from service_volume_monthly where period = ? and unit_code = '38')
        select p.service_code from p join d using (service_code) where p.ot is distinct from d.ot""", [SEP, SEP]).fetchall()
    # Q422-01: 47 on time out of 4 online dossiers cannot be split into valid district rows.
    assert diff == [("Q422-01",)]


def test_identity_adds_up(con):
    row = con.execute("""select sum(cccd_records), sum(vneid_applications), sum(vneid_activated), sum(vneid_target)
                         from identity_monthly where period = ? and unit_level = 'district'""", [SEP]).fetchone()
    assert row == (3421346, 2336438, 1651144, 1620967)


def test_cleaning_adds_up(con):
    diff = con.execute("""
        with d as (select dataset_code, sum(records_cleaned) c, sum(records_total) t from cleaning_monthly where period = ? and unit_level = 'district' group by 1),
             p as (select dataset_code, records_cleaned c, records_total t from cleaning_monthly where period = ? and unit_code = '38')
        select p.dataset_code from p full join d using (dataset_code) where p.c is distinct from d.c or p.t is distinct from d.t""", [SEP, SEP]).fetchall()
    assert diff == []
