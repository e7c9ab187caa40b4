"""What the page calls: the months a report can be made for, the units, one generation
(report, .docx bytes, .xlsx bytes, warning) and its PDF where LibreOffice is installed. No
Streamlit here."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.report import pdf
from etl.report.data import IncompleteMonth, gather
from etl.report.excel import render_xlsx
from etl.report.word import render_docx


def report_options(wh) -> dict:
    """Months with figures (newest first) and the units a report can be made for (the province
    and the units below it, in Vietnamese order)."""
    months = wh.query("select distinct period from service_volume_monthly order by period desc")
    units = wh.query(
        """
        select u.unit_code, u.unit_name, u.unit_level = 'province' as is_province
        from stg_units as u
        where u.unit_level not in ('agency')
        order by u.unit_level <> 'province', u.unit_name collate vi
        """)
    return {"periods": [pd.Timestamp(p).date() for p in months["period"]],
            "units": list(zip(units["unit_code"], units["unit_name"]))}


def generate(wh, period: dt.date, unit: str | None = None, day: dt.date | None = None):
    """(report, docx bytes, xlsx bytes, warning or None). NoData propagates."""
    warning = None
    try:
        r = gather(wh, period, unit)
    except IncompleteMonth as e:
        r, warning = e.report, str(e)
    return r, render_docx(r, day), render_xlsx(r), warning


def pdf_available() -> bool:
    return pdf.available()


def make_pdf(docx: bytes) -> tuple[bytes | None, str | None]:
    """(PDF bytes, None), or (None, why not) when LibreOffice failed; (None, None) where it is
    not installed."""
    if not pdf.available():
        return None, None
    try:
        return pdf.to_pdf(docx), None
    except pdf.PdfFailed as e:
        return None, str(e)
