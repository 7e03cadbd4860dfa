"""The printed form as a grid of cells, built from a template definition and a form's values.

The read-only page, the PDF and the Excel workbook render this one grid, so the three cannot
drift apart: merges, order, labels and number formats are decided here once (how each figure
prints: `figures`). Plain Python: the values come in as a `FormData` snapshot (see
`evaluations.selectors.form_data`), not as models.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby

from indicators.formulas import evaluate

from ..levels import print_order
from ..templates_def import BasicBlock, TemplateDef
from . import fonts
from .figures import (
    format_date,
    format_points,
    format_rate,
    format_typed_amount,
    format_typed_points,
    number_format_of,
    rate_of,
)
from .signature_line import signature_pairs

DASH = "—"


@dataclass(frozen=True)
class FundValues:
    label: str
    budget_initial: Decimal | None = None
    budget: Decimal | None = None
    actual: Decimal | None = None


@dataclass(frozen=True)
class LineData:
    level1: str
    level2: str
    level3: str
    target: str
    actual: str
    weight: Decimal | None = None
    score: Decimal | None = None
    deviation: str = ""
    criteria: str = ""
    # 指标性质 and 度量单位, on templates that print them in columns of their own.
    nature: str = ""
    measure_unit: str = ""
    # The 复核得分 beside 得分, printed only on the 复核 variant (FormData.review).
    review_score: Decimal | None = None
    # The decimals the clerk typed for 分值 and for a claimed 得分 ({"weight": 0, "score": 1}:
    # 15.0); a figure not in it (the app's suggested 得分) prints as computed.
    places: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewPrint:
    """The 复核 print variant: a 复核得分 column beside 得分 (from each line's review_score), the
    复核 total beside 总分, and the 复核总分 and 复核结论 under the grid."""

    total: Decimal | None
    conclusion: str


# The block under the table holding what a form has and no field takes (models.other_content).
OTHER_CAPTION = "其他内容"


@dataclass(frozen=True)
class FormData:
    """Everything printed on one form, as plain values."""

    template: TemplateDef
    title: str
    year: int
    header: dict[str, str]
    header_labels: dict[str, str]
    funds: dict[str, FundValues]
    goal_planned: str
    goal_actual: str
    lines: tuple[LineData, ...]
    texts: dict[str, str] = field(default_factory=dict)
    preparer: str = ""
    preparer_phone: str = ""
    fill_date: date | None = None
    status_label: str = ""
    is_draft: bool = False  # still being filled in (草稿 or 已退回): stamped 草稿
    pending_review: bool = False  # submitted, not yet approved: stamped 待审核
    reviewer: str = ""
    approved_on: date | None = None
    budget_score: Decimal | None = None
    total_score: Decimal | None = None
    # The decimals typed for the form's own points: "budget_score" where the 预算执行率 得分
    # printed is the one the clerk typed (9.50); else it prints as computed.
    places: dict[str, int] = field(default_factory=dict)
    # 部门整体: the 基础数据表 cells, {(row, column): value}.
    basic_data: dict[tuple[str, str], Decimal | None] = field(default_factory=dict)
    # Printed under the template's 注: the provincial scoring rules the form was scored by.
    notes: tuple[str, ...] = ()
    # The form's own wording and figures (see the Evaluation fields of the same names): printed
    # labels (`word`), head cells the template lacks, the weights it counts with where it states
    # its own 一级 weights (each with the decimals it is stated with), figures the app computes
    # that it states (printed as stated), its own
    # 注, the 审核人 signing it, and 其他内容 ((label, value) pairs in order).
    wording: dict[str, str] = field(default_factory=dict)
    header_extra: tuple[tuple[str, str], ...] = ()
    level1_weights: dict[str, Decimal] = field(default_factory=dict)
    stated_figures: dict[str, str] = field(default_factory=dict)
    footnote_text: str = ""
    signer_reviewer: str = ""
    signer_reviewer_date: date | None = None
    other_content: tuple[tuple[str, str], ...] = ()
    # Set on the 复核 print variant only (an upper app fills it, evaluations.extensions).
    review: ReviewPrint | None = None

    def word(self, key: str, default: str) -> str:
        """The form's own wording of a printed label, else the template's."""
        return self.wording.get(key) or default


@dataclass(frozen=True)
class Cell:
    """One (possibly merged) cell. `kind` tells renderers how to style it:
    caption (the block name in the first column), head (column heading), label, text, number."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    kind: str = "text"
    # The machine value behind a number cell (Decimal), so Excel can store a real number.
    value: Decimal | None = None
    number_format: str = ""


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    section: str


@dataclass(frozen=True)
class Grid:
    title: str
    year_line: str
    unit_line: str
    widths: tuple[int, ...]
    rows: tuple[Row, ...]
    footnotes: tuple[str, ...]
    signature: tuple[tuple[str, str], ...]
    approval: tuple[tuple[str, str], ...]
    watermark: str = ""
    # Printed under the form's 注: the provincial scoring rules it was scored by.
    notes: tuple[str, ...] = ()

    @property
    def column_count(self) -> int:
        return len(self.widths)

    def row_index(self, section: str) -> int | None:
        """Index of the first row of a section (Excel uses it to repeat the indicator heading)."""
        return next((i for i, r in enumerate(self.rows) if r.section == section), None)


# A year the title states itself: "项目支出绩效自评表（2020年度）", "2020年度项目支出…".
_TITLE_YEAR = re.compile(r"(20\d\d|19\d\d)\s*年度?")


def title_year(title: str) -> int | None:
    """The year a form's title states ("（2020年度）" → 2020), None where it states none."""
    match = _TITLE_YEAR.search(title or "")
    return int(match.group(1)) if match else None


def year_line(title: str, year: int) -> str:
    """The "（2020年度）" line under the title, empty where the title holds the year already
    (it is never printed twice)."""
    return "" if title_year(title) is not None else f"（{year}年度）"


# -- building the grid --------------------------------------------------------------------------


def spread(total: int, weights: list[int]) -> list[int]:
    """Split `total` columns among cells in proportion to `weights`, each at least one column.

    Largest remainder: the shares always add up to `total`, so every row spans the full width.
    """
    n = len(weights)
    if total < n:
        raise ValueError(f"{n} cells do not fit in {total} columns")
    spare = total - n
    weight_sum = sum(weights)
    raw = [spare * w / weight_sum for w in weights]
    spans = [1 + int(r) for r in raw]
    leftovers = sorted(range(n), key=lambda i: (-(raw[i] - int(raw[i])), i))
    for i in leftovers[: total - sum(spans)]:
        spans[i] += 1
    return spans


def build_grids(data: FormData) -> tuple[Grid, ...]:
    """Every printed table of a form: the form itself and, on a 部门整体 template, its
    基础数据表 (a page of its own in the PDF, a sheet of its own in Excel)."""
    grids = [build_grid(data)]
    if data.template.basic_data is not None:
        grids.append(build_basic_grid(data))
    return tuple(grids)


def grids_of(item: Grid | FormData | Sequence[Grid]) -> tuple[Grid, ...]:
    """The printed tables of what a renderer was given: a grid, a form, or grids already built."""
    if isinstance(item, Grid):
        return (item,)
    if isinstance(item, FormData):
        return build_grids(item)
    return tuple(item)


def build_grid(data: FormData) -> Grid:
    t = data.template
    columns = _printed_columns(data)
    width = len(columns)  # the content columns right of the caption column
    rows: list[Row] = []
    rows += _header_rows(data, width)
    rows += _fund_rows(data, width)
    rows += _goal_rows(data, width)
    rows += _indicator_rows(data, width)
    rows += _total_rows(data, width)
    for block in t.text_blocks:
        label = data.word(f"text.{block.key}", block.label)
        rows.append(
            Row((Cell(label, kind="caption"), Cell(data.texts.get(block.key, ""), width)), "text")
        )
    rows += _other_rows(data, width)
    rows += _review_rows(data, width)
    # Wide enough for a four-character caption (项目名称, 绩效指标) on one line at 10.5pt.
    caption_width = 11
    widths = fit_widths((caption_width, *(c.width for c in columns)), rows)
    return Grid(
        title=data.title,
        year_line=year_line(data.title, data.year),
        unit_line=f"单位：{t.money_unit}" if t.money_unit else "",
        widths=widths,
        rows=tuple(rows),
        footnotes=tuple(data.footnote_text.splitlines() if data.footnote_text else t.footnotes),
        signature=_signature(data),
        approval=_approval(data),
        watermark=_stamp(data),
        notes=data.notes,
    )


# -- column widths from the content ---------------------------------------------------------------
# The printed table's width (A4 portrait less 14 mm margins, less its frame) and the type and cell
# padding of print.css, so a width share can be turned into room for text.
TABLE_WIDTH_PT = (210 - 14 - 14) * 72 / 25.4 - 0.5
_SIZE, _HEAD_SIZE = 10.5, 9.0
_PAD, _HEAD_PAD = 2 * 3 + 0.5, 2 * 2 + 0.5
# A column heading longer than this (in em) may wrap: 偏差原因分析及改进措施 reads well on two lines.
_HEAD_MAX_EM = 6.0
_CAPTION_EM = 4.0


def _needed_pt(cell: Cell) -> float:
    """The width a one-column cell needs not to wrap or shrink: a heading on one line (up to
    _HEAD_MAX_EM), a caption's first four characters, a number in full at body size. Other text wraps and needs nothing."""
    if cell.kind == "head" and cell.text and "\n" not in cell.text:
        em = min(_em_width(cell.text, bold=True), _HEAD_MAX_EM)
        return em * _HEAD_SIZE + _HEAD_PAD
    if cell.kind == "caption" and cell.text:  # 项目名称, 绩效指标 on one line
        return min(_em_width(cell.text, bold=False), _CAPTION_EM) * _SIZE + _PAD
    if cell.kind == "number" and cell.text:
        return _em_width(cell.text, bold=False) * _SIZE + _PAD
    return 0.0


def _em_width(text: str, *, bold: bool) -> float:
    advances = fonts.advances("Bold" if bold else "Regular")
    return sum(advances.get(ord(ch)) or 1.0 for ch in text)


def fit_widths(base: tuple[int, ...], rows: Sequence[Row]) -> tuple[int, ...]:
    """The template's column shares, each widened to its longest heading or number (执行率 and
    "96.09%" on one line, at full size), the room taken from the columns with the most to spare.
    The sum stays that of `base`, so the table keeps its width."""
    total = sum(base)
    unit = TABLE_WIDTH_PT / total
    need = [0] * len(base)
    for row in rows:
        # Rowspans from rows above hold columns on the left only (caption, 一级, 二级), so a
        # row's cells end at the right edge: place them from the right.
        col = len(base) - sum(c.colspan for c in row.cells)
        for cell in row.cells:
            if cell.colspan == 1 and 0 <= col < len(base):
                need[col] = max(need[col], math.ceil(_needed_pt(cell) / unit - 1e-9))
            col += cell.colspan
    widths = list(base)
    short = sum(max(0, n - w) for n, w in zip(need, widths, strict=True))
    if not short:
        return base
    widths = [max(n, w) for n, w in zip(need, widths, strict=True)]
    for _ in range(short):
        spare = [w - max(n, 1) if n <= b else 0 for w, n, b in zip(widths, need, base, strict=True)]
        donor = max(range(len(widths)), key=lambda i: (spare[i], -i))
        if spare[donor] <= 0:
            break  # nothing left to give: the table keeps the widest it can
        widths[donor] -= 1
    return tuple(widths)


# The key of the 复核得分 column the 复核 variant adds after 得分 (no template defines it).
REVIEW_KEY = "review_score"
REVIEW_LABEL = "复核得分"


def _printed_columns(data: FormData) -> tuple:
    """The template's indicator columns, and on the 复核 variant a 复核得分 column right after
    得分, as wide as 得分."""
    columns = tuple(data.template.indicator_columns)
    if data.review is None or not data.template.scored:
        return columns
    keys = [c.key for c in columns]
    s = keys.index("score")
    extra = replace(columns[s], key=REVIEW_KEY, label=REVIEW_LABEL)
    return (*columns[: s + 1], extra, *columns[s + 1 :])


def _review_rows(data: FormData, width: int) -> list[Row]:
    """复核总分 and 复核结论 under the grid, on the 复核 variant."""
    review = data.review
    if review is None:
        return []
    label_span, value_span = 1, width
    total = review.total
    return [
        Row(
            (
                Cell("复核总分", label_span, kind="caption"),
                _number_cell(format_points(total), total, value_span),
            ),
            "review",
        ),
        Row((Cell("复核结论", kind="caption"), Cell(review.conclusion, width)), "review"),
    ]


def _signature(data: FormData) -> tuple[tuple[str, str], ...]:
    values = {
        "preparer": data.preparer,
        "preparer_phone": data.preparer_phone,
        "fill_date": data.fill_date,
        "signer_reviewer": data.signer_reviewer,
        "signer_reviewer_date": data.signer_reviewer_date,
    }
    return signature_pairs(data.template, data.wording, values)


def _other_rows(data: FormData, width: int) -> list[Row]:
    """其他内容: what the form holds that has no field, a row per item, its label (if any) and its
    value as typed, kept in every export."""
    if not data.other_content:
        return []
    label_span, value_span = spread(width, [1, 3])
    caption = Cell(OTHER_CAPTION, rowspan=len(data.other_content), kind="caption")
    return [
        Row(
            ((caption,) if i == 0 else ())
            + (Cell(label, label_span, kind="label"), Cell(value, value_span)),
            "other",
        )
        for i, (label, value) in enumerate(data.other_content)
    ]


def _approval(data: FormData) -> tuple[tuple[str, str], ...]:
    if not data.reviewer:
        return ()
    if data.signer_reviewer.strip() == data.reviewer:  # named once, on the signature line
        return (("审核日期", format_date(data.approved_on)),)
    return (("审核人", data.reviewer), ("审核日期", format_date(data.approved_on)))


# -- the 基础数据表 -------------------------------------------------------------------------------

# Caption, row label, and the value columns every block spreads its own columns over.
BASIC_WIDTHS = (14, 32, 18, 18, 18)
_INDENT = "\u3000"  # a full-width space per level, as the printed form indents its items


def build_basic_grid(data: FormData) -> Grid:
    """The 部门整体支出绩效评价基础数据表: 填报单位, then each block with its column heading and
    rows; derived columns (控制率) computed from the typed cells by their formula."""
    basic = data.template.basic_data
    width = len(BASIC_WIDTHS) - 1
    values = width - 1
    head_field = data.template.header_fields[0]
    rows = [
        Row(
            (
                Cell(basic.caption_label, kind="caption"),
                Cell(data.header.get(head_field.key, ""), width),
            ),
            "head",
        )
    ]
    for block in basic.blocks:
        spans = spread(values, [1] * len(block.columns))
        caption = Cell(block.caption, rowspan=len(block.rows) + 1, kind="caption")
        heading = [Cell("项目", kind="head")]
        heading += [
            Cell(c.label, s, kind="head") for c, s in zip(block.columns, spans, strict=True)
        ]
        rows.append(Row((caption, *heading), "basic_head"))
        for row in block.rows:
            # Left-aligned, so the items' indentation shows as on the printed form.
            cells = [Cell(_INDENT * row.indent + row.label)]
            for column, span in zip(block.columns, spans, strict=True):
                cells.append(_basic_cell(data, block, row.key, column, span))
            rows.append(Row(tuple(cells), "basic"))
    return Grid(
        title=basic.title,
        year_line=f"（{data.year}年度）",
        unit_line="单位：万元",
        widths=BASIC_WIDTHS,
        rows=tuple(rows),
        footnotes=(),
        signature=_signature(data),
        approval=_approval(data),
        watermark=_stamp(data),
    )


def _basic_cell(data: FormData, block: BasicBlock, row_key: str, column, span: int) -> Cell:
    if column.is_derived:
        value = evaluate(column.formula.format(row=row_key), data.basic_data).value
        ratio = None if value is None else value / 100
        text = "" if value is None else f"{format_points(value)}%"
        return _number_cell(text, ratio, span)
    value = data.basic_data.get((row_key, column.key))
    if block.kind == "count":
        # Whole persons: "26", whatever decimals the stored value carries.
        text = "" if value is None else f"{value.quantize(Decimal(1), rounding=ROUND_HALF_UP)}"
        return Cell(text, span, kind="number", value=value, number_format="0")
    return _amount_cell(value, span)


def _header_rows(data: FormData, width: int) -> list[Row]:
    rows = []
    for fields in data.template.header_rows:
        cells = []
        # Label, value, label, value: the first label sits in the caption column.
        spans = [1, width] if len(fields) == 1 else [1, *spread(width, [3, 1, 4])]
        for i, f in enumerate(fields):
            label = data.header_labels.get(f.key) or f.label
            cells.append(Cell(label, spans[2 * i], kind="caption" if i == 0 else "label"))
            cells.append(Cell(data.header.get(f.key, ""), spans[2 * i + 1]))
        rows.append(Row(tuple(cells), "head"))
    # Head cells the form has and its template lacks (项目负责人及电话 …), one row each.
    for label, value in data.header_extra:
        rows.append(Row((Cell(label, kind="caption"), Cell(value, width)), "head"))
    return rows


def _number_cell(text: str, value: Decimal | None, span: int = 1) -> Cell:
    """A figure printed as `text`, stored in Excel as `value` with the format showing `text`."""
    return Cell(text, span, kind="number", value=value, number_format=number_format_of(text))


def _amount_cell(value: Decimal | None, span: int) -> Cell:
    return _number_cell(format_typed_amount(value), value, span)


def _fund_rows(data: FormData, width: int) -> list[Row]:
    t = data.template
    if not t.fund_rows:
        return []
    funds = [(row, data.funds.get(row.key) or FundValues(row.label)) for row in t.fund_rows]
    caption = Cell(data.word("fund_caption", t.fund_caption), rowspan=len(funds), kind="caption")
    rows = []
    if t.fund_layout == "paired":
        spans = spread(width, [2, 3, 2, 3])
        for i, (row, values) in enumerate(funds):
            left, right = t.paired_total_labels if row.is_total else (values.label, values.label)
            cells = (
                Cell(left, spans[0], kind="label"),
                _amount_cell(values.budget, spans[1]),
                Cell(right, spans[2], kind="label"),
                _amount_cell(values.actual, spans[3]),
            )
            rows.append(Row(((caption,) if i == 0 else ()) + cells, "funds"))
        return rows

    spans = spread(width, [3] + [2 if c.is_amount else 1 for c in t.fund_columns])
    caption = Cell(
        data.word("fund_caption", t.fund_caption), rowspan=len(funds) + 1, kind="caption"
    )
    heading = [Cell("", spans[0], kind="head")]
    heading += [
        Cell(data.word(f"fund_column.{c.key}", c.label), s, kind="head")
        for c, s in zip(t.fund_columns, spans[1:], strict=True)
    ]
    rows.append(Row((caption, *heading), "funds"))
    for row, values in funds:
        cells = [Cell(values.label, spans[0], kind="label")]
        for column, span in zip(t.fund_columns, spans[1:], strict=True):
            stated = data.stated_figures.get(f"fund.{row.key}.{column.key}")
            if stated and column.key in ("rate", "weight", "score"):
                # Printed as the form states it; the form page shows the computed one beside.
                cells.append(_stated_cell(stated, span))
            else:
                cells.append(_fund_cell(data, row.is_total, values, column.key, span))
        rows.append(Row(tuple(cells), "funds"))
    return rows


def _stated_cell(text: str, span: int = 1) -> Cell:
    """A figure the app computes (执行率, 得分, 总分) printed as the form states it: a real number
    in Excel where the text is one (“96.09%”, “99.1％”, “0.958”, “9”), else the text."""
    raw = text.strip()
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*([%％]?)", raw)
    if not m:
        return Cell(text, span, kind="number")
    value = Decimal(m[1]) / (100 if m[2] else 1)
    fmt = number_format_of(m[1] + ("%" if m[2] else ""))
    return Cell(raw, span, kind="number", value=value, number_format=fmt)


def _fund_cell(data: FormData, is_total: bool, values: FundValues, key: str, span: int) -> Cell:
    if key in ("budget_initial", "budget", "actual"):
        return _amount_cell(getattr(values, key), span)
    if key == "rate":
        rate = rate_of(values.budget, values.actual)
        return _number_cell(format_rate(rate), rate, span)
    # 分值 and 得分 belong to the total row only; sub-rows print a dash, as the forms do.
    if not is_total:
        return Cell(DASH, span, kind="number")
    if key == "weight":
        weight = data.level1_weights.get("预算执行率", data.template.budget_weight)
        return _number_cell(format_typed_points(weight), weight, span)
    score = data.budget_score
    return _number_cell(format_points(score, data.places.get("budget_score")), score, span)


def _goal_rows(data: FormData, width: int) -> list[Row]:
    t = data.template
    if not t.goal_labels:
        return []
    left, right = spread(width, [1, 1])
    caption = Cell(data.word("goal_caption", t.goal_caption), rowspan=2, kind="caption")
    return [
        Row(
            (
                caption,
                Cell(data.word("goal_planned", t.goal_labels[0]), left, kind="head"),
                Cell(data.word("goal_actual", t.goal_labels[1]), right, kind="head"),
            ),
            "goals",
        ),
        Row((Cell(data.goal_planned, left), Cell(data.goal_actual, right)), "goals"),
    ]


def _stamp(data: FormData) -> str:
    """草稿 only while the unit is filling the form in; 待审核 once it is submitted; nothing once
    approved: a submitted form must not print as a draft."""
    if data.is_draft:
        return "草稿"
    return "待审核" if data.pending_review else ""


def _lines_with_placeholders(data: FormData) -> list[LineData]:
    """The lines in order; scored templates print them by 一级/二级 (as each line's wording
    means them) and also print every unused 二级指标 as an empty row, as the 10号 form does, so
    the reader sees what was left out."""
    lines = list(data.lines)
    if not data.template.scored:
        return lines
    return print_order(data.template, lines, lambda l1, l2: LineData(l1, l2, "", "", ""))


def _indicator_rows(data: FormData, width: int) -> list[Row]:
    t = data.template
    columns = _printed_columns(data)
    lines = _lines_with_placeholders(data)
    caption = Cell(
        data.word("indicator_caption", t.indicator_caption), rowspan=len(lines) + 1, kind="caption"
    )
    heading = tuple(Cell(data.word(f"column.{c.key}", c.label), kind="head") for c in columns)
    rows = [Row((caption, *heading), "indicators_head")]

    # Row spans of the merged 一级 and 二级 cells: runs of consecutive equal values.
    span1: dict[int, int] = {}
    span2: dict[int, int] = {}
    i = 0
    for _, run1 in groupby(lines, key=lambda line: line.level1):
        run1 = list(run1)
        span1[i] = len(run1)
        j = i
        for _, run2 in groupby(run1, key=lambda line: line.level2):
            n = len(list(run2))
            span2[j] = n
            j += n
        i += len(run1)

    for index, line in enumerate(lines):
        cells = []
        for column in columns:
            key = column.key
            if key == "level1":
                if index in span1:
                    level = t.level1(line.level1)
                    label = level.label if level else line.level1
                    stated = data.level1_weights.get(level.name) if level else None
                    if stated is not None and stated != level.weight:
                        # The weight the form states (70, not the template's 50).
                        label = f"{level.name}（{format_typed_points(stated)}分）"
                    # The 一级 as the form words it (产出指标(70分)), where it does.
                    label = data.word(f"level1.{line.level1}", label)
                    cells.append(Cell(label, rowspan=span1[index], kind="label"))
            elif key == "level2":
                if index in span2:
                    cells.append(Cell(line.level2, rowspan=span2[index], kind="label"))
            elif key in ("weight", "score", REVIEW_KEY):
                value = getattr(line, key)
                cells.append(_number_cell(format_points(value, line.places.get(key)), value))
            else:
                cells.append(Cell(getattr(line, key)))
        rows.append(Row(tuple(cells), "indicators"))
    return rows


def full_points(template, weights: dict[str, Decimal]) -> Decimal | None:
    """满分 of the 总分 row: the template's (100), or the sum of the weights a form that states its
    own 一级 weights counts with (`FormData.level1_weights`: 10 + 20 + 30 + 10 = 70). A form that
    prints another 满分 (100 beside 70/20/10 and a 预算执行率 weight of 10) keeps it as stated
    (stated_figures["total_points"])."""
    return sum(weights.values(), Decimal(0)) if weights else template.total_points


def _total_rows(data: FormData, width: int) -> list[Row]:
    t = data.template
    if not t.scored:
        return []
    keys = [c.key for c in _printed_columns(data)]
    w, s = keys.index("weight"), keys.index("score")
    total = data.total_score
    points = full_points(t, data.level1_weights)
    stated_points = data.stated_figures.get("total_points")
    stated = data.stated_figures.get("total")
    cells = [
        Cell(data.word("total", "总分"), 1 + w, kind="caption"),
        (
            _stated_cell(stated_points)
            if stated_points
            else _number_cell(format_points(points), points)
        ),
        _stated_cell(stated) if stated else _number_cell(format_points(total), total),
    ]
    if REVIEW_KEY in keys:
        s += 1
        review_total = data.review.total
        cells.append(_number_cell(format_points(review_total), review_total))
    rest = len(keys) - s - 1
    if rest:
        cells.append(Cell("", rest))
    return [Row(tuple(cells), "total")]
