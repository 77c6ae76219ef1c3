"""A ``Draft`` (rag/render.py) as a Word document in the official layout.

Body in 仿宋 (ascii/hAnsi "FangSong", w:eastAsia "仿宋"), headings in 黑体, the title centred,
first lines indented two characters, page numbers from a PAGE field in the footer, the source
list last, then any drafting notes.
"""

from __future__ import annotations

import re
from pathlib import Path

from rag.render import Draft, source_line

BODY_FONT = ("FangSong", "仿宋")  # (ascii/hAnsi name, east-Asian name)
HEAD_FONT = ("SimHei", "黑体")


def _fonts(rpr_owner, fonts: tuple[str, str]) -> None:
    """Set ascii/hAnsi and the east-Asian font (w:eastAsia) on a style or run."""
    from docx.oxml.ns import qn

    rpr = rpr_owner.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), fonts[0])
    rfonts.set(qn("w:eastAsia"), fonts[1])
    rfonts.set(qn("w:hint"), "eastAsia")
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)  # theme fonts would override the names


def _style(doc, name: str, fonts: tuple[str, str], size: float, bold: bool = False) -> None:
    from docx.shared import Pt, RGBColor

    st = doc.styles[name]
    st.font.name = fonts[0]
    st.font.size = Pt(size)
    st.font.bold = bold
    st.font.color.rgb = RGBColor(0, 0, 0)
    _fonts(st.element, fonts)


def _a4(doc) -> None:
    """A4 with the margins of official documents (GB/T 9704: 天头 37 mm, 订口 28 mm; a type area
    of 156 × 225 mm); python-docx's template is US Letter."""
    from docx.shared import Mm

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)


def _page_number(doc) -> None:
    """Centred page number in the footer: a PAGE field (Word/LibreOffice fill it in)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = p.add_run()
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


# 〔待补：…〕 and 〔待核：…〕 stand out in Word as on the page: what the drafter must still supply or check
_TODO = re.compile(r"(〔待[补核][^〕]*〕)")


def _runs(p, text: str) -> None:
    """``text`` as runs of paragraph ``p``, each placeholder highlighted."""
    from docx.enum.text import WD_COLOR_INDEX

    for piece in _TODO.split(text):
        if piece:
            run = p.add_run(piece)
            if _TODO.fullmatch(piece):
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _table(doc, rows: list[list[str]]) -> None:
    from docx.shared import Pt

    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            _runs(cell.paragraphs[0], value)
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(11)
                run.font.bold = r == 0
                _fonts(run._r, BODY_FONT)


def to_docx(d: Draft, path: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = docx.Document()
    _a4(doc)
    _style(doc, "Normal", BODY_FONT, 16)
    _style(doc, "Title", HEAD_FONT, 22)
    _style(doc, "Heading 1", HEAD_FONT, 16, bold=True)
    _style(doc, "Heading 2", HEAD_FONT, 16)
    doc.core_properties.title = d.title
    title = doc.add_paragraph(d.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if d.subtitle:
        doc.add_paragraph(d.subtitle).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for b in d.blocks:
        if b.kind in ("h1", "h2"):
            doc.add_heading(b.text, level=1 if b.kind == "h1" else 2)
        elif b.kind == "table" and b.rows:
            _table(doc, b.rows)
        elif b.kind == "li":
            _runs(doc.add_paragraph(style="List Bullet"), b.text)
        else:
            p = doc.add_paragraph()
            _runs(p, b.text)
            if b.kind == "right":
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif b.kind == "p":
                p.paragraph_format.first_line_indent = Pt(32)  # two characters at 16 pt
            elif b.kind == "note":
                for run in p.runs:
                    run.font.size = Pt(12)
    if d.citations:
        doc.add_heading(d.sources_heading, level=1)
        for c in d.citations:
            p = doc.add_paragraph(source_line(c))
            for run in p.runs:
                run.font.size = Pt(12)
    if d.problems:
        doc.add_heading(d.problems_heading, level=1)
        for prob in d.problems:
            doc.add_paragraph(prob, style="List Bullet")
    _page_number(doc)
    doc.save(str(path))
