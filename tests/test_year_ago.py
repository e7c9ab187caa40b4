"""The same month last year beside the change from last month: on the overview's trend (a dashed
line) and its cards (tests/test_completeness.py)."""
from __future__ import annotations

import datetime as dt
import json

from dashboard.db import Warehouse
from dashboard.queries import services
from tests.test_page_support import app_env, open_page, sql  # noqa: F401


def test_trend_carries_each_months_value_a_year_before(sample_db):
    wh = Warehouse(str(sample_db))
    df = services.trend_with_year_ago(wh, dt.date(2024, 1, 1), dt.date(2024, 12, 1))
    rates = dict(sql(sample_db, """select period, sum(online_dossiers) filter (where total_dossiers is not null)
                                              / sum(total_dossiers) filter (where online_dossiers is not null)
                                   from service_volume_monthly where unit_code = '38' group by period"""))
    assert [p.date() for p in df["period"]] == [dt.date(2024, m, 1) for m in range(1, 13)]
    for p, now, before in zip(df["period"], df["online_rate"], df["online_rate_year_ago"]):
        assert abs(now - rates[p.date()]) < 1e-9
        assert abs(before - rates[p.date().replace(year=2023)]) < 1e-9


def test_first_year_has_no_year_before(sample_db):
    df = services.trend_with_year_ago(Warehouse(str(sample_db)), dt.date(2023, 1, 1), dt.date(2023, 3, 1))
    assert df["online_rate_year_ago"].isna().all() and df["online_rate"].notna().all()


def test_overview_trend_draws_the_same_month_last_year(app_env):
    at = open_page("overview", period="2024-06")
    assert not at.exception
    trend, _map = at.get("plotly_chart")  # the trend, then the map of the districts
    names = [t.get("name") for t in json.loads(trend.proto.spec)["data"]]
    assert names == ["Tỷ lệ trực tuyến", "Cùng kỳ năm trước"]
