"""The report as .docx: the Word template (data/templates/bao_cao_thang.docx, docxtpl) filled
with the report's fields. Every text goes in escaped (autoescape): nothing from a cell becomes
markup."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docxtpl import DocxTemplate

from etl.config import settings
from etl.report import narrative
from etl.report.data import Report
from etl.report.make_template import TEMPLATE
from etl.topics import SAMPLE_MARK


def place_date(place: str, day: dt.date) -> str:
    """'Thanh Hóa, ngày 02 tháng 10 năm 2023' (Decree 30: day below 10 and months 1–2 with a 0)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _delta(now, before) -> str:
    now, before = narrative.clean(now), narrative.clean(before)
    if now is None or before is None:
        return ""
    d = now - before
    return ("+" if d >= 0 else "-") + narrative._n(abs(d))


def _points(now, before) -> str:
    """'+0,8 điểm %' (a change of a rate in percentage points)."""
    if before is None:
        return ""
    d = round((now - before) * 100, 1)
    return ("+" if d >= 0 else "-") + f"{abs(d):.1f}".replace(".", ",") + " điểm %"


def unit_rows(units) -> list[dict]:
    """Table 2's rows: the units in order, numbered; where they carry a group (communes under
    their former district), a row naming the group (numbered I, II, …) before its units."""
    rows, group, k = [], None, 0
    for n, u in enumerate(units.to_dict("records"), 1):
        g = u.get("group_name")
        g = None if g is None or g != g else g
        if g is not None and g != group:
            rows.append({"stt": narrative.ROMAN[k] if k < len(narrative.ROMAN) else str(k + 1), "name": g, "group": g,
                         "total": "", "online": "", "rate": ""})
            k += 1
        group = g
        rows.append({"stt": str(n), "name": u["unit_name"], "group": g or "", "total": narrative._n(u["total_dossiers"]),
                     "online": narrative._n(u["online_dossiers"]), "rate": narrative.rate(u["online_rate"])})
    return rows


def kpis(r: Report) -> list[dict]:
    rows = []
    i = r.identity
    if i:
        for key, name, unit in (("cccd_records", "Hồ sơ CCCD gắn chíp (lũy kế)", "hồ sơ"),
                                ("vneid_applications", "Hồ sơ đề nghị cấp tài khoản ĐDĐT", "hồ sơ"),
                                ("vneid_activated", "Tài khoản ĐDĐT đã kích hoạt", "tài khoản"),
                                ("vneid_target", "Chỉ tiêu kích hoạt giao", "tài khoản")):
            rows.append({"name": name, "unit": unit, "prev": narrative._n(i["prev_" + key]),
                         "now": narrative._n(i[key]), "change": _delta(i[key], i["prev_" + key])})
    o = r.online
    if o["total"]:
        rows.append({"name": "Hồ sơ DVC thiết yếu", "unit": "hồ sơ", "prev": narrative._n(o["prev_total"]),
                     "now": narrative._n(o["total"]), "change": _delta(o["total"], o["prev_total"])})
        prev_rate = o["prev_online"] / o["prev_total"] if o["prev_total"] else None
        rows.append({"name": "Tỷ lệ hồ sơ trực tuyến", "unit": "%",
                     "prev": narrative.rate(prev_rate) if prev_rate is not None else "–",
                     "now": narrative.rate(o["online"] / o["total"]), "change": _points(o["online"] / o["total"], prev_rate)})
    for c in r.cleaning:
        rows.append({"name": f"Làm sạch: {c['dataset_name']}", "unit": "bản ghi", "prev": narrative._n(c["prev_cleaned"]),
                     "now": narrative._n(c["records_cleaned"]) + (f"/{narrative._n(c['records_total'])}" if c["records_total"] else ""),
                     "change": _delta(c["records_cleaned"], c["prev_cleaned"])})
    return rows


def context(r: Report, day: dt.date | None = None) -> dict:
    s = r.settings
    day = day or dt.date.today()
    signer = str(s.get("signer_title", "")).split("\n")
    province = r.unit_code == settings().province_code
    where = s.get("province_name", r.unit_name) if province else r.unit_name
    section_i, section_iii, section_iv = narrative.direction(r), narrative.difficulties(r), narrative.next_tasks(r)
    return {
        "sample_mark": f"{SAMPLE_MARK} — không phải số liệu thật" if r.is_sample else "",
        "footer": r.source_note(),
        "issuing_parent": s.get("issuing_parent", ""),
        "issuing_body": s.get("issuing_body", ""),
        "number": f"      /{s.get('number_suffix', 'BC')}",
        "place_date": place_date(s.get("place", ""), day),
        "title": f"Kết quả thực hiện Đề án 06 {r.label.lower()} – {where}",
        "source_note": r.source_note(),
        "month": r.label.lower(),
        "area": narrative.area(r),
        # sections I, III, IV: the marked place to write, then what the data says
        "write_i": section_i[0], "section_i": section_i[1:],
        "section_ii": narrative.results(r),
        "write_iii": section_iii[0], "section_iii": section_iii[1:],
        "write_iv": section_iv[0], "section_iv": section_iv[1:],
        "kpis": kpis(r),
        "units": unit_rows(r.units),
        "closing": f"Trên đây là báo cáo kết quả thực hiện Đề án 06 {r.label.lower()} trên địa bàn {narrative.area(r)} "
                   "(kèm theo các Phụ lục I, II, III)./.",
        "recipients": list(s.get("recipients", [])),
        "signer_first": signer[0] if signer else "",
        "signer_rest": signer[1:],
        "signer_name": s.get("signer_name", ""),
    }


def render_docx(r: Report, day: dt.date | None = None, template: Path = TEMPLATE) -> bytes:
    tpl = DocxTemplate(str(template))
    tpl.render(context(r, day), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def write_docx(r: Report, path: Path, day: dt.date | None = None) -> Path:
    Path(path).write_bytes(render_docx(r, day))
    return Path(path)
