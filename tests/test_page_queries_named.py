"""Pages hold no SQL: they call the functions of dashboard.queries' modules (through
ui.cached, the function object itself, never a name in a string), and every function a page
or app.py hands to ui.cached exists."""
import importlib
import re

import pytest

from tests.conftest import ROOT

DASHBOARD_PAGES = ["overview", "services", "identity", "cleaning", "utilities", "tasks", "district"]
OPERATIONAL_PAGES = ["reporting", "upload", "admin"]
SQL = re.compile(r"\b(select|from|where|group by|order by|join)\b\s", re.IGNORECASE)
CACHED = re.compile(r"ui\.cached\(\s*([a-z_]+)\.([a-z_]+)\b")


def _calls(text: str) -> set[tuple[str, str]]:
    """(module, function) of every ui.cached(module.function, …) in the text."""
    return set(CACHED.findall(text))


def _imported_query_modules(text: str) -> set[str]:
    return {m.strip() for line in re.findall(r"^from dashboard\.queries import ([a-z_, ]+)$", text, re.M)
            for m in line.split(",")}


@pytest.mark.parametrize("page", DASHBOARD_PAGES + OPERATIONAL_PAGES)
def test_page_has_no_sql_and_calls_query_functions(page):
    text = (ROOT / "pages" / f"{page}.py").read_text(encoding="utf-8")
    assert "duckdb" not in text and ".query(" not in text and "execute(" not in text
    strings = re.findall(r'"""(.*?)"""|"([^"\n]*)"', text, re.DOTALL)
    assert not [s for pair in strings for s in pair if SQL.search(s) and "select" in s.lower()]
    assert "ui.q(" not in text and "warehouse()" not in text  # no query by name, no warehouse read of its own
    called = _calls(text)
    assert called and {m for m, _ in called} <= _imported_query_modules(text)
    for module, fn in called:
        assert callable(getattr(importlib.import_module(f"dashboard.queries.{module}"), fn, None)), (module, fn)


def test_app_calls_query_functions():
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    called = _calls(app)
    # the unit filter: every unit over time, and those valid in the chosen period (issue 12)
    assert called == {("catalog", "filter_options"), ("catalog", "warehouse_summary"),
                      ("places", "places"), ("places", "valid_places")}
    assert "_cached(" not in app.replace("ui.cached(", "")


def test_query_modules_import_no_streamlit():
    for path in (ROOT / "dashboard" / "queries").glob("*.py"):
        assert not re.search(r"^\s*(import|from) streamlit", path.read_text(encoding="utf-8"), re.M), path
