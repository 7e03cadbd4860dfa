"""The printed form as an Excel workbook (openpyxl), from the grid of `layout.py`.

The sheet is the paper form: title, year and unit lines, the grid with its merges and borders,
footnotes and signature, set up to print on A4 portrait at page width with the indicator heading
repeated. Writes to any file-like object and knows nothing of requests.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
import weakref
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from decimal import Decimal
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from evaluations.exports.layout import Cell, FormData, Grid, grids_of
from evaluations.exports.signature_line import signature_text

FONT_NAME = "宋体"
FONT_SIZE = 10.5
# Total width of the grid in Excel's units (the width of "0" in the default font); A4 portrait
# at fit-to-width then prints at about 100 %.
SHEET_WIDTH = 100
LINE_HEIGHT = 14.0  # points per line of 10.5pt text
SHEET_NAME_MAX = 31

_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FONT = Font(name=FONT_NAME, size=FONT_SIZE)
FONT_BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
FONT_TITLE = Font(name=FONT_NAME, size=16, bold=True)
FONT_NOTE = Font(name=FONT_NAME, size=9)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
LEFT_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


# -- cell styles, looked up once per workbook ------------------------------------------------------

# openpyxl finds a style's place in the workbook by hashing the style object on every assignment
# (recursively, field by field), which took most of the time of filling a sheet: a batch export's
# workbook of 2,000 forms spent about 8 of its 15 seconds there. A combination's index array is
# therefore worked out once per workbook and copied onto each further cell that takes it.
_STYLE_ARRAYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def style(cell, *, font=None, alignment=None, border=None, number_format: str | None = None):
    """Give a cell (new, without a style yet) these styles; returns the cell. The style objects
    are the long-lived ones of a module (FONT, BORDER, …), which the cache keys on."""
    arrays = _STYLE_ARRAYS.setdefault(cell.parent.parent, {})
    key = (id(font), id(alignment), id(border), number_format)
    known = arrays.get(key)
    if known is None:
        if font is not None:
            cell.font = font
        if alignment is not None:
            cell.alignment = alignment
        if border is not None:
            cell.border = border
        if number_format is not None:
            cell.number_format = number_format
        # The objects are kept with their array, so their ids stay theirs while the key lives.
        arrays[key] = (copy(cell._style), font, alignment, border)
    else:
        cell._style = copy(known[0])
    return cell


def _merge(ws, min_row: int, min_col: int, max_row: int, max_col: int) -> None:
    """Merge a range whose cells get their borders from the caller (every grid cell is given
    BORDER; a title line has none). openpyxl's merge_cells also re-derives the range's edge
    borders from its first cell, a second pass over the range that changes nothing here."""
    ref = CellRange(min_col=min_col, min_row=min_row, max_col=max_col, max_row=max_row).coord
    ws.merged_cells.add(MergedCellRange(ws, ref))


# A text starting with one of these is a formula to Excel when retyped; written as a string and
# marked with Excel's quote prefix, it stays the text a person typed.
_FORMULA_START = ("=", "+", "-", "@")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def write_xlsx(grid_or_data: Grid | FormData | Sequence[Grid], output: BinaryIO) -> None:
    """Write one form as a workbook to `output` (a binary file-like object): one sheet, or a
    sheet per table where the form has more (部门整体: 指标表, then 基础数据表)."""
    grids = grids_of(grid_or_data)
    names = None
    if len(grids) > 1:
        names = [grid.title for grid in grids]
    write_xlsx_many(grids, output, names)


def write_xlsx_many(
    forms: Iterable[Grid | FormData],
    output: BinaryIO,
    names: Sequence[str] | None = None,
    *,
    first_sheet: tuple[str, Callable] | None = None,
) -> None:
    """Write forms as one workbook: a sheet per `Grid`, and for a `FormData` a sheet per table of
    the form (one for most forms; 指标表 and 基础数据表 for a 部门整体 form).

    Sheet names come from `names` (one per item) or else each form's first head value (the
    project name); see `form_sheet_names`. `first_sheet` is (name, fill): a sheet put before the
    forms and filled by `fill(worksheet)` (a batch export's summary).
    """
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    if first_sheet is not None:
        title, fill = first_sheet
        fill(wb.create_sheet(sheet_name(title, used)))
    for i, item in enumerate(forms):
        tables = grids_of(item)
        wanted = names[i] if names is not None else _project_name(tables[0])
        titles = form_sheet_names(wanted, tables, used, fallback=f"表{i + 1}")
        for title, grid in zip(titles, tables, strict=True):
            _fill_sheet(wb.create_sheet(title), grid)
    if not wb.worksheets:
        wb.create_sheet("表1")
    wb.save(output)


def form_sheet_names(
    wanted: str, tables: Sequence[Grid], used: set[str], *, fallback: str = "表"
) -> list[str]:
    """The sheet names of one form's tables, made with `sheet_name` (so valid and unique): `wanted`
    for a form of one table; for a form of more, `wanted` followed by each table's own part of
    its title, which survives when a long name is cut (桃源县…中心·指标表, 桃源县…中心·基础数据表)."""
    if len(tables) == 1:
        return [sheet_name(wanted, used, fallback=fallback)]
    titles = [grid.title for grid in tables]
    # 部门整体支出绩效评价指标表 / 部门整体支出绩效评价基础数据表 → 指标表 / 基础数据表
    common = len(os.path.commonprefix(titles))
    return [
        sheet_name(wanted, used, fallback=fallback, suffix=f"·{title[common:] or title}")
        for title in titles
    ]


def sheet_name(wanted: str, used: set[str], *, fallback: str = "表", suffix: str = "") -> str:
    """A valid, unique sheet name for `wanted`; adds it to `used` (compared case-insensitively,
    as Excel does). `suffix` is kept whole: `wanted` is cut to make room for it."""
    base = _clean_sheet_name(wanted) or fallback
    suffix = _clean_sheet_name(suffix)[: SHEET_NAME_MAX - 4]
    n, dup = 1, ""
    while True:
        # Excel refuses a name that ends with an apostrophe, which cutting may leave.
        room = max(SHEET_NAME_MAX - len(dup) - len(suffix), 0)
        name = base[:room].rstrip("'") + dup + suffix
        if name.casefold() not in used:
            break
        n += 1
        dup = f"({n})"
    used.add(name.casefold())
    return name


def _clean_sheet_name(text: str) -> str:
    text = _SHEET_NAME_FORBIDDEN.sub("", ILLEGAL_CHARACTERS_RE.sub("", text or "")).strip()
    # Excel refuses a name that starts or ends with an apostrophe.
    return text.strip("'").strip()


def _project_name(grid: Grid) -> str:
    head = next((r for r in grid.rows if r.section == "head"), None)
    if head and len(head.cells) > 1:
        return head.cells[1].text
    return grid.title


# -- one sheet ------------------------------------------------------------------------------------


def _fill_sheet(ws, grid: Grid) -> None:
    ncols = grid.column_count
    widths = _column_widths(grid.widths)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width

    r = 1
    r = _line(ws, r, ncols, grid.title, FONT_TITLE, CENTER, height=28)
    if grid.year_line:  # empty where the title states the year itself
        r = _line(ws, r, ncols, grid.year_line, FONT, CENTER, height=18)
    if grid.unit_line:
        r = _line(ws, r, ncols, grid.unit_line, FONT, RIGHT, height=18)

    first = r
    # Excel and LibreOffice do not grow a row to fit wrapped text in merged cells: set heights.
    for i, height in enumerate(_write_grid(ws, grid, first, widths)):
        ws.row_dimensions[first + i].height = height
    r = first + len(grid.rows)

    # The form's 注 in one cell, a line per paragraph, as forms type it; then the scoring rules'
    # notes; the signature line in one cell, as it reads across the paper.
    for note in ("\n".join(grid.footnotes), *grid.notes):
        if note:
            height = _lines(note, sum(widths)) * 12.0 + 2
            r = _line(ws, r, ncols, note, FONT_NOTE, LEFT, height=height)
    for items in (grid.signature, grid.approval):
        if items:
            r = _line(ws, r, ncols, signature_text(items), FONT, LEFT, height=22)

    heading = grid.row_index("indicators_head")
    _page_setup(ws, grid, None if heading is None else first + heading, last_row=r - 1)


def _column_widths(widths: tuple[int, ...]) -> list[float]:
    total = sum(widths)
    return [round(SHEET_WIDTH * w / total, 2) for w in widths]


def _line(ws, r: int, ncols: int, text: str, font, alignment, *, height: float) -> int:
    """A row with one text merged across the full width (title, year line, footnotes)."""
    cell = style(ws.cell(row=r, column=1), font=font, alignment=alignment)
    set_text(cell, text)
    if ncols > 1:
        _merge(ws, r, 1, r, ncols)
    ws.row_dimensions[r].height = height
    return r + 1


def _write_grid(ws, grid: Grid, first: int, widths: list[float]) -> list[float]:
    """Write the grid's cells from row `first`; returns each row's height in points."""
    ncols = grid.column_count
    held: dict[int, set[int]] = {}
    heights = [LINE_HEIGHT + 6] * len(grid.rows)
    tall: list[tuple[int, int, float]] = []  # merged-down cells: first row, rows, points needed
    written: set[tuple[int, int]] = set()
    for i, row in enumerate(grid.rows):
        col = 0
        for cell in row.cells:
            while col in held.get(i, ()):
                col += 1
            _write_cell(ws.cell(row=first + i, column=col + 1), cell, row.section)
            written.add((first + i, col + 1))
            if cell.colspan > 1 or cell.rowspan > 1:
                _merge(ws, first + i, col + 1, first + i + cell.rowspan - 1, col + cell.colspan)
            for below in range(i + 1, i + cell.rowspan):
                held.setdefault(below, set()).update(range(col, col + cell.colspan))
            needed = _lines(cell.text, sum(widths[col : col + cell.colspan])) * LINE_HEIGHT + 6
            if cell.rowspan == 1:
                heights[i] = max(heights[i], needed)
            else:
                tall.append((i, cell.rowspan, needed))
            col += cell.colspan
    # A merged-down cell whose text needs more than its rows give: the last row grows.
    for i, n, needed in tall:
        short = needed - sum(heights[i : i + n])
        if short > 0:
            heights[i + n - 1] += short
    # Every cell of the grid has its border (given in _write_cell), the cells a merge covers
    # too, or Excel draws gaps.
    for r in range(first, first + len(grid.rows)):
        for c in range(1, ncols + 1):
            if (r, c) not in written:
                style(ws.cell(row=r, column=c), border=BORDER)
    return heights


def _write_cell(target, cell: Cell, section: str) -> None:
    if cell.kind == "text":
        long_text = section in ("goals", "text")
        alignment = LEFT_TOP if long_text and cell.text else LEFT
    else:
        alignment = CENTER
    number = cell.kind == "number" and cell.value is not None
    style(
        target,
        font=FONT_BOLD if cell.kind == "head" else FONT,
        alignment=alignment,
        border=BORDER,
        number_format=(cell.number_format or "General") if number else None,
    )
    if number:
        target.value = number_value(cell.value)
    else:
        set_text(target, cell.text)


def number_value(value: Decimal) -> Decimal | int:
    # Whole numbers as int keep "10" rather than "10.00" in the file; others stay exact Decimals.
    return int(value) if value == value.to_integral_value() else value


def set_text(target, text: str) -> None:
    """Store `text` as a string whatever it looks like, never as a formula."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text or "")
    if not text:
        target.value = None
        return
    target.value = text
    target.data_type = "s"
    if text.startswith(_FORMULA_START):
        target.quotePrefix = True


def _lines(text: str, width: float) -> int:
    """How many lines `text` wraps to in a cell `width` units wide (CJK characters count two)."""
    room = max(width - 1.5, 1.0)
    lines = 0
    for part in (text or "").split("\n"):
        units = sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in part)
        lines += max(1, math.ceil(units / room))
    return max(lines, 1)


def _page_setup(ws, grid: Grid, heading_row: int | None, last_row: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.7, bottom=0.7, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.sheet_view.showGridLines = False  # on screen too, the sheet looks like the paper form
    ws.print_area = f"A1:{get_column_letter(grid.column_count)}{last_row}"
    if heading_row is not None:
        ws.print_title_rows = f"{heading_row}:{heading_row}"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    if grid.watermark:
        ws.oddHeader.right.text = grid.watermark
        ws.oddHeader.right.color = "CC0000"
        ws.oddHeader.right.size = 14
