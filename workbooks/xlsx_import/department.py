"""部门整体: the template's common indicators named on the 指标表, and the 基础数据表 (the second
sheet of the workbook), whose blocks are found by their column headings and rows by their labels."""

from __future__ import annotations

import re
from decimal import Decimal

from evaluations.templates_def import BasicDataDef, TemplateDef

from ..xlsx_checks import CellError
from .messages import (
    BASIC_BLOCK_NOT_FOUND,
    BASIC_LABEL_MISSING,
    BASIC_ROW_TWICE,
    BASIC_ROW_UNKNOWN,
    BASIC_UNIT_MISMATCH,
)
from .reader import _Reader
from .sheet import _bare, _Sheet, norm

_QUOTES = re.compile(r"[\"'“”‘’「」『』]")
# “1、” “2.” “(3)” “一、” and “其中：” before an item of the 基础数据表.
_ITEM_PREFIX = re.compile(
    r"^(?:其中:?|\(?[0-9一二三四五六七八九十]+[)、.]|\([0-9一二三四五六七八九十]+\))+"
)


def _item_key(text) -> str:
    """A label compared without quotes, numbering and 其中: “1、公务用车购置和维护经费” and
    “其中:公车购置” read as 公务用车购置和维护经费 and 公车购置; "三公经费"变动率 as 三公经费变动率."""
    return _ITEM_PREFIX.sub("", _QUOTES.sub("", norm(text)))


def _common_indicator(t: TemplateDef, level3: str) -> str:
    """The key of the template's common indicator a 三级指标 names, or "" (the unit's own line)."""
    key = _item_key(level3)
    for fixed in t.fixed_lines:
        if key and _item_key(fixed.indicator.name) == key:
            return fixed.indicator.key
    return ""


def _is_basic_sheet(sheet: _Sheet, basic: BasicDataDef) -> bool:
    """Whether a sheet carries at least half the captions, headings and row labels of `basic`."""
    texts = {_item_key(sheet.text(r, c)) for (r, c) in sheet.values}
    texts |= {_bare(sheet.text(r, c)) for (r, c) in sheet.values}
    wanted = [block.caption for block in basic.blocks]
    wanted += [column.label for block in basic.blocks for column in block.columns]
    wanted += [row.label for block in basic.blocks for row in block.rows]
    found = sum(1 for label in wanted if _item_key(label) in texts or _bare(label) in texts)
    return found >= len(wanted) / 2


class _BasicReader(_Reader):
    """The 基础数据表 of a 部门整体 form: each block found by its column headings (in any order,
    anywhere on the sheet), each row by its label; derived columns (控制率) are not read."""

    def read_cells(self, project_name: str) -> dict[tuple[str, str], Decimal | None]:
        sheet, basic = self.sheet, self.t.basic_data
        headings = self._headings()
        starts = sorted(r for r, _ in headings.values())
        top = starts[0] if starts else sheet.rows + 1
        unit = sheet.find(basic.caption_label, range(1, top))
        if unit:
            top = unit[0][0]
            col, found = sheet.first_filled(top, sheet.end(*unit[0]) + 1, sheet.cols)
            if found and project_name and norm(found) != norm(project_name):
                self.error(
                    top, col, BASIC_UNIT_MISMATCH.format(found=found, name=project_name.strip())
                )
        _, year = self.title_and_year(top)
        self.check_year(year)
        cells: dict[tuple[str, str], Decimal | None] = dict.fromkeys(basic.cell_keys())
        # Where a block's heading is missing its rows are not told apart from the block above:
        # that block's unknown rows are then not reported, the missing heading is.
        complete = len(headings) == len(basic.blocks)
        for block in basic.blocks:
            if block.key not in headings:
                continue
            row, spans = headings[block.key]
            end = next((r for r in starts if r > row), sheet.rows + 1)
            cells.update(self._block(block, row, spans, end, report_unknown=complete))
        return cells

    def _headings(self) -> dict[str, tuple[int, dict[str, tuple[int, int]]]]:
        """Each block's heading row and the first and last column of each of its columns."""
        sheet, found = self.sheet, {}
        for block in self.t.basic_data.blocks:
            typed = [c.key for c in block.columns if not c.is_derived]
            for r in range(1, sheet.rows + 1):
                spans = {}
                for column in block.columns:
                    hits = sheet.find(column.label, [r])
                    if hits:
                        spans[column.key] = (hits[0][1], sheet.end(*hits[0]))
                if all(key in spans for key in typed):
                    found[block.key] = (r, spans)
                    break
            else:
                labels = "”“".join(c.label for c in block.columns if not c.is_derived)
                message = BASIC_BLOCK_NOT_FOUND.format(caption=block.caption, labels=labels)
                self.errors.append(CellError(sheet.name, "", message))
        return found

    def _block(self, block, heading: int, spans, end: int, *, report_unknown: bool):
        """The typed cells of one block, from its heading row to `end` (the next heading), a
        row of another block or the signature line, whichever comes first."""
        sheet = self.sheet
        first_value = min(c for c, _ in spans.values())
        rows = {_item_key(row.label): row for row in block.rows}
        others = {
            _item_key(row.label)
            for other in self.t.basic_data.blocks
            if other is not block
            for row in other.rows
        }
        typed = [c for c in block.columns if not c.is_derived and c.key in spans]
        read = self.count if block.kind == "count" else self.amount
        taken: set[str] = set()
        cells = {}
        for r in range(heading + 1, end):
            if self._stop(r, sheet.cols):
                break
            label_col, label = 0, ""
            for c in range(1, first_value):
                text = sheet.text(r, c)
                if text and not sheet.merged_from_above(r, c):
                    label_col, label = c, text
            if label and _item_key(label) in others:
                break
            places = {c.key: sheet.first_filled(r, *spans[c.key])[0] for c in typed}
            row = rows.get(_item_key(label)) if label else None
            if row is not None and row.key in taken:
                self.error(r, label_col, BASIC_ROW_TWICE.format(text=label))
                continue
            if row is None:
                filled = any(sheet.text(r, c) for c in places.values())
                if filled and report_unknown:
                    self._unknown_row(block, r, label_col, label, first_value)
                continue
            taken.add(row.key)
            for key, col in places.items():
                cells[row.key, key] = read(r, col)
        return cells

    def _unknown_row(self, block, r: int, label_col: int, label: str, first_value: int) -> None:
        """A row with figures that is none of the block's rows: refused, not dropped."""
        if label:
            expected = "".join(f"“{row.label}”" for row in block.rows)
            message = BASIC_ROW_UNKNOWN.format(text=label, caption=block.caption, expected=expected)
            self.error(r, label_col, message)
        else:
            example = block.rows[0].label
            self.error(r, max(first_value - 1, 1), BASIC_LABEL_MISSING.format(example=example))
