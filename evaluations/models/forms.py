"""The self-evaluation form (自评表) and its rows: funds, 三级指标 lines, 基础数据表 cells;
how typed amounts and points keep their decimals."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from ..exports.figures import POINT_DECIMALS, typed_decimals
from ..exports.figures import rate_of as execution_rate
from ..templates_def import TEMPLATE_CHOICES, get_template
from .regions import Unit, Year

# 12 digits before the point, up to 4 after it; the typed number of decimals is stored apart.
AMOUNT = {"max_digits": 16, "decimal_places": 4, "null": True, "blank": True}
AMOUNT_PLACES = 4
# Rows stored before typed decimals were kept were entered with two.
LEGACY_PLACES = 2
POINTS = {"max_digits": 6, "decimal_places": POINT_DECIMALS, "null": True, "blank": True}


class TypedPoints:
    """分值/得分 kept as the clerk typed them ("15.0", "9.50"): `places` holds the decimals typed
    in each of the model's POINT_FIELDS ({"score": 1}), and the points read back from the
    database carry exactly these. A field missing there was stored before typed decimals were
    kept and reads back with the fewest decimals, as the form printed it then (15.00 → 15)."""

    POINT_FIELDS: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        row = super().from_db(db, field_names, values, **kwargs)
        places = row.places if "places" in row.__dict__ else {}
        for name in cls.POINT_FIELDS:
            if name in row.__dict__:
                setattr(row, name, points_as_typed(getattr(row, name), places.get(name)))
        return row

    def set_points(self, name: str, value: Decimal | None) -> None:
        """Store `value` as typed: its decimals (Decimal("15.0") → 1, "10" → 0) are kept."""
        setattr(self, name, value)
        places = {key: n for key, n in self.places.items() if key != name}
        if value is not None:
            places[name] = typed_places(value, most=POINT_DECIMALS)
        self.places = places


class Evaluation(TypedPoints, models.Model):
    """自评表: one form of one template, for one unit, one year and one project."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已审核"

    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)

    unit = models.ForeignKey(
        Unit, verbose_name="填报单位", on_delete=models.PROTECT, related_name="evaluations"
    )
    year = models.ForeignKey(
        Year, verbose_name="年度", on_delete=models.PROTECT, related_name="evaluations"
    )
    template = models.CharField("表样", max_length=40, choices=TEMPLATE_CHOICES)
    title = models.CharField("表名", max_length=200)
    project_name = models.CharField("项目名称", max_length=200)
    # The other head cells, keyed as in the template definition (主管部门, 实施单位 …), and the
    # chosen printed label where a template allows variants ("<key>__label").
    header = models.JSONField("表头", default=dict, blank=True)
    goal_planned = models.TextField("预期目标", blank=True)
    goal_actual = models.TextField("实际完成情况", blank=True)
    deviation_reason = models.TextField("偏差原因", blank=True)
    remarks = models.TextField("说明", blank=True)
    # The 预算执行率 score the preparer claims (templates with points); empty means the suggested
    # score stands. A claim that differs from the suggestion needs its reason.
    budget_score = models.DecimalField("预算执行率得分（自评）", **POINTS)
    budget_score_reason = models.TextField("预算执行率自评得分与建议得分不同的理由", blank=True)
    # The decimals typed in the form's own points ({"budget_score": 2}: 9.50), see TypedPoints.
    # Figures the form states as text (总分, 执行率) and its 一级 weights keep theirs in their text.
    places = models.JSONField("录入的小数位数", default=dict, blank=True)
    POINT_FIELDS = ("budget_score",)
    preparer = models.CharField("填表人", max_length=50, blank=True)
    preparer_phone = models.CharField("联系电话", max_length=40, blank=True)
    fill_date = models.DateField("填报日期", null=True, blank=True)
    # The 审核人 signing the printed form (a name as written, not an account: `reviewed_by` is
    # the finance user who approved it in the app) and the date beside that name; blank allowed.
    signer_reviewer = models.CharField("审核人（表上签名）", max_length=50, blank=True)
    signer_reviewer_date = models.DateField("审核日期（表上）", null=True, blank=True)

    # -- the form's own wording and figures (a province's variant kept per form) ---------------
    # Printed labels this form words differently from its template, keyed by what they mean:
    # "goal_caption", "goal_planned", "goal_actual" (年初设定目标 / 年度总体目标完成情况综述 …),
    # "fund_caption", "fund_column.<key>", "indicator_caption", "column.<indicator column key>",
    # "text.<text block key>", "signature.<preparer|preparer_phone|fill_date|signer_reviewer|
    # signer_reviewer_date>", "title_suffix"; an imported signature line also keeps its items'
    # order ("signature.order") and how it writes a date ("signature.fill_date.style": "{y}/{m}/{d}",
    # see exports.signature_line). Missing key: the template's label. Head labels stay in
    # `header["<key>__label"]` (as before).
    wording = models.JSONField("表上的措辞", default=dict, blank=True)
    # Head cells the form has and its template lacks, in print order: [{"label": "项目负责人及电话",
    # "value": "张三 0998-1234567"}, …]. Printed after the template's head rows.
    header_extra = models.JSONField("表头其他栏目", default=list, blank=True)
    # The 一级 weights the form states, keyed by canonical 一级 name ("产出指标": "70"), and
    # "预算执行率" for the funds block's 分值; decimal strings. Where stated they replace the
    # template's weights for checks and scoring (a form of 70/20/10 is scored out of its own).
    level1_weights = models.JSONField("表上的一级指标分值", default=dict, blank=True)
    # Figures the app computes that the form states, kept as printed (text): "fund.<row>.rate"
    # (执行率 "99.1%"), "fund.<row>.score" (预算执行率得分 "9"), "total" (总分 "93"), "grade".
    # Printed as stated; where the computed figure differs the reviewer sees both.
    stated_figures = models.JSONField("表上填写的计算值", default=dict, blank=True)
    # The form's own 注 under the table, one paragraph per line; empty: the template's footnotes.
    footnote_text = models.TextField("表注（表上原文）", blank=True)
    # 其他内容: what the form holds that has no field here, in order: [{"source": "Sheet1!H3",
    # "label": "绩效评价等级", "value": "优"}, …]. "source" says where it came from (a cell of an
    # imported workbook, or "" when typed). Shown on the form page and kept in PDF and Excel.
    other_content = models.JSONField("其他内容", default=list, blank=True)

    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Raised by every save; an edit that started from an older version is refused.
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后保存人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("最后保存时间", default=timezone.now)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    # The printed 总分 and 等级 of a handed-in form (已提交, 已审核), written by the service with
    # each move (services.evaluation_figures_store) so summaries need not score every form; empty
    # on drafts and returned forms, which may still change. `stored_rules` is scoring.RULES
    # when they were computed: figures of other rules are not read (summaries score anew).
    stored_total = models.DecimalField(
        "总分（提交时）", max_digits=12, decimal_places=2, null=True, blank=True, editable=False
    )
    stored_grade = models.CharField("等级（提交时）", max_length=2, blank=True, editable=False)
    stored_rules = models.CharField("评分规则版本", max_length=12, blank=True, editable=False)
    # The 预警 of the region's scoring rules ("red", "yellow", or ""), stored with the figures.
    stored_warning = models.CharField("预警（提交时）", max_length=6, blank=True, editable=False)

    class Meta:
        verbose_name = "自评表"
        verbose_name_plural = "自评表"
        ordering = ["-year__year", "unit__name", "project_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "template", "project_name"],
                name="evaluation_unique_project",
                violation_error_message="本单位该年度已有同一表样、同名项目的自评表。",
            ),
        ]

    def __str__(self):
        return f"{self.year.year}年度 {self.project_name}"

    @property
    def template_def(self):
        return get_template(self.template)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES and not self.year.closed

    def header_value(self, key: str) -> str:
        if key == "project_name":
            return self.project_name
        return self.header.get(key, "")

    def header_label(self, key: str) -> str:
        return self.header.get(f"{key}__label") or self.template_def.header_field(key).label


