"""Drill-downs that can be undone. A drill (clicking a bar, choosing in the box beside it) is a
page-level query parameter (?service=E06-02): each drill is a new entry in the browser's
history, so Back returns to the view before it, and a visible "Bỏ chọn" clears it. The link is
the truth: a run whose URL lost the parameter (Back, a link without it) shows no drill."""
from __future__ import annotations

import streamlit as st

from dashboard.plain import plain
from etl.definitions import CLEAR_LABEL


def _clear(key: str) -> None:
    st.session_state[key] = None


def choice(param: str, key: str, options: list, label: str, format_func=str,
           placeholder: str = "— Chọn —"):
    """A selectbox bound to ?param=value with a "Bỏ chọn" button beside it while a value is
    chosen. Opening a link with the parameter selects it; going Back to a URL without it clears
    it; choosing (or clearing) rewrites the URL, which the browser keeps as a history entry.
    Values not among the options are ignored with a notice."""
    ss = st.session_state
    applied_key = f"_drill_{param}"
    url_val = st.query_params.get(param)
    if url_val != ss.get(applied_key):
        if url_val is None or url_val in options:
            ss[key] = url_val
        else:
            st.info(f"Không có lựa chọn “{plain(url_val)}” cho {label.lower()}; đã bỏ qua.", icon="ℹ️")
            ss[key] = None
    if ss.get(key) not in options:
        ss[key] = None
    value = st.selectbox(label, options, format_func=format_func, key=key, placeholder=placeholder)
    # under the box, its words always readable (beside it, a narrow column kept only the icon)
    st.button(CLEAR_LABEL, key=f"{key}_clear", on_click=_clear, args=(key,), disabled=value is None,
              icon=":material/close:", width="content")
    if value is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value
    ss[applied_key] = value
    return value


def from_chart(chart_key: str, target_key: str):
    """A chart on_select callback: the clicked point's key (customdata[0]) becomes the value of
    the choice() `target_key`, so clicking a bar drills down."""

    def callback() -> None:
        event = st.session_state.get(f"chart-{chart_key}") or {}
        points = (event.get("selection") or {}).get("points") or []
        if points and points[0].get("customdata"):
            st.session_state[target_key] = points[0]["customdata"][0]

    return callback
