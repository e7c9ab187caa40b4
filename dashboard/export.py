"""Downloads: tables as .xlsx (the filters written above the table, formula-like text escaped)
and charts as PNG (kaleido, which drives Debian's chromium)."""
from __future__ import annotations

import datetime as dt
import io
import math
import re
import threading

import pandas as pd

# Text a spreadsheet could take for a formula (or DDE): OWASP "CSV injection" characters.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def escape_cell(value):
    """Text starting with = + - @ (or tab / carriage return) gets a leading apostrophe, so no
    spreadsheet reads it as a formula. Other values are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def sheet_name(title: str) -> str:
    """A valid worksheet name from a title: no [ ] : * ? / \\, at most 31 characters, not
    starting or ending with an apostrophe, not blank."""
    name = _SHEET_BAD.sub(" ", title)[:31].strip().strip("'").strip()
    return name or "Bang"


def _kind(series: pd.Series, name: str, kinds: dict | None) -> str:
    if kinds and name in kinds:
        return kinds[name]
    if pd.api.types.is_bool_dtype(series):
        return "text"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    if pd.api.types.is_integer_dtype(series):
        return "count"
    if pd.api.types.is_float_dtype(series):
        return "number"
    return "text"


def to_xlsx(df: pd.DataFrame, title: str, filters: list[tuple[str, str]] | None = None,
            kinds: dict[str, str] | None = None, note: str | None = None) -> bytes:
    """One sheet: the title, the filters applied ("label: value" per row), an optional note
    (the data's source), a blank row, then the table with a header row. kinds maps a column to
    'count' (#,##0), 'rate' (0.0 %, values 0–1), 'points' (percentage points as a plain number,
    0.0 — 6.3 is 6,3 điểm %, never 6,3 %), 'number', 'date', 'datetime' (dd/mm/yyyy hh:mm) or
    'text'; otherwise inferred."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "nan_inf_to_errors": False})
    ws = wb.add_worksheet(sheet_name(title))
    bold = wb.add_format({"bold": True})
    title_f = wb.add_format({"bold": True, "font_size": 14})
    header = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "top"})
    fmt = {
        "count": wb.add_format({"num_format": "#,##0"}),
        "rate": wb.add_format({"num_format": "0.0%"}),
        "points": wb.add_format({"num_format": "0.0"}),
        "number": wb.add_format({"num_format": "#,##0.##"}),
        "date": wb.add_format({"num_format": "dd/mm/yyyy"}),
        "datetime": wb.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
        "text": wb.add_format({"text_wrap": False}),
    }
    row = 0
    ws.write_string(row, 0, escape_cell(title), title_f)
    row += 1
    for label, value in filters or []:
        ws.write_string(row, 0, escape_cell(f"{label}:"), bold)
        ws.write_string(row, 1, escape_cell(str(value)))
        row += 1
    if note:
        ws.write_string(row, 0, escape_cell(note))
        row += 1
    row += 1
    cols = list(df.columns)
    col_kinds = [_kind(df[c], str(c), kinds) for c in cols]
    for j, c in enumerate(cols):
        ws.write_string(row, j, escape_cell(str(c)), header)
    for values in df.itertuples(index=False, name=None):
        row += 1
        for j, v in enumerate(values):
            k = col_kinds[j]
            if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
                ws.write_blank(row, j, None)
            elif k in ("date", "datetime") and isinstance(v, (dt.date, pd.Timestamp)):
                ws.write_datetime(row, j, pd.Timestamp(v).to_pydatetime(), fmt[k])
            elif isinstance(v, bool):
                ws.write_string(row, j, "Có" if v else "Không")
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.write_number(row, j, float(v), fmt.get(k, fmt["number"]))
            elif hasattr(v, "item") and not isinstance(v, str):  # numpy scalars
                ws.write_number(row, j, float(v.item()), fmt.get(k, fmt["number"]))
            else:
                ws.write_string(row, j, escape_cell(str(v)))
    for j, c in enumerate(cols):
        longest = max([len(str(c))] + [len(str(v)) for v in df[c].head(200).tolist()])
        ws.set_column(j, j, min(max(10, longest + 2), 60))
    wb.close()
    return buf.getvalue()


