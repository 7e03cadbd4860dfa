"""The exports after the self-evaluation, as Excel (openpyxl) and PDF (WeasyPrint): the 复核
difference report, the 结果应用建议表 and a unit's 公开 package (its approved forms as published and
the 自评结果公开汇总表). Writers take plain tables and forms and write bytes; they know nothing of
requests. Text cells are stored as text (never a formula), numbers as numbers, with the form
exports' own helpers and fonts."""

from __future__ import annotations

import atexit
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from io import BytesIO
from typing import BinaryIO

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from pypdf import PdfReader, PdfWriter

from evaluations.exports.figures import format_amount, format_points
from evaluations.exports.layout import FormData
from evaluations.exports.pdf import STATIC_DIR, pdf_bytes, print_resources, render_lock
from workbooks.xlsx import (
    BORDER,
    CENTER,
    FONT,
    FONT_BOLD,
    FONT_NAME,
    number_value,
    set_text,
    write_xlsx_many,
)

TABLE_CSS = STATIC_DIR / "css" / "followup_print.css"
FONT_TITLE = Font(name=FONT_NAME, size=14, bold=True)
WRAP = Alignment(vertical="center", wrap_text=True)
# A mainland mobile number (11 digits from 1[3-9]), left out of a published form when asked.
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@dataclass(frozen=True)
class Table:
    """One table of an export: a title, column heads, rows of text / Decimal / None, notes."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    notes: tuple[str, ...] = ()
    widths: tuple[int, ...] = ()  # Excel column widths; 14 each where not given


@dataclass(frozen=True)
class Amount:
    """Money in 万元: printed with two decimals, a number with two decimals in Excel."""

    value: Decimal | None


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Amount):
        return format_amount(value.value)
    if isinstance(value, Decimal):
        return format_points(value)
    return str(value)


# -- Excel ------------------------------------------------------------------------------------


def fill_sheet(ws, table: Table) -> None:
    ncols = len(table.columns)
    title = ws.cell(row=1, column=1)
    set_text(title, table.title)
    title.font = FONT_TITLE
    if ncols > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    for c, name in enumerate(table.columns, start=1):
        cell = ws.cell(row=2, column=c)
        set_text(cell, name)
        cell.font, cell.alignment, cell.border = FONT_BOLD, CENTER, BORDER
        width = table.widths[c - 1] if c <= len(table.widths) else 14
        ws.column_dimensions[get_column_letter(c)].width = width
    for r, values in enumerate(table.rows, start=3):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, Amount):
                cell.value = value.value
                cell.number_format = "0.00"
            elif isinstance(value, Decimal):
                cell.value = number_value(value)
            else:
                set_text(cell, _shown(value))
            cell.font, cell.border, cell.alignment = FONT, BORDER, WRAP
    r = len(table.rows) + 4
    for note in table.notes:
        set_text(ws.cell(row=r, column=1), note)
        ws.cell(row=r, column=1).font = FONT
        r += 1
    ws.print_title_rows = "2:2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def write_tables_xlsx(tables: list[Table], output: BinaryIO) -> None:
    """One sheet per table."""
    wb = Workbook()
    wb.remove(wb.active)
    for i, table in enumerate(tables):
        name = re.sub(r"[\[\]:*?/\\]", "", table.title)[:28] or f"表{i + 1}"
        fill_sheet(wb.create_sheet(name if name not in wb.sheetnames else f"{name}{i}"), table)
    wb.save(output)


# -- PDF --------------------------------------------------------------------------------------


@cache
def _stylesheet(font_config, fetcher):
    from weasyprint import CSS

    css = CSS(filename=str(TABLE_CSS), font_config=font_config, url_fetcher=fetcher)
    atexit.register(_stylesheet.cache_clear)  # before the form renderer drops font_config
    return css


def tables_pdf(title: str, tables: list[Table], *, subtitle: str = "") -> bytes:
    """The tables as a landscape A4 document in the forms' bundled faces."""
    from weasyprint import HTML

    rows = [
        {
            "table": table,
            "rows": [[_shown(v) for v in values] for values in table.rows],
        }
        for table in tables
    ]
    html = render_to_string(
        "followup/print_tables.html", {"title": title, "subtitle": subtitle, "tables": rows}
    )
    _, font_config, fetcher = print_resources()
    css = _stylesheet(font_config, fetcher)
    with render_lock:  # one WeasyPrint render at a time in a process (see reports.exports.pdf)
        return HTML(string=html, base_url=str(STATIC_DIR), url_fetcher=fetcher).write_pdf(
            stylesheets=[css], font_config=font_config
        )


# -- 公开 package -------------------------------------------------------------------------------


def published(data: FormData, *, hide_phones: bool) -> FormData:
    """A form as published: with `hide_phones`, the preparer's phone and any mobile number in the
    head (负责人及电话) left out."""
    if not hide_phones:
        return data
    header = {key: MOBILE.sub("", value).strip() for key, value in data.header.items()}
    return replace(data, header=header, preparer_phone="")


def disclosure_table(unit: str, year: int, rows) -> Table:
    return Table(
        title=f"{unit}{year}年度项目支出绩效自评结果公开汇总表",
        columns=("序号", "项目名称", "金额（万元）", "自评得分", "等级"),
        rows=[
            (str(i), row.project, Amount(row.amount), row.total, row.grade)
            for i, row in enumerate(rows, start=1)
        ],
        notes=("金额为年度资金总额全年预算数；自评得分为审核通过的自评表总分。",),
        widths=(6, 40, 14, 10, 8),
    )


def write_disclosure_pdf(table: Table, forms: list[FormData], output: BinaryIO) -> None:
    """The 汇总表, then every form as printed, as one PDF with a bookmark per part."""
    writer = PdfWriter()
    for page in PdfReader(BytesIO(tables_pdf(table.title, [table]))).pages:
        writer.add_page(page)
    writer.add_outline_item(title="自评结果公开汇总表", page_number=0)
    for data in forms:
        first = len(writer.pages)
        for page in PdfReader(BytesIO(pdf_bytes(data))).pages:
            writer.add_page(page)
        writer.add_outline_item(
            title=data.header.get("project_name") or data.title, page_number=first
        )
    writer.add_metadata({"/Title": table.title})
    writer.write(output)


def write_disclosure_xlsx(table: Table, forms: list[FormData], output: BinaryIO) -> None:
    """The 汇总表 as the first sheet, then a sheet per form (per table of a 部门整体 form)."""
    write_xlsx_many(
        forms, output, first_sheet=("自评结果公开汇总表", lambda ws: fill_sheet(ws, table))
    )
