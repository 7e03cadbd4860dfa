"""What the reader of a form returns: a `ParsedForm`, its `ParsedLine`s, and the `OtherRow`s of
the cells no field took (其他内容)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from evaluations.exports.layout import FundValues

from ..xlsx_checks import CellError


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