_kaleido_lock = threading.Lock()
_kaleido_started = False


def _to_image(fig, fmt: str, width: int, height: int, scale: float) -> bytes:
    """fig.to_image through the process's one kaleido browser (started on the first image)."""
    import warnings

    import kaleido

    global _kaleido_started
    with _kaleido_lock:
        if not _kaleido_started:
            kaleido.start_sync_server(silence_warnings=True)
            _kaleido_started = True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "kopts ignored when using a server": expected
            return fig.to_image(format=fmt, width=width, height=height, scale=scale)


def chart_png(fig, width: int = 1200, height: int | None = None, scale: float = 2) -> bytes:
    """A plotly figure as PNG bytes. kaleido finds /usr/bin/chromium itself; one browser is
    kept running for the process (the first image takes a few seconds, later ones ~0.3 s)."""
    return _to_image(fig, "png", width, height or fig.layout.height or 500, scale)


def stop_png_server() -> None:
    global _kaleido_started
    import kaleido

    with _kaleido_lock:
        if _kaleido_started:
            kaleido.stop_sync_server(silence_warnings=True)
            _kaleido_started = False


# --------------------------------------------------------------------------- images for the meeting

SAMPLE_MARK = "DỮ LIỆU MẪU"
_INK, _MUTED, _RED = "#1f2933", "#6b7785", "#c62828"


