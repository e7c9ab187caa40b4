"""What the query modules share: the province's code, the selected units as a list, running
independent queries at once, and the sources named in results."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pandas as pd

# The province of the warehouse (a scalar subquery on the settings view).
PROVINCE = "(select province_code from stg_settings)"
# The territorial units directly under the province (districts; communes after the 2025 reform).
PROVINCE_UNITS = f"u.unit_level in ('district', 'commune') and u.parent_code = {PROVINCE}"

# The composites (filter_options, overview.kpis, unit_profile.trend) send their independent
# queries at once: each runs on its own cursor of the shared read-only connection (dashboard.db),
# so the round trips overlap instead of adding up.
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="da06-query")


def together(*calls) -> list:
    """[fn(*args) for (fn, *args) in calls], run at the same time; results in that order."""
    futures = [_POOL.submit(fn, *args) for fn, *args in calls]
    return [f.result() for f in futures]


def bound(*values) -> list:
    """The values of a query's `?`s, in the order they stand in its SQL. A filter not given (None
    or '') narrows nothing, so its SQL has no `?` for it and its value is left out here; an empty
    list is a filter that keeps nothing, and is kept."""
    return [v for v in values if v is not None and not (isinstance(v, str) and v == "")]


def unit_list(units) -> list[str] | None:
    """The selected units as a list for a `?` (a tuple binds as a struct), None for none."""
    return list(units) if units else None


def sources(*values) -> str:
    """The sources named in comma-separated lists, sorted and joined."""
    out: set[str] = set()
    for v in values:
        if v is not None and not (isinstance(v, float) and pd.isna(v)):
            out.update(s for s in str(v).split(",") if s)
    return ",".join(sorted(out))
