"""Recognising the template of a sheet by its labels (`templates_def`), and the column headings
and signature labels each template is printed with on real forms."""

from __future__ import annotations

from evaluations.templates_def import TEMPLATES, TemplateDef

from .sheet import _bare, _matches, _Sheet, norm

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
        "项目年度目标",
        "年度预期目标",
    ),
    (
        "实际完成情况",
        "全年实际完成情况",
        "实际完成目标",
        "年度总体目标完成情况综述",
        "年度目标完成情况",
        "总体目标完成情况",
        "目标完成情况",
        "年度目标完成情况综述",
        "完成情况",
        "目标实际完成情况",
        "具体完成情况",
    ),
)
# Captions of blocks some forms print between the funds and the goals (the 2024 转移支付 layout's
# 资金管理情况 with 分配科学性, 下达及时性 …): the fund rows end there.
AFTER_FUNDS = ("资金管理情况",)
# Fund rows and columns as real forms word them (compared without spaces, 其中 and a trailing
# note), by the template row or column they are.
FUND_ALIASES = {
    "total": (
        *("年度资金总额", "资金总额", "合计", "总计", "年度资金总额合计", "项目资金总额"),
        *("总额", "年度财政资金总额"),
    ),
    "current": ("当年财政拨款", "财政拨款", "本年财政拨款", "财政资金", "本级财政资金"),
    "carryover": ("上年结转资金", "上年结转", "上年结余结转资金", "以前年度结转资金"),
    "other": ("其他资金", "其他", "自筹资金"),
    "central_subsidy": ("中央补助", "中央资金", "中央财政资金", "中央补助资金"),
    "local": ("地方资金", "地方财政资金", "地方配套资金", "省级资金", "地方财政配套"),
    "social_insurance_fund": ("社会保险基金",),
}
FUND_COLUMN_ALIASES = {
    "budget_initial": ("年初预算数", "年初预算", "年初预算数(万元)", "年初预算金额"),
    "budget": (
        *("全年预算数", "全年预算", "预算数", "调整后预算数", "全年预算数(A)", "预算金额"),
        "调整后预算",
    ),
    "actual": (
        *("全年执行数", "执行数", "全年执行", "实际执行数", "全年执行数(B)", "实际支出"),
        "预算执行数",
    ),
    "weight": ("分值", "权重"),
    "rate": ("执行率", "预算执行率"),
    "score": ("得分",),
}


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


# Words a heading of the indicator grid is known by when no alias matches it as a whole
# (未完成原因及拟采取的改进措施, 年度绩效指标值): the first column key whose word it holds.
COLUMN_WORDS = (
    ("deviation", ("原因", "改进措施")),
    ("actual", ("完成值", "实际值", "实际完成", "完成数")),
    ("target", ("指标值", "目标值")),
    ("criteria", ("评分标准", "评分办法")),
    ("score", ("得分",)),
    ("weight", ("分值", "权重")),
)


def _column_key(text: str, t: TemplateDef, *, loose: bool = False) -> str | None:
    """The indicator column a heading names; `loose`: also by the words it holds (for the
    heading row itself, whose other headings confirm it)."""
    for column in t.indicator_columns:
        if _matches(text, column.label) or _bare(text) in COLUMN_ALIASES.get(column.key, ()):
            return column.key
    for key, labels in EXTRA_COLUMNS.items():
        if _bare(text) in labels:
            return key
    if loose and len(norm(text)) <= 20:
        for key, words in COLUMN_WORDS:
            if t.has_indicator_column(key) and any(word in norm(text) for word in words):
                return key
    return None


def _signature_of(t: TemplateDef) -> list[tuple[str, ...]]:
    """The labels that tell a template's sheet apart, each a tuple of accepted spellings."""
    labels: list[tuple[str, ...]] = [header_labels(t, f.key) for f in t.header_fields]
    if t.fund_layout == "paired":
        labels += [(label,) for label in t.paired_total_labels]
    else:
        labels += [(c.label, *FUND_COLUMN_ALIASES.get(c.key, ())) for c in t.amount_columns]
    labels += [(label, *GOAL_ALIASES[i]) for i, label in enumerate(t.goal_labels)]
    labels += [(c.label, *COLUMN_ALIASES.get(c.key, ())) for c in t.indicator_columns]
    return labels


