"""A layout the reader does not recognise, read by the clerk's mapping: which cell holds the
project name, which rows are the funds, the goals and the indicator lines, and which column is
which. A mapping is remembered for the unit with its anchors — the label texts it was drawn on —
so the next workbook of the same shape (same labels in the same cells) goes straight in.

A mapping is plain data (JSON), e.g.:

    {"sheet": 0, "project_name": "B2",
     "funds": {"first": 5, "last": 7, "label": "A", "budget": "C", "actual": "D"},
     "goals": {"planned": "B9", "actual": "D9"},
     "lines": {"first": 12, "last": 0, "level1": "A", "level2": "B", "level3": "C",
               "target": "D", "actual": "E", "weight": "F", "score": "G", "deviation": "H"},
     "anchors": {"A2": "资金名称", "C11": "三级指标"}}

Cells are letters and row numbers as Excel shows them; "last": 0 means “until the first empty
row”. Every cell the mapping does not take goes to 其他内容, as with a recognised layout.
"""

from __future__ import annotations

import re
from dataclasses import replace

from openpyxl.utils import column_index_from_string, get_column_letter

from evaluations.exports.layout import FundValues
from evaluations.templates_def import get_template

from ..xlsx_checks import DEFAULT_LIMITS, Limits, check_file
from .form import ParsedForm, ParsedLine
from .reader import _Reader
from .sheet import _Sheet, load_sheets, norm
from .workbook import DEFAULT_TEMPLATE, other_rows

LINE_KEYS = ("level1", "level2", "level3", "target", "actual", "weight", "score", "deviation")
FUND_KEYS = ("label", "budget_initial", "budget", "actual")
# The fund rows a mapped block fills, in order: its first row is the total.
FUND_ORDER = ("total", "current", "carryover", "other")


class MappingError(ValueError):
    """A mapping that names no cell the sheet has, in Chinese."""


def _cell(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Za-z]{1,2})(\d{1,4})", (ref or "").strip())
    if not m:
        raise MappingError(f"单元格“{ref}”的写法不对，应如 B3。")
    return int(m[2]), column_index_from_string(m[1].upper())


def _column(letter: str) -> int | None:
    letter = (letter or "").strip().upper()
    if not letter:
        return None
    if not re.fullmatch(r"[A-Z]{1,2}", letter):
        raise MappingError(f"列“{letter}”的写法不对，应为列字母，如 C。")
    return column_index_from_string(letter)


