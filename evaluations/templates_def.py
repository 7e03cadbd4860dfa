"""The 表样: declarative definitions of the official self-evaluation forms.

A template is data. The entry form, the read-only page, the PDF and the Excel workbook all read
the same definition, so a new provincial or yearly variant is a new `TemplateDef` here, not new
code. Plain Python: nothing in this module imports Django.

Sources for the layouts are the filled forms in the seeds and the official layouts collected in
the reference notes (财预〔2020〕10号 family; 2019 中央对地方转移支付 自评表; 社会保险基金 自评表).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from indicators.taxonomy import canonical_level1, level2_choices

# Amount columns hold money typed by people (万元, Decimal); the others are derived or points.
AMOUNT_COLUMNS = ("budget_initial", "budget", "actual")

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
    signature_labels: dict[str, str] = field(
        default_factory=lambda: {
            "preparer": "填表人",
            "preparer_phone": "联系电话",
            "fill_date": "填报日期",
        }
    )
    taxonomy: str = "classic"

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
    def total_fund_row(self) -> FundRow:
        return next(r for r in self.fund_rows if r.is_total)

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
    signature_labels={"preparer": "制表人", "preparer_phone": "电话", "fill_date": "填报日期"},
)

TEMPLATES: dict[str, TemplateDef] = {
    t.code: t for t in (PROJECT_2020, TRANSFER_2019, SOCIAL_INSURANCE)
}

TEMPLATE_CHOICES = [(t.code, t.name) for t in TEMPLATES.values()]


def get_template(code: str) -> TemplateDef:
    """The definition for a stored template code; KeyError for an unknown one."""
    return TEMPLATES[code]
