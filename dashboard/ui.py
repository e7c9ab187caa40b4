"""Shared Streamlit building blocks: the page context (filters), cached query calls, the source
banner, KPI cards, tables with .xlsx download and charts with PNG download. Presentation only:
figures come from the functions of dashboard.queries, names, formats and thresholds from
etl.definitions."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import auth, export
from dashboard.filters import Filters, describe
from dashboard.plain import plain
from dashboard.state import warehouse
from etl.definitions import (KPI_STATUS_LABELS, NO_FIGURE, NOT_REPORTED, REPORTING_STATUS_LABELS, POINTS_UNIT, SERVICE_GROUP_LABELS, SOURCE_NAMES,
                             TASK_STATUS_WORDS, clean, date_text, datetime_text, fmt_count, fmt_coverage, fmt_year_ago, fmt_points_number, fmt_rate, period_label)

CTX_KEY = "da06_ctx"
SHOWN_KEY = "da06_shown"  # what this run of a page shows: its cards and charts, for its images


def _shown() -> dict:
    return st.session_state.setdefault(SHOWN_KEY, {"cards": [], "charts": [], "source": "", "sample": False})
# Rows taller than 4rem let st.dataframe wrap long texts: three lines of a task or service name
# (longer texts are shortened with "…" on screen, kept whole in the .xlsx).
WRAP_ROW_HEIGHT = 70
WRAP_LINES = 3

# A KPI card's colour by status (the words: etl.definitions.KPI_STATUS_LABELS).
KPI_COLOURS = {"green": "green", "amber": "orange", "red": "red", "none": "gray"}

# The app's styles (layout, KPI cards that hold, phone, print): dashboard/static/app.css.
CSS = "<style>\n" + (Path(__file__).resolve().parent / "static" / "app.css").read_text(encoding="utf-8") + "</style>"


@dataclass
class Ctx:
    """What app.py hands a dashboard page: the sidebar's filters and what they offer."""
    filters: Filters
    options: dict

    @property
    def periods(self) -> list[dt.date]:
        return self.options["periods"]

    def trend_first(self) -> dt.date:
        return self.filters.trend_first(self.periods)

    def describe(self) -> list[tuple[str, str]]:
        return describe(self.filters, self.options)

    def unit_name(self, code: str) -> str:
        return dict(self.options["units"]).get(code, code)


def context() -> Ctx:
    ctx = st.session_state.get(CTX_KEY)
    if ctx is None:
        st.error("Hãy mở bảng điều khiển qua app.py (streamlit run app.py).")
        st.stop()
    return ctx


# --------------------------------------------------------------------------- cached queries

@st.cache_data(show_spinner=False, max_entries=2000, ttl=3600)
def _cached(query: str, version: str, args: tuple, kwargs: tuple, _fn, _wh):
    return _fn(_wh, *args, **dict(kwargs))


def cached(fn, *args, **kwargs):
    """fn(wh, *args, **kwargs) — a function of dashboard.queries — through st.cache_data, keyed
    by the function, its arguments and the warehouse version (a rebuilt or reloaded warehouse
    is a new version). Lists are passed on as tuples (a cache key must be hashable)."""
    wh = warehouse()
    args = tuple(tuple(a) if isinstance(a, list) else a for a in args)
    return _cached(f"{fn.__module__}.{fn.__qualname__}", wh.version(), args, tuple(sorted(kwargs.items())), fn, wh)


def clear_cache() -> None:
    _cached.clear()


def sources_of(*items) -> set[str]:
    """The sources named in query results (DataFrames with `source`/`sources`, dicts, strings)."""
    out: set[str] = set()

    def add(v):
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return
        out.update(s for s in str(v).split(",") if s)

    for it in items:
        if isinstance(it, pd.DataFrame):
            for col in ("sources", "source"):
                if col in it.columns:
                    for v in it[col].dropna().unique():
                        add(v)
        elif isinstance(it, dict):
            add(it.get("sources"))
        elif isinstance(it, (list, tuple)):
            out |= sources_of(*it)
        else:
            add(it)
    return out


