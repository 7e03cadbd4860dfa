"""Reading a 自评表 back from an uploaded .xlsx workbook.

Two kinds of sheet are read: the app's own export (`xlsx.py`, from the grid of `layout.py`) and
the paper forms retyped into Excel the obvious way (the same labels in the same rows and columns,
perhaps without the title lines, perhaps with spaces inside labels or full-width punctuation).
Both are read the same way: the template is recognised by its labels (`templates_def`), and each
block — head, funds, goals, indicator lines, text blocks, signature — is located by its labels,
never by fixed row numbers. A 部门整体 form is two sheets: the 指标表, read like the others, and
its 基础数据表, whose blocks are found by their column headings and rows by their labels.

Cells are read as typed: a formula is its text (“=E9+E12”), never its value, so a formula in a
cell the app computes (执行率, 控制率, 总分) is ignored with the cell, and one in a cell that
holds a figure is refused, naming the cell.

The bytes are checked before openpyxl loads them in full (`xlsx_checks`: size, a real xlsx
package, zip bombs, each sheet's extent read in read-only mode and stopping early).

The result is a `ParsedForm`, or `ImportRefused` with every problem found, each naming its sheet
and cell in Chinese. Plain Python: nothing here imports Django.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from io import BytesIO

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from ..templates_def import TEMPLATES, BasicDataDef, TemplateDef
from .layout import FundValues  # a fund row read back is what the printed grid shows
from .xlsx_checks import (
    BROKEN,
    DEFAULT_LIMITS,
    CellError,
    ImportRefused,
    Limits,
    check_file,
    refuse,
)

# -- messages (constants, so tests can assert them) -------------------------------------------

NO_FORM = (
    "没有找到自评表：工作簿中没有同时含“项目名称”和“三级指标”等栏目的工作表。"
    "请上传本系统导出的 Excel，或按纸质自评表的格式填写的 Excel。"
)
NOT_A_FORM = "不是可识别的自评表：没有找到{missing}。"
MANY_FORMS = (
    "工作簿中有 {count} 张自评表（{names}），一次只能导入一张。请把其余工作表删除或另存后再导入。"
)
YEAR_MISMATCH = (
    "表中年度为{found}年度，与所选的{chosen}年度不一致。请选择{found}年度，或改正表中的年度。"
)
PROJECT_NAME_MISSING = "请填写项目名称。"
TEXT_TOO_LONG = "{label}最多 {limit} 个字，现有 {count} 个。"
AMOUNT_INVALID = "应为金额（数字，单位：万元），实际为「{text}」。"
AMOUNT_NEGATIVE = "金额不能为负数，实际为「{text}」。"
AMOUNT_DECIMALS = "金额最多保留两位小数，实际为「{text}」。"
AMOUNT_TOO_LARGE = "金额过大（最多12位整数），实际为「{text}」。"
POINTS_INVALID = "应为分值（0 到 100 的数字），实际为「{text}」。"
POINTS_DECIMALS = "分值最多保留两位小数，实际为「{text}」。"
SCORE_OVER_WEIGHT = "得分{score}超过本行分值{weight}。"
SCORE_WITHOUT_WEIGHT = "有得分但没有分值，请在{cell}填写本行分值。"
LEVEL3_MISSING = "请填写三级指标。"
TARGET_MISSING = "请填写{label}。"
FUND_ROW_UNKNOWN = "无法识别的资金行「{text}」，应为：{expected}。"
FUND_ROW_TWICE = "资金行「{text}」出现了两次。"
FUND_LABEL_MISSING = "这一行有金额，但没有资金行名称（如“{example}”）。"
FUNDS_NOT_FOUND = "没有找到资金栏：应有“{labels}”等栏目。"
GOALS_NOT_FOUND = "没有找到年度目标栏：应有“{labels}”两栏，其下一行填写内容。"
DATE_INVALID = "应为日期（如 2020年4月15日），实际为「{text}」。"
FORMULA_HELP = "导入时不计算公式，请在 Excel 中把它改为数值（复制后“选择性粘贴 → 数值”）再导入。"
FORMULA_NOT_NUMBER = "应为{kind}，实际为公式「{text}」。" + FORMULA_HELP
AMOUNT_KIND = "金额（数字，单位：万元）"
POINTS_KIND = "分值（0 到 100 的数字）"
COUNT_KIND = "人数（整数）"
# 部门整体: the 指标表 and the 基础数据表 come as two sheets of one workbook.
BASIC_DATA_MISSING = (
    "工作簿中没有部门整体支出绩效评价基础数据表。财政供养人员控制率、“三公经费”变动率等指标的得分"
    "由基础数据表计算，缺少它无法核对表中的自评得分。请把基础数据表作为另一张工作表放入同一文件后"
    "再导入（本系统导出的部门整体自评表含这两张表）。"
)
INDICATORS_MISSING = (
    "工作簿中只有部门整体支出绩效评价基础数据表，没有指标表（含“部门（单位）名称”和“三级指标”"
    "“评分标准”等栏目）。请把指标表放入同一文件后再导入。"
)
MANY_BASIC = "工作簿中有 {count} 张基础数据表（{names}），只能有一张。请删除多余的工作表后再导入。"
BASIC_BLOCK_NOT_FOUND = "没有找到基础数据表的“{caption}”：应有“{labels}”栏目。"
BASIC_ROW_UNKNOWN = "无法识别的行「{text}」，{caption}的行应为：{expected}。"
BASIC_ROW_TWICE = "行「{text}」出现了两次。"
BASIC_LABEL_MISSING = "这一行有数字，但没有项目名称（如“{example}”）。"
BASIC_UNIT_MISMATCH = "基础数据表的填报单位「{found}」与指标表的部门（单位）名称「{name}」不一致，请检查是否放错了表。"
COUNT_INVALID = "应为人数（整数），实际为「{text}」。"
COUNT_NEGATIVE = "人数不能为负数，实际为「{text}」。"
COUNT_TOO_LARGE = "人数过大（最多8位数），实际为「{text}」。"


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


# -- 2. the sheet as text -----------------------------------------------------------------------

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


# -- 3. recognising the template ----------------------------------------------------------------

# Column headings of the indicator grid as printed on real forms of each layout (seed 000 prints
# 预期指标值（包含数字及文字描述）/ 实际完成指标值（…）; other provinces 全年实际值 …).
COLUMN_ALIASES = {
    "target": ("年度指标值", "预期指标值", "指标值", "年初目标值"),
    "actual": (
        "实际完成值",
        "全年完成值",
        "指标完成值",
        "实际完成指标值",
        "全年实际值",
        "全年实际完成值",
    ),
    "deviation": (
        "偏差原因分析及改进措施",
        "未完成原因和改进措施",
        "未完成原因及改进措施",
        "未完成原因分析",
        "偏差原因",
        "扣分原因",
        "扣分原因及其他说明",
        "扣分原因和说明",
    ),
    "criteria": ("评分标准", "评分办法", "评分细则"),
    "weight": ("分值", "权重"),
    "score": ("得分", "自评得分"),
}
SIGNATURE_ALIASES = {
    "preparer": ("填表人", "制表人", "填报人"),
    "preparer_phone": ("联系电话", "电话"),
    "fill_date": ("填报日期", "填表日期", "填报时间"),
}


def _signature_labels(t: TemplateDef) -> list[str]:
    labels = set(t.signature_labels.values())
    for aliases in SIGNATURE_ALIASES.values():
        labels.update(aliases)
    return sorted(labels, key=len, reverse=True)


def _column_key(text: str, t: TemplateDef) -> str | None:
    for column in t.indicator_columns:
        if _matches(text, column.label) or _bare(text) in COLUMN_ALIASES.get(column.key, ()):
            return column.key
    return None


def _signature_of(t: TemplateDef) -> list[tuple[str, ...]]:
    """The labels that tell a template's sheet apart, each a tuple of accepted spellings."""
    labels: list[tuple[str, ...]] = [(f.label, *f.label_choices) for f in t.header_fields]
    if t.fund_layout == "paired":
        labels += [(label,) for label in t.paired_total_labels]
    else:
        labels += [(c.label,) for c in t.amount_columns]
    labels += [(label,) for label in t.goal_labels]
    labels += [(c.label,) for c in t.indicator_columns]
    return labels


