"""etl/definitions.py: the one place names, formats, thresholds and status words come from — for
the pages and the report alike, so it imports no Streamlit."""
import math
import re

import pandas as pd
import pytest

from etl import definitions as d
from etl import topics
from tests.conftest import ROOT


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NaT, pd.NA])
def test_a_missing_figure_is_written_as_a_dash(missing):
    assert (d.fmt_count(missing), d.fmt_rate(missing), d.date_text(missing), d.fmt_rank(missing, 27)) == ("–",) * 4
    assert d.fmt_signed_count(missing) is None and d.fmt_points(missing) is None and d.num(missing) is None


def test_numbers_rates_and_months_the_vietnamese_way():
    assert d.fmt_count(3421346) == "3.421.346"
    assert d.fmt_rate(0.339) == "33,9 %" and d.fmt_rate(1.0, 0) == "100 %"
    assert d.fmt_signed_count(5905) == "+5.905" and d.fmt_signed_count(-12) == "-12"
    assert d.fmt_points(0.008) == "+0,8 điểm %" and d.fmt_points(-0.0125) == "-1,2 điểm %"
    assert d.fmt_points_number(6.3) == "6,3"
    assert d.fmt_rank(3.0, 27) == "3/27"
    assert d.period_label(pd.Timestamp("2023-09-01").date()) == d.month_label(pd.Timestamp("2023-09-01").date()) == "Tháng 9/2023"
    assert d.month_short(pd.Timestamp("2023-09-01").date()) == "T9/2023"
    assert d.date_text(pd.Timestamp("2024-02-15")) == "15/02/2024"
    assert d.datetime_text(pd.Timestamp("2025-01-05 16:13:59")) == "05/01/2025 16:13"


@pytest.mark.parametrize("value, target, status", [
    (0.50, 0.50, "green"), (0.81, 0.50, "green"), (0.41, 0.50, "amber"), (0.40, 0.50, "amber"),
    (0.39, 0.50, "red"), (None, 0.50, "none"), (0.5, None, "none"), (math.nan, 1.0, "none"),
])
def test_kpi_status_is_green_at_the_target_amber_within_ten_points(value, target, status):
    assert d.AMBER_BAND == 0.10
    assert d.kpi_status(value, target) == status


@pytest.mark.parametrize("tasks, overdue, status", [(0, None, "none"), (40, 0, "green"), (40, 4, "amber"),
                                                    (40, 5, "red")])
def test_tasks_status_by_the_share_overdue(tasks, overdue, status):
    assert d.tasks_status(tasks, overdue) == status


def test_the_words_of_a_status_are_one_source():
    # The template's and the official report's word for a task not started; the ETL reads and
    # writes the same dictionary.
    assert topics.STATUS_LABELS is d.TASK_STATUS_LABELS
    assert d.TASK_STATUS_LABELS["not_started"] == "Chưa thực hiện"
    assert d.task_status_label("no_report") == d.task_status_label(None) == "Chưa có báo cáo"
    assert d.KPI_STATUS_LABELS["amber"] == "Gần đạt (thiếu ≤ 10 điểm %)"
    assert d.INDICATORS["cleaning_ratio"].target == d.CLEANING_TARGET == 1.0
    assert d.INDICATORS["online_rate"].fmt(0.81) == "81,0 %" and d.INDICATORS["cccd_records"].fmt(3421346) == "3.421.346"


def test_no_streamlit_in_the_definitions():
    text = (ROOT / "etl" / "definitions.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(import|from) (streamlit|dashboard)", text, re.M)