def sheets_of(data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[_Sheet]:
    data = check_file(data, limits)
    return load_sheets(data, limits)


def preview(sheet: _Sheet, max_rows: int = 200) -> list[tuple[int, list[str]]]:
    """The sheet's rows as the page shows them: (row number, the text of each column)."""
    return [
        (r, [sheet.text(r, c) for c in range(1, sheet.cols + 1)])
        for r in range(1, min(sheet.rows, max_rows) + 1)
    ]


def column_letters(sheet: _Sheet) -> list[str]:
    return [get_column_letter(c) for c in range(1, sheet.cols + 1)]


def anchors_for(sheet: _Sheet, mapping: dict) -> dict[str, str]:
    """The label texts the mapping was drawn on: the label left of the project name and the
    column headings above the funds and the lines."""
    anchors: dict[str, str] = {}

    def keep(r: int, c: int) -> None:
        text = sheet.text(r, c)
        if text and r >= 1 and c >= 1:
            anchors[f"{get_column_letter(c)}{r}"] = norm(text)

    if mapping.get("project_name"):
        r, c = _cell(mapping["project_name"])
        for col in range(c - 1, 0, -1):
            if sheet.text(r, col):
                keep(r, col)
                break
    for block, keys in (("funds", FUND_KEYS[1:]), ("lines", LINE_KEYS)):
        spec = mapping.get(block) or {}
        first = int(spec.get("first") or 0)
        if first > 1:
            for key in keys:
                c = _column(spec.get(key, ""))
                if c:
                    keep(first - 1, c)
    return anchors


def matches(sheet: _Sheet, anchors: dict[str, str]) -> bool:
    """Does the sheet carry every anchor label of a remembered mapping in its cell?"""
    if not anchors:
        return False
    return all(norm(sheet.text(*_cell(ref))) == text for ref, text in anchors.items())


def read_mapped(sheets: list[_Sheet], mapping: dict, year: int | None = None) -> ParsedForm:
    """The form the mapping describes; every other typed cell of the workbook in `other`."""
    index = int(mapping.get("sheet") or 0)
    if not 0 <= index < len(sheets):
        raise MappingError("没有这张工作表。")
    sheet = sheets[index]
    t = get_template(DEFAULT_TEMPLATE)
    reader = _Reader(sheet, t, year)

    project_name = ""
    if mapping.get("project_name"):
        r, c = _cell(mapping["project_name"])
        project_name = reader.text(r, c, "项目名称", 200).strip()

    funds: dict[str, FundValues] = {}
    spec = mapping.get("funds") or {}
    if spec.get("first"):
        columns = {key: _column(spec.get(key, "")) for key in FUND_KEYS}
        last = int(spec.get("last") or spec["first"])
        rows = range(int(spec["first"]), last + 1)
        for key, r in zip(FUND_ORDER, rows, strict=False):
            label_col = columns["label"]
            label = reader.text(r, label_col, "资金行名称", 100).strip() if label_col else ""
            amounts = {
                k: reader.amount(r, columns[k]) if columns[k] else None for k in FUND_KEYS[1:]
            }
            row = next(row for row in t.fund_rows if row.key == key)
            funds[key] = FundValues(label or row.label, **amounts)

    goals = mapping.get("goals") or {}
    planned = actual = ""
    if goals.get("planned"):
        planned = reader.text(*_cell(goals["planned"]), "预期目标", 10_000)
    if goals.get("actual"):
        actual = reader.text(*_cell(goals["actual"]), "实际完成情况", 10_000)

    lines: list[ParsedLine] = []
    spec = mapping.get("lines") or {}
    if spec.get("first"):
        columns = {key: _column(spec.get(key, "")) for key in LINE_KEYS}
        last = int(spec.get("last") or 0) or sheet.rows
        previous = {"level1": "", "level2": ""}
        for r in range(int(spec["first"]), last + 1):
            texts = {k: sheet.text(r, c) if c else "" for k, c in columns.items()}
            if not any(texts.values()):
                if not spec.get("last"):
                    break
                continue
            values = {}
            for key in ("level1", "level2", "level3", "target", "actual", "deviation"):
                c = columns[key]
                values[key] = reader.text(r, c, key, 10_000) if c else ""
            for key in ("level1", "level2"):
                values[key] = values[key] or previous[key]
                previous[key] = values[key]
            weight = reader.points(r, columns["weight"]) if columns["weight"] else None
            score = reader.points(r, columns["score"]) if columns["score"] else None
            lines.append(ParsedLine(**values, weight=weight, score=score, row=r))

    title = ""
    for (r, c), _ in sorted(sheet.values.items()):
        text = sheet.text(r, c)
        if "表" in text and (r, c) not in reader.used and len(text) <= 200:
            title = reader.text(r, c, "表名", 200)
            break
    stated = re.search(r"(20\d{2})\s*年", norm(title))
    parsed = ParsedForm(
        template_code=t.code,
        sheet=sheet.name,
        project_name=project_name or title or "导入的自评表",
        title=title,
        year=int(stated.group(1)) if stated else None,
        funds=funds,
        goal_planned=planned,
        goal_actual=actual,
        lines=tuple(lines),
    )
    other = []
    for s in sheets:
        other += other_rows(s, reader.used if s is sheet else set())
    return replace(parsed, other=tuple(other), notes=tuple(reader.errors))
