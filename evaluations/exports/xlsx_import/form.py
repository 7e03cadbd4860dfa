"""The 自评表 on one sheet (for 部门整体, its 指标表): each block — head, funds, goals, indicator
lines, text blocks, signature — located by its labels, never by fixed row numbers, and read into
a `ParsedForm`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from ..layout import FundValues, format_points  # a fund row read back is what the grid shows
from ..xlsx_checks import CellError
from .department import _common_indicator
from .messages import (
    DATE_INVALID,
    FUND_LABEL_MISSING,
    FUND_ROW_TWICE,
    FUND_ROW_UNKNOWN,
    FUNDS_NOT_FOUND,
    GOALS_NOT_FOUND,
    LEVEL3_MISSING,
    PROJECT_NAME_MISSING,
    SCORE_OVER_WEIGHT,
    SCORE_WITHOUT_WEIGHT,
    TARGET_MISSING,
    TEXT_TOO_LONG,
)
from .reader import _Reader
from .recognise import SIGNATURE_ALIASES, _indicator_heading, _signature_labels
from .sheet import norm, ref


@dataclass(frozen=True)
class ParsedLine:
    level1: str
    level2: str
    level3: str
    target: str
    actual: str
    weight: Decimal | None = None
    score: Decimal | None = None
    deviation: str = ""
    row: int = 0
    # 部门整体: the 评分标准, and the template's common indicator the 三级指标 names (its key).
    criteria: str = ""
    rule_key: str = ""


@dataclass(frozen=True)
class ParsedForm:
    """One form as read from a sheet. Keys absent from `header`, `texts` and `signature` were not
    on the sheet at all (the importer then keeps what a new form starts with)."""

    template_code: str
    sheet: str
    project_name: str
    title: str = ""
    year: int | None = None
    header: dict[str, str] = field(default_factory=dict)
    header_labels: dict[str, str] = field(default_factory=dict)
    funds: dict[str, FundValues] = field(default_factory=dict)
    budget_score: Decimal | None = None
    goal_planned: str = ""
    goal_actual: str = ""
    texts: dict[str, str] = field(default_factory=dict)
    lines: tuple[ParsedLine, ...] = ()
    # "preparer", "preparer_phone" (str), "fill_date" (date or None), where the sheet has them.
    signature: dict[str, object] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    # 部门整体: every typed cell of the 基础数据表, {(row, column): value or None}, and its sheet.
    basic_data: dict[tuple[str, str], Decimal | None] = field(default_factory=dict)
    basic_sheet: str = ""


class _FormReader(_Reader):
    """The form on one sheet; `read()` returns it, `errors` lists what is wrong with it."""

    # blocks

    def read(self) -> ParsedForm:
        """The form as read; `errors` lists what is wrong with it (the caller refuses it)."""
        sheet, t = self.sheet, self.t
        heading_row, columns = _indicator_heading(sheet, t)
        first_col = min(c for c, _ in columns.values())
        header, labels, top = self.header(heading_row)
        title, year = self.title_and_year(top)
        # A 部门整体 指标表 has neither funds nor goals.
        goal_row = self.goal_row(heading_row) if t.goal_labels else None
        fund_end = goal_row or heading_row
        funds, budget_score = {}, None
        if t.fund_rows:
            funds, budget_score = (
                self.paired_funds(top, fund_end)
                if t.fund_layout == "paired"
                else self.grid_funds(top, fund_end)
            )
        planned, actual = self.goals(goal_row, heading_row) if t.goal_labels else ("", "")
        lines, end = self.lines(heading_row, columns, first_col)
        texts = self.text_blocks(end, first_col)
        signature = self.signature(end)
        project_name = header.pop("project_name", "")
        if not project_name.strip():
            cell = self.cells.get("project_name", "")
            self.errors.append(CellError(sheet.name, cell, PROJECT_NAME_MISSING))
        self.check_year(year)
        return ParsedForm(
            template_code=t.code,
            sheet=sheet.name,
            project_name=project_name,
            title=title,
            year=year,
            header=header,
            header_labels=labels,
            funds=funds,
            budget_score=budget_score,
            goal_planned=planned,
            goal_actual=actual,
            texts=texts,
            lines=tuple(lines),
            signature=signature,
            cells=dict(self.cells),
        )

    def header(self, before: int):
        """Each head label's value: the first filled cell right of it, up to the next label."""
        sheet, t = self.sheet, self.t
        rows = range(1, before)
        found: dict[str, tuple[int, int, str]] = {}
        for f in t.header_fields:
            for label in (f.label, *f.label_choices):
                hits = sheet.find(label, rows)
                if hits:
                    r, c = hits[0]
                    if f.key not in found or (r, c) < found[f.key][:2]:
                        found[f.key] = (r, c, label)
        label_cells = {(r, c) for r, c, _ in found.values()}
        header, labels = {}, {}
        for f in t.header_fields:
            if f.key not in found:
                continue
            r, c, label = found[f.key]
            value, value_col = "", sheet.end(r, c) + 1
            for col in range(sheet.end(r, c) + 1, sheet.cols + 1):
                if (r, col) in label_cells:
                    break
                if sheet.text(r, col):
                    value, value_col = sheet.text(r, col), col
                    break
            self.cells[f.key] = ref(r, value_col)
            header[f.key] = self.text(r, value_col, f.label, f.max_length) if value else ""
            if f.label_choices:
                labels[f.key] = label
        top = min((r for r, _, _ in found.values()), default=before)
        return header, labels, top

    def goal_row(self, before: int) -> int | None:
        first, second = self.t.goal_labels
        for r, _ in self.sheet.find(first, range(1, before)):
            if self.sheet.find(second, [r]):
                return r
        return None

    def goals(self, row: int | None, before: int) -> tuple[str, str]:
        if row is None or row + 1 >= before:
            labels = "”“".join(self.t.goal_labels)
            self.errors.append(
                CellError(self.sheet.name, "", GOALS_NOT_FOUND.format(labels=labels))
            )
            return "", ""
        sheet = self.sheet
        (_, c1), (_, c2) = (
            sheet.find(self.t.goal_labels[0], [row])[0],
            sheet.find(self.t.goal_labels[1], [row])[0],
        )
        r = row + 1
        col_p, _ = sheet.first_filled(r, c1, c2 - 1)
        col_a, _ = sheet.first_filled(r, c2, sheet.cols)
        limit = 10_000
        return (
            self.text(r, col_p, self.t.goal_labels[0], limit),
            self.text(r, col_a, self.t.goal_labels[1], limit),
        )

    # funds

    def _fund_row(self, label: str, taken: set[str], r: int, c: int):
        def key(text):
            return re.sub(r"^其中", "", norm(text)).lstrip(":")

        rows = [row for row in self.t.fund_rows if row.key not in taken]
        if self.t.fund_layout == "paired":
            rows = [row for row in rows if not row.is_total]
        for row in rows:
            if key(row.label) == key(label):
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

    def grid_funds(self, top: int, end: int):
        sheet, t = self.sheet, self.t
        heading = None
        for r in range(top, end):
            spans = {}
            for column in t.fund_columns:
                hits = sheet.find(column.label, [r])
                if hits:
                    spans[column.key] = (hits[0][1], sheet.end(*hits[0]))
            if "budget" in spans and "actual" in spans:
                heading = r, spans
                break
        if heading is None:
            labels = "”“".join(c.label for c in t.amount_columns)
            self.errors.append(CellError(sheet.name, "", FUNDS_NOT_FOUND.format(labels=labels)))
            return {}, None
        r0, spans = heading
        first_amount = min(c for c, _ in spans.values())
        funds: dict[str, FundValues] = {}
        budget_score = None
        taken: set[str] = set()
        for r in range(r0 + 1, end):
            label_col, label = 0, ""
            for c in range(1, first_amount):
                text = sheet.text(r, c)
                if text and not sheet.merged_from_above(r, c):
                    label_col, label = c, text
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
            values = {key: self.amount(*cell) for key, cell in amounts.items()}
            funds[row.key] = FundValues(
                self.text(r, label_col, "资金行名称", 100).strip(), **values
            )
            if row.is_total and "score" in spans:
                budget_score = self.points(r, sheet.first_filled(r, *spans["score"])[0])
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
            taken.add(row.key)
            funds[row.key] = FundValues(
                label, budget=self.amount(r, b_col), actual=self.amount(r, a_col)
            )
        return funds, None

    # indicator lines

    def lines(self, heading: int, columns: dict[str, tuple[int, int]], first_col: int):
        sheet, t = self.sheet, self.t
        labels = {c.key: c.label for c in t.indicator_columns}
        level_cols = [columns[k] for k in ("level1", "level2") if k in columns]
        r = heading + 1
        # Sheets whose 一级/二级 cells are merged (the export, careful clerks) carry a value down
        # only through a merge; sheets without such merges leave continuation cells blank.
        merged = any(
            sheet.merged_from_above(row, c)
            for row in range(heading + 1, sheet.rows + 1)
            for c, _ in level_cols
        )
        previous = {"level1": "", "level2": ""}
        out: list[ParsedLine] = []
        while r <= sheet.rows and not self._stop(r, first_col):
            cells = {}
            for key, (c1, c2) in columns.items():
                col, text = sheet.first_filled(r, c1, c2)
                cells[key] = (col, text)
            inherited = False
            for key in ("level1", "level2"):
                if key not in columns:
                    continue
                col, text = cells[key]
                c1 = columns[key][0]
                if text:
                    continue
                if sheet.merged_from_above(r, c1) or (
                    not merged and (key == "level1" or inherited)
                ):
                    cells[key] = (col, previous[key])
                    inherited = inherited or key == "level1"
            if cells.get("level1", (0, ""))[1] != previous["level1"]:
                previous["level2"] = ""
            for key in ("level1", "level2"):
                if key in cells:
                    previous[key] = cells[key][1]
            content = ("level3", "target", "actual", "criteria", "weight", "score", "deviation")
            if any(cells[k][1] for k in content if k in cells):
                out.append(self._line(r, cells, labels))
            r += 1
        return out, r

    def _line(self, r: int, cells: dict[str, tuple[int, str]], labels: dict[str, str]):
        t = self.t

        def text(key, limit):
            if key not in cells:
                return ""
            col, value = cells[key]
            if len(value) > limit:
                self.error(
                    r, col, TEXT_TOO_LONG.format(label=labels[key], limit=limit, count=len(value))
                )
            return value

        level1 = text("level1", 100)
        for level in t.levels:
            bare = re.sub(r"\(\d+(\.\d+)?分\)$", "", norm(level1))
            if norm(level1) == norm(level.label) or bare == norm(level.name):
                level1 = level.name
                break
        line = {
            "level1": level1,
            "level2": text("level2", 100),
            "level3": text("level3", 300),
            "target": text("target", 200),
            "actual": text("actual", 200),
            "deviation": text("deviation", 10_000),
            "criteria": text("criteria", 10_000),
        }
        if not line["level3"].strip():
            self.error(r, cells["level3"][0], LEVEL3_MISSING)
        if "target" in labels and not line["target"].strip():
            self.error(r, cells["target"][0], TARGET_MISSING.format(label=labels["target"]))
        weight = self.points(r, cells["weight"][0]) if "weight" in cells else None
        score = self.points(r, cells["score"][0]) if "score" in cells else None
        if score is not None and weight is None and "weight" in cells:
            self.error(
                r, cells["score"][0], SCORE_WITHOUT_WEIGHT.format(cell=ref(r, cells["weight"][0]))
            )
        elif score is not None and weight is not None and score > weight:
            self.error(
                r,
                cells["score"][0],
                SCORE_OVER_WEIGHT.format(score=format_points(score), weight=format_points(weight)),
            )
        rule_key = _common_indicator(t, line["level3"])
        return ParsedLine(**line, weight=weight, score=score, row=r, rule_key=rule_key)

    # after the lines

    def text_blocks(self, start: int, first_col: int) -> dict[str, str]:
        texts = {}
        for block in self.t.text_blocks:
            for r, c in self.sheet.find(block.label, range(start, self.sheet.rows + 1)):
                if c > first_col:
                    continue
                col, value = self.sheet.first_filled(r, self.sheet.end(r, c) + 1, self.sheet.cols)
                texts[block.key] = self.text(r, col, block.label, 10_000) if value else ""
                break
        return texts

    def signature(self, start: int) -> dict[str, object]:
        sheet = self.sheet
        keys = {}
        for key, aliases in SIGNATURE_ALIASES.items():
            for label in (self.t.signature_labels[key], *aliases):
                keys[label] = key
        labels = "|".join(re.escape(label) for label in _signature_labels(self.t))
        pattern = re.compile(rf"({labels})\s*[:：]|^\s*({labels})\s*$")
        found: dict[str, object] = {}
        for r in range(start, sheet.rows + 1):
            for c in range(1, sheet.cols + 1):
                text = sheet.text(r, c)
                matches = list(pattern.finditer(text)) if text else []
                for i, m in enumerate(matches):
                    key = keys[m.group(1) or m.group(2)]
                    stop = matches[i + 1].start() if i + 1 < len(matches) else len(text)
                    value, col = text[m.end() : stop].strip(), c
                    if not value and i + 1 == len(matches):
                        nxt, nxt_text = sheet.first_filled(r, sheet.end(r, c) + 1, sheet.cols)
                        if nxt_text and not pattern.search(nxt_text):
                            value, col = nxt_text.strip(), nxt
                    if key in found:
                        continue
                    if key == "fill_date":
                        found[key] = self._date(r, col, value)
                    else:
                        limit = 50 if key == "preparer" else 40
                        label = self.t.signature_labels[key]
                        if len(value) > limit:
                            self.error(
                                r,
                                col,
                                TEXT_TOO_LONG.format(label=label, limit=limit, count=len(value)),
                            )
                        found[key] = value
        return found

    def _date(self, r: int, c: int, text: str) -> date | None:
        raw = self.sheet.raw(r, c)
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        if not text:
            return None
        m = re.fullmatch(
            r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?",
            unicodedata.normalize("NFKC", text).strip(),
        )
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                pass
        self.error(r, c, DATE_INVALID.format(text=text))
        return None
