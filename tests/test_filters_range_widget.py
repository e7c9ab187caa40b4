"""The "Nhiều tháng" range slider driven as a person does: switching the period to a range and
moving a handle shows that range (and writes it to the URL); a range opened from a link survives
the next click on another page."""
import datetime as dt

from tests.test_page_support import app_env, markdown, open_page  # noqa: F401


def test_switching_to_a_range_and_moving_a_handle_shows_that_range(app_env):
    at = open_page("overview")
    at.radio(key="f_mode").set_value("range").run()
    assert not at.exception
    assert at.select_slider(key="f_range").value == (dt.date(2024, 7, 1), dt.date(2024, 12, 1))
    at.select_slider(key="f_range").set_range(dt.date(2024, 3, 1), dt.date(2024, 12, 1)).run()
    assert not at.exception
    assert dict(at.query_params) == {"period": "2024-03..2024-12"}
    at.select_slider(key="f_range").set_range(dt.date(2024, 3, 1), dt.date(2024, 10, 1)).run()
    assert not at.exception
    assert dict(at.query_params) == {"period": "2024-03..2024-10"}
    assert "Tháng 10/2024" in markdown(at)


def test_a_range_from_a_link_survives_the_next_click(app_env):
    at = open_page("services", period="2023-01..2023-09")
    assert not at.exception
    at.switch_page("pages/identity.py").run()
    assert not at.exception
    assert at.select_slider(key="f_range").value == (dt.date(2023, 1, 1), dt.date(2023, 9, 1))
    assert dict(at.query_params) == {"period": "2023-01..2023-09"}
    at.radio(key="f_mode").set_value("month").run()
    assert not at.exception
    assert dict(at.query_params) == {"period": "2023-09"}