def _template_score(texts: set[str], t: TemplateDef) -> float:
    wanted = _signature_of(t)
    found = sum(1 for group in wanted if any(_bare(label) in texts for label in group))
    return found / len(wanted)


def _indicator_heading(sheet: _Sheet, t: TemplateDef):
    """The row of the indicator column headings and each key's first and last column. The
    headings may take two rows (一级/二级/三级 or 指标性质/指标值/度量单位 under a merged heading):
    the row below then adds its keys."""
    # A line states its 指标值 and 完成值, or (部门整体 指标表) its 评分标准.
    needed = {"level3", "target", "actual"} if t.has_indicator_column("target") else set()
    needed = needed or {"level3", "criteria"}

    def keys(r, loose=False):
        columns: dict[str, tuple[int, int]] = {}
        for c in range(1, sheet.cols + 1):
            text = sheet.text(r, c) if (r, c) in sheet.values else ""
            key = _column_key(text, t, loose=loose) if text else None
            if key and key not in columns:
                columns[key] = (c, sheet.end(r, c))
        return columns

    for r in range(1, sheet.rows + 1):
        columns, below = keys(r, loose=True), keys(r + 1)
        if needed <= columns.keys():
            # Sub-headings below (指标性质 | 指标值 | 度量单位) count for telling templates apart.
            return r, {**{k: v for k, v in below.items() if k not in columns}, **columns}
        if columns and needed <= (columns.keys() | below.keys()):
            return r, {**below, **columns}
    return None


def _paired_figures(sheet: _Sheet, t: TemplateDef) -> bool:
    """Does the sheet hold 预算数：[figure] 执行数：[figure] rather than the column headings
    预算数(A) | 执行数(B) side by side?"""
    left, right = t.paired_total_labels
    for r, c in sheet.find(left):
        if sheet.text(r, c).rstrip().endswith(("：", ":")):
            return (
                True  # 预算数：, a label before its figure (blank on a blank form), not a heading
            )
        _, text = sheet.first_filled(r, sheet.end(r, c) + 1, sheet.cols)
        if not text or not _matches(text, right):
            return True
    return False


def _recognise(sheet: _Sheet) -> tuple[TemplateDef | None, str]:
    """The template whose labels the sheet carries best, or None and what is missing. A sheet
    with an indicator grid and a project name is a form even when few other labels match."""
    texts = sheet.texts()
    best, best_score = None, (-1.0, 0)
    for t in TEMPLATES.values():
        heading = _indicator_heading(sheet, t)
        if heading is None:
            continue
        if not any(
            sheet.find(label) or sheet.find_with_value(label)
            for label in header_labels(t, "project_name")
        ):
            continue
        # Equal labels: the template printing more of the sheet's grid columns (指标性质 …).
        own = sum(1 for key in heading[1] if t.has_indicator_column(key))
        score = (_template_score(texts, t), own)
        if t.fund_layout == "paired" and not _paired_figures(sheet, t):
            # 预算数(A) | 执行数(B) as column headings is a grid, not 预算数：[figure] 执行数：[figure].
            score = (score[0] - 0.5, own)
        if score > best_score:
            best, best_score = t, score
    if best is not None:
        return best, ""
    # A 区域 form names no project (单位名称, 填报类型 …): its indicator grid makes it a form all
    # the same, which the reader names after its title.
    for t in TEMPLATES.values():
        heading = _indicator_heading(sheet, t) if t.basic_data is None else None
        if heading is None:
            continue
        own = sum(1 for key in heading[1] if t.has_indicator_column(key))
        score = (_template_score(texts, t), own)
        if score > best_score:
            best, best_score = t, score
    if best is not None:
        return best, ""
    # No indicator grid: a form typed only down to its goals is still that form, when its head
    # and most of its fund and goal labels are there.
    for t in TEMPLATES.values():
        if t.basic_data is not None:
            continue
        if not any(
            sheet.find(label) or sheet.find_with_value(label)
            for label in header_labels(t, "project_name")
        ):
            continue
        score = (_template_score(texts, t), 0)
        if score[0] >= 0.4 and score > best_score:
            best, best_score = t, score
    if best is not None:
        return best, ""
    missing = []
    if not any(sheet.find(label) for label in HEADER_ALIASES["project_name"]):
        missing.append("“项目名称”")
    if not sheet.find("三级指标"):
        missing.append("“三级指标”所在的指标表头行")
    return None, "、".join(missing) or "与任何表样一致的栏目"