# --------------------------------------------------------------------------- page frame

class Header:
    """The page title, the filters in words, and (filled in once the page knows what it shows)
    the as-of month and the data's source — with the sample-data banner when any is sample."""

    def __init__(self, title: str, ctx: Ctx, note: str | None = None):
        self.ctx = ctx
        self.title = title
        # What this run of the page shows, for its images (the cards, the charts, the source):
        # a new holder each run, which the download callables of this run keep.
        st.session_state[SHOWN_KEY] = {"cards": [], "charts": [], "source": "", "sample": False}
        st.title(title)
        self._export = st.empty()
        self._banner = st.empty()
        self._asof = st.empty()
        if note:
            st.caption(note)

    def sources(self, sources: set[str], as_of: dt.date | None = None, scope: str | None = None) -> None:
        ctx, o = self.ctx, self.ctx.options
        as_of = as_of or ctx.filters.last
        if "sample" in sources:
            self._banner.warning(f"**DỮ LIỆU MẪU** — {o['sample_label']}. Các số liệu trên trang này có phần là "
                                 "dữ liệu mẫu, không dùng để báo cáo.", icon="⚠️")
        parts = []
        if "official" in sources:
            parts.append(f"Số liệu chính thức: {o['official_label']}")
        if "submitted" in sources:
            parts.append("Số liệu do các đơn vị gửi qua biểu mẫu báo cáo")
        if "sample" in sources:
            parts.append("Dữ liệu mẫu")
        if not sources:
            parts.append("Chưa có số liệu cho lựa chọn này")
        described = ctx.describe()[1:]
        if scope:
            described = [(k, scope if k == "Địa bàn" else v) for k, v in described]
        scope = " · ".join(f"{k}: **{plain(v)}**" for k, v in described)
        self._asof.markdown(f"Số liệu đến **{period_label(as_of)}** · Kỳ: **{ctx.filters.period_label()}** · {scope}  \n"
                            f"Nguồn: {'; '.join(parts)}.")
        shown = _shown()
        shown["source"] = "; ".join(p if p != "Dữ liệu mẫu" else o["sample_label"] for p in parts)
        shown["sample"] = "sample" in sources

    def image_downloads(self, table: tuple[str, pd.DataFrame, list[tuple]] | None = None) -> None:
        """Beside the title: the page as one image (PNG) and as a PDF page, for slides — its KPI
        cards, first chart and the table (title, frame, spec), with the title, period, source and
        the sample mark; made on click (kaleido). For those who may export."""
        if not may_export():
            return
        shown, ctx = _shown(), self.ctx
        title, period = self.title, f"Kỳ: {ctx.filters.period_label()} · " + " · ".join(
            f"{k}: {v}" for k, v in ctx.describe()[1:])
        frame = (table[0], table_texts(table[1], table[2])) if table else None

        def make(fmt: str):
            def build() -> bytes:
                chart_fig, chart_title = shown["charts"][0] if shown["charts"] else (None, "")
                fig = export.overview_figure(title, period, shown["source"], shown["sample"], shown["cards"],
                                             chart_fig, chart_title, frame)
                return export.figure_bytes(fig, fmt)
            return build

        stub = _file_stub(title, ctx.filters.period_text())
        with self._export.container():
            c1, c2, _ = st.columns([1, 1, 3])
            c1.download_button("⬇ Ảnh trang (PNG)", data=make("png"), file_name=f"{stub}.png", mime="image/png",
                               on_click="ignore", key="dl-page-png", width="stretch")
            c2.download_button("⬇ Trang (PDF)", data=make("pdf"), file_name=f"{stub}.pdf", mime="application/pdf",
                               on_click="ignore", key="dl-page-pdf", width="stretch")


def page(title: str, note: str | None = None, agency_note: str | None = None) -> tuple[Ctx, Filters, Header]:
    """A dashboard page's start: the context app.py handed it, its filters and its Header (the
    title, the note under it); agency_note: what the page says when the sidebar's agency filter,
    which does not apply to it, is set."""
    ctx = context()
    hdr = Header(title, ctx, note)
    if agency_note and ctx.filters.agency:
        st.caption(agency_note)
    return ctx, ctx.filters, hdr