def _template_score(texts: set[str], t: TemplateDef) -> float:
    wanted = _signature_of(t)
    found = sum(1 for group in wanted if any(_bare(label) in texts for label in group))
    return found / len(wanted)


def _indicator_heading(sheet: _Sheet, t: TemplateDef):
    """The row of the indicator column headings and each key's first and last column."""
    # A line states its 指标值 and 完成值, or (部门整体 指标表) its 评分标准.
    needed = {"level3", "target", "actual"} if t.has_indicator_column("target") else set()
    needed = needed or {"level3", "criteria"}
    for r in range(1, sheet.rows + 1):
        columns: dict[str, tuple[int, int]] = {}
        for c in range(1, sheet.cols + 1):
            key = _column_key(sheet.text(r, c), t) if (r, c) in sheet.values else None
            if key and key not in columns:
                columns[key] = (c, sheet.end(r, c))
        if needed <= columns.keys():
            return r, columns
    return None


def _recognise(sheet: _Sheet) -> tuple[TemplateDef | None, str]:
    """The template whose labels the sheet carries best, or None and what is missing."""
    texts = sheet.texts()
    best, best_score = None, 0.0
    for t in TEMPLATES.values():
        if _indicator_heading(sheet, t) is None:
            continue
        if not any(sheet.find(label) for label in (t.header_field("project_name").label,)):
            continue
        score = _template_score(texts, t)
        if score > best_score:
            best, best_score = t, score
    if best is not None and best_score >= 0.5:
        return best, ""
    missing = []
    if not any(sheet.find(label) for label in ("项目名称", "专项(项目)名称")):
        missing.append("“项目名称”")
    if not sheet.find("三级指标"):
        missing.append("“三级指标”所在的指标表头行")
    return None, "、".join(missing) or "与任何表样一致的栏目"


