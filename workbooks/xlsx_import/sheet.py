"""A worksheet as text: the cells as a person sees them, and labels compared the way people read
them (full-width or half-width, spaces inside, a trailing colon or note)."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from io import BytesIO

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from ..xlsx_checks import BROKEN, ImportRefused, Limits, refuse
from .numformat import ZH_CN_BUILTIN, ZH_CN_DATES, date_text, number_text

_SPACE = re.compile(r"[\s\u200b\ufeff]+")
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")


@lru_cache(maxsize=8192)
def norm(text) -> str:
    """A label compared the way people read it: full-width and half-width alike (NFKC), no
    spaces anywhere, no trailing colon. “项 目 名 称：” → “项目名称”."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return _SPACE.sub("", text).rstrip(":")


@lru_cache(maxsize=8192)
def _bare(text) -> str:
    """norm() without a trailing parenthesised note: 预期指标值（包含数字及文字描述） → 预期指标值."""
    return _TRAILING_NOTE.sub("", norm(text)).rstrip(":")


def _matches(text, label: str) -> bool:
    n = norm(text)
    return bool(n) and (n == norm(label) or _bare(text) == _bare(label))


def labelled_value(text: str, label: str) -> str:
    """The value after `label` and a colon in `text` (“项 目 名 称：某某项目” → “某某项目”), read
    the way labels are compared; "" where the text does not start so."""
    wanted, i = norm(label), 0
    for pos, ch in enumerate(text):
        if i == len(wanted):
            rest = text[pos:].lstrip()
            if rest[:1] in (":", "："):
                return rest[1:].strip()
            return ""
        piece = _SPACE.sub("", unicodedata.normalize("NFKC", ch))
        if not piece:
            continue
        if not wanted.startswith(piece, i):
            return ""
        i += len(piece)
    return ""


