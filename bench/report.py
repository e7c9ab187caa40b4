"""Generating one month's report (the .docx and the appendix .xlsx), at province scale (the
sample warehouse) and for one province of 166 communes in the national warehouse, against a
baseline measured in the same run: the same queries, then the same text and cells written with
bare python-docx and openpyxl (no template, no styles, no merged headers).

Timed as the page does it (etl.report.service.generate on the page's warehouse connection) and
as the command line does it (`python -m etl report`, a fresh process: imports included).
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.timing import ms

ROOT = Path(__file__).resolve().parent.parent
PROVINCE_PERIOD = dt.date(2023, 9, 1)  # the official month: complete, every appendix filled
TARGET_S = 3.0


def _gather(wh, period, unit):
    from etl.report import IncompleteMonth, gather

    try:
        return gather(wh, period, unit)
    except IncompleteMonth as e:
        return e.report


def bare_writes(r) -> tuple[bytes, bytes]:
    """The report's text and tables, and the appendices' cells, written plainly: the floor
    under what the template and the styling cost."""
    import docx
    from openpyxl import Workbook

    from etl.report import narrative
    from etl.report.word import context

    c = context(r)
    d = docx.Document()
    for key in ("issuing_parent", "issuing_body", "number", "place_date", "title", "source_note"):
        d.add_paragraph(str(c[key]))
    for t in c["section_i"]:
        d.add_paragraph(t)
    for s in c["section_ii"]:
        d.add_paragraph(s["heading"])
        for t in s["paragraphs"]:
            d.add_paragraph(t)
    for name, fields in (("kpis", ("name", "unit", "prev", "now", "change")), ("units", ("name", "group", "total", "online", "rate"))):
        table = d.add_table(rows=1 + len(c[name]), cols=len(fields))
        for i, row in enumerate(c[name], 1):
            cells = table.rows[i].cells
            for j, f in enumerate(fields):
                cells[j].text = str(row[f])
    for t in c["section_iii"] + c["section_iv"] + [c["closing"]] + c["recipients"]:
        d.add_paragraph(t)
    buf = io.BytesIO()
    d.save(buf)
    wb = Workbook()
    ws = wb.active
    for t in r.tasks.to_dict("records"):
        ws.append([t["task_number"], t["task_code"], t["task_name"], t["deadline_text"], t["status"], t["status_text"],
                   t["responsible_unit_name"]])
    for df in (r.appendix_ii(), r.appendix_iii()):
        ws = wb.create_sheet()
        for s in df.to_dict("records"):
            ws.append([s["service_number"], s["service_name"], s["portal_connection"]]
                      + [narrative.clean(s[k]) for k in ("total_dossiers", "online_dossiers", "online_rate", "on_time", "overdue")])
    xbuf = io.BytesIO()
    wb.save(xbuf)
    return buf.getvalue(), xbuf.getvalue()


def time_generation(path: Path, period: dt.date, unit: str | None, repeat: int) -> dict:
    """Ours (generate: queries, narrative, docxtpl, styled openpyxl) and its parts, and the
    baseline (the same queries, bare writes), round by round in one process on one connection,
    so a burst of load from elsewhere falls on both."""
    from dashboard.db import Warehouse
    from etl.report import service
    from etl.report.excel import render_xlsx
    from etl.report.word import render_docx

    wh = Warehouse(path)
    try:
        r = _gather(wh, period, unit)
        steps = {"ours": lambda: service.generate(wh, period, unit), "base": lambda: bare_writes(_gather(wh, period, unit)),
                 "queries": lambda: _gather(wh, period, unit), "docx": lambda: render_docx(r), "xlsx": lambda: render_xlsx(r)}
        times: dict[str, list[float]] = {k: [] for k in steps}
        for i in range(repeat + 2):  # two warm-up rounds
            for k, fn in steps.items():
                t = time.perf_counter()
                fn()
                if i >= 2:
                    times[k].append(time.perf_counter() - t)
        _, docx_bytes, xlsx_bytes, _ = service.generate(wh, period, unit)
    finally:
        wh.close()

    def stats(ts):
        ts = sorted(ts)
        return {"median": statistics.median(ts), "p95": ts[min(len(ts) - 1, int(round(0.95 * (len(ts) - 1))))]}

    return {"ours": stats(times["ours"]), "base": stats(times["base"]),
            "parts": {k: statistics.median(times[k]) for k in ("queries", "docx", "xlsx")}, "units": len(r.units),
            "tasks": len(r.tasks), "complete": r.is_complete, "missing": len(r.missing_units),
            "docx_kb": len(docx_bytes) / 1024, "xlsx_kb": len(xlsx_bytes) / 1024}


def time_command(path: Path, period: dt.date, runs: int) -> dict:
    """`python -m etl report` in a fresh process, and the baseline: a fresh process importing
    the libraries the command needs (duckdb, pandas, docxtpl, openpyxl)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ours, base = [], []
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "etl", "--warehouse", str(path), "report", "--period", f"{period:%Y-%m}", "--out", out,
               "--allow-incomplete"]
        imports = [sys.executable, "-c", "import duckdb, pandas, docxtpl, openpyxl"]
        subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=True)  # warm the file cache
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=True)
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            subprocess.run(imports, cwd=ROOT, env=env, capture_output=True, check=True)
            base.append(time.perf_counter() - t)
        files = sorted(p.name for p in Path(out).iterdir())
    return {"ours": statistics.median(ours), "ours_max": max(ours), "base": statistics.median(base), "files": files}


