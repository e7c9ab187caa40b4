"""Two views of one grid: the heat map on a wide screen, a table on a phone (≤ 640 px, by CSS in
dashboard/static/app.css: .st-key-wide-view-* and .st-key-phone-view-*). The table scrolls
inside itself with its first column (the unit) pinned; its cells are coloured like the map's."""
from __future__ import annotations

from contextlib import contextmanager

import pandas as pd
import streamlit as st

from dashboard import tables
from etl.definitions import fmt_rate


@contextmanager
def wide_view(key: str):
    """What only a wide screen shows (the heat map)."""
    with st.container(key=f"wide-view-{key}"):
        yield


def reporting_grid(matrix: pd.DataFrame, months: list, key: str) -> None:
    """reporting.matrix as a unit × month table for a phone, newest month first after the unit."""
    words, codes = tables.reporting_grid(matrix, list(reversed(months)))
    colours = codes.apply(lambda col: col.map(lambda s: f"background-color: {tables.REPORTING_STATUS_COLOURS[s]}"
                                               if s in tables.REPORTING_STATUS_COLOURS else ""))
    colours.insert(0, "Đơn vị", "")
    colours.columns = words.columns
    styled = words.style.apply(lambda _: colours, axis=None)
    with st.container(key=f"phone-view-{key}"):
        st.caption("Tháng gần nhất trước; vuốt ngang để xem các tháng trước.")
        st.dataframe(styled, hide_index=True, width="stretch", height=min(38 + 35 * len(words), 640),
                     column_config={"Đơn vị": st.column_config.Column(pinned=True, width=150)})


def cleaning_grid(matrix: pd.DataFrame, key: str) -> None:
    """cleaning.matrix as a unit × dataset table of ratios for a phone."""
    grid = tables.cleaning_grid(matrix)
    values = grid.columns[1:]

    def colour(v):
        if v is None or v != v:
            return ""
        return "background-color: " + ("#cfe8d4" if v >= 0.8 else "#f6e7b8" if v >= 0.5 else "#f7d4cf")

    styled = grid.style.format({c: fmt_rate for c in values}, na_rep="–").map(colour, subset=list(values))
    with st.container(key=f"phone-view-{key}"):
        st.caption("Vuốt ngang để xem các bộ dữ liệu khác.")
        st.dataframe(styled, hide_index=True, width="stretch", height=min(38 + 35 * len(grid), 640),
                     column_config={"Địa phương": st.column_config.Column(pinned=True, width=140),
                                    **{c: st.column_config.Column(width=110) for c in values}})
