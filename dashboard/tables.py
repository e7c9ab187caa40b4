"""Query results as the operational pages (reporting, upload, admin) show them and download them:
codes in words (etl.definitions; topics by their sheet name in etl.topics), and each table's
columns as a spec (column, Vietnamese label, kind[, width]) for `shown` (the screen: dates,
times, months and rates written out, counts kept as numbers so they sort) and for
dashboard.ui.xlsx_download (the .xlsx: numbers and dates with their formats). Plain pandas: no
Streamlit, no SQL."""
from __future__ import annotations

import pandas as pd

from accounts.store import ROLES
from etl.definitions import (COLUMN_LABELS, NO_VALUE, OWED_STATUS, REPORTING_STATUS_LABELS, SUBMISSION_STATUS_LABELS, UNIT_LEVEL_LABELS, clean, date_text,
                             datetime_text, fmt_count, fmt_rate, period_label)
from etl.reference import catalogue
from etl.topics import TOPICS


def topics_text(text) -> str:
    """'services,identity' -> 'Dịch vụ công, CCCD - VNeID' (the sheet names the staff know)."""
    if clean(text) is None or not str(text).strip():
        return ""
    names = topic_names()
    return ", ".join(names.get(t.strip(), t.strip()) for t in str(text).split(","))


def topic_names() -> dict[str, str]:
    """Every submission topic of the registry by its sheet name: {'services': 'Dịch vụ công', …}."""
    return {key: topic.sheet for key, topic in TOPICS.items()}


def _month(d) -> str:
    return NO_VALUE if clean(d) is None else period_label(d)


_WRITTEN = {"date": date_text, "datetime": lambda t: datetime_text(pd.Timestamp(t)) if clean(t) is not None else NO_VALUE,
            "month": _month, "rate": fmt_rate}


def shown(df: pd.DataFrame, spec: list[tuple]) -> pd.DataFrame:
    """df's columns of the spec under their labels, as the screen shows them: dates (15/02/2024),
    times (05/01/2025 16:13), months (Tháng 9/2023) and rates (33,9 %) written out; counts, text
    and yes/no as they are."""
    return pd.DataFrame({label: (df[col].map(_WRITTEN[kind]) if kind in _WRITTEN else df[col]).to_numpy()
                         for col, label, kind, *_ in spec}, index=range(len(df)))


def widths(spec: list[tuple]) -> dict[str, int]:
    """The column widths a spec names (pixels), by label."""
    return {label: rest[0] for _, label, _, *rest in spec if rest}


def _level(level) -> str:
    return UNIT_LEVEL_LABELS.get(level, level)


# --------------------------------------------------------------------------- reporting

MISSING_UNITS = [("unit_code", "Mã", "text"), ("unit_name", "Đơn vị", "text"), ("unit_level", "Cấp", "text"),
                 ("topics", "Nội dung chưa nộp", "text"), ("deadline", "Hạn nộp", "date"),
                 ("status", "Tình trạng", "text")]


def missing_units(df: pd.DataFrame) -> pd.DataFrame:
    """reporting.not_yet_reported with levels, topics and status (chưa nộp / chưa đến hạn) in
    words (MISSING_UNITS)."""
    return df.assign(topics=df["topics"].map(topics_text), unit_level=df["unit_level"].map(_level),
                     status=df["status"].map(lambda s: REPORTING_STATUS_LABELS.get(s, s)))


UNITS_REPORTING = [("unit_code", "Mã", "text"), ("unit_name", "Đơn vị", "text"), ("unit_level", "Cấp", "text"),
                   ("expected", "Phải nộp", "count"), ("received", "Đã nhận", "count"), ("on_time", "Đúng hạn", "count"),
                   ("late", "Muộn", "count"), ("missing", "Chưa nộp", "count"), ("not_due", "Chưa đến hạn", "count"),
                   ("replaced", "Nộp lại", "count"),
                   ("reporting_rate", "Tỷ lệ báo cáo", "rate"), ("on_time_rate", "Tỷ lệ đúng hạn", "rate")]


