"""Units side by side on the dashboard pages: when two or more districts are chosen and not added
up (Filters.compares), the pages draw a line per unit and a table with a row per unit, from the
long results of dashboard.queries.compare (one row per unit and month). Presentation only."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.plain import plain
from etl.definitions import COMBINED_WORD, COMPARE_MODE_LABELS


def wide(long: pd.DataFrame, value_col: str) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """A long frame (period, unit_code, unit_name, value) as one column per unit, and the
    (column, label) series of the charts, units in the frame's order."""
    order = list(dict.fromkeys(zip(long["unit_code"], long["unit_name"])))
    table = (long.pivot_table(index="period", columns="unit_code", values=value_col, aggfunc="first", dropna=False)
             .reset_index() if len(long) else pd.DataFrame({"period": []}))
    table.columns = [str(c) for c in table.columns]
    for code, _ in order:
        if code not in table.columns:
            table[code] = float("nan")
    return table.sort_values("period").reset_index(drop=True), [(code, name) for code, name in order]


def rate_lines(long: pd.DataFrame, rate_col: str, key: str, title: str, target: float | None = None,
               height: int = 360) -> None:
    """A line per unit of a monthly rate."""
    data, series = wide(long, rate_col)
    if not len(data) or long[rate_col].isna().all():
        ui.empty()
        return
    ui.chart(ui.figure("rate_trend", data, series, target=target, height=height), key, title)


def count_lines(long: pd.DataFrame, count_col: str, key: str, title: str, height: int = 340) -> None:
    """A line per unit of a monthly count."""
    data, series = wide(long, count_col)
    if not len(data) or long[count_col].isna().all():
        ui.empty()
        return
    ui.chart(ui.figure("count_trend", data, series, height=height), key, title)


def notice(ctx, what: str) -> None:
    """The line that says the page compares the chosen units, and what is still added up."""
    n = len(ctx.filters.units)
    st.info(f"**{COMPARE_MODE_LABELS[False]}** ({n} địa phương): mỗi địa phương một dòng trong bảng và một đường "
            f"trên biểu đồ xu hướng. {plain(what)} Chọn “{COMPARE_MODE_LABELS[True]}” ở thanh bên để cộng các "
            "địa phương đã chọn thành một.", icon="↔️")


def combined_note(ctx) -> None:
    """The line that says the figures add up the chosen units (the explicit choice)."""
    f = ctx.filters
    if f.combine and len(f.units) > 1:
        names = ", ".join(ctx.unit_name(u) for u in f.units)
        st.caption(f"Số liệu {COMBINED_WORD} {len(f.units)} địa phương: {plain(names)}.")


def pooled_here(ctx, elsewhere: str) -> None:
    """On a page that shows one set of figures (the overview's cards): with two or more units
    chosen, say that they are added up here, and where they are compared."""
    f = ctx.filters
    if len(f.units) > 1:
        names = ", ".join(ctx.unit_name(u) for u in f.units)
        st.caption(f"Số liệu trên trang này {COMBINED_WORD} {len(f.units)} địa phương đã chọn ({plain(names)})."
                   + ("" if f.combine else f" So sánh từng địa phương: {elsewhere}."))
