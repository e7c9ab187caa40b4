"""Write the Word template of the monthly report: python -m etl.report.make_template [OUT].

The template (data/templates/bao_cao_thang.docx) is committed; a province restyles it in Word
(letterhead, fonts, spacing, the fixed wording) without touching code, as long as the
{{ fields }} and {%p %} loops stay (README, "Báo cáo tháng"). This script only makes the first
version, in the layout of Decree 30/2020/NĐ-CP (Appendix I, Part I and the model of an
administrative report): A4, margins 20 mm top and bottom, 30 mm left, 15 mm right; Times New
Roman; the issuing body (12–13 pt caps, the body itself bold with a short line under it) and the
national motto (13 pt bold caps, "Độc lập - Tự do - Hạnh phúc" 14 pt bold with a line under it)
side by side; "Số: …/BC-…" under the issuing body; place and date in italics under the motto;
the document type and its summary bold and centred with a short line under them; body 14 pt,
justified, first line indented 10 mm, 6 pt between paragraphs; "Nơi nhận:" (12 pt bold italic,
recipients 11 pt) bottom-left and the signature block (14 pt bold caps) bottom-right; page numbers
centred in the top margin from page 2 on.
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from etl.config import ROOT

TEMPLATE = ROOT / "data" / "templates" / "bao_cao_thang.docx"
FONT = "Times New Roman"
TEXT_WIDTH_MM = 165  # 210 - 30 - 15
BODY = "Body Text"  # the narrative's paragraph style
INDENT = Mm(10)


def _named_font(fonts) -> None:
    """Times New Roman for every script, and no theme font: Word and LibreOffice let a theme
    attribute (w:asciiTheme ...) win over the named font, so headings came out in the theme's
    sans-serif."""
    for k in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(k)) is not None:
            del fonts.attrib[qn(k)]
    for k in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(k), FONT)


def _rpr_fonts(rpr):
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    _named_font(fonts)


def _font(style, size=14, bold=None, italic=None):
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.color.rgb = RGBColor(0, 0, 0)
    if bold is not None:
        style.font.bold = bold
    if italic is not None:
        style.font.italic = italic
    _rpr_fonts(style.element.get_or_add_rPr())


def _document_defaults(doc) -> None:
    """The document defaults and every style that names a font: Times New Roman, no theme font."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if rpr is not None:
        _rpr_fonts(rpr)
    for fonts in doc.styles.element.iter(qn("w:rFonts")):  # table styles' conditional parts too
        _named_font(fonts)


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


def _line_under(p, indent_mm: float) -> None:
    """A thin line under the paragraph, `indent_mm` shorter than the cell or page on each side
    (Decree 30's short line under the issuing body, the motto and the summary)."""
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)
    p.paragraph_format.left_indent = Mm(indent_mm)
    p.paragraph_format.right_indent = Mm(indent_mm)
    p.paragraph_format.first_line_indent = Mm(0)


def _table_layout(table, widths_mm: list[float], borders: bool) -> None:
    """Fixed column widths that Word and LibreOffice both keep (the grid, each cell and a fixed
    layout), optionally without borders."""
    tbl = table._tbl
    pr = tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    pr.append(layout)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(sum(widths_mm) * 56.7)))
    width.set(qn("w:type"), "dxa")
    for old in pr.findall(qn("w:tblW")):
        pr.remove(old)
    pr.append(width)
    grid = tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_mm):
        col.set(qn("w:w"), str(int(w * 56.7)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)
    if not borders:
        b = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            e = OxmlElement(f"w:{edge}")
            e.set(qn("w:val"), "nil")
            b.append(e)
        pr.append(b)


def _rule(container, indent_mm: float) -> None:
    """A short centred line of its own (under the issuing body, the motto, the summary): an
    empty paragraph 3 pt high with a bottom border, `indent_mm` in from each side."""
    p = container.add_paragraph()
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "6")
    rpr.append(sz)
    p._p.get_or_add_pPr().append(rpr)
    p.paragraph_format.line_spacing = Pt(3)
    p.paragraph_format.space_after = Pt(0)
    _line_under(p, indent_mm)