def units_reporting(df: pd.DataFrame) -> pd.DataFrame:
    """reporting.rates_by_unit with levels in words (UNITS_REPORTING)."""
    return df.assign(unit_level=df["unit_level"].map(_level))


# --------------------------------------------------------------------------- upload

def upload_preview(rows: list[dict], topic: str | None = None, labels: dict | None = None,
                   previous: pd.DataFrame | None = None, previous_label: str = "") -> pd.DataFrame:
    """What the check read, as the staff typed it: Vietnamese headers (the topic's, `labels`:
    LoadResult.labels, else COLUMN_LABELS), the row's name from the catalogue beside its code,
    choices in words (Đã hoàn thành, never `done`), counts with thousands dots, empty cells empty
    (not 'None'). With `previous` (submissions.previous_month: last month's rows of the unit),
    each count has last month's value beside it, headed "… (<previous_label>)"."""
    def cell(v):
        if clean(v) is None:
            return ""
        return fmt_count(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    df = pd.DataFrame(rows)
    names = {**COLUMN_LABELS, **(labels or {})}
    t = TOPICS.get(topic) if topic else None
    if t is not None and len(df):
        code = t.items.code
        for c in t.columns:
            if c.kind == "status" and c.key in df:
                words = {value: labels_[0] for value, labels_ in c.choices}
                df[c.key] = df[c.key].map(lambda v, w=words: w.get(v, v))
        if code in df:
            known = t.items.table(catalogue())
            name_col = t.items.name
            if name_col not in df:
                df.insert(list(df.columns).index(code) + 1, name_col,
                          df[code].map(lambda v: (known.get(v) or {}).get(name_col, "")))
                names.setdefault(name_col, next((c.headers[0] for c in t.columns if c.key == name_col), "Tên"))
        if previous is not None and code in df and code in previous:
            before = previous.set_index(code)
            for c in [c for c in t.columns if c.kind == "count" and c.key in df and c.key in before]:
                col = f"{c.key}__previous"
                df.insert(list(df.columns).index(c.key) + 1, col, df[code].map(before[c.key].to_dict()))
                names[col] = f"{names.get(c.key, c.key)} ({previous_label})"
    for c in df.columns:
        df[c] = df[c].astype(object).map(cell)
    return df.rename(columns=names)


OWED = [("period", "Kỳ báo cáo", "month"), ("unit_name", "Đơn vị", "text"), ("topics", "Nội dung còn thiếu", "text"),
        ("deadline", "Hạn nộp", "date"), ("status", "Tình trạng", "text")]


def owed(df: pd.DataFrame) -> pd.DataFrame:
    """reporting.owed with topics and status (quá hạn / chưa đến hạn) in words (OWED)."""
    return df.assign(topics=df["topics"].map(topics_text),
                     status=df["status"].map(lambda s: OWED_STATUS.get(s, s)))


def replaced_text(ids: list[str], history: pd.DataFrame | None) -> str:
    """The reports a file replaces, by the name they were sent under (their submission id after
    it), looked up in the unit's submissions.history (None: by id only): “DA06_395_2024-12.xlsx”
    (nộp 05/01/2025 16:13, mã nộp 20250105T…). Names are quoted as they are: show the text as
    plain text."""
    known = {} if history is None else {r.submission_id: r for r in history.itertuples()}
    out = []
    for i in ids:
        r = known.get(i)
        out.append(f"“{r.file_name}” (nộp {datetime_text(pd.Timestamp(r.submitted_at))}, mã nộp {i})" if r is not None
                   else f"mã nộp {i}")
    return "; ".join(out)


# The columns one reads first, wide enough for their longest value (pixels); the submission id last.
SUBMISSIONS = [("submitted_at", "Thời điểm nộp", "datetime", 130), ("file_name", "Tệp", "text", 230),
               ("unit_name", "Đơn vị", "text", 180), ("period", "Kỳ", "month", 110), ("status", "Trạng thái", "text", 170),
               ("replaced_by_files", "Thay thế bởi", "text", 230), ("topic", "Nội dung", "text", 300),
               ("row_count", "Số dòng", "count", 75), ("submitted_by", "Người nộp", "text", 110),
               ("message", "Thông báo", "text", 400), ("submission_id", "Mã nộp", "text", 260)]


def submissions(df: pd.DataFrame) -> pd.DataFrame:
    """submissions.history with statuses, units and topics in words, blanks where a file has no
    message or replacement, '–' where it has no unit (SUBMISSIONS)."""
    return df.assign(status=df["status"].map(SUBMISSION_STATUS_LABELS).fillna(df["status"]),
                     unit_name=df["unit_name"].fillna(df["unit_code"]).fillna(NO_VALUE),
                     topic=df["topic"].map(topics_text), message=df["message"].fillna(""),
                     replaced_by_files=df["replaced_by_files"].fillna(""))


# --------------------------------------------------------------------------- admin

ACCOUNTS = [("username", "Tên đăng nhập", "text"), ("display_name", "Họ tên", "text"), ("role", "Vai trò", "text"),
            ("units", "Đơn vị", "text"), ("active", "Hoạt động", "bool"), ("is_demo", "Dùng thử", "bool")]


def accounts(df: pd.DataFrame) -> pd.DataFrame:
    """users.accounts with roles in words and each account's units listed (ACCOUNTS)."""
    return df.assign(role=df["role"].map(lambda r: ROLES.get(r, r)), units=df["units"].map(", ".join))


ENDED_UNIT_ACCOUNTS = [("username", "Tên đăng nhập", "text"), ("display_name", "Họ tên", "text"),
                       ("unit_code", "Mã đơn vị", "text"), ("unit_name", "Đơn vị đã thôi hoạt động", "text"),
                       ("ended_from", "Thôi hoạt động từ", "date"), ("default_successor", "Gắn lại với (mặc định)", "text"),
                       ("active", "Hoạt động", "bool"), ("successors", "Đơn vị kế thừa", "text")]


AUDIT = [("at", "Thời điểm", "text"), ("actor", "Người thực hiện", "text"), ("action", "Thao tác", "text"),
         ("target", "Đối tượng", "text"), ("detail", "Chi tiết", "text")]


# --------------------------------------------------------------------------- matrices on a phone
# A heat map of many columns is unreadable 390 px wide: on a phone the page shows the same grid
# as a table whose first column (the unit) stays in place while the others scroll under it.

REPORTING_STATUS_COLOURS = {"on_time": "#cfe8d4", "late": "#f6e7b8", "missing": "#f7d4cf"}


def reporting_grid(df: pd.DataFrame, months: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    """reporting.matrix as a unit × month table of status words (● after a replaced report),
    months as short column labels (T9/2023), and the same grid of status codes (for colours)."""
    from etl.definitions import REPORTING_STATUS_LABELS, month_short

    names = list(dict.fromkeys(df["unit_name"]))
    codes = df.pivot(index="unit_name", columns="period", values="status").reindex(index=names, columns=months)
    replaced = (df.pivot(index="unit_name", columns="period", values="replaced").reindex(index=names, columns=months)
                .fillna(False).astype(bool))
    words = codes.apply(lambda col: col.map(lambda s: REPORTING_STATUS_LABELS.get(s, NO_VALUE) if clean(s) else NO_VALUE))
    words = words.where(~replaced, words + " ●")
    labels = [month_short(p) for p in months]
    words.columns = labels
    codes.columns = labels
    return words.rename_axis("Đơn vị").reset_index(), codes.reset_index(drop=True)


def cleaning_grid(df: pd.DataFrame) -> pd.DataFrame:
    """cleaning.matrix as a unit × dataset table of cleaning ratios (0–1), units and datasets in
    the matrix's order."""
    rows = list(dict.fromkeys(df["unit_name"]))
    cols = list(dict.fromkeys(df.sort_values("dataset_order")["dataset_name"]))
    grid = df.pivot_table(index="unit_name", columns="dataset_name", values="cleaning_ratio", aggfunc="first",
                          sort=False).reindex(index=rows, columns=cols)
    return grid.rename_axis("Địa phương").reset_index()
