"""The 表样: declarative definitions of the official self-evaluation forms.

A template is data. The entry form, the read-only page, the PDF and the Excel workbook all read
the same definition, so a new provincial or yearly variant is a new `TemplateDef` here, not new
code. Plain Python: nothing in this module imports Django.

Sources for the layouts are the filled forms in the seeds and the official layouts collected in
the reference notes (财预〔2020〕10号 family; 2019 中央对地方转移支付 自评表; 社会保险基金 自评表).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from indicators.formulas import Deduct, Rule, Steps, cell_names
from indicators.taxonomy import canonical_level1, level2_choices

# The key of the funds block's 分值 among a form's stated weights (Evaluation.level1_weights).
BUDGET_WEIGHT_KEY = "预算执行率"

# Amount columns hold money typed by people (万元, Decimal); the others are derived or points.
AMOUNT_COLUMNS = ("budget_initial", "budget", "actual")

# A form's own head wording (Evaluation.header "<key>__label", and header_extra: the head rows its
# template lacks) is kept as JSON, so no column refuses a longer text: these are the limits the
# edit page and the import keep.
HEAD_LABEL_MAX = 100
HEAD_EXTRA_LABEL_MAX = 30
HEAD_EXTRA_VALUE_MAX = 200
HEAD_EXTRA_ROWS_MAX = 30

# The signature line's labels where a template words it otherwise: 填表人, 联系电话, 填报日期, and
# the 审核人 signing the paper form with the date beside the name (Evaluation.signer_reviewer).
_SIGNATURE_LABELS = {
    "preparer": "填表人",
    "preparer_phone": "联系电话",
    "fill_date": "填报日期",
    "signer_reviewer": "审核人",
    "signer_reviewer_date": "审核日期",
}

# The 社会保险基金 forms of 2019–2020 (seeds 000, 001) put 产出 *and* 效益 second levels under
# 项目完成指标. The taxonomy groups the label under 产出指标 for scoring; to choose a 二级 both
# families are offered, under every template.
_SPANNING_LEVEL1 = {"项目完成指标": ("产出指标", "效益指标"), "项目完成": ("产出指标", "效益指标")}


@dataclass(frozen=True)
class HeaderField:
    """One labelled cell of the form head (项目名称, 主管部门 …).

    `key` is "project_name" (a column of its own, searched and listed) or a key of the
    evaluation's `header` mapping. `label_choices` lists printed variants of the label where real
    forms differ (预算单位 / 社会保险基金预算支出部门); the chosen one is stored with the form.
    `prefill` names where a new form takes its first value from ("unit": the unit's name).
    """

    key: str
    label: str
    required: bool = False
    prefill: str = ""
    label_choices: tuple[str, ...] = ()
    max_length: int = 200


@dataclass(frozen=True)
class FundRow:
    key: str
    label: str
    is_total: bool = False
    # Sub-rows whose name varies between forms of one template (其中：医疗保险基金 / 社会保险基金).
    label_editable: bool = False


@dataclass(frozen=True)
class FundColumn:
    """A column of the funds block: an amount typed by people, or `rate`/`weight`/`score`."""

    key: str
    label: str

    @property
    def is_amount(self) -> bool:
        return self.key in AMOUNT_COLUMNS


@dataclass(frozen=True)
class Level1:
    """A first-level indicator with its points and its second-level indicators, in print order."""

    name: str
    level2: tuple[str, ...]
    weight: Decimal | None = None

    @property
    def label(self) -> str:
        """As printed in the 一级指标 cell: 产出指标（50分）."""
        if self.weight is None:
            return self.name
        return f"{self.name}（{self.weight:g}分）"


@dataclass(frozen=True)
class IndicatorColumn:
    """A column of the indicator grid; `width` is its share of the table's width."""

    key: str
    label: str
    width: int


@dataclass(frozen=True)
class TextBlock:
    """A labelled free-text row after the indicators (偏差原因, 说明)."""

    key: str
    label: str


@dataclass(frozen=True)
class BasicColumn:
    """A column of a 基础数据表 block: typed, or derived by `formula` where "{row}" is the row."""

    key: str
    label: str
    formula: str = ""
    unit: str = ""

    @property
    def is_derived(self) -> bool:
        return bool(self.formula)


@dataclass(frozen=True)
class BasicRow:
    """A row of a 基础数据表 block; `indent` 1 for items, 2 for 其中 sub-items."""

    key: str
    label: str
    indent: int = 0


@dataclass(frozen=True)
class BasicBlock:
    """A block of the 基础数据表 (财政供养人员情况, 经费控制情况 …): rows × columns of figures.

    `kind` is "count" (whole persons) or "amount" (万元, two decimals).
    """

    key: str
    caption: str
    columns: tuple[BasicColumn, ...]
    rows: tuple[BasicRow, ...]
    kind: str = "amount"


@dataclass(frozen=True)
class BasicDataDef:
    """The 基础数据表 printed beside a 部门整体 指标表; its cells feed the indicator formulas."""

    title: str
    blocks: tuple[BasicBlock, ...]
    caption_label: str = "填报单位"

    def cells(self):
        """(block, row, column) of every typed cell, in print order."""
        return [
            (block, row, column)
            for block in self.blocks
            for row in block.rows
            for column in block.columns
            if not column.is_derived
        ]

    def cell_keys(self) -> set[tuple[str, str]]:
        return {(row.key, column.key) for _, row, column in self.cells()}

    def cell_label(self, name: str) -> str:
        """ "sangong.last_actual" → "三公经费·上年决算数", as a person reads the table."""
        row_key, _, column_key = name.partition(".")
        for block in self.blocks:
            for row in block.rows:
                if row.key != row_key:
                    continue
                label = row.label.removeprefix("其中：").lstrip("0123456789、")
                if len(block.columns) == 1:
                    return label
                column = next((c for c in block.columns if c.key == column_key), None)
                return f"{label}·{column.label}" if column else label
        return name


@dataclass(frozen=True)
class CommonIndicator:
    """A 三级指标 whose 评分标准 is the template's: `formula` over 基础数据 cells (row.column),
    scored by `rule` (indicators.formulas); no formula, or no rule, leaves the score to the unit.
    `source` cites where the formula and rule were read (see department-wide reference notes)."""

    key: str
    name: str
    criteria: str
    formula: str = ""
    unit: str = "%"
    rule: Rule | None = None
    source: str = ""


@dataclass(frozen=True)
class FixedLine:
    """A line every form of the template starts with (the 部门整体 common indicators)."""

    level1: str
    level2: str
    indicator: CommonIndicator
    weight: Decimal


@dataclass(frozen=True)
class TemplateDef:
    code: str
    name: str
    title: str
    header_rows: tuple[tuple[HeaderField, ...], ...]
    fund_caption: str
    fund_rows: tuple[FundRow, ...]
    fund_columns: tuple[FundColumn, ...]
    goal_caption: str
    goal_labels: tuple[str, str]
    indicator_caption: str
    indicator_columns: tuple[IndicatorColumn, ...]
    levels: tuple[Level1, ...]
    # "grid": one column per FundColumn (10号, 转移支付). "paired": label | 预算数 | label | 执行数,
    # the way the 社会保险基金 form prints its 预算执行情况 block.
    fund_layout: str = "grid"
    paired_total_labels: tuple[str, str] = ("预算数：", "执行数：")
    money_unit: str = "万元"
    scored: bool = False
    budget_weight: Decimal | None = None
    total_points: Decimal | None = None
    # Qualitative bands as (upper %, lower %) of the weight, best first.
    qualitative_bands: tuple[tuple[int, int], ...] = ((100, 80), (80, 60), (60, 0))
    text_blocks: tuple[TextBlock, ...] = ()
    footnotes: tuple[str, ...] = ()
    signature_labels: dict[str, str] = field(default_factory=lambda: dict(_SIGNATURE_LABELS))
    taxonomy: str = "classic"
    # 部门整体支出: the 基础数据表 and the common indicator lines computed from it.
    basic_data: BasicDataDef | None = None
    fixed_lines: tuple[FixedLine, ...] = ()

    # -- lookups used by forms and renderers -------------------------------------------------

    @property
    def header_fields(self) -> tuple[HeaderField, ...]:
        return tuple(f for row in self.header_rows for f in row)

    def header_field(self, key: str) -> HeaderField:
        for f in self.header_fields:
            if f.key == key:
                return f
        raise KeyError(key)

    @property
    def amount_columns(self) -> tuple[FundColumn, ...]:
        return tuple(c for c in self.fund_columns if c.is_amount)

    def fund_row(self, key: str) -> FundRow:
        for row in self.fund_rows:
            if row.key == key:
                return row
        raise KeyError(key)

    @property
    def total_fund_row(self) -> FundRow | None:
        """The 年度资金总额 row; None on a template without a funds block (部门整体)."""
        return next((r for r in self.fund_rows if r.is_total), None)

    def common_indicator(self, key: str) -> CommonIndicator | None:
        """The template's common indicator of a line's `rule_key`, None for the unit's own lines."""
        for line in self.fixed_lines:
            if line.indicator.key == key:
                return line.indicator
        return None

    def has_indicator_column(self, key: str) -> bool:
        return any(c.key == key for c in self.indicator_columns)

    @property
    def level1_names(self) -> tuple[str, ...]:
        return tuple(level.name for level in self.levels)

    def level1(self, name: str) -> Level1 | None:
        for level in self.levels:
            if level.name == name:
                return level
        return None

    def level2_choices(self, level1: str) -> tuple[str, ...]:
        """The 二级 names offered under a 一级 label: the template's own list for one of its
        levels; for a variant or older label (满意度, 项目完成指标 on a 10号 form) the lists of
        the template's levels it maps onto through indicators.taxonomy, else the taxonomy's."""
        level = self.level1(level1)
        if level is not None:
            return level.level2
        canonical = canonical_level1(level1)
        if canonical is None:
            return ()
        names: list[str] = []
        for target in _SPANNING_LEVEL1.get((level1 or "").strip(), (canonical,)):
            # The level of that very name first (产出 → 产出指标, not 项目完成指标 as well).
            own = [lv.level2 for lv in self.levels if lv.name == target] or [
                lv.level2 for lv in self.levels if canonical_level1(lv.name) == target
            ]
            for group in own or [level2_choices(target, self.taxonomy)]:
                names += [n for n in group if n not in names]
        return tuple(names)

    @property
    def level1_weights(self) -> dict[str, Decimal]:
        return {lv.name: lv.weight for lv in self.levels if lv.weight is not None}

    def stated_weights(self, stated: dict[str, Decimal]) -> dict[str, Decimal]:
        """The weights (一级 names and BUDGET_WEIGHT_KEY) a form of this template counts with:
        the template's, replaced by those the form states. A form whose 一级 weights alone make
        up the whole (70/20/10 of 100) and that states no 预算执行率 weight gives that row none,
        so its 总分 stays out of 100."""
        weights = dict(self.level1_weights)
        if self.budget_weight is not None:
            weights[BUDGET_WEIGHT_KEY] = self.budget_weight
        weights.update(stated)
        levels = [v for k, v in stated.items() if k != BUDGET_WEIGHT_KEY]
        if (
            levels
            and BUDGET_WEIGHT_KEY not in stated
            and self.total_points is not None
            and sum(levels, Decimal(0)) == self.total_points
        ):
            weights[BUDGET_WEIGHT_KEY] = Decimal(0)
        return weights


# -- the definitions ---------------------------------------------------------------------------

_PROJECT_COMPETENT = HeaderField("competent_dept", "主管部门", required=True)
_IMPLEMENTING_UNIT = HeaderField("implementing_unit", "实施单位", required=True, prefill="unit")

_CLASSIC_LEVELS = (
    ("产出指标", ("数量指标", "质量指标", "时效指标", "成本指标")),
    ("效益指标", ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标")),
    ("满意度指标", ("服务对象满意度指标",)),
)

PROJECT_2020 = TemplateDef(
    code="project_2020",
    name="项目支出绩效自评表（财预〔2020〕10号）",
    title="项目支出绩效自评表",
    header_rows=(
        (HeaderField("project_name", "项目名称", required=True),),
        (_PROJECT_COMPETENT, _IMPLEMENTING_UNIT),
    ),
    fund_caption="项目资金（万元）",
    fund_rows=(
        FundRow("total", "年度资金总额", is_total=True),
        FundRow("current", "其中：当年财政拨款", label_editable=True),
        FundRow("carryover", "上年结转资金"),
        FundRow("other", "其他资金"),
    ),
    fund_columns=(
        FundColumn("budget_initial", "年初预算数"),
        FundColumn("budget", "全年预算数"),
        FundColumn("actual", "全年执行数"),
        FundColumn("weight", "分值"),
        FundColumn("rate", "执行率"),
        FundColumn("score", "得分"),
    ),
    goal_caption="年度总体目标",
    goal_labels=("预期目标", "实际完成情况"),
    indicator_caption="绩效指标",
    indicator_columns=(
        IndicatorColumn("level1", "一级指标", 9),
        IndicatorColumn("level2", "二级指标", 9),
        IndicatorColumn("level3", "三级指标", 20),
        IndicatorColumn("target", "年度指标值", 12),
        IndicatorColumn("actual", "实际完成值", 12),
        IndicatorColumn("weight", "分值", 6),
        IndicatorColumn("score", "得分", 6),
        IndicatorColumn("deviation", "偏差原因分析及改进措施", 16),
    ),
    levels=(
        Level1("产出指标", _CLASSIC_LEVELS[0][1], Decimal(50)),
        Level1("效益指标", _CLASSIC_LEVELS[1][1], Decimal(30)),
        Level1("满意度指标", _CLASSIC_LEVELS[2][1], Decimal(10)),
    ),
    scored=True,
    budget_weight=Decimal(10),
    total_points=Decimal(100),
)

# The same form as some provinces print it: the 指标值 split into 指标性质 | 指标值 | 度量单位
# (so "≥95%" is ≥ | 95 | %), each stored as typed and printed in its own column.
PROJECT_2020_MEASURED = replace(
    PROJECT_2020,
    code="project_2020_measured",
    name="项目支出绩效自评表（含指标性质、度量单位列）",
    indicator_columns=(
        IndicatorColumn("level1", "一级指标", 8),
        IndicatorColumn("level2", "二级指标", 8),
        IndicatorColumn("level3", "三级指标", 17),
        IndicatorColumn("nature", "指标性质", 6),
        IndicatorColumn("target", "指标值", 9),
        IndicatorColumn("measure_unit", "度量单位", 6),
        IndicatorColumn("actual", "实际完成值", 10),
        IndicatorColumn("weight", "分值", 6),
        IndicatorColumn("score", "得分", 6),
        IndicatorColumn("deviation", "偏差原因分析及改进措施", 14),
    ),
)

_TRANSFER_FOOTNOTES = (
    "注：1.其他资金包括和中央补助、地方财政资金共同投入到同一项目的自有资金、社会资金，"
    "以及以前年度的结转结余资金等。",
    "2.定量指标，资金使用单位填写本地区实际完成数。财政和主管部门汇总时，对绝对值直接累加计算，"
    "相对值按照资金额度加权平均计算。",
    "3.定性指标根据指标完成情况分为：全部或基本达成预期指标、部分达成预期指标并具有一定效果、"
    "未达成预期指标且效果较差三档，分别按照100%-80%（含）、80%-60%（含）、60%-0%合理填写完成比例。",
    "4.资金使用单位按项目填报，主管部门和财政部门汇总时按区域绩效目标填报。",
)

TRANSFER_2019 = TemplateDef(
    code="transfer_payment_2019",
    name="中央对地方转移支付项目支出绩效自评表（2019年版）",
    title="项目支出绩效自评表",
    header_rows=(
        (
            HeaderField("project_name", "专项(项目)名称", required=True),
            HeaderField("principal_and_phone", "负责人及电话"),
        ),
        (HeaderField("competent_central", "中央主管部门"),),
        (
            HeaderField("competent_local", "地方主管部门"),
            HeaderField("implementing_unit", "实施单位", required=True, prefill="unit"),
        ),
    ),
    fund_caption="项目资金（万元）",
    fund_rows=(
        FundRow("total", "年度资金总额：", is_total=True),
        FundRow("central_subsidy", "其中：中央补助"),
        FundRow("local", "地方资金"),
        FundRow("other", "其他资金"),
    ),
    fund_columns=(
        FundColumn("budget", "全年预算数(A)"),
        FundColumn("actual", "全年执行数(B)"),
        FundColumn("rate", "执行率(B/A)"),
    ),
    goal_caption="年度总体目标",
    goal_labels=("年初设定目标", "全年实际完成情况"),
    indicator_caption="绩效指标",
    indicator_columns=(
        IndicatorColumn("level1", "一级指标", 10),
        IndicatorColumn("level2", "二级指标", 11),
        IndicatorColumn("level3", "三级指标", 27),
        IndicatorColumn("target", "年度指标值", 15),
        IndicatorColumn("actual", "全年完成值", 15),
        IndicatorColumn("deviation", "未完成原因和改进措施", 22),
    ),
    levels=tuple(Level1(name, level2) for name, level2 in _CLASSIC_LEVELS),
    text_blocks=(TextBlock("remarks", "说明"),),
    footnotes=_TRANSFER_FOOTNOTES,
)

SOCIAL_INSURANCE = TemplateDef(
    code="social_insurance_fund",
    name="社会保险基金支出绩效自评表",
    title="社会保险基金支出绩效自评表",
    header_rows=(
        (HeaderField("project_name", "项目名称", required=True),),
        (
            HeaderField(
                "budget_unit",
                "预算单位",
                required=True,
                prefill="unit",
                label_choices=("预算单位", "社会保险基金预算支出部门"),
            ),
        ),
    ),
    fund_caption="预算执行情况（万元）",
    fund_layout="paired",
    fund_rows=(
        FundRow("total", "合计", is_total=True),
        FundRow("social_insurance_fund", "其中：社会保险基金", label_editable=True),
        FundRow("other", "其他资金"),
    ),
    fund_columns=(
        FundColumn("budget", "预算数"),
        FundColumn("actual", "执行数"),
    ),
    goal_caption="年度目标完成情况",
    goal_labels=("预期目标", "实际完成目标"),
    indicator_caption="年度绩效指标完成情况",
    indicator_columns=(
        IndicatorColumn("level1", "一级指标", 12),
        IndicatorColumn("level2", "二级指标", 13),
        IndicatorColumn("level3", "三级指标", 35),
        IndicatorColumn("target", "预期指标值", 20),
        IndicatorColumn("actual", "指标完成值", 20),
    ),
    # Pre-2022 forms (seeds 000, 001) group under 项目完成指标 and 满意度指标; the classic names are
    # offered too, since a bureau may follow its province's newer wording.
    levels=(
        Level1("项目完成指标", _CLASSIC_LEVELS[0][1] + _CLASSIC_LEVELS[1][1]),
        Level1("产出指标", _CLASSIC_LEVELS[0][1]),
        Level1("效益指标", _CLASSIC_LEVELS[1][1]),
        Level1("满意度指标", ("满意度指标", "服务对象满意度指标")),
    ),
    text_blocks=(TextBlock("deviation_reason", "偏差原因"),),
    signature_labels={**_SIGNATURE_LABELS, "preparer": "制表人", "preparer_phone": "电话"},
)

# -- 部门整体支出绩效自评 -----------------------------------------------------------------------
#
# What is sourced and what is composed (sources as in the department-wide reference notes):
# * 基础数据表 blocks, rows and the columns 前年决算数 / 上年预算数 / 上年决算数 and 编制数 / 上年实际
#   在职人数 / 控制率: a filled 2019 filing [W4]. The 预算执行情况 block (上年结转, 年初预算, 本年追加,
#   全年支出, 年末结转结余) is COMPOSED: no filing opened had it, but 预算完成率, 预算调整率, 资金结余
#   and 结转结余率 need those figures.
# * 指标表 columns and the 岳阳 weights 投入 15 (预算配置 15: 财政供养人员控制率 5, "三公经费"变动率 5,
#   重点支出安排率 5), 过程 40 (预算执行 15: 预算调整率 3, 支付进度 3, 资金结余 3, "三公经费"控制率 6;
#   预算管理 15: 管理制度健全性 3, 资金使用合规性 3, 预决算信息公开性和完善性 …): 岳阳 [YYG].
#   COMPOSED: the rest of 预算管理 (基础信息完善性 3, 政府采购执行率 3 from the Chongqing common
#   list [CQ]), the third 二级 of 过程 (预算完成 10: 预算完成率 5, 结转结余率 5), and 产出 25 / 效果 20
#   with their 二级 names (the Hunan 产出/效果 rows were not found; seed 002 states 产出, 效益 and
#   满意度 targets, which the unit enters as its own lines).
# * Formulas: 在职人员控制率, 预算完成率, 预算控制率 [K365]; "三公经费"控制率 = 决算/预算 [YYG];
#   结转结余率 = 结转结余 / 支出 [W13]. "三公经费"变动率 is (本年预算 − 上年预算) / 上年预算 in [K365];
#   the 基础数据表 has no 前年预算数 column, so here it compares 上年决算数 with 前年决算数 (the
#   figures a 自评报告 states: "比上年减少4.07万元") — COMPOSED. 重点支出安排率 = 业务工作专项 /
#   项目支出 is COMPOSED (no formula found). 预算调整率 reads 本年追加（调整）/ 年初预算, the formula
#   of 预算控制率 [K365], under 岳阳's steps.
# * Rules: 在职人员控制率 −0.5 per point above 100 % [K365][DS]; 变动率 −0.5 per point above 0
#   [K365]; 预算完成率 −2 per 5 points below 100 % (in proportion) [K365]; 预算调整率 steps, 资金结余
#   steps, "三公经费"控制率 −1 per point above 100 % [YYG]; 重点支出安排率 ≥90 % → 5 and <60 % → 0
#   [YYG], the steps between (80/70/60 → 4/3/2) COMPOSED. 支付进度, 结转结余率 and the 预算管理
#   lines have no published rule here: the unit scores them by the 评分标准 shown.

_STAFF_CONTROL = CommonIndicator(
    "staff_control",
    "财政供养人员控制率",
    "财政供养人员控制率=实际在职人数÷编制数×100%。控制率≤100%的得满分，"
    "每超过1个百分点扣0.5分，扣完为止。",
    formula="staff.actual / staff.quota * 100",
    rule=Deduct("≤", Decimal(100), Decimal("0.5")),
    source="K365, DS",
)
_SANGONG_CHANGE = CommonIndicator(
    "sangong_change",
    "“三公经费”变动率",
    "“三公经费”变动率=（上年决算数−前年决算数）÷前年决算数×100%。变动率≤0的得满分，"
    "每增加1个百分点扣0.5分，扣完为止。",
    formula="(sangong.last_actual - sangong.prev_actual) / sangong.prev_actual * 100",
    rule=Deduct("≤", Decimal(0), Decimal("0.5")),
    source="K365 (rule); formula composed",
)
_KEY_SPENDING = CommonIndicator(
    "key_spending",
    "重点支出安排率",
    "重点支出安排率=业务工作专项支出÷项目支出×100%。≥90%得5分，80%（含）–90%得4分，"
    "70%（含）–80%得3分，60%（含）–70%得2分，60%以下不得分。",
    formula="project_business.last_actual / project.last_actual * 100",
    rule=Steps(
        (
            ("≥", Decimal(90), Decimal(5)),
            ("≥", Decimal(80), Decimal(4)),
            ("≥", Decimal(70), Decimal(3)),
            ("≥", Decimal(60), Decimal(2)),
        )
    ),
    source="YYG (≥90 % and <60 %); formula and middle steps composed",
)
_BUDGET_ADJUST = CommonIndicator(
    "budget_adjust",
    "预算调整率",
    "预算调整率=本年追加（调整）预算÷年初预算×100%。未调整得3分，0–10%（含）得2分，"
    "10%–20%（含）得1分，20%–30%（含）得0.5分，30%以上不得分。",
    formula="addition.amount / initial.amount * 100",
    rule=Steps(
        (
            ("=", Decimal(0), Decimal(3)),
            ("≤", Decimal(10), Decimal(2)),
            ("≤", Decimal(20), Decimal(1)),
            ("≤", Decimal(30), Decimal("0.5")),
        )
    ),
    source="YYG (steps); K365 (formula of 预算控制率)",
)
_PAYMENT_PROGRESS = CommonIndicator(
    "payment_progress",
    "支付进度",
    "按财政规定的进度及时支付资金的得满分；未达到进度要求的，视情况扣分。",
    source="YYG (name, weight); criteria composed",
)
_BALANCE = CommonIndicator(
    "balance",
    "资金结余",
    "年末无结转结余的得3分；结转结余不超过上年结转的得2分；超过上年结转的不得分。",
    formula="balance.amount",
    unit="万元",
    rule=Steps(
        (("=", Decimal(0), Decimal(3)), ("≤", "carryover.amount", Decimal(2))),
    ),
    source="YYG",
)
_SANGONG_CONTROL = CommonIndicator(
    "sangong_control",
    "“三公经费”控制率",
    "“三公经费”控制率=“三公经费”决算数÷预算数×100%。≤100%得满分，每超过1个百分点扣1分，扣完为止。",
    formula="sangong.last_actual / sangong.last_budget * 100",
    rule=Deduct("≤", Decimal(100), Decimal(1)),
    source="YYG",
)
_BUDGET_COMPLETION = CommonIndicator(
    "budget_completion",
    "预算完成率",
    "预算完成率=（上年结转+年初预算+本年追加−年末结转结余）÷（上年结转+年初预算+本年追加）"
    "×100%。达到100%得满分，每低5个百分点扣2分（按比例计算），扣完为止。",
    formula=(
        "(carryover.amount + initial.amount + addition.amount - balance.amount)"
        " / (carryover.amount + initial.amount + addition.amount) * 100"
    ),
    rule=Deduct("≥", Decimal(100), Decimal(2), Decimal(5)),
    source="K365",
)
_CARRYOVER_RATE = CommonIndicator(
    "carryover_rate",
    "结转结余率",
    "结转结余率=年末结转结余÷全年支出×100%。结转结余率越低越好，由单位结合结余原因自评。",
    formula="balance.amount / spent.amount * 100",
    source="W13 (formula); no published rule found",
)


def _unit_scored(key: str, name: str, criteria: str, source: str) -> CommonIndicator:
    return CommonIndicator(key, name, criteria, source=source)


_MANAGEMENT = (
    _unit_scored(
        "rules_sound",
        "管理制度健全性",
        "已制定或具有相应的预算资金和财务管理制度，且制度合法、合规、完整的得满分，"
        "否则视情况扣分。",
        "YYG",
    ),
    _unit_scored(
        "funds_compliance",
        "资金使用合规性",
        "资金使用符合国家财经法规、财务管理制度和资金管理办法，无截留、挤占、挪用、"
        "虚列支出的得满分，否则视情况扣分。",
        "YYG",
    ),
    _unit_scored(
        "disclosure",
        "预决算信息公开性和完善性",
        "按规定内容和时限公开部门预决算信息，基础数据完整、准确的得满分，否则视情况扣分。",
        "YYG (name; its text is cut off in the copy read)",
    ),
    _unit_scored(
        "basic_info",
        "基础信息完善性",
        "基础数据信息和会计信息资料真实、完整、准确的得满分，否则视情况扣分。",
        "CQ (name); weight composed",
    ),
    _unit_scored(
        "procurement",
        "政府采购执行率",
        "按政府采购预算和计划执行采购的得满分，否则视情况扣分。",
        "CQ (name); no formula found; weight composed",
    ),
)

# Indicators a variant may pick that the 岳阳 list does not use; their formulas and rules are
# data like the others (K365). 楼堂馆所 figures are not on any 基础数据表 read, so a variant that
# uses them adds a block with the rows `building`.
BUDGET_CONTROL = CommonIndicator(
    "budget_control",
    "预算控制率",
    "预算控制率=本年追加预算÷年初预算×100%。未追加得5分，0–10%（含）得4分，"
    "10%–20%（含）得3分，20%–30%（含）得2分，30%以上不得分。",
    formula="addition.amount / initial.amount * 100",
    rule=Steps(
        (
            ("=", Decimal(0), Decimal(5)),
            ("≤", Decimal(10), Decimal(4)),
            ("≤", Decimal(20), Decimal(3)),
            ("≤", Decimal(30), Decimal(2)),
        )
    ),
    source="K365",
)
BUILDING_AREA_CONTROL = CommonIndicator(
    "building_area",
    "新建楼堂馆所面积控制率",
    "新建楼堂馆所面积控制率=实际建设面积÷批准建设面积×100%。≤100%得满分，"
    "每超过5个百分点扣2分；无新建楼堂馆所项目的得满分。",
    formula="building.actual_area / building.approved_area * 100",
    rule=Deduct("≤", Decimal(100), Decimal(2), Decimal(5), no_data="full"),
    source="K365",
)

_BASIC_MONEY_COLUMNS = (
    BasicColumn("prev_actual", "前年决算数"),
    BasicColumn("last_budget", "上年预算数"),
    BasicColumn("last_actual", "上年决算数"),
)

DEPARTMENT_BASIC_DATA = BasicDataDef(
    title="部门整体支出绩效评价基础数据表",
    blocks=(
        BasicBlock(
            "staffing",
            "财政供养人员情况（人）",
            (
                BasicColumn("quota", "编制数"),
                BasicColumn("actual", "上年实际在职人数"),
                BasicColumn("rate", "控制率", formula="{row}.actual / {row}.quota * 100", unit="%"),
            ),
            (BasicRow("staff", "财政供养人员"),),
            kind="count",
        ),
        BasicBlock(
            "spending",
            "经费控制情况",
            _BASIC_MONEY_COLUMNS,
            (
                BasicRow("sangong", "三公经费"),
                BasicRow("car", "1、公务用车购置和维护经费", 1),
                BasicRow("car_purchase", "其中：公车购置", 2),
                BasicRow("car_running", "公车运行维护", 2),
                BasicRow("abroad", "2、出国经费", 1),
                BasicRow("reception", "3、公务接待", 1),
                BasicRow("project", "项目支出"),
                BasicRow("project_business", "1、业务工作专项", 1),
                BasicRow("project_operation", "2、运行维护专项", 1),
                BasicRow("public", "公用经费"),
                BasicRow("public_office", "其中：办公经费", 1),
                BasicRow("public_utilities", "水费、电费、差旅费", 1),
                BasicRow("public_meetings", "会议费、培训费", 1),
                BasicRow("procurement", "政府采购金额"),
                BasicRow("adjustment", "部门整体支出预算调整"),
            ),
        ),
        BasicBlock(
            "budget",
            "预算执行情况",
            (BasicColumn("amount", "上年数"),),
            (
                BasicRow("carryover", "上年结转"),
                BasicRow("initial", "年初预算"),
                BasicRow("addition", "本年追加（调整）预算"),
                BasicRow("spent", "全年支出"),
                BasicRow("balance", "年末结转结余"),
            ),
        ),
    ),
)


_W = Decimal
DEPARTMENT_YUEYANG = TemplateDef(
    code="department_wide_yueyang",
    name="部门整体支出绩效自评（湖南·岳阳）",
    title="部门整体支出绩效评价指标表",
    header_rows=(
        (HeaderField("project_name", "部门（单位）名称", required=True, prefill="unit"),),
    ),
    fund_caption="",
    fund_rows=(),
    fund_columns=(),
    goal_caption="",
    goal_labels=(),
    indicator_caption="评价指标",
    indicator_columns=(
        IndicatorColumn("level1", "一级指标", 7),
        IndicatorColumn("level2", "二级指标", 8),
        IndicatorColumn("level3", "三级指标", 13),
        IndicatorColumn("criteria", "评分标准", 31),
        IndicatorColumn("weight", "分值", 5),
        IndicatorColumn("score", "自评得分", 6),
        IndicatorColumn("deviation", "扣分原因和其他说明", 22),
    ),
    levels=(
        Level1("投入", ("预算配置",), _W(15)),
        Level1("过程", ("预算执行", "预算管理", "预算完成"), _W(40)),
        Level1("产出", ("数量", "质量", "时效", "成本"), _W(25)),
        Level1("效果", ("社会效益", "可持续影响", "满意度"), _W(20)),
    ),
    money_unit="",
    scored=True,
    total_points=_W(100),
    basic_data=DEPARTMENT_BASIC_DATA,
    fixed_lines=(
        FixedLine("投入", "预算配置", _STAFF_CONTROL, _W(5)),
        FixedLine("投入", "预算配置", _SANGONG_CHANGE, _W(5)),
        FixedLine("投入", "预算配置", _KEY_SPENDING, _W(5)),
        FixedLine("过程", "预算执行", _BUDGET_ADJUST, _W(3)),
        FixedLine("过程", "预算执行", _PAYMENT_PROGRESS, _W(3)),
        FixedLine("过程", "预算执行", _BALANCE, _W(3)),
        FixedLine("过程", "预算执行", _SANGONG_CONTROL, _W(6)),
        *(FixedLine("过程", "预算管理", indicator, _W(3)) for indicator in _MANAGEMENT),
        FixedLine("过程", "预算完成", _BUDGET_COMPLETION, _W(5)),
        FixedLine("过程", "预算完成", _CARRYOVER_RATE, _W(5)),
    ),
    signature_labels=dict(_SIGNATURE_LABELS),
)


def _check_formulas(template: TemplateDef) -> None:
    """Every formula of a template reads cells its 基础数据表 has (a typo fails at import)."""
    if template.basic_data is None:
        return
    known = template.basic_data.cell_keys()
    for line in template.fixed_lines:
        rule = line.indicator.rule
        exprs = [line.indicator.formula]
        if isinstance(rule, Steps):
            exprs += [b for _, b, _ in rule.steps if isinstance(b, str)]
        for expr in filter(None, exprs):
            unknown = [c for c in cell_names(expr) if c not in known]
            if unknown:
                raise ValueError(f"{template.code}: {line.indicator.key} reads unknown {unknown}")


TEMPLATES: dict[str, TemplateDef] = {
    t.code: t
    for t in (
        PROJECT_2020,
        PROJECT_2020_MEASURED,
        TRANSFER_2019,
        SOCIAL_INSURANCE,
        DEPARTMENT_YUEYANG,
    )
}
for _t in TEMPLATES.values():
    _check_formulas(_t)

TEMPLATE_CHOICES = [(t.code, t.name) for t in TEMPLATES.values()]


def get_template(code: str) -> TemplateDef:
    """The definition for a stored template code; KeyError for an unknown one."""
    return TEMPLATES[code]
