"""Months: 'YYYY-MM' text, first-of-month dates, Vietnamese labels ("Tháng 9/2023")."""
from __future__ import annotations

import datetime as dt
import re

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*$")
_VN = re.compile(r"^\s*(?:tháng|thang|t)?\s*(\d{1,2})\s*(?:[/.\-]|\s+năm\s+|\s+nam\s+)\s*(\d{4})\s*$", re.IGNORECASE)
_DMY = re.compile(r"^\s*\d{1,2}\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")


def parse_period(value) -> dt.date | None:
    """'2023-09', '09/2023', 'Tháng 9/2023', 'tháng 9 năm 2023', 'T9/2023', '15/09/2023', a date or
    datetime -> date(2023, 9, 1); None if not a month."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, 1)
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, 1)
    text = str(value).strip()
    m = _ISO.match(text)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
    else:
        m = _VN.match(text) or _DMY.match(text)
        if not m:
            return None
        mo, y = int(m.group(1)), int(m.group(2))
    if not 1 <= mo <= 12 or not 1900 < y < 2200:
        return None
    return dt.date(y, mo, 1)


def period_text(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def period_label(d: dt.date) -> str:
    return f"Tháng {d.month}/{d.year}"


def add_months(d: dt.date, n: int) -> dt.date:
    k = d.year * 12 + d.month - 1 + n
    return dt.date(k // 12, k % 12 + 1, 1)


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    out, d = [], first
    while d <= last:
        out.append(d)
        d = add_months(d, 1)
    return out