def _cell_rule(cell, width_mm: float) -> None:
    """A short centred line inside a letterhead cell: a one-cell table `width_mm` wide with only
    a top border and a 1 pt row, so the cell's paragraphs stay its text lines."""
    t = cell.add_table(rows=1, cols=1)
    cell._tc.remove(cell._tc.p_lst[-1])  # the empty paragraph python-docx adds after a table
    _table_layout(t, [width_mm], borders=False)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    pr = t._tbl.tblPr
    borders = pr.find(qn("w:tblBorders"))
    top = borders.find(qn("w:top"))
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")):
        top.set(qn(k), v)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right", "top", "bottom"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), "0")
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    pr.append(margins)
    trpr = t.rows[0]._tr.get_or_add_trPr()
    h = OxmlElement("w:trHeight")
    h.set(qn("w:val"), "60")
    h.set(qn("w:hRule"), "exact")
    trpr.append(h)
    inner = t.rows[0].cells[0].paragraphs[0]
    inner.paragraph_format.line_spacing = Pt(1)
    inner.paragraph_format.space_after = Pt(0)
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "2")
    rpr.append(sz)
    inner._p.get_or_add_pPr().append(rpr)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    h = OxmlElement("w:tblHeader")
    trpr.append(h)


def _cell_first(cell, text, **kw):
    """Use the cell's first (empty) paragraph for the first line."""
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold, run.italic = kw.get("bold", False), kw.get("italic", False)
    if kw.get("size"):
        run.font.size = Pt(kw["size"])
    p.alignment = kw.get("align", WD_ALIGN_PARAGRAPH.CENTER)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.first_line_indent = Mm(0)
    return p


def _loop(container, var, items, body, style=BODY, bold=False, italic=False):
    _p(container, f"{{%p for {var} in {items} %}}")
    _p(container, body, bold=bold, italic=italic, style=style)
    _p(container, "{%p endfor %}")


def _write_here(doc, field: str) -> None:
    """A marked place to write: the text in italics on a yellow highlight."""
    p = doc.add_paragraph(style=BODY)
    run = p.add_run(f"{{{{ {field} }}}}")
    run.italic = True
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _data_table(doc, headers, fields, loop, widths, left: int = 2):
    """Header row, then docxtpl's row loop; the first `left` columns are text (left-aligned),
    the others figures (right-aligned). The header repeats on every page."""
    t = doc.add_table(rows=3, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, h in enumerate(headers):
        _cell_first(t.rows[0].cells[c], h, bold=True, size=12)
    _repeat_header(t.rows[0])
    t.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for row in {loop} %}}")
    for c, f in enumerate(fields):
        align = WD_ALIGN_PARAGRAPH.CENTER if f == "stt" else (WD_ALIGN_PARAGRAPH.LEFT if c < left else WD_ALIGN_PARAGRAPH.RIGHT)
        _cell_first(t.rows[2].cells[c], f"{{{{ row.{f} }}}}", size=12, align=align)
    row = t.add_row()  # the loop's closing row
    row.cells[0].paragraphs[0].add_run("{%tr endfor %}")
    _table_layout(t, widths, borders=True)
    return t


def _page_number(p) -> None:
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, None), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        elif text:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
            run._r.append(el)
        else:
            el = OxmlElement("w:t")
            el.text = "2"
            run._r.append(el)