def last_month(df: pd.DataFrame) -> pd.DataFrame:
    """The rows of a monthly frame (its `period` column) at the filters' last month."""
    return df[df["period"].dt.date == context().filters.last]


# --------------------------------------------------------------------------- KPI cards

def kpi_notes(k: dict, fmt_value, fmt_change) -> dict:
    """What a KPI card says below its status (overview.kpis' dict k): the same months a year
    before with the change since (written by fmt_value and fmt_change), and how complete the
    figure is (its topic's reports in, of those expected)."""
    f = context().filters
    months = k.get("coverage_months") or ((f.last.year - f.first.year) * 12 + f.last.month - f.first.month + 1)
    year = None
    if k.get("year_ago") is not None:
        year = fmt_year_ago(fmt_value(k["year_ago"]), fmt_change(k.get("change_year")))
    reported, expected = k.get("reported"), k.get("expected")
    return {"year_ago": year, "coverage": fmt_coverage(reported, expected, months),
            "complete": not expected or reported == expected}


def kpi_card(key: str, label: str, value: str, delta: str | None = None, status: str = "none",
             detail: str = "", delta_color: str = "normal", help: str | None = None,
             delta_description: str | None = None, status_texts: dict | None = None,
             notes: dict | None = None) -> None:
    colour = KPI_COLOURS[status]
    text = (status_texts or KPI_STATUS_LABELS)[status]
    if status == "none" and value in ("–", None):
        text = NO_FIGURE
    if delta is None:
        delta_description = None
    _shown()["cards"].append({"label": label, "value": value, "delta": delta, "delta_description": delta_description,
                              "status": status, "notes": [n for n in (text, (notes or {}).get("year_ago"),
                                                                       (notes or {}).get("coverage")) if n]})
    flat = delta is not None and delta.lstrip("+-").startswith("0") and not any(ch in "123456789" for ch in delta)
    with st.container(border=True, key=f"kpi-{status}-{key}"):
        st.metric(label, value, delta, delta_color="off" if flat else delta_color, help=help,
                  delta_description=delta_description, delta_arrow="off" if flat else "auto")
        st.markdown(f":{colour}[● **{text}**]  \n{detail}")
        if notes:
            if notes.get("year_ago"):
                st.caption(notes["year_ago"])
            if notes.get("coverage"):
                st.markdown(coverage_markdown(notes["coverage"], notes["complete"]))


def coverage_markdown(coverage: str, complete: bool) -> str:
    """How complete a figure is (etl.definitions.fmt_coverage's text), as markdown: an incomplete
    figure says so in colour — it is not yet the whole province."""
    return coverage if complete else f":orange[◐ {coverage}]"


def not_due_note(missing: pd.DataFrame, today: dt.date) -> str:
    """The reporting page's word on reports not yet due (tables.missing_units' rows): '' when none."""
    rows = missing[missing["status"] == REPORTING_STATUS_LABELS["not_due"]]
    if rows.empty:
        return ""
    return (f"Hôm nay {date_text(today)}: {fmt_count(len(rows))} đơn vị chưa nộp nhưng **chưa đến hạn** "
            f"(hạn nộp {date_text(rows['deadline'].min())}), không tính là chậm.")


def ranking_note_column(ranking: pd.DataFrame) -> list[tuple]:
    """The rankings' note column ("Chưa báo cáo") when a listed unit has not reported."""
    return [("note", "Ghi chú", "text")] if "note" in ranking and ranking["note"].astype(bool).any() else []


