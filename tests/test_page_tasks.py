"""Tasks page: counts and tracker for the agency filter, and the tasks due in the next month."""
import datetime as dt

import pytest

from tests.test_page_support import app_env, markdown, metrics, open_page, sql, vn_count, vn_rate  # noqa: F401

SEP = dt.date(2023, 9, 1)
# 2023-02 and 2023-11: tasks due on the 31st of the next month (31 days away)
N_DUE = [("2023-01", 7), ("2023-02", 20), ("2023-05", 4), ("2023-08", 3), ("2023-09", 0), ("2023-11", 11)]


def test_tasks_counts_and_agency_filter(app_env):
    at = open_page("tasks", period="2023-09", agency="38.CA")
    n, done, overdue = sql(app_env, """select count(*), count(*) filter (where status = 'done'), count(*) filter (where is_overdue)
                                       from task_tracker where period = ? and responsible_unit_code = '38.CA'""", [SEP])[0]
    m = metrics(at)
    assert (m["Tổng số nhiệm vụ"], m["Đã hoàn thành"], m["Quá hạn"]) == (vn_count(n), vn_count(done), vn_count(overdue))
    tracker = at.dataframe[-1].value
    assert len(tracker) == n and set(tracker["Chủ trì"]) == {"Công an tỉnh"}
    assert set(tracker["Trạng thái"]) <= {"Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện", "Chưa có báo cáo"}


def _month_end(d: dt.date) -> dt.date:
    return (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


@pytest.mark.parametrize("period, n", N_DUE)
def test_tasks_due_in_the_next_month(app_env, period, n):
    """Deadlines fall at month ends: the list runs to the end of the next month (a 31-day month
    included), not a fixed number of days."""
    at = open_page("tasks", period=period)
    month = dt.date.fromisoformat(period + "-01")
    end = _month_end(month)
    expected = [r[0] for r in sql(app_env, """select task_code from task_tracker where period = ? and status <> 'done'
                                                and deadline > ? and deadline <= ?
                                              order by deadline, task_code""", [month, end, _month_end(end + dt.timedelta(days=1))])]
    assert len(expected) == n
    tables = [d.value for d in at.table if "Còn (ngày)" in d.value.columns]
    assert (list(tables[0]["Mã"]) if tables else []) == expected
    if n == 0:
        assert at.success[0].value == "Không có nhiệm vụ chưa hoàn thành nào đến hạn trong tháng 10/2023."
