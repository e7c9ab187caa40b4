"""Shared helpers for the dashboard page tests (no tests here).

`open_page` opens the app the way a link does: app.py runs once (as a browser's first
request), then the query string is set and the page is switched to.

AppTest quirk worked around in `app_env`: AppTest resets `PagesManager.uses_pages_directory`
before every run, and because a `pages/` folder sits next to app.py the flag becomes True again,
so from the second run on Streamlit's legacy "pages directory" runner executes pages/<x>.py
*without* app.py (its url_path equals the file name) — the page then sees a stale context. A
real server sets the flag to False once app.py has called st.navigation; the patch does the same
right after the PagesManager is created.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from etl.config import complete_share, settings
from tests.conftest import ROOT

SEP = dt.date(2023, 9, 1)
PAGES = ("overview", "services", "identity", "cleaning", "utilities", "tasks", "district", "pivot")


@pytest.fixture
def app_env(sample_db, tmp_path, monkeypatch):
    monkeypatch.setenv("DA06_WAREHOUSE", str(sample_db))
    monkeypatch.setenv("DA06_ACCOUNTS", str(tmp_path / "accounts.sqlite"))
    # "today" is the day the sample stands at ([sample] as_of), not the clock: what is due and
    # the default month must not move with the real date
    monkeypatch.setenv("DA06_AS_OF", settings().sample_as_of)
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False  # what st.navigation sets in a real server

    monkeypatch.setattr(PagesManager, "__init__", init)
    return sample_db


def default_period(db) -> str:
    """The month the dashboards open on, worked out from the warehouse the test built: the latest
    month whose deadline is before the sample's as-of day and of which at least [reporting]
    complete_share of the expected reports are in ('YYYY-MM')."""
    rows = sql(db, """
        select strftime(period, '%Y-%m') from reporting_status
        group by period
        having max(deadline) < ?::date
           and count(*) filter (where status <> 'missing') >= ? * count(*)
        order by period desc limit 1
        """, [settings().sample_as_of, complete_share()])
    return rows[0][0]


def period_label(period: str) -> str:
    """'2026-10' -> 'Tháng 10/2026'."""
    year, month = period.split("-")
    return f"Tháng {int(month)}/{year}"


def open_page(page: str, **params) -> AppTest:
    """pages/<page>.py opened with the given query parameters (str or list of str)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(f"pages/{page}.py").run()
    return at


def sql(db, query: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query, list(params)).fetchall()
    finally:
        con.close()


def vn_count(n) -> str:
    """3421346 -> '3.421.346' (written here, not taken from the app)."""
    return "{:,}".format(int(n)).replace(",", ".")


def vn_rate(r: float, digits: int = 1) -> str:
    """0.339 -> '33,9 %'."""
    return f"{r * 100:.{digits}f}".replace(".", ",") + " %"


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def unit_names(cells) -> list[str]:
    """The unit names a table shows in a column of profile links ("district?unit=395&…#Huyện Thọ
    Xuân" shows "Huyện Thọ Xuân")."""
    return [c.rsplit("#", 1)[-1] if isinstance(c, str) else c for c in cells]


def linked_units(cells) -> list[tuple[str, str] | str]:
    """A static table's column of units as (name shown, address linked): st.table renders a cell
    "[Huyện Thọ Xuân](district?place=395&period=2023-09)" as a link; a cell without a link as itself."""
    import re

    out = []
    for c in cells:
        m = re.fullmatch(r"\[(.*)\]\(([^()\s]*)\)", c) if isinstance(c, str) else None
        out.append((m.group(1), m.group(2)) if m else c)
    return out