def _sample_mark(p) -> None:
    run = p.add_run("{{ sample_mark }}")
    run.bold = True
    run.font.size = Pt(12)
    run.font.color.rgb = RGBColor(0xC0, 0, 0)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _footer(p) -> None:
    r = p.add_run("{{ footer }}")
    r.font.size = Pt(10)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def make(out: Path = TEMPLATE) -> Path:
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.left_margin, sec.right_margin, sec.top_margin, sec.bottom_margin = Mm(30), Mm(15), Mm(20), Mm(20)
    sec.header_distance, sec.footer_distance = Mm(10), Mm(10)
    _document_defaults(doc)
    _font(doc.styles["Normal"], 14)
    doc.styles["Normal"].paragraph_format.space_after = Pt(0)
    body = doc.styles[BODY] if BODY in [s.name for s in doc.styles] else doc.styles.add_style(BODY, WD_STYLE_TYPE.PARAGRAPH)
    _font(body, 14)
    body.base_style = doc.styles["Normal"]
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.first_line_indent = INDENT
    body.paragraph_format.space_before = Pt(0)
    body.paragraph_format.space_after = Pt(6)
    for name in ("Heading 1", "Heading 2"):
        _font(doc.styles[name], 14, bold=True, italic=False)
        pf = doc.styles[name].paragraph_format
        pf.space_before, pf.space_after = Pt(6), Pt(6)
        pf.first_line_indent = INDENT
        pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    # every page: the sample mark (empty for real data); page numbers from page 2 on; the source
    sec.different_first_page_header_footer = True
    _sample_mark(sec.first_page_header.paragraphs[0])
    _sample_mark(sec.header.paragraphs[0])
    number = sec.header.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(number)
    _footer(sec.footer.paragraphs[0])
    _footer(sec.first_page_footer.paragraphs[0])

    # letterhead: the issuing body and the national motto side by side, no borders
    t = doc.add_table(rows=1, cols=2)
    left, right = t.rows[0].cells
    _cell_first(left, "{{ issuing_parent }}", size=13)
    _p(left, "{{ issuing_body }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=13, space_after=2)
    _cell_rule(left, 26)
    _p(left, "Số: {{ number }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=13).paragraph_format.space_before = Pt(8)
    _cell_first(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13)
    _p(right, "Độc lập - Tự do - Hạnh phúc", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14, space_after=2)
    _cell_rule(right, 68)
    _p(right, "{{ place_date }}", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14).paragraph_format.space_before = Pt(8)
    _table_layout(t, [60, 105], borders=False)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER

    _p(doc, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0).paragraph_format.space_before = Pt(18)
    _p(doc, "{{ title }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _rule(doc, 60)
    _p(doc, "{{ source_note }}", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=12, space_after=6).paragraph_format.space_before = Pt(6)
    _p(doc, "Thực hiện Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ phê duyệt Đề án phát triển ứng dụng "
       "dữ liệu về dân cư, định danh và xác thực điện tử phục vụ chuyển đổi số quốc gia giai đoạn 2022 - 2025, tầm nhìn "
       "đến năm 2030 (Đề án 06), Tổ công tác Đề án 06 báo cáo kết quả thực hiện Đề án 06 {{ month }} trên địa bàn "
       "{{ area }} như sau:", style=BODY)

    doc.add_paragraph("I. CÔNG TÁC CHỈ ĐẠO, TỔ CHỨC THỰC HIỆN", style="Heading 1")
    _write_here(doc, "write_i")
    _loop(doc, "t", "section_i", "{{ t }}")
    doc.add_paragraph("II. KẾT QUẢ THỰC HIỆN", style="Heading 1")
    _p(doc, "{%p for s in section_ii %}")
    doc.add_paragraph("{{ s.heading }}", style="Heading 2")
    _loop(doc, "t", "s.paragraphs", "{{ t }}")
    _p(doc, "{%p endfor %}")
    _p(doc, "Bảng 1. Một số chỉ tiêu chủ yếu", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=13, space_after=3)
    _data_table(doc, ["Chỉ tiêu", "Đơn vị tính", "Tháng trước", "Tháng báo cáo", "Thay đổi"],
                ["name", "unit", "prev", "now", "change"], "kpis", [50, 20, 26, 44, 25])
    _p(doc, "Bảng 2. Tỷ lệ hồ sơ trực tuyến theo đơn vị", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=13,
       space_after=3).paragraph_format.space_before = Pt(12)
    _data_table(doc, ["STT", "Đơn vị", "Tổng hồ sơ", "Trực tuyến", "Tỷ lệ"],
                ["stt", "name", "total", "online", "rate"], "units", [13, 70, 30, 30, 22])
    doc.add_paragraph("III. KHÓ KHĂN, VƯỚNG MẮC", style="Heading 1").paragraph_format.space_before = Pt(12)
    _write_here(doc, "write_iii")
    _loop(doc, "t", "section_iii", "{{ t }}")
    doc.add_paragraph("IV. NHIỆM VỤ TRỌNG TÂM THÁNG TỚI", style="Heading 1")
    _write_here(doc, "write_iv")
    _loop(doc, "t", "section_iv", "{{ t }}")
    _p(doc, "{{ closing }}", style=BODY)

    # recipients bottom-left, the signature block bottom-right
    t = doc.add_table(rows=1, cols=2)
    left, right = t.rows[0].cells
    _cell_first(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    _p(left, "{%p for r in recipients %}")
    _p(left, "- {{ r }}", size=11, space_after=0)
    _p(left, "{%p endfor %}")
    _cell_first(right, "{{ signer_first }}", bold=True, size=14)
    _p(right, "{%p for s in signer_rest %}")
    _p(right, "{{ s }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _p(right, "{%p endfor %}")
    for _ in range(4):
        _p(right, "")
    _p(right, "{{ signer_name }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _table_layout(t, [80, 85], borders=False)
    t.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    return out


if __name__ == "__main__":
    print(make(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE))
