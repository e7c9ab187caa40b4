"""Honest incomplete months: the overview says how complete each figure is (units reported /
expected), names the districts that have not reported in its rankings, and opens on the latest
month whose reports are due and mostly in ([reporting] complete_share and as_of)."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest

from tests.helpers import make_workbook, submit
from tests.test_page_support import app_env, linked_units, markdown, open_page, sql, vn_count  # noqa: F401

DEC26 = dt.date(2026, 12, 1)  # the month after the sample's last (November 2026)
UNIT, UNIT_NAME = "14758", "Phường Hàm Rồng"  # one of the 166 communes/wards reporting since July 2025


@pytest.fixture
def partial(sample_db, tmp_path, monkeypatch, app_env):
    """The sample warehouse (January 2023–November 2026) and one ward's December 2026, received on
    3 January 2027, with "today" 5 January 2027 (December is due on 15 January)."""
    db = tmp_path / "partial" / "da06.duckdb"
    db.parent.mkdir()
    shutil.copy(sample_db, db)
    f = make_workbook(tmp_path / f"{UNIT}.xlsx", UNIT, DEC26,
                      {"services": {"E06-03": {"total_dossiers": 200, "online_dossiers": 150}}})
    assert submit(db, tmp_path / "raw", f, dt.datetime(2027, 1, 3, 9)).status == "accepted"
    monkeypatch.setenv("DA06_WAREHOUSE", str(db))
    monkeypatch.setenv("DA06_AS_OF", "2027-01-05")
    return db


def _units(db) -> list[str]:
    return [n for (n,) in sql(db, """select unit_name from reporting_status
                                     where period = ? and topic = 'services' order by unit_name collate vi""", [DEC26])]


def test_overview_opens_on_the_last_complete_month_not_on_a_partial_one(partial):
    # December 2026 is partial (and not yet due); the latest due month with at least
    # [reporting] complete_share (0,8) of its reports in, computed from the warehouse
    [(want,)] = sql(partial, """select max(period) from (select period from reporting_status where deadline < ?
                                group by period having avg(case when status <> 'missing' then 1 else 0 end) >= 0.8)""",
                    [dt.date(2027, 1, 5)])
    at = open_page("overview")
    assert not at.exception
    assert at.query_params["period"] == want.strftime("%Y-%m")


def test_partial_month_says_one_of_the_units_reported_and_lists_the_others(partial):
    at = open_page("overview", period="2026-12")
    assert not at.exception
    districts = _units(partial)
    assert len(districts) == 166
    md = markdown(at)
    assert f":orange[◐ Đã báo cáo: 1/{vn_count(len(districts))} đơn vị]" in md
    others = [d for d in districts if d != UNIT_NAME]
    assert (f":orange[◐ Đã báo cáo: 1/{len(districts)} đơn vị · chưa báo cáo ({len(others)}): "
            + ", ".join(others) + "]") in md
    # the ranking: Hàm Rồng ranked 1, every other ward/commune listed below it as not reported
    table = at.table[-1].value
    assert [name for name, _ in linked_units(table["Địa phương"])] == [UNIT_NAME] + others
    assert table["Ghi chú"].tolist() == [""] + ["Chưa báo cáo"] * len(others)


def test_complete_month_cards_say_every_unit_reported_and_the_same_month_last_year(app_env):
    at = open_page("overview", period="2024-10")
    expected, received = sql(app_env, """select count(*), count(*) filter (where status <> 'missing')
                                         from reporting_status where period = ? and topic = 'services'""",
                             [dt.date(2024, 10, 1)])[0]
    assert expected == received
    md = markdown(at)
    assert f"Đã báo cáo: {received}/{expected} đơn vị" in md.split("\n")
    online, total = sql(app_env, """select sum(online_dossiers) filter (where total_dossiers is not null),
                                           sum(total_dossiers) filter (where online_dossiers is not null)
                                    from service_volume_monthly where unit_code = '38' and period = ?""",
                        [dt.date(2023, 10, 1)])[0]
    year_ago = f"{online / total * 100:.1f}".replace(".", ",") + " %"
    assert any(c.value.startswith(f"Cùng kỳ năm trước: {year_ago} (") for c in at.caption)


def test_default_month_follows_the_complete_share_setting(app_env, monkeypatch):
    # with "today" 10 January 2025, December 2024 is not yet due: the month before opens
    monkeypatch.setenv("DA06_AS_OF", "2025-01-10")
    assert open_page("overview").query_params["period"] == "2024-11"
    # asking for every report in: the latest month with every report in and due
    monkeypatch.setenv("DA06_COMPLETE_SHARE", "1")
    [(full,)] = sql(app_env, """select max(period) from (select period from reporting_status where deadline < ?
                                group by period having bool_and(status <> 'missing'))""", [dt.date(2025, 1, 10)])
    assert open_page("overview").query_params["period"] == full.strftime("%Y-%m")


def test_a_range_counts_reports_for_flows_and_the_last_month_for_stocks(app_env):
    at = open_page("overview", period="2024-01..2024-12")
    assert not at.exception

    def counts(first, last, topic):
        return sql(app_env, """select count(*) filter (where status <> 'missing'), count(*) from reporting_status
                               where period between ? and ? and topic = ?""", [first, last, topic])[0]

    jan, dec = dt.date(2024, 1, 1), dt.date(2024, 12, 1)
    lines = [line.removeprefix(":orange[◐ ").removesuffix("]") for line in markdown(at).split("\n")
             if "Đã báo cáo:" in line]
    got, want = counts(jan, dec, "services"), counts(dec, dec, "identity")
    assert lines[0] == f"Đã báo cáo: {vn_count(got[0])}/{vn_count(got[1])} báo cáo (đơn vị × tháng)"  # online rate: a flow
    assert lines[1] == f"Đã báo cáo: {want[0]}/{want[1]} đơn vị"  # CCCD: a stock, at December
