"""The working group's monthly report, generated from the warehouse: the narrative (.docx from
the Word template data/templates/bao_cao_thang.docx) and Appendices I–III (.xlsx).

    report = gather(wh, period, unit)     # etl.report.data: read-only queries on the public views
    write_docx(report, path_or_buffer)    # etl.report.word
    write_xlsx(report, path_or_buffer)    # etl.report.excel

Importable without Streamlit.
"""
from etl.report.data import IncompleteMonth, NoData, Report, gather  # noqa: F401
from etl.report.word import render_docx, write_docx  # noqa: F401,E402
from etl.report.excel import render_xlsx, write_xlsx  # noqa: F401,E402
