"""ui.figure keeps a built plotly figure per distinct input: a page rerun with the same data
draws the kept figure; new data (a load changes a query result) builds a new one."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import charts, ui


def _trend(rate: float) -> pd.DataFrame:
    return pd.DataFrame({"period": [dt.date(2023, 8, 1), dt.date(2023, 9, 1)], "online_rate": [0.5, rate],
                         "sources": ["official", "official"]})


def test_same_input_same_figure():
    a = ui.figure("rate_trend", _trend(0.6), [("online_rate", "Tỷ lệ trực tuyến")], target=0.5, height=320)
    b = ui.figure("rate_trend", _trend(0.6), [("online_rate", "Tỷ lệ trực tuyến")], target=0.5, height=320)
    assert a is b


def test_new_data_new_figure_equal_to_a_fresh_build():
    a = ui.figure("rate_trend", _trend(0.6), [("online_rate", "Tỷ lệ trực tuyến")], target=0.5, height=320)
    b = ui.figure("rate_trend", _trend(0.7), [("online_rate", "Tỷ lệ trực tuyến")], target=0.5, height=320)
    assert a is not b
    fresh = charts.rate_trend(_trend(0.7), [("online_rate", "Tỷ lệ trực tuyến")], target=0.5, height=320)
    assert b.to_json() == fresh.to_json()


def test_other_options_new_figure():
    a = ui.figure("rate_trend", _trend(0.6), [("online_rate", "Tỷ lệ trực tuyến")], target=0.5, height=320)
    b = ui.figure("rate_trend", _trend(0.6), [("online_rate", "Tỷ lệ trực tuyến")], target=0.9, height=320)
    assert a is not b