class FundLine(models.Model):
    """One row of the funds block (年度资金总额, 其中：当年财政拨款 …), in 万元."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="fund_lines")
    row_key = models.CharField("行", max_length=40)
    label = models.CharField("名称", max_length=100)
    order = models.PositiveSmallIntegerField("顺序", default=0)
    budget_initial = models.DecimalField(
        "年初预算数", validators=[MinValueValidator(Decimal(0))], **AMOUNT
    )
    budget = models.DecimalField("全年预算数", validators=[MinValueValidator(Decimal(0))], **AMOUNT)
    actual = models.DecimalField("全年执行数", validators=[MinValueValidator(Decimal(0))], **AMOUNT)
    # How many decimals the clerk typed in each amount column ({"budget": 3, "actual": 0}); the
    # amounts read back from the database carry exactly these (see `from_db`). A column missing
    # here was stored before typed decimals were kept: two.
    places = models.JSONField("录入的小数位数", default=dict, blank=True)

    class Meta:
        verbose_name = "资金"
        verbose_name_plural = "资金"
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "row_key"], name="fund_line_unique_row"),
        ]

    def __str__(self):
        return self.label

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        line = super().from_db(db, field_names, values, **kwargs)
        for name in AMOUNT_FIELDS:
            if name in line.__dict__:
                places = (
                    line.places.get(name, LEGACY_PLACES)
                    if "places" in line.__dict__
                    else LEGACY_PLACES
                )
                setattr(line, name, with_places(getattr(line, name), places))
        return line

    def set_amount(self, name: str, value: Decimal | None) -> None:
        """Store `value` as typed: its decimals (Decimal("4000") → 0, "89.974" → 3) are kept."""
        setattr(self, name, value)
        self.places = {**self.places, name: typed_places(value)}

    @property
    def rate(self) -> Decimal | None:
        """执行率 = 全年执行数 / 全年预算数 (B/A); None where it cannot be computed."""
        return execution_rate(self.budget, self.actual)


AMOUNT_FIELDS = ("budget_initial", "budget", "actual")


def typed_places(value: Decimal | None, most: int = AMOUNT_PLACES) -> int:
    """The decimals of a Decimal as typed (Decimal("4000") → 0, Decimal("89.970") → 3), at most
    `most` (an amount's four by default)."""
    if value is None:
        return LEGACY_PLACES
    return typed_decimals(value, most)


def with_places(value: Decimal | None, places: int) -> Decimal | None:
    """`value` read back with the decimals it was typed with (4000.0000 → 4000)."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-max(0, min(int(places), AMOUNT_PLACES))))


def points_as_typed(value: Decimal | None, places: int | None) -> Decimal | None:
    """Points read back with the decimals typed, or where none are known (stored before they
    were kept) with the fewest that show the value (15.00 → 15, 8.50 → 8.5)."""
    if value is None or places is not None:
        return with_places(value, places or 0)
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


class IndicatorLine(TypedPoints, models.Model):
    """A 三级指标 line: the texts exactly as typed, the points where the template scores."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="indicator_lines"
    )
    order = models.PositiveIntegerField("顺序", default=0)
    level1 = models.CharField("一级指标", max_length=100, blank=True)
    level2 = models.CharField("二级指标", max_length=100, blank=True)
    level3 = models.CharField("三级指标", max_length=300)
    # 一级 and 二级 are kept as the form words them ("数量指标（指标）"); what they mean for
    # scoring, checks, grouping and roll-ups is read from the wording (evaluations.levels).
    # 指标性质 as typed (≥, ≤, ＝, 定性 …) on forms that print it in its own column; empty on the
    # others (their 指标值 holds "≥95%" whole).
    nature = models.CharField("指标性质", max_length=20, blank=True)
    # Empty on a placeholder row ("……"), which is kept and printed as the form has it.
    target = models.CharField("年度指标值", max_length=200, blank=True)
    # 度量单位 as typed (%, 人, 万元 …) on forms that print it in its own column.
    measure_unit = models.CharField("度量单位", max_length=40, blank=True)
    actual = models.CharField("实际完成值", max_length=200, blank=True)
    weight = models.DecimalField("分值", **POINTS)
    score = models.DecimalField("得分（自评）", **POINTS)
    # The decimals typed in 分值 and 得分 ({"weight": 0, "score": 1}: 10 and 9.0); a line's weight
    # and score are often typed differently (10 | 9.58). See TypedPoints.
    places = models.JSONField("录入的小数位数", default=dict, blank=True)
    POINT_FIELDS = ("weight", "score")
    score_reason = models.TextField("自评得分与建议得分不同的理由", blank=True)
    # A qualitative line is scored by a person: the share of its weight they chose within the
    # template's bands (100–80 %, 80–60 %, 60–0 %), in percent. Unused on lines scored by formula.
    qualitative_percent = models.DecimalField(
        "定性指标完成比例（%）",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    deviation = models.TextField("偏差原因分析及改进措施", blank=True)
    # 部门整体 forms: the 评分标准 printed beside the line (the unit's own lines; a common
    # indicator's comes from the template), and the key of that common indicator, if any.
    criteria = models.TextField("评分标准", blank=True)
    rule_key = models.CharField("共性指标", max_length=40, blank=True)

    class Meta:
        verbose_name = "绩效指标"
        verbose_name_plural = "绩效指标"
        ordering = ["order", "pk"]

    def __str__(self):
        return self.level3


class BasicDataLine(models.Model):
    """One cell of a 部门整体 form's 基础数据表 (编制数, 三公经费·上年决算数 …): persons or 万元.

    Rows and columns are keys of the template's `basic_data`; derived cells (控制率) are never
    stored. An empty cell has no row here.
    """

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="basic_data")
    row_key = models.CharField("行", max_length=40)
    column_key = models.CharField("列", max_length=40)
    value = models.DecimalField("数值", max_digits=16, decimal_places=4)
    # Decimals as typed (0 for head counts, which are whole persons); the value is read back
    # with exactly these. Rows stored before this was kept have two.
    places = models.PositiveSmallIntegerField("录入的小数位数", default=LEGACY_PLACES)

    class Meta:
        verbose_name = "基础数据"
        verbose_name_plural = "基础数据"
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "row_key", "column_key"], name="basic_data_unique_cell"
            ),
        ]

    def __str__(self):
        return f"{self.row_key}.{self.column_key}={self.value}"

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        cell = super().from_db(db, field_names, values, **kwargs)
        if "value" in cell.__dict__ and "places" in cell.__dict__:
            cell.value = with_places(cell.value, cell.places)
        return cell