def _esc(text: str) -> str:
    """Text for a plotly label: its HTML-like tags taken as characters."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mark(fig, sample: bool) -> None:
    """The sample-data mark: across the image, faint, and never missed."""
    if sample:
        fig.add_annotation(text=SAMPLE_MARK, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                           textangle=-20, font={"size": 72, "color": "rgba(198,40,40,0.16)"})


def dressed(fig, title: str, period: str, source: str, sample: bool):
    """A copy of a chart as a slide takes it: the title with the period under it, the source at
    the foot, and the "DỮ LIỆU MẪU" mark (title line and across the plot) when the data is sample."""
    import plotly.graph_objects as go

    g = go.Figure(fig.to_dict())
    height = (fig.layout.height or 450) + 150
    sub = _esc(period) + (f'  <span style="color:{_RED}"><b>{SAMPLE_MARK}</b></span>' if sample else "")
    g.update_layout(title={"text": f"<b>{_esc(title)}</b><br><span style='font-size:14px;color:{_MUTED}'>{sub}</span>",
                           "x": 0.01, "xanchor": "left", "y": 1 - 18 / height, "yanchor": "top", "yref": "container",
                           "font": {"size": 18}},
                    height=height, margin={"t": 110, "b": 80, "l": 20, "r": 20},
                    paper_bgcolor="white")
    g.add_annotation(text=f"Nguồn: {_esc(source)}", xref="paper", yref="paper", x=0, y=0, yshift=-55,
                     xanchor="left", yanchor="top", showarrow=False, font={"size": 12, "color": _MUTED})
    _mark(g, sample)
    return g


def overview_figure(title: str, period: str, source: str, sample: bool, cards: list[dict], trend=None,
                    trend_title: str = "", table: tuple[str, pd.DataFrame] | None = None):
    """The overview on one landscape page for a slide: the KPI cards in a row (cards: label,
    value, delta, delta_description, status, notes — texts as the page shows them), the trend
    chart below left, a table (title, frame of texts) below right; the title, period, source and
    the sample mark as on a chart."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, column_widths=[0.56, 0.44], horizontal_spacing=0.05,
                        specs=[[{"type": "xy"}, {"type": "table"}]])
    if trend is not None:
        for tr in trend.data:
            fig.add_trace(tr, row=1, col=1)
        fig.update_xaxes(trend.layout.xaxis.to_plotly_json(), row=1, col=1)
        fig.update_yaxes(trend.layout.yaxis.to_plotly_json(), row=1, col=1)
        for shape in trend.layout.shapes or ():
            fig.add_shape(shape.to_plotly_json() | {"xref": "x domain", "yref": "y"})
    if table is not None:
        name, frame = table
        fig.add_trace(go.Table(
            header={"values": [f"<b>{_esc(c)}</b>" for c in frame.columns], "fill_color": "#DCE6F1", "align": "left",
                    "font": {"size": 13, "color": _INK}},
            cells={"values": [[_esc(v) for v in frame[c]] for c in frame.columns], "align": "left",
                   "font": {"size": 12, "color": _INK}, "height": 24, "fill_color": "white",
                   "line_color": "#d5dae1"}), row=1, col=2)
        fig.add_annotation(text=f"<b>{_esc(name)}</b>", xref="paper", yref="paper", x=0.56 + 0.05, y=0.70,
                           xanchor="left", yanchor="bottom", showarrow=False, font={"size": 14, "color": _INK})
    if trend_title:
        fig.add_annotation(text=f"<b>{_esc(trend_title)}</b>", xref="paper", yref="paper", x=0, y=0.70,
                           xanchor="left", yanchor="bottom", showarrow=False, font={"size": 14, "color": _INK})
    # The charts take the lower part; the cards the band above them.
    fig.update_layout(yaxis={"domain": [0, 0.64]})
    if table is not None:
        fig.data[-1].domain.y = [0, 0.68]
    n = max(len(cards), 1)
    gap = 0.012
    w = (1 - gap * (n - 1)) / n
    colours = {"green": "#2e7d32", "amber": "#d98c00", "red": _RED, "none": "#9aa5b1"}
    for i, c in enumerate(cards):
        x0 = i * (w + gap)
        fig.add_shape(type="rect", xref="paper", yref="paper", x0=x0, x1=x0 + w, y0=0.77, y1=1.0,
                      line={"color": "#d5dae1", "width": 1}, fillcolor="white", layer="below")
        fig.add_shape(type="rect", xref="paper", yref="paper", x0=x0, x1=x0 + 0.004, y0=0.77, y1=1.0,
                      line={"width": 0}, fillcolor=colours.get(c.get("status"), colours["none"]))
        fig.add_annotation(text=f"<b>{_esc(c['value'])}</b>", xref="paper", yref="paper", x=x0 + 0.01, y=0.955,
                           xanchor="left", yanchor="top", showarrow=False, font={"size": 30, "color": _INK})
        lines = [f"<span style='font-size:14px;color:{_MUTED}'>{_esc(c['label'])}</span>"]
        fig.add_annotation(text=lines[0], xref="paper", yref="paper", x=x0 + 0.01, y=0.99,
                           xanchor="left", yanchor="top", showarrow=False)
        lines = []
        if c.get("delta"):
            lines.append(f"<span style='font-size:13px'>{_esc(c['delta'])} {_esc(c.get('delta_description') or '')}</span>")
        for note in c.get("notes", []):
            lines.append(f"<span style='font-size:12px;color:{_MUTED}'>{_esc(note)}</span>")
        fig.add_annotation(text="<br>".join(lines), xref="paper", yref="paper", x=x0 + 0.01, y=0.885,
                           xanchor="left", yanchor="top", align="left", showarrow=False, font={"color": _INK})
    sub = _esc(period) + (f'  <span style="color:{_RED}"><b>{SAMPLE_MARK}</b></span>' if sample else "")
    fig.update_layout(
        title={"text": f"<b>{_esc(title)}</b><br><span style='font-size:15px;color:{_MUTED}'>{sub}</span>",
               "x": 0.01, "xanchor": "left", "y": 0.98, "yanchor": "top", "yref": "container"},
        width=1600, height=1000, margin={"t": 110, "b": 70, "l": 30, "r": 30}, paper_bgcolor="white",
        plot_bgcolor="white", separators=",.", showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 0.655, "yanchor": "bottom", "xanchor": "left"},
        font={"family": "'Source Sans', 'Segoe UI', Roboto, Arial, sans-serif", "size": 13, "color": _INK})
    fig.add_annotation(text=f"Nguồn: {_esc(source)}", xref="paper", yref="paper", x=0, y=0, yshift=-40,
                       xanchor="left", yanchor="top", showarrow=False, font={"size": 12, "color": _MUTED})
    _mark(fig, sample)
    return fig


def figure_bytes(fig, fmt: str = "png", width: int = 1600, height: int = 1000) -> bytes:
    """A figure as PNG or PDF bytes (kaleido, the process's one browser: see chart_png)."""
    return _to_image(fig, fmt, width, height, 2 if fmt == "png" else 1)
