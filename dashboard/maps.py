"""The map of units on a page: the page's per-unit figures placed at the units' centres
(dashboard.queries.places), drawn offline by dashboard.charts.unit_map; clicking a point opens
the unit's profile (pages/district.py, the unit in the link: ?place=CODE, the filters kept)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.filters import APPLIED_KEY
from dashboard.queries import places
from etl.definitions import MAP_HINT

PROFILE_PAGE = "pages/district.py"
PROFILE_PARAM = ui.PROFILE_PARAM
_OPEN = "_map_open_unit"


def _opened(key: str):
    """on_select callback: the clicked point's unit is remembered, opened after the run's chart."""

    def callback() -> None:
        event = st.session_state.get(f"chart-{key}") or {}
        points = (event.get("selection") or {}).get("points") or []
        code = next((p["customdata"][0] for p in points if p.get("customdata")), None)
        if code:
            st.session_state[_OPEN] = code

    return callback


def profile_link(code: str) -> dict[str, str]:
    """The query string of a unit's profile, with the current filters kept."""
    return {**ui.context().filters.to_params(), PROFILE_PARAM: code}


def unit_map(df: pd.DataFrame, value_col: str, size_col: str, value_label: str, size_label: str, key: str,
             title: str, target: float | None = None, highlight: str | None = None, height: int = 520) -> None:
    """Draw df's units (unit_code, unit_name, the value and size columns) on the map, for the
    units valid in the filtered period; a click opens the clicked unit's profile."""
    ctx = ui.context()
    f = ctx.filters
    where = ui.cached(places.valid_places, f.first, f.last)
    cols = [c for c in ("unit_code", value_col, size_col) if c in df.columns]
    shown = where[["unit_code", "unit_name", "lat", "lon"]].merge(df[cols], on="unit_code", how="left")
    if shown["lat"].notna().sum() == 0:
        ui.empty("Chưa có tọa độ của các địa phương trong kỳ này.")
        return
    fig = ui.figure("unit_map", shown, value_col, size_col, value_label, size_label, target=target,
                    highlight=highlight, height=height)
    ui.chart(fig, key, title, on_select=_opened(key))
    st.caption(MAP_HINT.format(volume=size_label.lower(), indicator=value_label.lower()))
    code = st.session_state.pop(_OPEN, None)
    if code:
        # the profile's link carries the filters: the next run applies them from it (a page
        # switch does not keep every widget's state)
        st.session_state.pop(APPLIED_KEY, None)
        st.switch_page(PROFILE_PAGE, query_params=profile_link(code))
