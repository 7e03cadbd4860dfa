"""A worksheet as text: the cells as a person sees them, and labels compared the way people read
them (full-width or half-width, spaces inside, a trailing colon or note)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from ..xlsx_checks import Limits

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


def _number_text(value, number_format: str) -> str:
    """A number as Excel shows it: 0.95 in a 0% cell is “95%”, 6.8 in 0.00 is “6.80”."""
    fmt = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", number_format or "General")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if "%" in fmt:
        places = re.search(r"\.(0+)", fmt.split("%")[0])
        digits = len(places.group(1)) if places else 0
        return f"{(number * 100).quantize(Decimal(1).scaleb(-digits)):f}%"
    places = re.search(r"0\.(0+)", fmt)
    if places:
        return f"{number.quantize(Decimal(1).scaleb(-len(places.group(1)))):f}"
    if isinstance(value, float):
        number = Decimal(format(value, ".15g"))
    text = f"{number.normalize():f}" if number != number.to_integral_value() else f"{int(number)}"
    return text


def _date_text(value, number_format: str) -> str:
    """A date cell as it reads: Excel turns a typed “5月10日” into a date shown as 5月10日."""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    fmt = re.sub(r"\\|\"", "", number_format or "")
    d = value.date() if isinstance(value, datetime) else value
    if "年" in fmt:
        return f"{d.year}年{d.month}月{d.day}日" if "日" in fmt else f"{d.year}年{d.month}月"
    if "月" in fmt:
        return f"{d.month}月{d.day}日"
    return f"{d.year}/{d.month}/{d.day}"


def display_text(value, number_format: str = "General") -> str:
    """What a person sees in the cell, as text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (datetime, date, time)):
        return _date_text(value, number_format)
    if isinstance(value, (int, float, Decimal)):
        return _number_text(value, number_format)
    return str(value)


class _Sheet:
    """The used cells of one worksheet (values and number formats), its merged ranges and which
    cells hold a formula (its text is the value: the workbook is opened without cached values)."""

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
                    self.values[(cell.row, cell.column)] = (value, cell.number_format)

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

    def texts(self) -> set[str]:
        return {norm(self.text(r, c)) for (r, c) in self.values} | {
            _bare(self.text(r, c)) for (r, c) in self.values
        }


def _formula_text(value) -> str:
    """A formula as Excel's formula bar shows it."""
    if isinstance(value, ArrayFormula):
        return value.text or "="
    if isinstance(value, DataTableFormula):
        return f"=TABLE({value.r1 or ''},{value.r2 or ''})"
    return str(value)


def ref(r: int, c: int) -> str:
    return f"{get_column_letter(c)}{r}"
