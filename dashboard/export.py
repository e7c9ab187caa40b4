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


def chart_png(fig, width: int = 1200, height: int | None = None, scale: float = 2) -> bytes:
    """A plotly figure as PNG bytes. kaleido finds /usr/bin/chromium itself; one browser is
    kept running for the process (the first image takes a few seconds, later ones ~0.3 s)."""
    import warnings

    import kaleido

    global _kaleido_started
    with _kaleido_lock:
        if not _kaleido_started:
            kaleido.start_sync_server(silence_warnings=True)
            _kaleido_started = True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "kopts ignored when using a server": expected
            return fig.to_image(format="png", width=width, height=height or fig.layout.height or 500, scale=scale)


def stop_png_server() -> None:
    global _kaleido_started
    import kaleido

    with _kaleido_lock:
        if _kaleido_started:
            kaleido.stop_sync_server(silence_warnings=True)
            _kaleido_started = False