def coverage_line(k: dict, ranking: pd.DataFrame) -> None:
    """Above a ranking: how many units reported (overview.kpis' dict k) and which have not."""
    f = context().filters
    months = (f.last.year - f.first.year) * 12 + f.last.month - f.first.month + 1
    text = fmt_coverage(k.get("reported"), k.get("expected"), months)
    missing = ranking[ranking["note"].astype(bool)]["unit_name"].tolist() if "note" in ranking else []
    if missing:
        text += f" · {NOT_REPORTED.lower()} ({fmt_count(len(missing))}): " + ", ".join(missing)
    if text:
        st.markdown(plain(text) if not missing else f":orange[◐ {plain(text)}]")


# --------------------------------------------------------------------------- tables and charts

EXPORT_ROLES = ("analyst", "admin")  # README, "Accounts and roles": a viewer views, an analyst also exports
EXPORT_NOTE = "Đăng nhập với quyền chuyên viên phân tích để tải bảng."


def may_export() -> bool:
    """Whether this session's user may download tables and charts (checked on every run, so the
    download's data is only produced for a session that may have it)."""
    return auth.has_role(auth.current_user(), *EXPORT_ROLES)


def _slug(text: str) -> str:
    t = re.sub(r"[^0-9A-Za-z]+", "-", text.encode("ascii", "ignore").decode()).strip("-").lower()
    return t or "bang"


def _file_stub(title: str, period: str) -> str:
    """A download's file name without its extension: the title in ASCII and the period
    ('2023-09', '2023-01..2023-09' written 2023-01_2023-09)."""
    import unicodedata

    ascii_title = unicodedata.normalize("NFKD", title.replace("đ", "d").replace("Đ", "D"))
    return f"{_slug(ascii_title)}_{period.replace('..', '_')}"


def _spec(spec: list[tuple]) -> list[tuple]:
    """(column, label, kind, width) — a points column's label always names its unit (điểm %)."""
    out = []
    for s in spec:
        label = s[1]
        if s[2] == "points" and POINTS_UNIT not in label:
            label = f"{label} ({POINTS_UNIT})"
        out.append((s[0], label, s[2], s[3] if len(s) > 3 else None))
    return out


def table_frame(df: pd.DataFrame, spec: list[tuple]) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """df's columns per spec, under their Vietnamese labels, with raw values (statuses, groups,
    months and yes/no in words; percentage points as points, 0,063 -> 6,3): the frame, each
    label's export kind (count | rate | points | date | datetime | text) and the column widths."""
    spec = _spec(spec)
    out = (pd.DataFrame({label: df[col].to_numpy() for col, label, _, _ in spec}) if len(df)
           else pd.DataFrame(columns=[label for _, label, _, _ in spec]))
    kinds = {}
    widths = {}
    for col, label, kind, width in spec:
        if kind in ("text", "long", "status", "group", "month", "bool", "datetime", "unit"):
            widths[label] = width or ("medium" if kind == "long" else None)
        elif width:
            widths[label] = width
        if kind == "status":
            out[label] = out[label].map(lambda s: TASK_STATUS_WORDS.get(s, s))
            kinds[label] = "text"
        elif kind == "bool":
            out[label] = out[label].map(lambda b: "Có" if b is True or b == 1 else ("Không" if b is False or b == 0 else None))
            kinds[label] = "text"
        elif kind in ("date", "datetime", "month"):
            out[label] = pd.to_datetime(out[label])
            kinds[label] = kind if kind != "month" else "text"
            if kind == "month":
                out[label] = out[label].map(lambda d: period_label(d.date()) if pd.notna(d) else None)
        elif kind == "group":
            out[label] = out[label].map(lambda g: SERVICE_GROUP_LABELS.get(g, g))
            kinds[label] = "text"
        elif kind in ("count", "days"):
            out[label] = pd.to_numeric(out[label], errors="coerce")
            kinds[label] = "count"
        elif kind == "rate":
            out[label] = pd.to_numeric(out[label], errors="coerce")
            kinds[label] = "rate"
        elif kind == "points":
            # A change of a rate in percentage points: a plain number (6,3), never a % format.
            out[label] = pd.to_numeric(out[label], errors="coerce") * 100
            kinds[label] = "points"
        else:
            kinds[label] = "text"
    return out, kinds, widths


