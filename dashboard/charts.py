"""Plotly figures in the dashboard's calm style, Vietnamese number formats (3.421.346, 33,9 %)
and month labels. Presentation only: every figure is built from a query result."""
from __future__ import annotations

import datetime as dt
import functools
import math
import re

import pandas as pd
import plotly.graph_objects as go

from etl.definitions import REPORTING_STATUS_LABELS, month_short

FONT = "'Source Sans', 'Source Sans Pro', 'Segoe UI', Roboto, Arial, sans-serif"
INK = "#1f2933"
MUTED = "#6b7785"
GRID = "#e6e9ee"
BLUE = "#1f5f8b"
TEAL = "#2a9d8f"
SAND = "#c9a227"
PLUM = "#7b5ea7"
SLATE = "#8895a7"
GREEN = "#2e7d32"
AMBER = "#d98c00"
RED = "#c62828"
GREY = "#9aa5b1"
SERIES = [BLUE, TEAL, SAND, PLUM, "#d1495b", "#577590", "#8c564b", "#f3722c", SLATE]
STATUS_COLOURS = {"done": GREEN, "in_progress": AMBER, "not_started": RED, "no_report": GREY}
MONTH_TICKS = "T%-m<br>%Y"
MONTH_HOVER = "Tháng %{x|%-m/%Y}"


def short(text: str, n: int = 42) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def wrap(text: str, width: int = 16, lines: int = 3) -> str:
    """Break a label into lines of about `width` characters (plotly <br>)."""
    words, out, cur = str(text).split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    out.append(cur)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1] + "…"
    return "<br>".join(out)


def _layout(fig: go.Figure, title: str | None, height: int, **kw) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 17, "color": INK}} if title else None,
        font={"family": FONT, "size": 14, "color": INK},
        separators=",.",
        height=height,
        margin={"l": 10, "r": 20, "t": 50 if title else 15, "b": 10},
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel={"font": {"family": FONT, "size": 14}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0, "title": None},
        **kw,
    )
    fig.update_xaxes(gridcolor=GRID, zerolinecolor=GRID, automargin=True)
    fig.update_yaxes(gridcolor=GRID, zerolinecolor=GRID, automargin=True)
    return fig


def _month_axis(fig: go.Figure, months: int) -> None:
    """Months on the x axis. A few months: a tick each. More: plotly picks the step (1, 2, 3 or
    6 months) from the chart's width, so the labels of a year in a half-width chart do not run
    into each other."""
    fig.update_xaxes(type="date", tickformat=MONTH_TICKS, dtick="M1" if months <= 4 else None,
                     nticks=None if months <= 4 else 8, tickangle=0)


def _fitted(builder):
    """A figure builder whose figure leaves with its margins reserved (reserve_margins, below)."""

    @functools.wraps(builder)
    def build(*args, **kwargs) -> go.Figure:
        return reserve_margins(builder(*args, **kwargs))

    return build


