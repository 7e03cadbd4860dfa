"""Recognising the template of a sheet by its labels (`templates_def`), and the column headings
and signature labels each template is printed with on real forms."""

from __future__ import annotations

from ...templates_def import TEMPLATES, TemplateDef
from .sheet import _bare, _matches, _Sheet

# Column headings of the indicator grid as printed on real forms of each layout (seed 000 prints
# 预期指标值（包含数字及文字描述）/ 实际完成指标值（…）; other provinces 全年实际值 …).
COLUMN_ALIASES = {
    "level1": ("一级指标", "一级指标名称"),
    "level2": ("二级指标", "二级指标名称"),
    "level3": ("三级指标", "三级指标名称", "三级指标内容"),
    "target": (
        "年度指标值",
        "预期指标值",
        "指标值",
        "年初目标值",
        "年度目标值",
        "目标值",
        "预期值",
        "计划指标值",
        "年初设定指标值",
    ),
    "actual": (
        "实际完成值",
        "全年完成值",
        "指标完成值",
        "实际完成指标值",
        "全年实际值",
        "全年实际完成值",
        "实际值",
        "完成值",
        "实际完成情况",
        "实际完成数",
    ),
    "deviation": (
        "偏差原因分析及改进措施",
        "未完成原因和改进措施",
        "未完成原因及改进措施",
        "未完成原因分析",
        "偏差原因",
        "偏差原因分析",
        "扣分原因",
        "扣分原因及其他说明",
        "扣分原因和说明",
        "偏差原因及改进措施",
        "未完成原因",
        "原因分析",
    ),
    "criteria": ("评分标准", "评分办法", "评分细则"),
    "weight": ("分值", "权重", "指标分值", "权重分值"),
    "score": ("得分", "自评得分", "实际得分"),
}
# Columns some provinces add to the grid: “≥ | 95 | %” instead of “≥95%”.
EXTRA_COLUMNS = {
    "nature": ("指标性质", "指标属性"),
    "measure_unit": ("度量单位", "计量单位", "指标单位"),
}
# The head labels of real forms, by the field they mean (the form keeps the label it prints).
HEADER_ALIASES = {
    "project_name": (
        "项目名称",
        "专项(项目)名称",
        "转移支付(项目)名称",
        "转移支付项目名称",
        "专项名称",
        "项目(专项)名称",
        "专项资金名称",
        "资金名称",
        "转移支付名称",
    ),
    "competent_dept": ("主管部门", "项目主管部门", "主管单位"),
    "implementing_unit": ("实施单位", "项目实施单位", "资金使用单位", "项目单位"),
    "principal_and_phone": ("负责人及电话", "项目负责人及电话", "项目负责人及联系电话"),
    "competent_central": ("中央主管部门",),
    "competent_local": ("地方主管部门", "省级主管部门"),
}
# Goal headings as provinces word them: (预期, 实际).
GOAL_ALIASES = (
    (
        "预期目标",
        "年初设定目标",
        "年度目标",
        "年度绩效目标",
        "年初绩效目标",
        "绩效目标",
        "总体目标",
        "年初目标",
    ),
    (
        "实际完成情况",
        "全年实际完成情况",
        "实际完成目标",
        "年度总体目标完成情况综述",
        "总体目标完成情况",
        "目标完成情况",
        "年度目标完成情况综述",
        "完成情况",
    ),
)
SIGNATURE_ALIASES = {
    "preparer": ("填表人", "制表人", "填报人", "经办人"),
    "reviewer": ("审核人", "复核人", "审核"),
    "reviewer_date": ("审核日期", "审核时间"),
    "preparer_phone": ("联系电话", "电话", "填表人电话"),
    "fill_date": ("填报日期", "填表日期", "填报时间", "日期"),
    "leader": ("单位负责人", "负责人", "财务负责人", "分管领导"),
}


def header_labels(t: TemplateDef, key: str) -> tuple[str, ...]:
    """The labels a head field is printed with: the template's own first, then real variants."""
    f = next(f for f in t.header_fields if f.key == key)
    return tuple(dict.fromkeys((f.label, *f.label_choices, *HEADER_ALIASES.get(key, ()))))


def _signature_labels(t: TemplateDef) -> list[str]:
    labels = set(t.signature_labels.values())
    for aliases in SIGNATURE_ALIASES.values():
        labels.update(aliases)
    return sorted(labels, key=len, reverse=True)


def _column_key(text: str, t: TemplateDef) -> str | None:
    for column in t.indicator_columns:
        if _matches(text, column.label) or _bare(text) in COLUMN_ALIASES.get(column.key, ()):
            return column.key
    for key, labels in EXTRA_COLUMNS.items():
        if _bare(text) in labels:
            return key
    return None


def _signature_of(t: TemplateDef) -> list[tuple[str, ...]]:
    """The labels that tell a template's sheet apart, each a tuple of accepted spellings."""
    labels: list[tuple[str, ...]] = [header_labels(t, f.key) for f in t.header_fields]
    if t.fund_layout == "paired":
        labels += [(label,) for label in t.paired_total_labels]
    else:
        labels += [(c.label,) for c in t.amount_columns]
    labels += [(label,) for label in t.goal_labels]
    labels += [(c.label, *COLUMN_ALIASES.get(c.key, ())) for c in t.indicator_columns]
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
    """The template whose labels the sheet carries best, or None and what is missing. A sheet
    with an indicator grid and a project name is a form even when few other labels match."""
    texts = sheet.texts()
    best, best_score = None, -1.0
    for t in TEMPLATES.values():
        if _indicator_heading(sheet, t) is None:
            continue
        if not any(sheet.find(label) for label in header_labels(t, "project_name")):
            continue
        score = _template_score(texts, t)
        if score > best_score:
            best, best_score = t, score
    if best is not None:
        return best, ""
    missing = []
    if not any(sheet.find(label) for label in HEADER_ALIASES["project_name"]):
        missing.append("“项目名称”")
    if not sheet.find("三级指标"):
        missing.append("“三级指标”所在的指标表头行")
    return None, "、".join(missing) or "与任何表样一致的栏目"