def table_texts(df: pd.DataFrame, spec: list[tuple]) -> pd.DataFrame:
    """df's columns per spec under their labels, every value written as the screen writes it
    (3.421.346; 33,9 %; '–' for none): a table for an image."""
    out, kinds, _ = table_frame(df, spec)
    writers = {"count": fmt_count, "rate": fmt_rate, "points": fmt_points_number}
    return pd.DataFrame({c: [writers[kinds[c]](v) if kinds[c] in writers else ("" if clean(v) is None else str(v))
                             for v in out[c]] for c in out.columns})


def table_xlsx(df: pd.DataFrame, spec: list[tuple], title: str, filters: list[tuple[str, str]]) -> bytes:
    """The .xlsx a table's download button gives: the title, the filters applied, the source,
    then the table under its Vietnamese headers."""
    out, kinds, _ = table_frame(df, spec)
    note = ", ".join(SOURCE_NAMES.get(s, s) for s in sorted(sources_of(df))) or None
    return export.to_xlsx(out, title, filters, kinds, note=f"Nguồn: {note}" if note else None)


def _wrap_limit(width) -> int:
    """How many characters three wrapped lines of a column hold (about 7,5 px a character)."""
    px = width if isinstance(width, int) else {"small": 75, "medium": 200, "large": 400}.get(width, 200)
    return max(24, int(px / 7.5) * WRAP_LINES - 4)


PROFILE_PAGE = "district"  # the unit profile's URL path; its contract: ?place=<code>&period=<period>
PROFILE_PARAM = "place"  # the profile's own choice of unit (it leaves the sidebar's filter alone)
PROFILE_LINK_TEXT = r"#(.+)$"  # the unit's name travels after the '#' of its link, and is what the cell shows
PROFILE_LINK_HELP = "Bấm tên địa phương để mở hồ sơ của địa phương ở thẻ mới."


def profile_url(code: str, filters: Filters) -> str:
    """A unit's profile address (relative, so a base path is kept): its code and the period in
    the query — the sidebar's other filters are not carried, and the page opening it keeps its own."""
    from urllib.parse import urlencode

    return f"{PROFILE_PAGE}?{urlencode({PROFILE_PARAM: code, 'period': filters.period_text()})}"


def profile_links(codes, names, filters: Filters) -> list:
    """Each unit's profile link for a LinkColumn: its profile_url, its name after '#' for the
    cell to show."""
    return [None if not isinstance(name, str) else f"{profile_url(code, filters)}#{name}"
            for code, name in zip(codes, names)]


def profile_markdown(codes, names, filters: Filters) -> list:
    """Each unit's name as a markdown link to its profile, for a static table (st.table renders
    its cells as markdown and opens a link in a new tab): the name shown as plain text."""
    return [name if not isinstance(name, str) else f"[{plain(name)}]({profile_url(code, filters)})"
            for code, name in zip(codes, names)]


def _no_break(text):
    """A formatted figure with its spaces made no-break ('91,1 %' stays on one line)."""
    return text.replace(" ", "\u00a0") if isinstance(text, str) else text