# -- 4. reading the blocks ----------------------------------------------------------------------


class _Reader:
    def __init__(self, sheet: _Sheet, t: TemplateDef, year: int | None):
        self.sheet, self.t, self.expected_year = sheet, t, year
        self.errors: list[CellError] = []
        self.cells: dict[str, str] = {}

    def error(self, r: int, c: int, message: str) -> None:
        self.errors.append(CellError(self.sheet.name, ref(r, c), message))

    def text(self, r: int, c: int, label: str, limit: int) -> str:
        value = self.sheet.text(r, c)
        if len(value) > limit:
            self.error(r, c, TEXT_TOO_LONG.format(label=label, limit=limit, count=len(value)))
        return value

    # numbers

    def _decimal(self, r: int, c: int) -> tuple[Decimal | None, str]:
        raw = self.sheet.raw(r, c)
        text = self.sheet.text(r, c)
        if raw is None or not text:
            return None, ""
        if isinstance(raw, bool):
            return None, text
        if isinstance(raw, (int, Decimal)):
            return Decimal(raw), text
        if isinstance(raw, float):
            number = Decimal(repr(raw))
            cents = number.quantize(Decimal("0.01"))
            # Excel's binary floats: 3.3000000000000003 from =1.1+2.2 is 3.30.
            return (cents if abs(number - cents) < Decimal("1e-9") else number), text
        if isinstance(raw, str):
            cleaned = re.sub(r"[\s,，]", "", unicodedata.normalize("NFKC", raw))
            cleaned = cleaned.removesuffix("万元")
            if re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
                return Decimal(cleaned), text
        return None, text

    def _formula(self, r: int, c: int, kind: str) -> bool:
        """A formula where a figure is typed: refused, never evaluated (see the module doc)."""
        if (r, c) not in self.sheet.formulas:
            return False
        self.error(r, c, FORMULA_NOT_NUMBER.format(kind=kind, text=self.sheet.text(r, c)))
        return True

    def amount(self, r: int, c: int) -> Decimal | None:
        if self._formula(r, c, AMOUNT_KIND):
            return None
        number, text = self._decimal(r, c)
        if number is None:
            if text and text not in ("—", "-", "/"):
                self.error(r, c, AMOUNT_INVALID.format(text=text))
            return None
        if number < 0:
            self.error(r, c, AMOUNT_NEGATIVE.format(text=text))
        elif number != number.quantize(Decimal("0.01")):
            self.error(r, c, AMOUNT_DECIMALS.format(text=text))
        elif abs(number) >= Decimal(10) ** 12:
            self.error(r, c, AMOUNT_TOO_LARGE.format(text=text))
        else:
            return number.quantize(Decimal("0.01")) if number.as_tuple().exponent < -2 else number
        return None

    def points(self, r: int, c: int) -> Decimal | None:
        if self._formula(r, c, POINTS_KIND):
            return None
        number, text = self._decimal(r, c)
        if number is None:
            if text and text not in ("—", "-", "/"):
                self.error(r, c, POINTS_INVALID.format(text=text))
            return None
        if number < 0 or number > 100:
            self.error(r, c, POINTS_INVALID.format(text=text))
        elif number != number.quantize(Decimal("0.01")):
            self.error(r, c, POINTS_DECIMALS.format(text=text))
        else:
            return number
        return None

    def count(self, r: int, c: int) -> Decimal | None:
        """Persons (编制数, 在职人数): a whole number, as on the edit page."""
        if self._formula(r, c, COUNT_KIND):
            return None
        number, text = self._decimal(r, c)
        if number is None:
            if text and text not in ("—", "-", "/"):
                self.error(r, c, COUNT_INVALID.format(text=text))
            return None
        if number < 0:
            self.error(r, c, COUNT_NEGATIVE.format(text=text))
        elif number != number.to_integral_value():
            self.error(r, c, COUNT_INVALID.format(text=text))
        elif number >= Decimal(10) ** 8:
            self.error(r, c, COUNT_TOO_LARGE.format(text=text))
        else:
            return number.to_integral_value()
        return None

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
        if self.expected_year is not None and year is not None and year != self.expected_year:
            self.errors.append(
                CellError(
                    sheet.name,
                    self.cells["year"],
                    YEAR_MISMATCH.format(found=year, chosen=self.expected_year),
                )
            )
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

    def title_and_year(self, top: int) -> tuple[str, int | None]:
        title, year = "", None
        for r in range(1, top):
            for c in range(1, self.sheet.cols + 1):
                text = self.sheet.text(r, c)
                if not text:
                    continue
                m = re.fullmatch(r"\(?(\d{4})年度?\)?", norm(text))
                if m and year is None:
                    year = int(m.group(1))
                    self.cells["year"] = ref(r, c)
                elif norm(text).startswith("单位"):
                    continue
                elif not title:
                    title = self.text(r, c, "表名", 200).strip()
        return title, year

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

    def _stop(self, r: int, last_col: int) -> bool:
        """A row after the lines: 总分, a text block, a footnote or the signature line."""
        stops = {"总分", *(norm(b.label) for b in self.t.text_blocks)}
        for c in range(1, last_col + 1):
            text = norm(self.sheet.text(r, c))
            if not text:
                continue
            if text in stops or re.match(r"注(:|\d)", text) or self._signature_match(text):
                return True
        return False

    def _signature_match(self, text: str):
        labels = "|".join(re.escape(label) for label in _signature_labels(self.t))
        return re.match(rf"(?:{labels})(?::|$)", text)

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
                SCORE_OVER_WEIGHT.format(score=_points(score), weight=_points(weight)),
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


