"""Recognising the template of a sheet by its labels (`templates_def`), and the column headings
and signature labels each template is printed with on real forms."""

from __future__ import annotations

from ...templates_def import TEMPLATES, TemplateDef
from .sheet import _bare, _matches, _Sheet

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
        if not sheet.find(t.header_field("project_name").label):
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
