"""The app starts on the sample warehouse and says the data is sample data."""
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def test_home_shows_the_warehouse(sample_db, monkeypatch):
    monkeypatch.setenv("DA06_WAREHOUSE", str(sample_db))
    at = AppTest.from_file(str(ROOT / "app.py")).run(timeout=60)
    assert not at.exception
    assert [m.value for m in at.metric][:3] == ["Tháng 1/2023 – Tháng 12/2024", "27", "1.148"]
    assert "Dữ liệu mẫu" in at.warning[0].value