def time_pdf(path: Path, period: dt.date, runs: int) -> dict | None:
    """The PDF beside the .docx (LibreOffice headless, a fresh process on the process's profile,
    as the page makes it), against the same conversion of an empty .docx: LibreOffice's floor."""
    import docx

    from dashboard.db import Warehouse
    from etl.report import pdf
    from etl.report.word import render_docx

    if not pdf.available():
        return None
    wh = Warehouse(path)
    try:
        data = render_docx(_gather(wh, period, None))
    finally:
        wh.close()
    buf = io.BytesIO()
    docx.Document().save(buf)
    empty = buf.getvalue()
    ours, base, pages = [], [], 0
    pdf.to_pdf(empty)  # warm the file cache
    for _ in range(runs):
        t = time.perf_counter()
        out = pdf.to_pdf(data)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        pdf.to_pdf(empty)
        base.append(time.perf_counter() - t)
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", out))
    return {"ours": statistics.median(ours), "ours_max": max(ours), "base": statistics.median(base), "kb": len(out) / 1024,
            "pages": pages}


def _parts(r: dict) -> str:
    p = r["parts"]
    return f"queries {ms(p['queries'])}, .docx {ms(p['docx'])}, .xlsx {ms(p['xlsx'])}"


def section_report(rep, raw, wh: Path, national, quick: bool):
    from bench.national import build_national

    print("report", flush=True)
    load_before = os.getloadavg()[0]
    repeat = 5 if quick else 15
    r = time_generation(wh, PROVINCE_PERIOD, None, repeat)
    rep.add("report (province)", f"one month's report, .docx + .xlsx, as the page makes it ({PROVINCE_PERIOD:%m/%Y}, "
            f"{r['units']} districts, {r['tasks']} tasks): {_parts(r)}",
            f"median {ms(r['ours']['median'])}, p95 {ms(r['ours']['p95'])}",
            f"median {ms(r['base']['median'])} (same queries, bare python-docx + openpyxl writes)",
            f"{r['ours']['median'] / r['base']['median']:.1f}× baseline", f"< {TARGET_S:.0f} s", r["ours"]["p95"] < TARGET_S)
    c = time_command(wh, PROVINCE_PERIOD, 3 if quick else 7)
    rep.add("report (province)", f"`python -m etl report --period {PROVINCE_PERIOD:%Y-%m}`, a fresh process ({' + '.join(c['files'])})",
            f"median {c['ours']:.2f} s, max {c['ours_max']:.2f} s",
            f"{c['base']:.2f} s (a fresh python importing duckdb, pandas, docxtpl, openpyxl)",
            f"{c['ours'] / c['base']:.1f}× baseline", f"< {TARGET_S:.0f} s", c["ours_max"] < TARGET_S)

    p = time_pdf(wh, PROVINCE_PERIOD, 3 if quick else 5)
    if p:
        rep.add("report (province)", f"the PDF beside the .docx: LibreOffice headless converts it ({p['pages']} pages, {p['kb']:.0f} KB)",
                f"median {p['ours']:.2f} s, max {p['ours_max']:.2f} s",
                f"{p['base']:.2f} s (LibreOffice converting an empty .docx)", f"{p['ours'] / p['base']:.1f}× baseline", "", None)
    else:
        rep.add("report (province)", "the PDF beside the .docx", "LibreOffice not installed (make office)", "", "", "", None)

    from bench.national import LAST, MONTHS

    period = LAST
    if national is None:
        tmp = tempfile.TemporaryDirectory(dir=Path(wh).parent)
        national = Path(tmp.name) / "national.duckdb"
        stats = build_national(national, months=6 if quick else MONTHS)
    import duckdb

    with duckdb.connect(str(national), read_only=True) as con:
        province, months = con.execute("select province_code, (select count(distinct period) from fact_service_volume) "
                                       "from stg_settings").fetchone()
    n = time_generation(national, period, province, repeat)
    rep.add("report (national)", f"one month's report for one province of {n['units']} communes ({province}, {period:%m/%Y}, "
            f"{n['tasks']} tasks) in the national warehouse: {_parts(n)}",
            f"median {ms(n['ours']['median'])}, p95 {ms(n['ours']['p95'])}",
            f"median {ms(n['base']['median'])} (same queries, bare python-docx + openpyxl writes)",
            f"{n['ours']['median'] / n['base']['median']:.1f}× baseline", f"< {TARGET_S:.0f} s", n["ours"]["p95"] < TARGET_S)
    rep.notes.append(
        f"Report: generated in one process on the page's kind of connection (dashboard.db.Warehouse), ours, the baseline and "
        f"ours' parts round by round, {repeat} rounds after 2 warm-up rounds; the parts' medians need not add up to "
        "the whole's (each is its own median). The national warehouse is bench/national.py's "
        f"(the real post-reform list: 34 provinces, 3.321 communes; {months} months); "
        f"in its month {n['missing']} of {n['units']} communes count as missing (the report lists missing units in "
        "section III, as the page does with a warning). "
        f"The machine's load average (1 min) was {load_before:.1f} when the section began and {os.getloadavg()[0]:.1f} when it "
        f"ended, on {os.cpu_count()} cores: above {os.cpu_count()} other work shares the cores and every wall time here grows "
        "with it (the baselines too, which is why the rows are ratios).")
