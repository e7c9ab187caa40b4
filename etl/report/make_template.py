"""Write the Word template of the monthly report: python -m etl.report.make_template [OUT].

The template (data/templates/bao_cao_thang.docx) is committed; a province restyles it in Word
(letterhead, fonts, spacing) without touching code, as long as the {{ fields }} and {%p %}
loops stay (README, "Báo cáo tháng"). This script only makes the first version: the layout of
Decree 30/2020/NĐ-CP, Times New Roman 14 pt, A4 with 30/15/20/20 mm margins.
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from etl.config import ROOT

TEMPLATE = ROOT / "data" / "templates" / "bao_cao_thang.docx"
FONT = "Times New Roman"


def _font(style, size=14, bold=None, italic=None):
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for k in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(k), FONT)


def _p(container, text="", bold=False, italic=False, align=None, size=None, style=None, space_after=None):
    p = container.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    if space_after is not None:
        p.paragraph_format.space_after = Pt(space_after)
    return p


def _no_borders(table):
    tbl = table._tbl
    pr = tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    pr.append(borders)


def _cell_first(cell, text, **kw):
    """Use the cell's first (empty) paragraph for the first line."""
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold, run.italic = kw.get("bold", False), kw.get("italic", False)
    if kw.get("size"):
        run.font.size = Pt(kw["size"])
    p.alignment = kw.get("align", WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.space_after = Pt(0)
    return p


def _loop(container, var, items, body, style=None, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.JUSTIFY):
    _p(container, f"{{%p for {var} in {items} %}}")
    p = _p(container, body, bold=bold, italic=italic, style=style)
    p.alignment = align
    _p(container, "{%p endfor %}")


def _data_table(doc, headers, fields, loop, widths):
    t = doc.add_table(rows=3, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, h in enumerate(headers):
        _cell_first(t.rows[0].cells[c], h, bold=True, size=12)
    t.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for row in {loop} %}}")
    for c, f in enumerate(fields):
        _cell_first(t.rows[2].cells[c], f"{{{{ row.{f} }}}}", size=12,
                    align=WD_ALIGN_PARAGRAPH.LEFT if c < 2 else WD_ALIGN_PARAGRAPH.RIGHT)
    # the loop's closing row
    row = t.add_row()
    row.cells[0].paragraphs[0].add_run("{%tr endfor %}")
    for r in t.rows:
        for c, w in enumerate(widths):
            r.cells[c].width = Mm(w)
    return t


def make(out: Path = TEMPLATE) -> Path:
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin, sec.right_margin, sec.top_margin, sec.bottom_margin = Mm(30), Mm(15), Mm(20), Mm(20)
    _font(doc.styles["Normal"], 14)
    doc.styles["Normal"].paragraph_format.space_after = Pt(6)
    for name, size in (("Heading 1", 14), ("Heading 2", 14)):
        _font(doc.styles[name], size, bold=True, italic=False)
        doc.styles[name].paragraph_format.space_before = Pt(6)
        doc.styles[name].paragraph_format.space_after = Pt(6)
    # every page: the sample mark (empty for real data)
    head = sec.header.paragraphs[0]
    run = head.add_run("{{ sample_mark }}")
    run.bold = True
    run.font.color.rgb = RGBColor(0xC0, 0, 0)
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot = sec.footer.paragraphs[0]
    r = foot.add_run("{{ footer }}")
    r.font.size = Pt(10)
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER

    # letterhead: the issuing body and the national motto side by side, no borders
    t = doc.add_table(rows=1, cols=2)
    _no_borders(t)
    left, right = t.rows[0].cells
    left.width, right.width = Mm(70), Mm(95)
    _cell_first(left, "{{ issuing_parent }}", size=13)
    _p(left, "{{ issuing_body }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=13, space_after=0)
    _p(left, "Số: {{ number }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=13)
    _cell_first(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13)
    _p(right, "Độc lập - Tự do - Hạnh phúc", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14, space_after=0)
    _p(right, "{{ place_date }}", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)

    _p(doc, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _p(doc, "{{ title }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _p(doc, "{{ source_note }}", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=12)

    doc.add_paragraph("I. CÔNG TÁC CHỈ ĐẠO, TỔ CHỨC THỰC HIỆN", style="Heading 1")
    _loop(doc, "t", "section_i", "{{ t }}", italic=True)
    doc.add_paragraph("II. KẾT QUẢ THỰC HIỆN", style="Heading 1")
    _p(doc, "{%p for s in section_ii %}")
    doc.add_paragraph("{{ s.heading }}", style="Heading 2")
    _loop(doc, "t", "s.paragraphs", "{{ t }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "Bảng 1. Một số chỉ tiêu chủ yếu", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=13)
    _data_table(doc, ["Chỉ tiêu", "Đơn vị tính", "Tháng trước", "Tháng báo cáo", "Thay đổi"],
                ["name", "unit", "prev", "now", "change"], "kpis", [60, 25, 28, 28, 24])
    _p(doc, "")
    _p(doc, "Bảng 2. Tỷ lệ hồ sơ trực tuyến theo đơn vị", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=13)
    _data_table(doc, ["Đơn vị", "Thuộc", "Tổng hồ sơ", "Trực tuyến", "Tỷ lệ"],
                ["name", "group", "total", "online", "rate"], "units", [50, 40, 27, 27, 21])
    doc.add_paragraph("III. KHÓ KHĂN, VƯỚNG MẮC", style="Heading 1")
    _loop(doc, "t", "section_iii", "{{ t }}")
    doc.add_paragraph("IV. NHIỆM VỤ TRỌNG TÂM THÁNG TỚI", style="Heading 1")
    _loop(doc, "t", "section_iv", "{{ t }}")
    _p(doc, "{{ closing }}")

    # recipients and signature block
    t = doc.add_table(rows=1, cols=2)
    _no_borders(t)
    left, right = t.rows[0].cells
    left.width, right.width = Mm(80), Mm(85)
    _cell_first(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    _p(left, "{%p for r in recipients %}")
    _p(left, "- {{ r }}", size=11, space_after=0)
    _p(left, "{%p endfor %}")
    _cell_first(right, "{{ signer_first }}", bold=True, size=14)
    _p(right, "{%p for s in signer_rest %}")
    _p(right, "{{ s }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _p(right, "{%p endfor %}")
    for _ in range(3):
        _p(right, "")
    _p(right, "{{ signer_name }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    return out


if __name__ == "__main__":
    print(make(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE))
