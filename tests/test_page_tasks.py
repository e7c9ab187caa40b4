"""Tasks page: counts and tracker for the agency filter, and the tasks due in the next 30 days."""
import datetime as dt

import pytest

from tests.test_page_support import app_env, markdown, metrics, open_page, sql, vn_count, vn_rate  # noqa: F401

SEP = dt.date(2023, 9, 1)


def test_tasks_counts_and_agency_filter(app_env):
    at = open_page("tasks", period="2023-09", agency="38.CA")
    n, done, overdue = sql(app_env, """select count(*), count(*) filter (where status = 'done'), count(*) filter (where is_overdue)
                                       from task_tracker where period = ? and responsible_unit_code = '38.CA'""", [SEP])[0]
    m = metrics(at)
    assert (m["Tổng số nhiệm vụ"], m["Đã hoàn thành"], m["Quá hạn"]) == (vn_count(n), vn_count(done), vn_count(overdue))
    tracker = at.dataframe[-1].value
    assert len(tracker) == n and set(tracker["Chủ trì"]) == {"Công an tỉnh"}
    assert set(tracker["Trạng thái"]) <= {"Đã hoàn thành", "Đang thực hiện", "Chưa triển khai", "Chưa có báo cáo"}


@pytest.mark.parametrize("period, n", [("2023-01", 7), ("2023-05", 4), ("2023-08", 3), ("2023-09", 0)])
def test_tasks_due_in_the_next_30_days(app_env, period, n):
    at = open_page("tasks", period=period)
    month = dt.date.fromisoformat(period + "-01")
    end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    expected = [r[0] for r in sql(app_env, """select task_code from task_tracker where period = ? and status <> 'done'
                                                and deadline > ? and deadline <= ?
                                              order by deadline, task_code""", [month, end, end + dt.timedelta(days=30)])]
    assert len(expected) == n
    tables = [d.value for d in at.table if "Còn (ngày)" in d.value.columns]
    assert (list(tables[0]["Mã"]) if tables else []) == expected
    if n == 0:
        assert at.success[0].value.startswith("Không có nhiệm vụ chưa hoàn thành nào đến hạn trong 30 ngày")
