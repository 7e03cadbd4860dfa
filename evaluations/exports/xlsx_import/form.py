"""The 自评表 on one sheet (for 部门整体, its 指标表): each block — head, funds, goals, indicator
lines, text blocks, signature — located by its labels, never by fixed row numbers, and read into
a `ParsedForm`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from indicators.taxonomy import canonical_level1

from ..layout import (  # a fund row read back is what the grid shows
    OTHER_CAPTION,
    FundValues,
    format_points,
    full_points,
)
from ..xlsx_checks import CellError
from .department import _common_indicator
from .messages import (
    DATE_INVALID,
    FUND_LABEL_MISSING,
    FUND_ROW_TWICE,
    FUND_ROW_UNKNOWN,
    FUNDS_NOT_FOUND,
    GOALS_NOT_FOUND,
    PROJECT_NAME_MISSING,
    TEXT_TOO_LONG,
)
from .reader import _Reader
from .recognise import (
    FUND_ALIASES,
    FUND_COLUMN_ALIASES,
    GOAL_ALIASES,
    SIGNATURE_ALIASES,
    _column_key,
    _indicator_heading,
    header_labels,
)
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
    # Grids with 指标性质 | 指标值 | 度量单位 columns: the first and the last, as typed.
    nature: str = ""
    measure_unit: str = ""


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
    # The labels the sheet prints where the template has its own: goal headings ("goal_planned",
    # "goal_actual") and indicator columns (by key), as typed.
    wording: dict[str, str] = field(default_factory=dict)
    # 一级 weights the form states in its 一级 cells (产出指标（70分）): {一级: "70"}, and
    # "预算执行率" for the 分值 of the funds block.
    level1_weights: dict[str, str] = field(default_factory=dict)
    # Head cells the template lacks: [{"label": "项目负责人及电话", "value": "张三 1380…"}].
    header_extra: tuple[dict, ...] = ()
    # Figures the app computes that the form states, as printed: "fund.<row>.rate", "total" ….
    stated_figures: dict[str, str] = field(default_factory=dict)
    # The form's own 注, a line per paragraph.
    footnote_text: str = ""
    # The 其他内容 block of the app's own export, read back: [{"label": …, "value": …}].
    other_items: tuple[dict, ...] = ()
    # Every typed cell no field took, row by row: (sheet, first cell, the row's texts).
    other: tuple[OtherRow, ...] = ()
    # What the reader noticed but imported anyway (a value it could not store, which went to
    # 其他内容; the year of the title differing from the one chosen …).
    notes: tuple[CellError, ...] = ()
    recognised: bool = True

    def counts(self) -> tuple[int, int]:
        """(values placed in the form's fields, cells kept in 其他内容): the import summary."""
        placed = sum(1 for v in (self.project_name, self.title, self.goal_planned) if v)
        placed += sum(1 for v in (self.goal_actual, self.footnote_text) if v)
        placed += sum(1 for v in self.header.values() if v)
        placed += sum(1 for v in self.texts.values() if v)
        placed += sum(1 for v in self.signature.values() if v)
        placed += sum(1 for item in self.header_extra for v in item.values() if v)
        placed += len(self.stated_figures) + len(self.level1_weights) + len(self.basic_data)
        for fund in self.funds.values():
            placed += sum(
                1 for v in (fund.budget_initial, fund.budget, fund.actual) if v is not None
            )
        for line in self.lines:
            texts = (line.level3, line.target, line.actual, line.deviation, line.criteria)
            placed += sum(1 for v in (*texts, line.nature, line.measure_unit) if v)
            placed += sum(1 for v in (line.weight, line.score) if v is not None)
        return placed, sum(len(row.texts) for row in self.other)

    def other_text(self) -> str:
        """其他内容 as one text: a line per sheet row, “工作表 单元格：text　text”."""
        return "\n".join(row.line() for row in self.other)


@dataclass(frozen=True)
class OtherRow:
    sheet: str
    cell: str
    texts: tuple[str, ...]

    def line(self) -> str:
        return f"{self.sheet} {self.cell}：" + "　".join(self.texts)


class _FormReader(_Reader):
    """The form on one sheet; `read()` returns it, `errors` lists what is wrong with it."""

    # blocks

    def read(self) -> ParsedForm:
        """The form as read; `errors` lists what the reader noticed (values it could not store,
        which stay in 其他内容, and the like)."""
        sheet, t = self.sheet, self.t
        self.wording: dict[str, str] = {}
        self.level1_weights: dict[str, str] = {}
        self.stated: dict[str, str] = {}
        # A form typed without its indicator grid (head, funds and goals only) has no lines.
        heading_row, columns = _indicator_heading(sheet, t) or (sheet.rows + 1, {})
        first_col = min((c for c, _ in columns.values()), default=1)
        header, labels, top = self.header(heading_row)
        title, year = self.title_and_year(top)
        # A 部门整体 指标表 has neither funds nor goals.
        goal_row = self.goal_row(heading_row) if t.goal_labels else None
        # The funds end at the goals, or at the indicators where the goals come first (四川).
        fund_end = goal_row or heading_row
        if goal_row and not self.fund_heading_before(top, goal_row):
            fund_end = heading_row
        funds, budget_score = {}, None
        if t.fund_rows:
            funds, budget_score = (
                self.paired_funds(top, fund_end)
                if t.fund_layout == "paired"
                else self.grid_funds(top, fund_end)
            )
        planned, actual = self.goals(goal_row, heading_row) if t.goal_labels else ("", "")
        lines, end = self.lines(heading_row, columns, first_col) if columns else ([], heading_row)
        self.total(end)
        other_items = self.other_block(end)
        texts = self.text_blocks(end, first_col)
        footnote = self.footnotes(end)
        signature = self.signature(end)
        header_extra = self.header_extra(top, heading_row)
        project_name = header.pop("project_name", "")
        if not project_name.strip():
            cell = self.cells.get("project_name", "")
            self.errors.append(CellError(sheet.name, cell, PROJECT_NAME_MISSING))
        self.check_year(year)
        self.use_labels()
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
            wording=dict(self.wording),
            level1_weights=dict(self.level1_weights),
            header_extra=tuple(header_extra),
            stated_figures=dict(self.stated),
            footnote_text=footnote,
            other_items=tuple(other_items),
        )

    def header(self, before: int):
        """Each head label's value: the first filled cell right of it, up to the next label."""
        sheet, t = self.sheet, self.t
        rows = range(1, before)
        found: dict[str, tuple[int, int, str]] = {}
        for f in t.header_fields:
            for label in header_labels(t, f.key):
                hits = sheet.find(label, rows)
                if hits:
                    r, c = hits[0]
                    if f.key not in found or (r, c) < found[f.key][:2]:
                        found[f.key] = (r, c, label)
        label_cells = {(r, c) for r, c, _ in found.values()}
        self.used |= label_cells
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
            typed = sheet.text(r, c).strip().rstrip(":：").strip()
            if f.label_choices or norm(typed) != norm(f.label):
                labels[f.key] = typed if norm(typed) != norm(f.label) else f.label
        top = min((r for r, _, _ in found.values()), default=before)
        return header, labels, top

    def _goal_labels(self, which: int) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.t.goal_labels[which], *GOAL_ALIASES[which])))

    def goal_row(self, before: int) -> int | None:
        """The row of the 预期 goal heading (年初设定目标, 预期目标 …) above the indicators."""
        for label in self._goal_labels(0):
            hits = self.sheet.find(label, range(1, before))
            if hits:
                return hits[0][0]
        return None

    def goals(self, row: int | None, before: int) -> tuple[str, str]:
        """Both goals: headings side by side with their texts in the row below (the official
        layout), or each heading with its text to its right (goal rows one above the other)."""
        sheet = self.sheet
        if row is None:
            labels = "”“".join(self.t.goal_labels)
            self.errors.append(CellError(sheet.name, "", GOALS_NOT_FOUND.format(labels=labels)))
            return "", ""
        found = []
        for which in (0, 1):
            for label in self._goal_labels(which):
                hits = [h for h in sheet.find(label, range(row, before)) if h not in found]
                if hits:
                    found.append(hits[0])
                    self.use(*hits[0])
                    key = ("goal_planned", "goal_actual")[which]
                    typed = sheet.text(*hits[0]).strip()
                    if norm(typed) != norm(self.t.goal_labels[which]):
                        self.wording[key] = typed
                    break
            else:
                found.append(None)
        (p_row, p_col), actual_at = found[0], found[1]
        limit = 10_000
        if actual_at and actual_at[0] == p_row and actual_at[1] > p_col:
            # Side by side: the texts in the row(s) below, each under its heading.
            a_col = actual_at[1]
            planned = actual = ""
            for r in range(p_row + 1, before):
                c, text = sheet.first_filled(r, p_col, a_col - 1)
                if text and not planned:
                    planned = self.text(r, c, self.t.goal_labels[0], limit)
                c2, text2 = sheet.first_filled(r, a_col, sheet.cols)
                if text2 and not actual:
                    actual = self.text(r, c2, self.t.goal_labels[1], limit)
                if planned or actual:
                    break
            return planned, actual

        def right_of(at, which):
            if at is None:
                return ""
            r, c = at
            col, text = sheet.first_filled(r, sheet.end(r, c) + 1, sheet.cols)
            return self.text(r, col, self.t.goal_labels[which], limit) if text else ""

        return right_of(found[0], 0), right_of(actual_at, 1)

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

    # indicator lines

    def lines(self, heading: int, columns: dict[str, tuple[int, int]], first_col: int):
        sheet, t = self.sheet, self.t
        labels = {c.key: c.label for c in t.indicator_columns}
        columns = dict(columns)
        for key, (c1, _) in columns.items():
            self.use(heading, c1)
            typed = sheet.text(heading, c1).strip()
            if key in labels and norm(typed) != norm(labels[key]):
                self.wording[f"column.{key}"] = typed
        r = heading + 1
        # A second heading row (指标性质 | 指标值 | 度量单位 under 年度指标值; 一级 | 二级 | 三级
        # under 绩效指标) refines the columns; the lines start below it.
        while r <= sheet.rows:
            sub = {}
            filled = [c for c in range(1, sheet.cols + 1) if sheet.text(r, c)]
            for c in filled:
                key = _column_key(sheet.text(r, c), t)
                if key:
                    sub[c] = key
            if not sub or len(sub) < len(filled):
                break
            for c, key in sub.items():
                columns[key] = (c, sheet.end(r, c))
                self.use(r, c)
                typed = sheet.text(r, c).strip()
                self.wording.pop(f"column.{key}", None)
                if key in labels and norm(typed) != norm(labels[key]):
                    self.wording[f"column.{key}"] = typed
            r += 1
        if "nature" in columns or "measure_unit" in columns:
            # 指标值 is only its own column, not the merged heading above the three.
            c1, _ = columns["target"]
            columns["target"] = (c1, c1)
        labels.setdefault("nature", "指标性质")
        labels.setdefault("measure_unit", "度量单位")
        level_cols = [columns[k] for k in ("level1", "level2") if k in columns]
        # Sheets whose 一级/二级 cells are merged (the export, careful clerks) carry a value down
        # only through a merge; sheets without such merges leave continuation cells blank.
        first_line = r
        merged = any(
            sheet.merged_from_above(row, c)
            for row in range(first_line, sheet.rows + 1)
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
            content = (
                *("level3", "target", "actual", "criteria", "weight", "score", "deviation"),
                *("nature", "measure_unit"),
            )
            if any(cells[k][1] for k in content if k in cells):
                for key in ("level1", "level2"):
                    if key in cells and sheet.text(r, cells[key][0]):
                        self.use(r, cells[key][0])
                out.append(self._line(r, cells, labels))
            else:
                self._placeholder_row(r, cells)
            r += 1
        return out, r

    def _line(self, r: int, cells: dict[str, tuple[int, str]], labels: dict[str, str]):
        t = self.t

        def text(key, limit):
            if key not in cells:
                return ""
            col, value = cells[key]
            if len(value) > limit:
                # Kept whole in 其他内容, not cut.
                self.error(
                    r, col, TEXT_TOO_LONG.format(label=labels[key], limit=limit, count=len(value))
                )
                return ""
            return value

        level1 = text("level1", 100)
        stated = re.search(r"\((\d+(?:\.\d+)?)分\)$", norm(level1))
        bare = re.sub(r"\(\d+(\.\d+)?分\)$", "", norm(level1))
        typed = level1
        for level in t.levels:
            if _SPACES.sub("", typed) in (level.name, _SPACES.sub("", level.label)):
                level1 = level.name
                break
            if bare == norm(level.name):
                # “产出指标(70分)”: the template's level, printed as the form words it (its
                # weight also in level1_weights).
                level1 = level.name
                self.wording.setdefault(f"level1.{level.name}", typed.strip())
                break
        if stated:
            # The form's own 一级 weight (产出指标（70分）), kept as it states it.
            self.level1_weights.setdefault(bare, stated[1])
        line = {
            "level1": level1,
            "level2": text("level2", 100),
            "level3": text("level3", 300),
            "target": text("target", 200),
            "actual": text("actual", 200),
            "deviation": text("deviation", 10_000),
            "criteria": text("criteria", 10_000),
            "nature": text("nature", 20),
            "measure_unit": text("measure_unit", 40),
        }
        for key in (
            "level3",
            "target",
            "actual",
            "deviation",
            "criteria",
            "nature",
            "measure_unit",
        ):
            if key in cells and line[key]:
                self.use(r, cells[key][0])
        # An empty 三级/指标值, a 得分 above its 分值, a placeholder row (……): business rules,
        # listed before 提交 on the draft, never a reason to leave a line out.
        weight = self.points(r, cells["weight"][0]) if "weight" in cells else None
        score = self.points(r, cells["score"][0]) if "score" in cells else None
        rule_key = _common_indicator(t, line["level3"])
        return ParsedLine(**line, weight=weight, score=score, row=r, rule_key=rule_key)

    def _placeholder_row(self, r: int, cells: dict[str, tuple[int, str]]) -> None:
        """A row with a 一级/二级 and no line (the empty 二级 rows a form prints): its labels
        are the template's and printed anyway; any other wording stays in 其他内容."""
        level = None
        if "level1" in cells:
            typed = _SPACES.sub("", cells["level1"][1])
            bare = re.sub(r"\(\d+(\.\d+)?分\)$", "", norm(typed))
            level = next(
                (
                    lv
                    for lv in self.t.levels
                    if typed in (lv.name, _SPACES.sub("", lv.label)) or bare == norm(lv.name)
                ),
                None,
            )
            if level is not None and self.sheet.text(r, cells["level1"][0]):
                self.use(r, cells["level1"][0])
        if level is not None and "level2" in cells:
            col, text = cells["level2"]
            if self.sheet.text(r, col) and _SPACES.sub("", text) in level.level2:
                self.use(r, col)

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
        """填表人, 审核人, 联系电话 and 填报日期 of the signature line, told apart by their labels
        (several may share a cell: “填表人：张三　审核人：李四”). A blank placeholder — “年　月　日”,
        “填表人：” with nothing after it, “____” — is empty, not a value."""
        sheet = self.sheet
        keys = {}
        for key, aliases in SIGNATURE_ALIASES.items():
            for label in (self.t.signature_labels.get(key, ""), *aliases):
                if label:
                    keys[label] = key
        labels = "|".join(re.escape(label) for label in sorted(keys, key=len, reverse=True))
        pattern = re.compile(rf"({labels})\s*[:：]|^\s*({labels})\s*$")
        found: dict[str, object] = {}
        for r in range(start, sheet.rows + 1):
            # A date with no label of its own, or labelled just 日期, is the date of the person
            # signing before it on the line: 审核人 …　日期 is the 审核 date.
            last = "preparer"
            for c in range(1, sheet.cols + 1):
                text = sheet.text(r, c)
                if not text or (r, c) in self.used:
                    continue
                matches = list(pattern.finditer(text))
                if not matches:
                    date_key = "reviewer_date" if last == "reviewer" else "fill_date"
                    if _blank_placeholder(text):
                        self.use(r, c)
                    elif date_key not in found and _DATE.fullmatch(_nfkc(text)):
                        found[date_key] = self._date(r, c, text)
                        self.use(r, c)
                    continue
                ok = not text[: matches[0].start()].strip()
                for i, m in enumerate(matches):
                    label = m.group(1) or m.group(2)
                    key = keys[label]
                    if key in ("preparer", "reviewer"):
                        last = key
                    elif key == "fill_date" and label == "日期" and last == "reviewer":
                        key = "reviewer_date"
                    stop = matches[i + 1].start() if i + 1 < len(matches) else len(text)
                    value, col = text[m.end() : stop].strip(), c
                    if not value and i + 1 == len(matches):
                        nxt, nxt_text = sheet.first_filled(r, sheet.end(r, c) + 1, sheet.cols)
                        if nxt_text and not pattern.search(nxt_text):
                            value, col = nxt_text.strip(), nxt
                    if _blank_placeholder(value):
                        value = ""
                    if key in found and value:
                        ok = False
                        continue
                    if key in ("fill_date", "reviewer_date"):
                        found[key] = self._date(r, col, value)
                        ok = ok and (found[key] is not None or not value)
                    elif key in ("preparer", "preparer_phone", "reviewer"):
                        limit = 50 if key != "preparer_phone" else 40
                        if len(value) > limit:
                            ok = False
                            continue
                        found[key] = value
                    else:
                        ok = ok and not value  # 单位负责人 …: no field, kept in 其他内容
                    if col != c and ok:
                        self.use(r, col)
                if ok:
                    self.use(r, c)
        return found

    def _date(self, r: int, c: int, text: str) -> date | None:
        raw = self.sheet.raw(r, c)
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        if not text or _blank_placeholder(text):
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

    def total(self, r: int) -> None:
        """总分 as the form states it: the figure under 得分 (or the last one of the row)."""
        sheet = self.sheet
        if r > sheet.rows or not any(norm(sheet.text(r, c)) == "总分" for c in range(1, 4)):
            return
        figures = [
            c for c in range(1, sheet.cols + 1) if re.fullmatch(r"[\d.]+%?", norm(sheet.text(r, c)))
        ]
        if figures:
            self.stated["total"] = sheet.text(r, figures[-1])
            self.use(r, figures[-1])
        points = full_points(self.t, self._counted_weights())
        for c in figures[:-1]:
            if points is not None and norm(sheet.text(r, c)) == format_points(points):
                self.use(r, c)  # the 满分 the app prints for these weights
            elif c == figures[-2]:
                # Another 满分 under 分值 (100 beside 70/20/10 and 10): kept as the form states it.
                self.stated["total_points"] = sheet.text(r, c)
                self.use(r, c)

    def _counted_weights(self) -> dict[str, Decimal]:
        """The weights the imported form will count with, as `selectors.stated_level1_weights`
        gives them once stored (its stated 一级 weights keyed as `services` keys them)."""
        if not self.level1_weights:
            return {}
        stated = {}
        for name, text in self.level1_weights.items():
            level = self.t.level1(name)
            key = level.name if level else (canonical_level1(name) or name)
            try:
                stated[key] = Decimal(str(text))
            except ArithmeticError:
                continue
        return self.t.stated_weights(stated)

    def footnotes(self, start: int) -> str:
        """The form's own 注: the row starting “注” and the numbered rows after it."""
        sheet, lines = self.sheet, []
        for r in range(start, sheet.rows + 1):
            filled = [(c, sheet.text(r, c)) for c in range(1, sheet.cols + 1) if sheet.text(r, c)]
            if not filled or (r, filled[0][0]) in self.used:
                if lines:
                    break
                continue
            c, text = filled[0]
            if not lines and not re.match(r"注(:|\d|：)", norm(text)):
                continue
            if lines and not re.match(r"[\d(（一二三四五六七八九十]", norm(text)):
                break
            if len(filled) > 1 or len(text) > 2000:
                break
            lines.append(text.strip())
            self.use(r, c)
        return "\n".join(lines)

    def header_extra(self, top: int, heading: int) -> list[dict]:
        """Head cells the template lacks (项目负责人及电话 …): in the head rows — from the first
        head label to the first row of the funds or goals — a label and the value right of it."""
        sheet = self.sheet
        head_rows = []
        for r in range(top, heading):
            cells = [c for c in range(1, sheet.cols + 1) if sheet.text(r, c)]
            used = [c for c in cells if (r, c) in self.used]
            if used and not any(
                k in self.cells and self.cells[k][1:] == str(r) for k in self.cells
            ):
                break
            head_rows.append(r)
        extra = []
        for r in head_rows:
            cells = [
                c for c in range(1, sheet.cols + 1) if sheet.text(r, c) and (r, c) not in self.used
            ]
            while cells:
                c = cells.pop(0)
                label = sheet.text(r, c).strip()
                if len(label) > 30 or re.fullmatch(r"[\d.,%\s]+", label):
                    continue
                value = ""
                if cells:
                    value_col = cells.pop(0)
                    value = sheet.text(r, value_col).strip()
                    self.use(r, value_col)
                extra.append({"label": label.rstrip(":：").strip(), "value": value})
                self.use(r, c)
        return extra

    def other_block(self, start: int) -> list[dict]:
        """The 其他内容 block of the app's own export: a caption merged down, a label and a value
        cell per row."""
        sheet = self.sheet
        for r in range(start, sheet.rows + 1):
            if norm(sheet.text(r, 1)) != norm(OTHER_CAPTION):
                continue
            self.use(r, 1)
            bounds = sheet.merge.get((r, 1))
            last = bounds[2] if bounds else r
            items = []
            for row in range(r, last + 1):
                label_col = sheet.end(r, 1) + 1
                value_col = sheet.end(row, label_col) + 1
                label, value = sheet.text(row, label_col), sheet.text(row, value_col)
                for c in (label_col, value_col):
                    if sheet.text(row, c):
                        self.use(row, c)
                items.append({"label": label, "value": value})
            return items
        return []

    def use_labels(self) -> None:
        """Labels the form prints anyway (captions, 单位：万元, 总分, footnotes) are no 其他内容."""
        known = _known_labels(self.t)
        for (r, c), _ in self.sheet.values.items():
            if (r, c) not in self.used and norm(self.sheet.text(r, c)) in known:
                self.use(r, c)


_SPACES = re.compile(r"\s+")
_DASHES = ("—", "-", "/", "－", "／", "——")
_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_PLACEHOLDER = re.compile(r"[\s_＿\-—.…·]*((\d{4})?\s*年[\s_＿]*月[\s_＿]*日)?[\s_＿\-—.…·]*")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _blank_placeholder(text: str) -> bool:
    """“年　月　日”, “　　年　　月　　日”, “______”: a signature line printed blank."""
    return bool(_PLACEHOLDER.fullmatch(_nfkc(text)))


def _known_labels(t) -> set[str]:
    labels = {
        t.title,
        t.fund_caption,
        t.goal_caption,
        t.indicator_caption,
        *(row.label for row in t.fund_rows),
        *(c.label for c in t.fund_columns),
        *t.goal_labels,
        *(c.label for c in t.indicator_columns),
        *(b.label for b in t.text_blocks),
        *t.footnotes,
        *(level.name for level in t.levels),
        "总分",
        "合计",
        "单位:万元",
        "金额单位:万元",
        "单位:万元、%",
        "绩效指标",
        "年度总体目标",
        "项目资金(万元)",
        "项目资金",
        "年度绩效指标",
    }
    return {norm(label) for label in labels if label}
