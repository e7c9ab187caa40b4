"""The "Nhiều tháng" range slider driven as a person does: switching the period to a range and
moving a handle shows that range (and writes it to the URL); a range opened from a link survives
the next click on another page."""
import datetime as dt

from etl.periods import add_months
from tests.test_page_support import app_env, default_period, markdown, open_page, period_label  # noqa: F401


def test_switching_to_a_range_and_moving_a_handle_shows_that_range(app_env):
    # the range opens on the six months ending at the default month
    last = dt.date.fromisoformat(default_period(app_env) + "-01")
    at = open_page("overview")
    at.radio(key="f_mode").set_value("range").run()
    assert not at.exception
    assert at.select_slider(key="f_range").value == (add_months(last, -5), last)
    first = add_months(last, -9)
    at.select_slider(key="f_range").set_range(first, last).run()
    assert not at.exception
    assert dict(at.query_params) == {"period": f"{first:%Y-%m}..{last:%Y-%m}"}
    end = add_months(last, -2)
    at.select_slider(key="f_range").set_range(first, end).run()
    assert not at.exception
    assert dict(at.query_params) == {"period": f"{first:%Y-%m}..{end:%Y-%m}"}
    assert period_label(f"{end:%Y-%m}") in markdown(at)


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
