"""Charts with one bar per unit stay readable with the 166 communes: above RANK_ALL_MAX units
with a figure, the top and bottom RANK_SHOWN, with a choice to show them all."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from etl.definitions import RANK_ALL_MAX, RANK_SHOWN, RANK_VIEW_LABELS, fmt_count


def ends(df: pd.DataFrame, rate_col: str, n: int = RANK_SHOWN) -> pd.DataFrame:
    """The n rows with the highest and the n with the lowest rate (rows without one left out)."""
    ranked = df[df[rate_col].notna()].sort_values(rate_col, ascending=False, kind="stable")
    if len(ranked) <= 2 * n:
        return ranked
    return pd.concat([ranked.head(n), ranked.tail(n)])


def choose(df: pd.DataFrame, rate_col: str, key: str) -> pd.DataFrame:
    """df as the bar chart should show it: whole for a few units; for many, the top and bottom
    RANK_SHOWN unless the person chooses "Hiện tất cả" (the choice is kept per chart)."""
    with_figure = int(df[rate_col].notna().sum())
    if with_figure <= RANK_ALL_MAX:
        return df
    view = st.radio("Hiển thị", list(RANK_VIEW_LABELS), format_func=RANK_VIEW_LABELS.get, key=f"rank-view-{key}",
                    horizontal=True, label_visibility="collapsed")
    if view == "all":
        st.caption(f"Tất cả {fmt_count(with_figure)} địa phương có số liệu.")
        return df
    st.caption(f"{RANK_VIEW_LABELS['ends']} trong {fmt_count(with_figure)} địa phương có số liệu.")
    return ends(df, rate_col)