def table(df: pd.DataFrame, spec: list[tuple], title: str, key: str,
          height: int | None = None, caption: str | None = None, static: bool = False, wrap: bool = False,
          export_spec: list[tuple] | None = None) -> pd.DataFrame:
    """Show df's columns per spec (column, Vietnamese label, kind[, width]) — kind: text | long |
    count | rate | points | date | datetime | month | status | days | bool | group | unit (a unit's
    name, a link to its profile: df needs unit_code); width: small | medium |
    large or pixels — with Vietnamese number formats, and offer it as .xlsx with the filters
    written above it (export_spec: the columns of the .xlsx when it carries more than the screen).
    static: a static table whose long texts wrap in full (short lists: leaderboards, the few
    services below target); wrap: an interactive table whose rows are three lines tall, long
    texts wrapping in them (shortened with "…" past three lines of their column's width).
    Returns the frame (Vietnamese headers, raw values, long texts whole)."""
    ctx = context()
    spec = _spec(spec)
    out, kinds, widths = table_frame(df, spec)

    fmt = {}
    numeric = []
    for col, label, kind, _ in spec:
        if kind in ("count", "days"):
            fmt[label] = fmt_count
        elif kind == "rate":
            fmt[label] = fmt_rate
        elif kind == "points":
            fmt[label] = fmt_points_number
        elif kind == "date":
            fmt[label] = date_text
        elif kind == "datetime":
            fmt[label] = datetime_text
        if kind in ("count", "days", "rate", "points", "date", "datetime"):
            numeric.append(label)
    shown = out
    if wrap and len(out):
        from dashboard.charts import short

        shown = out.copy()
        for _, label, kind, width in spec:
            if kind == "long":
                limit = _wrap_limit(widths.get(label))
                shown[label] = shown[label].map(lambda v, n=limit: short(v, n) if isinstance(v, str) else v)
    links = [label for _, label, kind, _ in spec if kind == "unit"]
    if links and len(out) and "unit_code" in df.columns:
        # A unit's name is a link to its profile (a new tab: this view's filters stay as they are).
        shown = shown.copy() if shown is out else shown
        link = profile_markdown if static else profile_links
        for label in links:
            shown[label] = link(df["unit_code"].to_numpy(), out[label].to_numpy(), ctx.filters)
    else:
        links = []
    if static and len(out):
        # st.table renders every cell as markdown: a text from a cell is shown as written.
        shown = shown.copy() if shown is out else shown
        for _, label, kind, _ in spec:
            if label not in numeric and label not in links:
                shown[label] = shown[label].map(lambda v: plain(v) if isinstance(v, str) else v)
    if static:
        # st.table ignores the cells' no-wrap style: a number and its unit are held together by a
        # no-break space ("91,1 %" never splits over two lines in a narrow column).
        fmt = {label: (lambda v, f=f: _no_break(f(v))) for label, f in fmt.items()}
    styled = shown.style.format(fmt, na_rep="–") if len(shown) else shown
    if static:
        if len(out):
            styled = styled.set_properties(subset=numeric, **{"text-align": "right", "white-space": "nowrap"})
            long_cols = [label for _, label, kind, _ in spec if kind == "long"]
            styled = styled.set_properties(subset=long_cols, **{"min-width": "16rem"})
            styled = styled.set_table_styles([{"selector": "th", "props": "vertical-align: bottom;"}])
        st.table(styled, hide_index=True)
    else:
        # The row's label column (the unit, service or task, and a rank before it) is pinned: on
        # a phone the table scrolls sideways under it.
        first_text = next((i for i, (_, _, kind, _) in enumerate(spec) if kind in ("text", "long", "unit")), -1)
        pinned = {label for _, label, _, _ in spec[:first_text + 1]}
        config = {label: st.column_config.Column(width=widths.get(label), pinned=label in pinned or None)
                  for label in [label for _, label, _, _ in spec] if widths.get(label) or label in pinned}
        for label in links:
            config[label] = st.column_config.LinkColumn(label, width=widths.get(label), pinned=label in pinned or None,
                                                        display_text=PROFILE_LINK_TEXT, help=PROFILE_LINK_HELP)
        st.dataframe(styled, hide_index=True, width="stretch", height=height or "auto", column_config=config,
                     placeholder="–", row_height=WRAP_ROW_HEIGHT if wrap else None)
    if caption:
        st.caption(caption)
    xlsx_download(df, export_spec or spec, title, key, ctx.describe(), ctx.filters.period_text())
    return out


