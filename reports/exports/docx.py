"""The report as .docx (python-docx): the same headings and paragraphs as the PDF, then the form
as 附件 — its tables built from the grid of evaluations/exports/layout.py, merges and all, so the
Word file and the printed form cannot drift apart."""

from __future__ import annotations

from typing import BinaryIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell

from evaluations.exports.layout import Grid, build_grids
from evaluations.selectors import form_data

from ..selectors import report_view
from .document import ReportDocument, build_document

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "宋体"  # SimSun: present wherever Word is; 公文 bodies are printed in a 宋/仿宋 face
BODY_PT = 14
BLACK = RGBColor(0, 0, 0)


def _font(target, size: float, *, bold: bool = False) -> None:
    """Latin and East Asian faces alike (Word keeps them apart), black, at `size` pt."""
    target.font.name = FONT
    target.font.size = Pt(size)
    target.font.bold = bold
    target.font.color.rgb = BLACK
    r_pr = target.element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(r_fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        r_fonts.set(qn(attr), FONT)


def _styles(doc) -> None:
    styles = doc.styles
    _font(styles["Normal"], BODY_PT)
    styles["Normal"].paragraph_format.line_spacing = 1.5
    styles["Normal"].paragraph_format.space_after = Pt(0)
    for name, size in (("Title", 20), ("Heading 1", BODY_PT), ("Heading 2", BODY_PT)):
        style = styles[name]
        _font(style, size, bold=True)
        style.font.italic = False
        style.paragraph_format.space_before = Pt(6 if name != "Heading 2" else 0)
        style.paragraph_format.space_after = Pt(12 if name == "Title" else 0)
        # The built-in Title has a bottom rule; an official report has none.
        p_pr = style.element.get_or_add_pPr()
        border = p_pr.find(qn("w:pBdr"))
        if border is not None:
            p_pr.remove(border)


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)


def _indented(paragraph) -> None:
    paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_PT)


def write_report_docx(document: ReportDocument, grids: list[Grid], output: BinaryIO) -> None:
    doc = Document()
    _styles(doc)
    _page(doc)
    doc.core_properties.title = document.title
    doc.core_properties.author = document.unit

    unit = doc.add_paragraph(document.unit)
    unit.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in unit.runs:
        _font(run, 16)
    title = doc.add_paragraph(document.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER

    for block in document.blocks:
        style = {"heading": "Heading 1", "subheading": "Heading 2"}.get(block.kind, "Normal")
        p = doc.add_paragraph(block.text, style=style)
        _indented(p)

    attachments = "；".join(document.attachments)
    _indented(doc.add_paragraph(f"附件：{attachments}"))
    doc.add_paragraph()
    for text in (document.signature, document.date_text):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    for grid in grids:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        doc.add_paragraph("附件")
        _grid(doc, grid)
    doc.save(output)


def _small(paragraph, size: float = 10.5, *, bold: bool = False) -> None:
    for run in paragraph.runs:
        _font(run, size, bold=bold)
    paragraph.paragraph_format.line_spacing = 1.0
    paragraph.paragraph_format.first_line_indent = None


def _grid(doc, grid: Grid) -> None:
    """The form as printed: title, 年度 line, 单位 line, the table with its merged cells, the
    footnotes and the signature line."""
    p = doc.add_paragraph(grid.title)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _small(p, 16, bold=True)
    for text, align in ((grid.year_line, WD_ALIGN_PARAGRAPH.CENTER), (grid.unit_line, None)):
        if text:
            p = doc.add_paragraph(text)
            p.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.RIGHT
            _small(p)

    n_cols = grid.column_count
    table = doc.add_table(rows=len(grid.rows), cols=n_cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    width = Mm(210 - 28 - 26)
    total = sum(grid.widths)
    for i, column in enumerate(table.columns):
        for cell in column.cells:
            cell.width = int(width * grid.widths[i] / total)

    # Cells are reached through their rows' XML by grid offset: Table.cell() rebuilds the whole
    # cell list on every call, which made a 20-line form take seconds.
    trs = table._tbl.tr_lst
    taken: set[tuple[int, int]] = set()  # slots covered by a merge from an earlier row
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row.cells:
            while (r, c) in taken:
                c += 1
            last_r, last_c = r + cell.rowspan - 1, c + cell.colspan - 1
            tc = trs[r].tc_at_grid_offset(c)
            if (last_r, last_c) != (r, c):
                tc = tc.merge(trs[last_r].tc_at_grid_offset(last_c))
            for rr in range(r, last_r + 1):
                for cc in range(c, last_c + 1):
                    taken.add((rr, cc))
            target = _Cell(tc, table)
            target.text = cell.text
            paragraph = target.paragraphs[0]
            bold = cell.kind in ("caption", "head")
            if cell.kind in ("caption", "head", "number"):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _small(paragraph, bold=bold)
            c = last_c + 1
    for text in (*grid.footnotes, *grid.notes):
        _small(doc.add_paragraph(text), 9)
    signature = "　　".join(f"{label}：{value}" for label, value in grid.signature + grid.approval)
    if signature:
        _small(doc.add_paragraph(signature))


def write_docx(evaluation, output: BinaryIO) -> None:
    """The whole report of a form (lines prefetched: `evaluations.selectors.with_lines`)."""
    view = report_view(evaluation)
    write_report_docx(build_document(view), list(build_grids(form_data(evaluation))), output)
