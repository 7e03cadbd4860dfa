"""The summary page's tables as data, and as Excel workbooks (openpyxl).

One `Table` per section of the page; the page's download buttons and the batch export's summary
sheet write them with `fill_sheet`. Every text is stored as a string (a unit named "=SUM(…)"
stays text), numbers as numbers, rates as percentages; nothing is a formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from evaluations.models import Evaluation
from workbooks.xlsx import (
    BORDER,
    CENTER,
    FONT,
    FONT_BOLD,
    FONT_NAME,
    number_value,
    set_text,
    style,
)

from .selectors import GRADES, STATUSES, RegionSummary, Row

FONT_TITLE = Font(name=FONT_NAME, size=14, bold=True)
WRAP = Alignment(vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Pct:
    """A ratio shown as a percentage (0.875 → 87.50%)."""

    value: Decimal | None


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    notes: tuple[str, ...] = ()


def fill_sheet(ws, table: Table, *, heading: str = "") -> None:
    """Write `table` on `ws`: a title line, the column heads, the rows, then any notes."""
    ncols = len(table.columns)
    _text(ws.cell(row=1, column=1), heading or table.title).font = FONT_TITLE
    if ncols > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    for c, name in enumerate(table.columns, start=1):
        _text(
            style(ws.cell(row=2, column=c), font=FONT_BOLD, alignment=CENTER, border=BORDER), name
        )
        ws.column_dimensions[get_column_letter(c)].width = 30 if c == 1 else 14
    for r, values in enumerate(table.rows, start=3):
        for c, value in enumerate(values, start=1):
            _value(style(ws.cell(row=r, column=c), font=FONT, border=BORDER, alignment=WRAP), value)
    r = len(table.rows) + 4
    for note in table.notes:
        _text(ws.cell(row=r, column=1), note).font = FONT
        r += 1
    ws.freeze_panes = "B3"


def write_table_xlsx(table: Table, output: BinaryIO, *, heading: str = "") -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = table.title[:31]
    fill_sheet(ws, table, heading=heading)
    wb.save(output)


def _value(cell, value) -> None:
    if isinstance(value, Pct):
        if value.value is not None:
            cell.value = value.value
            cell.number_format = "0.00%"
    elif isinstance(value, bool):
        _text(cell, "是" if value else "否")
    elif isinstance(value, int):
        cell.value = value
    elif isinstance(value, Decimal):
        cell.value = number_value(value)
        if not isinstance(cell.value, int):
            cell.number_format = "0.00"
    elif value is None:
        cell.value = None
    else:
        _text(cell, str(value))


def _text(cell, text: str):
    """`cell` holding `text` as a string, never as a formula (as the form's own export)."""
    set_text(cell, text)
    return cell


# -- the page's tables ------------------------------------------------------------------------

STATUS_LABELS = dict(Evaluation.Status.choices)


def _money_cells(row: Row) -> tuple:
    m = row.money
    return (m.budget, m.actual, Pct(m.rate), m.forms, m.missing)


def _score_cells(row: Row) -> tuple:
    s = row.scores
    return (s.count, s.average, s.lowest, s.highest, *(s.grades[g] for g in GRADES))


STATUS_COLUMNS = (*(STATUS_LABELS[s] for s in STATUSES), "合计", "逾期未交", "逾期提交")
MONEY_COLUMNS = ("全年预算数（万元）", "全年执行数（万元）", "执行率", "计入表数", "缺金额表数")
SCORE_COLUMNS = ("计分表数", "平均分", "最低分", "最高分", *GRADES)


def _status_cells(row: Row) -> tuple:
    return (*(row.counts[s] for s in STATUSES), row.total, row.overdue_open, row.overdue_late)


def summary_tables(summary: RegionSummary) -> dict[str, Table]:
    """Every table of the summary page, keyed as the download URLs name them."""
    basis = f"资金、得分和指标按{summary.basis_label}统计。"
    tables = [
        Table(
            "children",
            "下级区划",
            ("区划", "单位数", "逾期单位数", *STATUS_COLUMNS, *MONEY_COLUMNS),
            [
                (r.label, r.units, r.overdue_units, *_status_cells(r), *_money_cells(r))
                for r in [*summary.children, summary.total]
            ]
            if summary.children
            else [],
            (basis,),
        ),
        Table(
            "status",
            "各单位填报情况",
            ("单位", "区划", *STATUS_COLUMNS),
            [(r.label, r.region_name, *_status_cells(r)) for r in summary.units]
            + [("合计", "", *_status_cells(summary.total))],
            (_deadline_note(summary),),
        ),
        Table(
            "money",
            "预算执行情况",
            ("单位", "区划", *MONEY_COLUMNS),
            [(r.label, r.region_name, *_money_cells(r)) for r in summary.units]
            + [("合计", "", *_money_cells(summary.total))],
            ("执行率 = 全年执行数 ÷ 全年预算数（各表“年度资金总额”行之和）。", basis),
        ),
        Table(
            "scores",
            "项目支出绩效自评得分",
            ("单位", "区划", *SCORE_COLUMNS),
            [(r.label, r.region_name, *_score_cells(r)) for r in summary.units if r.scores.count]
            + [("合计", "", *_score_cells(summary.total))],
            ("等级：优≥90，良80–90，中60–80，差<60。", basis),
        ),
        Table(
            "indicators",
            "绩效指标汇总",
            (
                "三级指标",
                "计量单位",
                "汇总方式",
                "年度指标值（汇总）",
                "实际完成值（汇总）",
                "计入行数",
                "单位数",
                "未计入行数",
            ),
            [
                (
                    r.name,
                    r.measure,
                    r.method if r.lines else "无法汇总",
                    _round(r.target, r.relative),
                    _round(r.actual, r.relative),
                    r.lines,
                    r.units,
                    r.skipped,
                )
                for r in summary.indicators
            ],
            (
                "按注2：绝对值直接累加，相对值（百分比、比率、时长、分值）按资金额度"
                "（全年预算数）加权平均；指标值和完成值不是确定数值的行未计入。",
                basis,
            ),
        ),
    ]
    return {t.key: t for t in tables}


def _round(value: Decimal | None, relative: bool) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal("0.01")) if relative else value


def _deadline_note(summary: RegionSummary) -> str:
    deadline = summary.year.deadline
    if deadline is None:
        return "该年度未设提交截止日期。"
    return f"提交截止日期：{deadline:%Y年%m月%d日}。逾期未交：截止后仍为草稿或已退回；逾期提交：截止后才提交。"
