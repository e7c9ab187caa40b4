"""The built sample warehouse follows the units over time: who reported which months (districts
until June 2025, Đông Sơn until November 2024, the 166 communes from July 2025, the agencies with
tasks throughout), November 2026 partly reported as of the sample's as-of date, and the province's
and Huyện Thọ Xuân's stocks continuing across July 2025."""
from __future__ import annotations

import datetime as dt

from etl.config import settings
from etl.reference import catalogue
from etl.sample import Model, reporting_units

PROVINCE = settings().province_code
MAY, JUN, JUL = dt.date(2025, 5, 1), dt.date(2025, 6, 1), dt.date(2025, 7, 1)


def test_accepted_reports_by_level_span_the_units_validity(con):
    cat = catalogue()
    agencies = sorted({a for m in Model().months for a in cat.units_valid(m, "agency") if cat.tasks_for(a)})
    got = con.execute("""
        select u.unit_level, min(s.period), max(s.period), count(distinct s.unit_code)
        from submission_log s join units u using (unit_code)
        where s.status <> 'rejected' and s.source = 'sample'
        group by 1 order by 1""").fetchall()
    assert got == [("agency", dt.date(2023, 1, 1), dt.date(2026, 11, 1), len(agencies)),
                   ("commune", JUL, dt.date(2026, 11, 1), 166),
                   ("district", dt.date(2023, 1, 1), JUN, 27)]
    dong_son = con.execute("select max(period) from submission_log where unit_code = '405' and status <> 'rejected'").fetchone()
    assert dong_son == (dt.date(2024, 11, 1),)


def test_every_commune_reported_its_first_month(con):
    """A new unit's first report is never missed (its stocks start there), so July 2025 has all 166."""
    n = con.execute("""select count(distinct unit_code) from submission_log join units using (unit_code)
                       where unit_level = 'commune' and period = ? and status <> 'rejected'""", [JUL]).fetchone()
    assert n == (166,)


def test_november_2026_is_partly_reported_and_october_complete_but_for_the_lagging_communes(con):
    model = Model()
    for period, low, high in ((dt.date(2026, 11, 1), 0.2, 0.45), (dt.date(2026, 10, 1), 0.95, 1.0)):
        expected = set(reporting_units(model, period))
        sent = {u for (u,) in con.execute("select distinct unit_code from submission_log where period = ? and status <> 'rejected'",
                                          [period]).fetchall()}
        assert sent <= expected
        assert low <= len(sent) / len(expected) <= high, (period, len(sent), len(expected))
    october = {u for (u,) in con.execute("select distinct unit_code from submission_log where period = ?", [dt.date(2026, 10, 1)]).fetchall()}
    assert not october & set(model.lagging)
    last_sent = con.execute("select max(submitted_at) from submission_log where source = 'sample'").fetchone()[0]
    assert last_sent.date() <= dt.date.fromisoformat(settings().sample_as_of)


def test_the_province_cccd_records_continue_across_july_2025(con):
    """The province's CCCD records (a stock: the units valid in the month) in May, June and July
    2025: July within 0,5 % of June's figure plus May-to-June's step."""
    rows = dict(con.execute("select period, cccd_records from identity_monthly where unit_code = ? and period between ? and ?",
                            [PROVINCE, MAY, JUL]).fetchall())
    continued = 2 * rows[JUN] - rows[MAY]
    assert abs(rows[JUL] - continued) <= 0.005 * rows[JUN], rows


def test_tho_xuan_continues_in_the_sum_of_its_communes(con):
    """Huyện Thọ Xuân (395) in May and June 2025 and the sum of its communes (former district 395)
    in July 2025, CCCD records: within 0,5 %."""
    district = dict(con.execute("select period, cccd_records from identity_unit_monthly where unit_code = '395' and period in (?, ?)",
                                [MAY, JUN]).fetchall())
    communes = con.execute("""select count(*), sum(cccd_records) from identity_unit_monthly
                              where former_district_code = '395' and unit_level = 'commune' and period = ?""", [JUL]).fetchone()
    assert communes[0] == 8
    continued = 2 * district[JUN] - district[MAY]
    assert abs(communes[1] - continued) <= 0.005 * district[JUN], (district, communes)


def test_every_topic_has_sample_reports_from_every_level_that_reports_it(con):
    """The registry's topics by the catalogue's levels (a district's five sheets, a commune's four
    while no task names the commune level, an agency's tasks): each pair has accepted reports."""
    cat = catalogue()
    expected = {(u["unit_level"], key) for code, u in cat.units.items() if u["parent_code"] == PROVINCE
                for key in cat.topics_for(code)}
    got = set(con.execute("""select distinct u.unit_level, t.topic from submission_topic t join submission_log s using (submission_id)
                             join units u on u.unit_code = s.unit_code
                             where s.status <> 'rejected' and s.source = 'sample'""").fetchall())
    assert got == expected
    assert {k for _, k in got} == {"services", "identity", "cleaning", "tasks", "utilities"}