def display_text(value, number_format: str = "General") -> str:
    """What a person sees in the cell, as text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    try:
        if isinstance(value, (datetime, date, time)):
            return date_text(value, number_format)
        if isinstance(value, (int, float, Decimal)):
            return number_text(value, number_format)
    except (ArithmeticError, ValueError, IndexError, KeyError):
        pass  # a format code this reader does not follow: the value as Python writes it
    return str(value)


def load_sheets(data: bytes, limits: Limits) -> list[_Sheet]:
    """Every worksheet of a checked workbook, formulas read as the results Excel saved with them
    (a second load, only where the book has formulas); a workbook openpyxl cannot open is
    refused as broken."""
    try:
        book = openpyxl.load_workbook(BytesIO(data), data_only=False)
        sheets = [_Sheet(ws, limits) for ws in book.worksheets]
        if any(sheet.formulas for sheet in sheets):
            results = openpyxl.load_workbook(BytesIO(data), data_only=True)
            for sheet, ws in zip(sheets, results.worksheets, strict=True):
                sheet.take_results(ws)
    except ImportRefused:
        raise
    except Exception as e:  # noqa: BLE001 - anything openpyxl trips over is a broken file
        refuse(BROKEN.format(detail=type(e).__name__))
    return sheets


class _Sheet:
    """The used cells of one worksheet (values and number formats), its merged ranges and which
    cells hold a formula. A formula is read as the result Excel saved with it (`take_results`);
    one saved without a result (files written by programs that do not calculate) is its text, and
    stays in `formulas`."""

    def __init__(self, ws, limits: Limits):
        self.name = ws.title
        self.values: dict[tuple[int, int], tuple[object, str]] = {}
        self.formulas: set[tuple[int, int]] = set()
        self.merge: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        self.rows = min(ws.max_row or 0, limits.max_rows)
        self.cols = min(ws.max_column or 0, limits.max_columns)
        for rng in ws.merged_cells.ranges:
            bounds = (rng.min_row, rng.min_col, rng.max_row, rng.max_col)
            if rng.min_row > self.rows or rng.min_col > self.cols:
                continue
            for r in range(rng.min_row, min(rng.max_row, self.rows) + 1):
                for c in range(rng.min_col, min(rng.max_col, self.cols) + 1):
                    self.merge[(r, c)] = bounds
        if self.rows and self.cols:
            for row in ws.iter_rows(max_row=self.rows, max_col=self.cols):
                for cell in row:
                    value = cell.value
                    if value is None or value == "":
                        continue
                    if cell.data_type == "f":
                        self.formulas.add((cell.row, cell.column))
                        value = _formula_text(value)
                    self.values[(cell.row, cell.column)] = _shown_value(ws, cell, value)

    def take_results(self, ws) -> None:
        """The results Excel cached for the formulas, from the book loaded with `data_only`."""
        for r, c in sorted(self.formulas):
            cell = ws.cell(row=r, column=c)
            if cell.value is None or cell.value == "":
                continue
            self.values[(r, c)] = _shown_value(ws, cell, cell.value)
            self.formulas.discard((r, c))

    def raw(self, r: int, c: int):
        return self.values.get((r, c), (None, ""))[0]

    def text(self, r: int, c: int) -> str:
        value, fmt = self.values.get((r, c), (None, ""))
        text = display_text(value, fmt)
        return text if text.strip() else ""

    def end(self, r: int, c: int) -> int:
        """The last column of the merged range starting at (r, c), or c."""
        bounds = self.merge.get((r, c))
        return bounds[3] if bounds else c

    def merged_from_above(self, r: int, c: int) -> bool:
        bounds = self.merge.get((r, c))
        return bool(bounds and bounds[0] < r)

    def first_filled(self, r: int, first: int, last: int) -> tuple[int, str]:
        """The first cell with text in row r between columns first..last: (column, text)."""
        for c in range(first, min(last, self.cols) + 1):
            text = self.text(r, c)
            if text:
                return c, text
        return first, ""

    def find(self, label: str, rows=None) -> list[tuple[int, int]]:
        rows = rows if rows is not None else range(1, self.rows + 1)
        return [
            (r, c)
            for r in rows
            for c in range(1, self.cols + 1)
            if (r, c) in self.values and _matches(self.text(r, c), label)
        ]

    def find_with_value(self, label: str, rows=None) -> list[tuple[int, int, str]]:
        """Cells holding a label and its value together, “项目名称：某某项目”: (row, column,
        the value as typed)."""
        rows = rows if rows is not None else range(1, self.rows + 1)
        found = []
        for r in rows:
            for c in range(1, self.cols + 1):
                if (r, c) in self.values:
                    value = labelled_value(self.text(r, c), label)
                    if value:
                        found.append((r, c, value))
        return found

    def texts(self) -> set[str]:
        return {norm(self.text(r, c)) for (r, c) in self.values} | {
            _bare(self.text(r, c)) for (r, c) in self.values
        }


def _shown_value(ws, cell, value) -> tuple[object, str]:
    """A cell's value and the number format that shows it. A format Excel for Chinese saves by
    its built-in id alone (2021年3月5日 is numFmtId 31) is given its code, and its number the
    date it shows; openpyxl reads those as General numbers."""
    fmt = cell.number_format
    builtin = getattr(cell, "_style", None)
    number_format_id = getattr(builtin, "numFmtId", None)
    if number_format_id in ZH_CN_BUILTIN:
        fmt = ZH_CN_BUILTIN[number_format_id]
        if number_format_id in ZH_CN_DATES and isinstance(value, (int, float)):
            with contextlib.suppress(OverflowError, ValueError):
                value = from_excel(value, ws.parent.epoch)
    return value, fmt


def _formula_text(value) -> str:
    """A formula as Excel's formula bar shows it."""
    if isinstance(value, ArrayFormula):
        return value.text or "="
    if isinstance(value, DataTableFormula):
        return f"=TABLE({value.r1 or ''},{value.r2 or ''})"
    return str(value)


def ref(r: int, c: int) -> str:
    return f"{get_column_letter(c)}{r}"
