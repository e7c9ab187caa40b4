"""Charts download as PNG, rendered by kaleido with Debian's chromium."""
import datetime as dt
import struct

import pytest

from dashboard import charts, export, ui
from dashboard.db import Warehouse
from dashboard.queries import services

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def png_server():
    yield
    export.stop_png_server()


def test_a_page_chart_downloads_as_a_real_png(sample_db, png_server):
    wh = Warehouse(sample_db)
    try:
        d = dt.date(2023, 9, 1)
        trend = services.trend(wh, dt.date(2022, 10, 1), d)
        districts = services.by_district(wh, d, d)
    finally:
        wh.close()
    for fig, title in ((charts.rate_trend(trend, [("online_rate", "Tỷ lệ trực tuyến")], target=0.5), "Tỷ lệ trực tuyến theo tháng"),
                       (charts.rate_bars(districts, "unit_name", "online_rate", "unit_code", target_col="target_rate"),
                        "Tỷ lệ trực tuyến theo địa phương")):
        data = ui.chart_png(fig, title)
        assert data.startswith(PNG)
        width, height = struct.unpack(">II", data[16:24])  # IHDR
        assert width == 2400 and height >= 500  # 1200 px at scale 2
        assert len(data) > 20_000
