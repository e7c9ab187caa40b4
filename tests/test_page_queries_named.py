"""Pages hold no SQL: they call named functions of dashboard.queries (through ui.q), and every
one of those is listed in queries.PAGE_QUERIES."""
import re

import pytest

from dashboard import queries
from tests.conftest import ROOT

DASHBOARD_PAGES = ["overview", "services", "identity", "cleaning", "tasks", "district"]
SQL = re.compile(r"\b(select|from|where|group by|order by|join)\b\s", re.IGNORECASE)


@pytest.mark.parametrize("page", DASHBOARD_PAGES)
def test_page_has_no_sql_and_calls_named_queries(page):
    text = (ROOT / "pages" / f"{page}.py").read_text(encoding="utf-8")
    assert "duckdb" not in text and ".query(" not in text and "execute(" not in text
    strings = re.findall(r'"""(.*?)"""|"([^"\n]*)"', text, re.DOTALL)
    assert not [s for pair in strings for s in pair if SQL.search(s) and "select" in s.lower()]
    called = set(re.findall(r'ui\.q\(\s*"([a-z_]+)"', text))
    assert called and called <= set(queries.PAGE_QUERIES)


def test_every_listed_query_exists():
    assert all(callable(getattr(queries, n, None)) for n in queries.PAGE_QUERIES)
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    assert set(re.findall(r'ui\._cached\(\s*"([a-z_]+)"', app)) <= set(queries.PAGE_QUERIES)