def _pct(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce") * 100


@_fitted
def rate_trend(df: pd.DataFrame, series: list[tuple[str, str]], title: str | None = None,
               target: float | None = None, target_label: str = "Chỉ tiêu", height: int = 360,
               dashed: tuple[str, ...] = ()) -> go.Figure:
    """Monthly rate lines (0–1 values shown as %). series: (column, label); columns in `dashed`
    are drawn thin, grey and dashed (a comparison: the same month last year)."""
    fig = go.Figure()
    for i, (col, label) in enumerate(series):
        fig.add_trace(go.Scatter(
            x=df["period"], y=_pct(df[col]), name=label, mode="lines+markers",
            line={"color": SLATE, "width": 2, "dash": "dash"} if col in dashed else
            {"color": SERIES[i % len(SERIES)], "width": 3}, marker={"size": 5 if col in dashed else 7},
            hovertemplate=f"{label}<br>{MONTH_HOVER}: %{{y:.1f}} %<extra></extra>", connectgaps=False,
        ))
    if target is not None:
        fig.add_hline(y=target * 100, line={"color": MUTED, "dash": "dash", "width": 1.5},
                      annotation_text=f"{target_label} {target * 100:.0f} %".replace(".", ","),
                      annotation_position="top left", annotation_font={"color": MUTED})
    _layout(fig, title, height, showlegend=len(series) > 1)
    _month_axis(fig, df["period"].nunique() if len(df) else 0)
    fig.update_yaxes(ticksuffix=" %", rangemode="tozero")
    return fig


@_fitted
def rate_trend_groups(overall: pd.DataFrame, by_group: pd.DataFrame, group_col: str, labels: dict,
                      overall_label: str, rate_col: str = "online_rate", target: float | None = None,
                      height: int = 360) -> go.Figure:
    """The overall monthly rate and one line per group (long data: period, group, rate)."""
    wide = by_group.pivot_table(index="period", columns=group_col, values=rate_col, aggfunc="first").reset_index()
    wide = overall[["period", rate_col]].merge(wide, on="period", how="outer").sort_values("period")
    series = [(rate_col, overall_label)] + [(g, labels.get(g, g)) for g in by_group[group_col].unique()]
    fig = rate_trend.__wrapped__(wide, series, target=target, height=height)
    fig.update_traces(selector={"name": overall_label}, line={"color": INK, "width": 4})
    for tr in fig.data:
        if tr.name != overall_label:
            tr.line.width = 2
            tr.marker.size = 5
    if len(series) > 3:
        # Many lines: the legend in two even columns, not one line per entry in a narrow column.
        fig.update_layout(legend={"entrywidth": 0.5, "entrywidthmode": "fraction"})
    return fig


@_fitted
def count_trend(df: pd.DataFrame, series: list[tuple[str, str]], title: str | None = None,
                height: int = 360, dashed: tuple[str, ...] = ()) -> go.Figure:
    """Monthly count lines (3.421.346). series: (column, label); columns in `dashed` are drawn
    dashed (targets)."""
    fig = go.Figure()
    for i, (col, label) in enumerate(series):
        fig.add_trace(go.Scatter(
            x=df["period"], y=df[col], name=label, mode="lines" if col in dashed else "lines+markers",
            line={"color": MUTED if col in dashed else SERIES[i % len(SERIES)], "width": 2 if col in dashed else 3,
                  "dash": "dash" if col in dashed else "solid"},
            marker={"size": 6},
            hovertemplate=f"{label}<br>{MONTH_HOVER}: %{{y:,.0f}}<extra></extra>",
        ))
    _layout(fig, title, height)
    _month_axis(fig, df["period"].nunique() if len(df) else 0)
    fig.update_yaxes(tickformat=",.0f", rangemode="tozero")
    return fig


@_fitted
def rate_bars(df: pd.DataFrame, label_col: str, rate_col: str, key_col: str, title: str | None = None,
              target_col: str | None = None, target: float | None = None, hover_col: str | None = None,
              count_col: str | None = None, label_len: int = 42, highlight: str | None = None,
              amber_band: float = 0.10) -> go.Figure:
    """Horizontal bars of a rate, highest on top, coloured against the target (green reached,
    amber within `amber_band`, red below, blue without a target). key_col goes into customdata
    (for click-to-drill-down)."""
    d = df[df[rate_col].notna()].sort_values(rate_col, ascending=True)
    tgt = d[target_col] if target_col else pd.Series(target, index=d.index)
    colours = []
    for r, t in zip(d[rate_col], tgt):
        if t is None or pd.isna(t):
            colours.append(BLUE)
        elif r >= t:
            colours.append(GREEN)
        elif r >= t - amber_band:
            colours.append(AMBER)
        else:
            colours.append(RED)
    labels = [short(v, label_len) for v in d[label_col]]
    full = d[hover_col] if hover_col else d[label_col]
    counts = d[count_col] if count_col else pd.Series([None] * len(d), index=d.index)
    custom = list(zip(d[key_col], full, counts))
    line_w = [3 if highlight is not None and k == highlight else 0 for k in d[key_col]]
    fig = go.Figure(go.Bar(
        x=_pct(d[rate_col]), y=labels, orientation="h", marker={"color": colours, "line": {"color": INK, "width": line_w}},
        customdata=custom, text=_pct(d[rate_col]), texttemplate="%{text:.1f} %", textposition="auto",
        insidetextanchor="end", insidetextfont={"color": "white"}, outsidetextfont={"color": INK}, cliponaxis=False,
        hovertemplate="%{customdata[1]}<br>Tỷ lệ: %{x:.1f} %" + ("<br>Hồ sơ: %{customdata[2]:,.0f}" if count_col else "")
                      + "<extra></extra>",
    ))
    t_line = target if target is not None else (float(tgt.dropna().iloc[0]) if target_col and tgt.notna().any() and tgt.nunique() == 1 else None)
    if t_line is not None:
        fig.add_vline(x=t_line * 100, line={"color": MUTED, "dash": "dash", "width": 1.5})
    height = max(260, 30 * len(d) + 90)
    _layout(fig, title, height, showlegend=False, bargap=0.25)
    x_max = max(105, float(_pct(d[rate_col]).max() or 0) * 1.04)
    if t_line is not None:
        # The target's label sits above the plot area, where no bar can hide it; near the right
        # edge it ends at the line instead of being centred on it (and cut off).
        near_end = t_line * 100 > 0.8 * x_max
        fig.add_annotation(x=t_line * 100, xref="x", y=1, yref="paper", yanchor="bottom", showarrow=False,
                           xanchor="right" if near_end else "center",
                           text=f"Chỉ tiêu {t_line * 100:.0f} %".replace(".", ","), font={"color": MUTED})
        fig.update_layout(margin={"t": max(fig.layout.margin.t or 0, 30)})
    fig.update_xaxes(ticksuffix=" %", range=[0, x_max])
    fig.update_yaxes(tickfont={"size": 13})
    return fig


@_fitted
def heatmap(df: pd.DataFrame, row_col: str, col_col: str, value_col: str, title: str | None = None,
            row_order: list[str] | None = None, col_order: list[str] | None = None) -> go.Figure:
    """A rows × columns heat map of a ratio (0–1, shown as %), values written in the cells."""
    pivot = df.pivot_table(index=row_col, columns=col_col, values=value_col, aggfunc="first", sort=False)
    if row_order:
        pivot = pivot.reindex([r for r in row_order if r in pivot.index])
    if col_order:
        pivot = pivot.reindex(columns=[c for c in col_order if c in pivot.columns])
    z = pivot.to_numpy(dtype=float) * 100
    fig = go.Figure(go.Heatmap(
        z=z, x=[wrap(c, 16) for c in pivot.columns], y=list(pivot.index), zmin=0, zmax=100,
        colorscale=[[0, "#f7d4cf"], [0.5, "#f6e7b8"], [0.8, "#cfe8d4"], [1, "#2e7d32"]],
        texttemplate="%{z:.0f}", textfont={"size": 12}, xgap=2, ygap=2,
        colorbar={"title": {"text": "%"}, "ticksuffix": " %", "thickness": 12},
        hovertemplate="%{y}<br>%{x}: %{z:.1f} %<extra></extra>",
    ))
    _layout(fig, title, max(320, 26 * len(pivot.index) + 160))
    fig.update_yaxes(autorange="reversed", tickfont={"size": 13})
    fig.update_xaxes(side="top", tickangle=0, tickfont={"size": 12})
    fig.update_layout(margin={"t": 90 if not title else 120})
    return fig


@_fitted
def status_bars(df: pd.DataFrame, label_col: str, columns: list[tuple[str, str]], title: str | None = None,
                label_len: int = 38) -> go.Figure:
    """Horizontal stacked bars of task counts by status. columns: (column, label)."""
    d = df.iloc[::-1]
    fig = go.Figure()
    for col, label in columns:
        fig.add_trace(go.Bar(
            x=d[col], y=[short(v, label_len) for v in d[label_col]], name=label, orientation="h",
            marker={"color": STATUS_COLOURS.get(col, GREY)}, customdata=d[label_col],
            hovertemplate="%{customdata}<br>" + label + ": %{x:,.0f}<extra></extra>",
        ))
    _layout(fig, title, max(280, 26 * len(d) + 110), barmode="stack", bargap=0.3)
    fig.update_layout(legend={"traceorder": "normal"})
    fig.update_xaxes(tickformat=",.0f", dtick=1 if d[[c for c, _ in columns]].sum(axis=1).max() <= 12 else None)
    return fig


@_fitted
def comparison_bars(labels: list[str], district: list[float | None], province: list[float | None],
                    district_name: str, province_name: str, title: str | None = None) -> go.Figure:
    """Grouped horizontal bars of rates (0–1): a district against the province."""
    fig = go.Figure()
    for vals, name, colour in ((province, province_name, SLATE), (district, district_name, BLUE)):
        fig.add_trace(go.Bar(
            y=labels, x=[None if v is None else v * 100 for v in vals], name=name, orientation="h",
            marker={"color": colour}, text=[None if v is None else v * 100 for v in vals],
            texttemplate="%{text:.1f} %", textposition="outside", cliponaxis=False,
            hovertemplate=name + "<br>%{y}: %{x:.1f} %<extra></extra>",
        ))
    _layout(fig, title, max(260, 60 * len(labels) + 90), barmode="group", bargap=0.3)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(ticksuffix=" %", range=[0, 130])
    return fig


REPORTING_COLOURS = [[0, GREEN], [0.25, GREEN], [0.25, "#f9a825"], [0.5, "#f9a825"], [0.5, RED], [0.75, RED],
                     [0.75, GREY], [1, GREY]]
_REPORTING_CODE = {"on_time": 0, "late": 1, "missing": 2, "not_due": 3}


@_fitted
def reporting_matrix(df: pd.DataFrame, months: list) -> go.Figure:
    """The unit × month matrix of reporting.matrix (units in its order, the given months as
    columns): green on time, amber late, red missing, grey not yet due; ● where a report was
    replaced."""
    names = list(dict.fromkeys(df["unit_name"]))
    grid = df.pivot(index="unit_name", columns="period", values="status").reindex(index=names, columns=months)
    replaced = (df.pivot(index="unit_name", columns="period", values="replaced").reindex(index=names, columns=months)
                .fillna(False))
    fig = go.Figure(go.Heatmap(
        z=grid.apply(lambda col: col.map(_REPORTING_CODE)).values, x=[f"{p.month}/{p.year}" for p in months], y=names,
        zmin=0, zmax=3, colorscale=REPORTING_COLOURS, showscale=False,
        text=[["●" if r else "" for r in row] for row in replaced.values], texttemplate="%{text}",
        textfont=dict(color="white", size=12), customdata=grid.apply(lambda col: col.map(REPORTING_STATUS_LABELS)).values,
        hovertemplate="%{y}<br>Tháng %{x}: %{customdata}<extra></extra>", xgap=2, ygap=2))
    fig.update_layout(height=max(300, 22 * len(names) + 80), margin=dict(l=10, r=10, t=10, b=10),
                      yaxis=dict(autorange="reversed", tickfont=dict(size=12)), xaxis=dict(side="top", type="category"))
    return fig


@_fitted
def reporting_rates(df: pd.DataFrame) -> go.Figure:
    """reporting.rates_by_month as two lines (reporting rate, on-time rate), short month ticks
    ("T9/2023": no slanted ticks), at most twelve of them, level; the legend above the plot."""
    fig = go.Figure()
    x = [month_short(p) for p in df["period"]]
    fig.add_scatter(x=x, y=df["reporting_rate"] * 100, name="Tỷ lệ báo cáo", mode="lines+markers")
    fig.add_scatter(x=x, y=df["on_time_rate"] * 100, name="Tỷ lệ đúng hạn", mode="lines+markers")
    fig.update_traces(hovertemplate="%{x}: %{y:.1f} %<extra>%{fullData.name}</extra>")
    fig.update_layout(yaxis=dict(title=None, range=[0, 105], ticksuffix=" %"), height=340, font=dict(size=14),
                      xaxis=dict(type="category", tickangle=0, tickvals=x[::-(-len(x) // 12)]),
                      margin=dict(l=10, r=10, t=40, b=10), separators=",.",
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0))
    return fig


@_fitted
def unit_map(df: pd.DataFrame, value_col: str, size_col: str, value_label: str, size_label: str,
             key_col: str = "unit_code", name_col: str = "unit_name", target: float | None = None,
             highlight: str | None = None, height: int = 520) -> go.Figure:
    """The units as points at their centre coordinates (columns lat, lon), coloured by a rate
    (0–1: red → amber → green against a target, light → dark without one; white with a grey
    ring without a figure), sized by a volume (area ∝ count), on a
    plain background: a Scatter on longitude/latitude axes drawn to scale (a degree of latitude
    is 1/cos(latitude) times a degree of longitude), so nothing is fetched from a tile server.
    key_col goes into customdata[0] (a click opens the unit)."""

    from etl.definitions import MAP_COLOURS, MAP_COLOURS_PLAIN, MAP_SIZE_RANGE, fmt_count, fmt_rate

    d = df[df["lat"].notna() & df["lon"].notna()].copy()
    fig = go.Figure()
    if len(d):
        vol = pd.to_numeric(d[size_col], errors="coerce").fillna(0).clip(lower=0)
        small, large = MAP_SIZE_RANGE
        top = float(vol.max()) or 1.0
        d["_size"] = [small + (large - small) * math.sqrt(v / top) for v in vol]
        d["_rate"] = pd.to_numeric(d[value_col], errors="coerce")
        # small points drawn last (on top), so a large one never hides them
        d = d.sort_values("_size", ascending=False)
        d["_volume"] = [fmt_count(v) for v in vol.loc[d.index]]
        d["_text"] = [fmt_rate(v) for v in d["_rate"]]
        hover = ("<b>%{customdata[1]}</b><br>" + value_label + ": %{customdata[2]}<br>" + size_label
                 + ": %{customdata[3]}<extra></extra>")
        pct = d["_rate"].dropna() * 100
        if target is None:
            # no target: light to dark over the rates shown
            lo, hi = (float(pct.min()), float(pct.max())) if len(pct) else (0.0, 100.0)
            hi = hi if hi > lo else lo + 1
        else:
            lo = max(0.0, min(float(pct.min()), target * 100 - 30)) if len(pct) else 0.0
            hi = max(target * 100, float(pct.max())) if len(pct) else 100.0

        def points(rows: pd.DataFrame) -> dict:
            return {"x": rows["lon"], "y": rows["lat"], "mode": "markers", "hovertemplate": hover,
                    "customdata": list(zip(rows[key_col], rows[name_col], rows["_text"], rows["_volume"]))}

        def outline(rows: pd.DataFrame, colour: str, width: float) -> dict:
            chosen = [highlight is not None and k == highlight for k in rows[key_col]]
            return {"color": [INK if c else colour for c in chosen], "width": [3 if c else width for c in chosen]}

        known, unknown = d[d["_rate"].notna()], d[d["_rate"].isna()]
        if len(known):
            fig.add_trace(go.Scatter(
                **points(known), name=value_label, showlegend=False,
                marker={"size": known["_size"], "color": known["_rate"] * 100, "colorscale": MAP_COLOURS if target is not None else MAP_COLOURS_PLAIN,
                        "cmin": lo, "cmax": hi, "opacity": 0.9, "line": outline(known, "white", 0.6),
                        "colorbar": {"title": {"text": "%"}, "ticksuffix": " %", "thickness": 12, "len": 0.8}},
            ))
        if len(unknown):
            # units without the figure: grey rings
            fig.add_trace(go.Scatter(
                **points(unknown), name="Chưa có số liệu", showlegend=True,
                marker={"size": unknown["_size"], "color": "white", "line": outline(unknown, GREY, 2)},
            ))
        for r in d[d[key_col] == highlight].itertuples():
            # the unit the page is about, named beside its point
            fig.add_annotation(x=r.lon, y=r.lat, text=f"<b>{getattr(r, name_col)}</b>", showarrow=True, arrowhead=0,
                               ax=30, ay=-30, bgcolor="rgba(255,255,255,0.85)", font={"color": INK, "size": 13})
    _layout(fig, None, height, showlegend=bool(len(d)) and bool(d["_rate"].isna().any()), dragmode="pan")
    mid = float(d["lat"].mean()) if len(d) else 0.0
    pad_x = max(0.05, (float(d["lon"].max() - d["lon"].min()) if len(d) else 1) * 0.04)
    pad_y = max(0.05, (float(d["lat"].max() - d["lat"].min()) if len(d) else 1) * 0.04)
    fig.update_xaxes(visible=False, range=[float(d["lon"].min()) - pad_x, float(d["lon"].max()) + pad_x] if len(d) else None)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / math.cos(math.radians(mid)),
                     range=[float(d["lat"].min()) - pad_y, float(d["lat"].max()) + pad_y] if len(d) else None)
    fig.update_layout(plot_bgcolor="#f4f6f8", margin={"l": 5, "r": 5, "t": 30, "b": 5}, clickmode="event+select")
    return fig


# ----------------------------------------------------------------------------- margins
# Plotly's automargin draws a chart, measures its tick labels, legend and colour bar, and when
# they need more room than the margins give, draws the whole chart a second time: with the
# margins this module starts from (10 px) that was every chart, half of the browser's drawing
# time on a page. Each figure is given, before it leaves the server, margins estimated from
# what it will show (label lengths, lines, legend entries); automargin stays on, so an
# estimate that falls short costs the second drawing, never a cut label.
# Widths of Source Sans's characters in em, rounded up a little (Vietnamese marks do not widen a letter).
_EM = {" ": 0.25, "%": 0.85, "…": 0.9}


def _char_em(c: str) -> float:
    if c in _EM:
        return _EM[c]
    if c.isdigit():
        return 0.53
    if c.isupper():
        return 0.64
    if c.isalpha():
        return 0.51
    return 0.4


_LINE_EM = 1.35  # a line of text, in em
_TICK_PAD = 18  # tick mark and its gap to the label, px
_ASSUMED_WIDTH = 440  # px: a chart in one of two columns on a wide screen (a legend wraps at its plot area)


def _text_px(text: str, size: float) -> float:
    """The width of a label's longest line (plotly <br> breaks lines; tags left out)."""
    lines = re.sub(r"<(?!br)[^>]*>", "", str(text)).split("<br>")
    return max(sum(_char_em(c) for c in line) for line in lines) * size * 1.04


def _lines(text: str) -> int:
    return str(text).count("<br>") + 1


def _axis_labels(fig: go.Figure, letter: str) -> list[str]:
    """The tick labels an axis will show, as well as the figure can tell: its categories (the
    traces' values on that axis when they are texts), else its largest number written with its
    format and suffix."""
    ax = fig.layout[f"{letter}axis"]
    if ax.tickvals is not None and ax.ticktext is not None:
        return [str(t) for t in ax.ticktext]
    values = []
    for tr in fig.data:
        v = getattr(tr, letter, None)
        if v is not None:
            values.extend(list(v))
    texts = [str(v) for v in values if isinstance(v, str)]
    if ax.type == "date" or (ax.tickformat or "").startswith("T"):
        return [dt.date(2000, 10, 1).strftime((ax.tickformat or MONTH_TICKS).replace("%-m", "%m"))]
    if texts:
        shown = set(map(str, ax.tickvals)) if ax.tickvals is not None else None
        return [t for t in texts if shown is None or t in shown]
    numbers = [abs(float(v)) for v in values if isinstance(v, (int, float)) and v == v]
    if ax.range is not None:
        numbers += [abs(float(r)) for r in ax.range if r is not None]
    top = max(numbers, default=100.0)
    # the top tick can round up past the largest value (92 -> 100, 3.421.346 -> 4.000.000)
    step = 10 ** math.floor(math.log10(top)) if top >= 1 else 1
    top = math.ceil(top / step) * step
    digits = f"{top:,.0f}" if ax.tickformat == ",.0f" else f"{top:.0f}"
    return [digits + (ax.ticksuffix or "")]


def reserve_margins(fig: go.Figure) -> go.Figure:
    """Margins wide enough for the figure's tick labels, legend and colour bar (see above);
    never narrower than the builder's."""
    lay = fig.layout
    base = (lay.font.size or 12)
    m = {k: getattr(lay.margin, k) or 0 for k in ("l", "r", "t", "b")}
    need = dict(m)
    x, y = lay.xaxis, lay.yaxis
    if y.visible is not False:
        size = y.tickfont.size or base
        labels = _axis_labels(fig, "y")
        need["l"] = max(need["l"], max((_text_px(t, size) for t in labels), default=0) + _TICK_PAD)
        need["t"] = max(need["t"], 0.7 * size + 10)  # the top label stands out half a line above the plot
    if x.visible is not False:
        size = x.tickfont.size or base
        labels = _axis_labels(fig, "x")
        height = max((_lines(t) for t in labels), default=1) * _LINE_EM * size + _TICK_PAD
        if x.side == "top":  # above the plot, under the title if there is one
            need["t"] = max(need["t"], height + (50 if lay.title.text else 10))
        else:
            need["b"] = max(need["b"], height)
        # the first and last labels stand out half their width beyond the plot area
        half = max((_text_px(t, size) for t in labels), default=0) / 2 + 6
        need["r"] = max(need["r"], half)
        need["l"] = max(need["l"], half)
    # a legend above the plot: its rows of entries (symbol and gap ≈ 40 px, then the name)
    shown = [tr for tr in fig.data if tr.showlegend is not False and tr.name]
    if lay.showlegend is not False and (len(shown) > 1 or lay.showlegend) and (lay.legend.y or 0) >= 1:
        size = base
        fraction = lay.legend.entrywidth if lay.legend.entrywidthmode == "fraction" else None
        room = max(120.0, _ASSUMED_WIDTH - need["l"] - need["r"])
        rows, used = 1, 0.0
        for tr in shown:
            w = (fraction * room) if fraction else 40 + _text_px(tr.name, size)
            if used and used + w > room:
                rows, used = rows + 1, 0.0
            used += w
        need["t"] = max(need["t"], m["t"] + rows * (_LINE_EM * size + 10) + 8)
    # a colour bar right of the plot: a heat map's (unless told not to), a marker scale's
    for tr in fig.data:
        if tr.type == "heatmap" and tr.showscale is not False:
            bar = tr.colorbar
        elif tr.type == "scatter" and tr.marker.showscale is not False and tr.marker.colorbar.to_plotly_json():
            bar = tr.marker.colorbar
        else:
            continue
        ticks = max(_text_px(f"100{bar.ticksuffix or ''}", base), _text_px(bar.title.text or "", base))
        need["r"] = max(need["r"], 10 + (bar.thickness or 30) + 6 + ticks + 28)
    if need != m:
        fig.update_layout(margin={k: int(round(v)) for k, v in need.items()})
    return fig

