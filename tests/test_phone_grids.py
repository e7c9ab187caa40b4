"""Issue #14, "layouts that hold": on a phone the cleaning heat map and the reporting matrix are
also given as tables (unit pinned, scrolling inside themselves) with the same cells; CSS shows
one view or the other by the screen's width (tests/browser/test_drill_back.py looks at both)."""
import datetime as dt

from etl.config import reporting_as_of
from etl.definitions import RANK_SHOWN

from tests.test_page_support import app_env, open_page, sql  # noqa: F401

SEP = dt.date(2023, 9, 1)


def test_cleaning_grid_table_has_each_district_and_datasets_ratio(app_env):
    at = open_page("cleaning", period="2023-09")
    assert not at.exception
    grid = next(d.value for d in at.dataframe if list(d.value.columns)[0] == "Địa phương" and "Tỷ lệ" not in d.value.columns)
    expected = sql(app_env, """select unit_name, dataset_name, cleaning_ratio from cleaning_unit_monthly
                               where period = ? and parent_code = (select province_code from stg_settings)
                                 and cleaning_ratio is not null""", [SEP])
    got = grid.set_index("Địa phương")
    assert set(got.index) == {u for u, _, _ in expected}
    for unit, dataset, ratio in expected:
        assert abs(got.loc[unit, dataset] - ratio) < 1e-12


def test_reporting_grid_table_has_every_unit_and_month_newest_first(app_env):
    at = open_page("reporting")
    assert not at.exception
    # above 40 units the matrix shows the top and bottom 10; the person asks for them all
    first = next(d.value for d in at.dataframe if list(d.value.columns)[0] == "Đơn vị" and "Mã" not in d.value.columns)
    assert len(first) == 2 * RANK_SHOWN
    at.radio(key="rank-view-rep-matrix").set_value("all").run()
    assert not at.exception
    grid = next(d.value for d in at.dataframe if list(d.value.columns)[0] == "Đơn vị" and "Mã" not in d.value.columns)
    months = [c for c in grid.columns if c != "Đơn vị"]
    assert months == sorted(months, key=lambda m: (int(m.split("/")[1]), int(m[1:].split("/")[0])), reverse=True)
    last = months[0]
    period = dt.date(int(last.split("/")[1]), int(last[1:].split("/")[0]), 1)
    # the worst status of the unit's topics; a missing report whose deadline has not passed on the
    # date "today" (reporting_as_of) is not yet due
    statuses = sql(app_env, """select unit_name,
                                      max(case when status = 'missing' and deadline >= ? then 2
                                               when status = 'missing' then 4 when status = 'late' then 3 else 1 end),
                                      bool_or(replaced)
                               from reporting_status where period = ?
                               group by unit_name""", [reporting_as_of(), period])
    words = {1: "Đúng hạn", 2: "Chưa đến hạn", 3: "Muộn", 4: "Chưa nộp"}
    assert dict(zip(grid["Đơn vị"], grid[last])) == {u: words[s] + (" ●" if r else "") for u, s, r in statuses}