def _points(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- 5. 部门整体: the common indicators and the 基础数据表 ------------------------------------------

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
        if self.expected_year is not None and year is not None and year != self.expected_year:
            self.errors.append(
                CellError(
                    sheet.name,
                    self.cells["year"],
                    YEAR_MISMATCH.format(found=year, chosen=self.expected_year),
                )
            )
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


# -- 6. the whole workbook ----------------------------------------------------------------------


def parse_workbook(
    data: bytes, limits: Limits = DEFAULT_LIMITS, *, year: int | None = None
) -> ParsedForm:
    """The one form in an uploaded workbook, or ImportRefused listing every problem.

    `year` is the year chosen for the import: a sheet that states another year is refused.
    """
    check_file(data, limits)
    try:
        # Formulas as their text, never Excel's cached values: see the module docstring.
        book = openpyxl.load_workbook(BytesIO(data), data_only=False)
    except ImportRefused:
        raise
    except Exception as e:  # noqa: BLE001 - anything openpyxl trips over is a broken file
        refuse(BROKEN.format(detail=type(e).__name__))
    basic_defs = [t.basic_data for t in TEMPLATES.values() if t.basic_data is not None]
    forms, basics, problems = [], [], []
    for ws in book.worksheets:
        sheet = _Sheet(ws, limits)
        if not sheet.values:
            continue
        t, missing = _recognise(sheet)
        if t is not None:
            forms.append((sheet, t))
        elif any(_is_basic_sheet(sheet, basic) for basic in basic_defs):
            basics.append(sheet)
        else:
            problems.append(CellError(sheet.name, "", NOT_A_FORM.format(missing=missing)))
    if not forms:
        if basics:
            refuse(INDICATORS_MISSING)
        raise ImportRefused(problems if len(problems) == 1 else [CellError("", "", NO_FORM)])
    if len(forms) > 1:
        names = "、".join(f"「{s.name}」" for s, _ in forms)
        refuse(MANY_FORMS.format(count=len(forms), names=names))
    sheet, t = forms[0]
    reader = _Reader(sheet, t, year)
    parsed = reader.read()
    errors = reader.errors
    if t.basic_data is not None:
        # Without its 基础数据表 the 指标表's scores cannot be told apart into the app's
        # suggestions and the unit's claims: refused, not imported with an empty one.
        basics = [s for s in basics if _is_basic_sheet(s, t.basic_data)]
        if len(basics) > 1:
            names = "、".join(f"「{s.name}」" for s in basics)
            errors.append(CellError("", "", MANY_BASIC.format(count=len(basics), names=names)))
        elif not basics:
            errors.append(CellError("", "", BASIC_DATA_MISSING))
        else:
            basic_reader = _BasicReader(basics[0], t, year)
            cells = basic_reader.read_cells(parsed.project_name)
            errors += basic_reader.errors
            parsed = replace(parsed, basic_data=cells, basic_sheet=basics[0].name)
    if errors:
        raise ImportRefused(errors)
    return parsed
