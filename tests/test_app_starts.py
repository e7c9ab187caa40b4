"""The app starts on the sample warehouse, opens the overview and says the data is sample data."""
from streamlit.testing.v1 import AppTest

from dashboard.plain import plain
from etl.config import settings
from tests.conftest import ROOT
from tests.test_page_support import default_period


def test_app_opens_the_overview_on_sample_data(sample_db, monkeypatch, tmp_path):
    monkeypatch.setenv("DA06_WAREHOUSE", str(sample_db))
    monkeypatch.setenv("DA06_ACCOUNTS", str(tmp_path / "accounts.sqlite"))
    monkeypatch.setenv("DA06_AS_OF", settings().sample_as_of)  # "today" is the sample's day
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Tổng quan"
    assert at.warning[0].value.startswith("**DỮ LIỆU MẪU**")
    assert at.query_params["period"] == default_period(sample_db)


def test_app_without_warehouse_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setenv("DA06_WAREHOUSE", str(tmp_path / "none.duckdb"))
    monkeypatch.setenv("DA06_ACCOUNTS", str(tmp_path / "accounts.sqlite"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    # the path is written as plain text (its markup characters escaped in the markdown source)
    assert at.error[0].value == f"Chưa có kho dữ liệu ({plain(str(tmp_path / 'none.duckdb'))}). Hãy chạy: `python -m etl build`."
