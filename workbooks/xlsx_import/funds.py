"""The funds block (项目资金, 万元): a grid of fund rows under its column headings (年初预算数,
全年预算数, 全年执行数 …), or the paired layout (预算数：… 执行数：…) of some provinces."""

from __future__ import annotations

import re

from evaluations.exports.layout import FundValues  # a fund row read back is what the grid shows

from ..xlsx_checks import CellError
from .messages import (
    FUND_LABEL_MISSING,
    FUND_ROW_TWICE,
    FUND_ROW_UNKNOWN,
    FUNDS_NOT_FOUND,
)
from .reader import _Reader
from .recognise import AFTER_FUNDS, FUND_ALIASES, FUND_COLUMN_ALIASES
from .sheet import norm


class _FundsReader(_Reader):
    """The funds block; a part of `_FormReader` (`form.py`), whose `read()` sets the
    `level1_weights` and `stated` it fills."""

    def _fund_row(self, label: str, taken: set[str], r: int, c: int):
        def key(text):
            return re.sub(r"^其中", "", norm(text)).lstrip(":")

        rows = [row for row in self.t.fund_rows if row.key not in taken]
        if self.t.fund_layout == "paired":
            rows = [row for row in rows if not row.is_total]
        for row in rows:
            if key(row.label) == key(label):
                return row
        for row in rows:
            if re.sub(r"\(.*?\)$", "", key(label)) in FUND_ALIASES.get(row.key, ()):
                return row
        editable = [row for row in rows if row.label_editable]
        if editable:
            return editable[0]
        expected = "、".join(row.label for row in self.t.fund_rows if not row.is_total)
        if any(key(row.label) == key(label) for row in self.t.fund_rows):
            self.error(r, c, FUND_ROW_TWICE.format(text=label))
        else:
            self.error(r, c, FUND_ROW_UNKNOWN.format(text=label, expected=expected))
        return None

    def fund_heading_before(self, top: int, end: int) -> bool:
        t = self.t
        labels = t.paired_total_labels if t.fund_layout == "paired" else ()
        if not labels:
            column = next((c for c in t.fund_columns if c.key == "actual"), None)
            labels = (column.label, *FUND_COLUMN_ALIASES["actual"]) if column else ()
        return any(self.sheet.find(label, range(top, end)) for label in labels)

    def grid_funds(self, top: int, end: int):
        sheet, t = self.sheet, self.t
        heading = None
        for r in range(top, end):
            spans = {}
            for column in t.fund_columns:
                for label in (column.label, *FUND_COLUMN_ALIASES.get(column.key, ())):
                    hits = sheet.find(label, [r])
                    if hits and column.key not in spans:
                        spans[column.key] = (hits[0][1], sheet.end(*hits[0]))
                        self.use(*hits[0])
            if "budget" in spans and "actual" in spans:
                heading = r, spans
                break
        if heading is None:
            labels = "”“".join(c.label for c in t.amount_columns)
            self.errors.append(CellError(sheet.name, "", FUNDS_NOT_FOUND.format(labels=labels)))
            return {}, None
        r0, spans = heading
        first_amount = min(c for c, _ in spans.values())
        self.caption(r0, first_amount, "fund_caption", t.fund_caption)
        funds: dict[str, FundValues] = {}
        budget_score = None
        taken: set[str] = set()
        for r in range(r0 + 1, end):
            label_col, label = 0, ""
            for c in range(1, first_amount):
                text = sheet.text(r, c)
                if text and not sheet.merged_from_above(r, c):
                    label_col, label = c, text
            if any(norm(sheet.text(r, c)) in AFTER_FUNDS for c in range(1, first_amount)):
                break  # the next block (资金管理情况): its rows go to 其他内容 as typed
            amounts = {}
            for key in ("budget_initial", "budget", "actual"):
                if key in spans:
                    col, _ = sheet.first_filled(r, *spans[key])
                    amounts[key] = (r, col)
            filled = any(sheet.text(r, c) for r, c in amounts.values())
            if not label:
                if filled:
                    example = t.fund_rows[0].label
                    self.error(r, first_amount - 1 or 1, FUND_LABEL_MISSING.format(example=example))
                continue
            row = self._fund_row(label, taken, r, label_col)
            if row is None:
                continue
            taken.add(row.key)
            self.use(r, label_col)
            values = {key: self.amount(*cell) for key, cell in amounts.items()}
            for key in ("rate", "score", "weight"):
                if key in spans:
                    col, text = sheet.first_filled(r, *spans[key])
                    if text in _DASHES and not row.is_total:
                        self.use(r, col)  # the dash the form prints in a sub-row
                    elif text and key == "weight" and row.is_total:
                        self.level1_weights["预算执行率"] = text
                        self.use(r, col)
                    elif text and key != "weight":
                        self.stated[f"fund.{row.key}.{key}"] = text
                        self.use(r, col)
            funds[row.key] = FundValues(
                self.text(r, label_col, "资金行名称", 100).strip(), **values
            )
            if row.is_total and "score" in spans:
                budget_score = self.points(r, sheet.first_filled(r, *spans["score"])[0])
                if budget_score is None:
                    self.used.discard((r, sheet.first_filled(r, *spans["score"])[0]))
        return funds, budget_score

    def paired_funds(self, top: int, end: int):
        sheet, t = self.sheet, self.t
        left, right = t.paired_total_labels
        total = None
        for r in range(top, end):
            lhs, rhs = sheet.find(left, [r]), sheet.find(right, [r])
            if lhs and rhs and rhs[0][1] > lhs[0][1]:
                total = r, lhs[0][1], rhs[0][1]
                break
        if total is None:
            labels = "”“".join(label.rstrip("：") for label in t.paired_total_labels)
            self.errors.append(CellError(sheet.name, "", FUNDS_NOT_FOUND.format(labels=labels)))
            return {}, None
        r0, cb, ca = total
        self.use(r0, cb)
        self.use(r0, ca)
        budget_cols = (sheet.end(r0, cb) + 1, ca - 1)
        actual_cols = (sheet.end(r0, ca) + 1, sheet.cols)
        funds: dict[str, FundValues] = {}
        taken: set[str] = set()
        for r in range(r0, end):
            b_col, _ = sheet.first_filled(r, *budget_cols)
            a_col, _ = sheet.first_filled(r, *actual_cols)
            if r == r0:
                row = t.total_fund_row
                label = row.label
            else:
                label = sheet.text(r, cb)
                if not label:
                    if sheet.text(r, b_col) or sheet.text(r, a_col):
                        self.error(r, cb, FUND_LABEL_MISSING.format(example=t.fund_rows[1].label))
                    continue
                row = self._fund_row(label, taken, r, cb)
                if row is None:
                    continue
                label = self.text(r, cb, "资金行名称", 100).strip()
                if norm(sheet.text(r, ca)) == norm(label):
                    self.use(r, ca)
            taken.add(row.key)
            funds[row.key] = FundValues(
                label, budget=self.amount(r, b_col), actual=self.amount(r, a_col)
            )
        return funds, None


_DASHES = ("—", "-", "/", "－", "／", "——")