def xlsx_download(df: pd.DataFrame, spec: list[tuple], title: str, key: str, filters: list[tuple[str, str]],
                  period: str) -> None:
    """The table's .xlsx download button (made on click: table_xlsx, the filters written above
    the table) for those who may export; the note saying who may, for the others. `period` names
    the file ('2023-09' or '2023-01..2023-09')."""
    if not may_export():
        st.caption(EXPORT_NOTE)
        return

    def make() -> bytes:
        return table_xlsx(df, spec, title, filters)

    st.download_button("⬇ Tải bảng Excel (.xlsx)", data=make, file_name=f"{_file_stub(title, period)}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       on_click="ignore", key=f"dl-xlsx-{key}")


@st.cache_resource(show_spinner=False, max_entries=200, ttl=3600)
def _figure(builder: str, args: tuple, kwargs: tuple):
    from dashboard import charts

    return getattr(charts, builder)(*args, **dict(kwargs))


def figure(builder: str, *args, **kwargs):
    """dashboard.charts.<builder>(*args, **kwargs), built once per distinct input and kept: plotly
    spends 20–60 ms validating every property of a new figure, on every rerun of a page; a kept
    figure is only serialised. Keyed by the inputs' content (DataFrames included), so new data is
    a new figure. The figure is shared between sessions: draw it, never change it."""
    return _figure(builder, args, tuple(sorted(kwargs.items())))


def chart_png(fig, title: str, period: str | None = None, shown: dict | None = None) -> bytes:
    """The PNG a chart's download button gives: the figure with its title written on it; with
    the period, also the period, the source and the sample mark (`shown`: the page's holder,
    filled by Header.sources) — a slide's image that says what it is."""
    import plotly.graph_objects as go

    if period is not None:
        shown = shown or {}
        return export.chart_png(export.dressed(fig, title, period, shown.get("source") or "", bool(shown.get("sample"))))
    g = go.Figure(fig.to_dict())
    if not g.layout.title.text:
        g.update_layout(title={"text": title, "x": 0}, margin={"t": 60})
    return export.chart_png(g)


CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d", "toImage"], "locale": "vi"}


def chart(fig, key: str, title: str, on_select=None, alt: str | None = None):
    """Show a plotly figure (config: no plotly logo, Vietnamese-free toolbar trimmed) with a PNG
    download made on click by kaleido. With on_select (a callback), clicking a point selects it."""
    ctx = context()
    kw = {"on_select": on_select, "selection_mode": "points"} if on_select else {}
    event = st.plotly_chart(fig, width="stretch", theme=None, key=f"chart-{key}", config=CHART_CONFIG,
                            alt=alt or title, **kw)
    shown = _shown()
    shown["charts"].append((fig, title))
    period = f"Kỳ: {ctx.filters.period_label()} · " + " · ".join(f"{k}: {v}" for k, v in ctx.describe()[1:])

    def make() -> bytes:
        return chart_png(fig, title, period, shown)

    if not may_export():
        return event
    st.download_button("⬇ Tải biểu đồ (PNG)", data=make, file_name=f"{_file_stub(title, ctx.filters.period_text())}.png",
                       mime="image/png", on_click="ignore", key=f"dl-png-{key}")
    return event


def empty(message: str = "Chưa có số liệu cho lựa chọn này.") -> None:
    st.info(message, icon="ℹ️")


# --------------------------------------------------------------------------- page-level URL choices

def url_choice(param: str, key: str, options: list, label: str, format_func=str, default=None,
               placeholder: str = "— Chọn —", container=None):
    """A selectbox bound to a page-level query parameter (?param=value): opening a link with
    the parameter selects it; choosing another value rewrites the URL. Invalid values are
    ignored with a notice."""
    applied_key = f"_url_{param}"
    url_val = st.query_params.get(param)
    if url_val is not None and url_val != st.session_state.get(applied_key):
        if url_val in options:
            st.session_state[key] = url_val
        else:
            st.info(f"Không có lựa chọn “{plain(url_val)}” cho {label.lower()}; đã bỏ qua.", icon="ℹ️")
        st.session_state[applied_key] = url_val
    if key not in st.session_state or st.session_state[key] not in options + [None]:
        st.session_state[key] = default
    value = (container or st).selectbox(label, options, format_func=format_func, key=key, placeholder=placeholder)
    if value is None:
        if param in st.query_params:
            del st.query_params[param]
        st.session_state[applied_key] = None
    else:
        if st.query_params.get(param) != value:
            st.query_params[param] = value
        st.session_state[applied_key] = value
    return value


