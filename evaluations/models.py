"""Regions, units, people's roles, years and the self-evaluation forms themselves.

Every text a person types is stored as typed (it is what gets printed); money is Decimal in 万元
with at most four decimals, and the number of decimals the clerk typed is kept beside it (so
4000 stays 4000 and 89.974 stays 89.974). 执行率 and scores that can be derived are never stored,
but where a form states them they are kept as stated (`Evaluation.stated_figures`).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from .partial import SECTION_LABELS
from .templates_def import TEMPLATE_CHOICES, get_template

# 12 digits before the point, up to 4 after it; the typed number of decimals is stored apart.
AMOUNT = {"max_digits": 16, "decimal_places": 4, "null": True, "blank": True}
AMOUNT_PLACES = 4
# Rows stored before typed decimals were kept were entered with two.
LEGACY_PLACES = 2
POINTS = {"max_digits": 6, "decimal_places": 2, "null": True, "blank": True}


class Region(models.Model):
    """行政区划: 自治区/省 → 地区/州/市 → 县/区, as a tree stored with a materialised path."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省级（自治区/省/直辖市）"
        PREFECTURE = "prefecture", "地级（地区/州/市）"
        COUNTY = "county", "县级（县/区/市）"

    name = models.CharField("名称", max_length=100)
    level = models.CharField("级别", max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "/3/17/42/": the ids from the root down; a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent"),
        ]

    def __str__(self):
        return self.name

    @transaction.atomic
    def save(self, *args, **kwargs):
        old_path = self.path
        super().save(*args, **kwargs)
        prefix = self.parent.path if self.parent_id else "/"
        new_path = f"{prefix}{self.pk}/"
        if new_path != old_path:
            Region.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:  # moved: carry the subtree along
                for child in Region.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    Region.objects.filter(pk=child.pk).update(
                        path=new_path + child.path[len(old_path) :]
                    )
            self.path = new_path

    def subtree_q(self, prefix: str = "") -> Q:
        """A filter for this region and every region below it (`prefix` reaches it via a relation)."""
        return Q(**{f"{prefix}path__startswith": self.path})

    @property
    def full_name(self) -> str:
        ids = [int(i) for i in self.path.strip("/").split("/") if i]
        names = dict(Region.objects.filter(pk__in=ids).values_list("pk", "name"))
        return " / ".join(names[i] for i in ids if i in names)


class Unit(models.Model):
    """单位: a budget unit that fills in forms, or the finance department that reviews them."""

    class Kind(models.TextChoices):
        BUDGET = "budget", "预算单位/主管部门"
        FINANCE = "finance", "财政部门"

    name = models.CharField("单位名称", max_length=200)
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="units"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.BUDGET)
    reviews_subregions = models.BooleanField(
        "审核范围包含下级区划",
        default=False,
        help_text="财政部门的审核人可看到下级区划各单位的自评表（默认只含本级区划）。",
    )

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["region__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="unit_unique_name_in_region"),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person's place: one unit and one role in it."""

    class Role(models.TextChoices):
        PREPARER = "preparer", "填报人"
        REVIEWER = "reviewer", "审核人"
        VIEWER = "viewer", "查看人"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="membership",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    phone = models.CharField("联系电话", max_length=40, blank=True)

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"

    def __str__(self):
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class Year(models.Model):
    """评价年度: the fiscal year evaluated, its submission deadline, and whether it is closed."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    deadline = models.DateField("提交截止日期", null=True, blank=True)
    closed = models.BooleanField("已关闭（只读）", default=False)

    class Meta:
        verbose_name = "评价年度"
        verbose_name_plural = "评价年度"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年度"


class Evaluation(models.Model):
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
    # signer_reviewer_date>", "title_suffix". Missing key: the template's label. Head labels stay
    # in `header["<key>__label"]` (as before).
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


def typed_places(value: Decimal | None) -> int:
    """The decimals of a Decimal as typed (Decimal("4000") → 0, Decimal("89.970") → 3), at most 4."""
    if value is None:
        return LEGACY_PLACES
    exponent = value.as_tuple().exponent
    return min(max(-exponent, 0), AMOUNT_PLACES) if isinstance(exponent, int) else 0


def with_places(value: Decimal | None, places: int) -> Decimal | None:
    """`value` read back with the decimals it was typed with (4000.0000 → 4000)."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-max(0, min(int(places), AMOUNT_PLACES))))


def execution_rate(budget: Decimal | None, actual: Decimal | None) -> Decimal | None:
    if budget is None or actual is None or budget == 0:
        return None
    return actual / budget


class IndicatorLine(models.Model):
    """A 三级指标 line: the texts exactly as typed, the points where the template scores."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="indicator_lines"
    )
    order = models.PositiveIntegerField("顺序", default=0)
    level1 = models.CharField("一级指标", max_length=100, blank=True)
    level2 = models.CharField("二级指标", max_length=100, blank=True)
    level3 = models.CharField("三级指标", max_length=300)
    # The canonical 二级 (indicators.taxonomy) this line counts under for judgement, scoring and
    # roll-ups when `level2` is worded otherwise ("数量指标（指标）" → "数量指标"); empty: read from
    # `level2` by the taxonomy.
    level2_meaning = models.CharField("二级指标（对应标准名称）", max_length=100, blank=True)
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


class TransitionLog(models.Model):
    """Every change of a form's state: who, when, from → to, why. Kept forever."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("操作", max_length=20)
    from_status = models.CharField("原状态", max_length=20, choices=Evaluation.Status.choices)
    to_status = models.CharField("新状态", max_length=20, choices=Evaluation.Status.choices)
    reason = models.TextField("理由", blank=True)
    version = models.PositiveIntegerField("表的版本")
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "状态变更记录"
        verbose_name_plural = "状态变更记录"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return (
            f"{self.evaluation} {self.get_from_status_display()} → {self.get_to_status_display()}"
        )


class Submission(models.Model):
    """What the form held when it was submitted, so a resubmission can be compared field by field."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="submissions")
    version = models.PositiveIntegerField("表的版本")
    content = models.JSONField("内容")
    created_at = models.DateTimeField("提交时间", default=timezone.now)

    class Meta:
        verbose_name = "提交版本"
        verbose_name_plural = "提交版本"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.evaluation} 第{self.version}版"


class ReviewComment(models.Model):
    """A reviewer's (or preparer's) remark on a whole form or on one indicator line."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="comments")
    line = models.ForeignKey(
        IndicatorLine,
        verbose_name="指标行",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    # The line's 三级指标 when the comment was written: the line may be renamed or removed later.
    line_label = models.CharField("指标", max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="意见人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField("意见")
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "审核意见"
        verbose_name_plural = "审核意见"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:40]


class Notification(models.Model):
    """An in-app notice (提交, 退回, 通过 …) for one person."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    evaluation = models.ForeignKey(
        Evaluation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.text


class ReopenedPart(models.Model):
    """One part a reviewer sent back with a 退回 or 重新打开 (部分退回): a section of the form or one
    indicator line, with what to change. Tied to the log row of that move and kept forever; the
    parts of the latest 退回/重新打开 are what the preparer may change (none marked: everything)."""

    class Section(models.TextChoices):
        HEADER = "header", "表头"
        FUNDS = "funds", "资金（含预算执行率得分）"
        GOALS = "goals", "绩效目标"
        LINES = "lines", "绩效指标（全部指标行，可增删、调整顺序）"
        OTHER = "other", "其他（说明、偏差原因、填表人、电话、填报日期）"

    transition = models.ForeignKey(
        TransitionLog, verbose_name="退回记录", on_delete=models.CASCADE, related_name="parts"
    )
    section = models.CharField("部分", max_length=20, choices=Section.choices, blank=True)
    line = models.ForeignKey(
        IndicatorLine,
        verbose_name="指标行",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The line's number and 三级指标 when it was marked: the line may be renamed or removed later.
    line_label = models.CharField("指标", max_length=320, blank=True)
    comment = models.TextField("修改意见", blank=True)

    class Meta:
        verbose_name = "退回修改的部分"
        verbose_name_plural = "退回修改的部分"
        ordering = ["pk"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """“表头” or 第2行“参保人员满意度”, as messages and pages name the part."""
        if not self.section:
            return self.line_label
        return f"“{SECTION_LABELS[self.section]}”"


def _attachment_path(instance, filename):
    """A random stored name: the uploaded name is kept only as text (Attachment.original_name)."""
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"attachments/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{extension}"


class StoredFile(models.Model):
    """An uploaded file checked by content (evaluations/attachments.py) and stored through the
    storage API under a random name; the name the user gave is kept only as text. Served only
    through views that check scope, never from a media URL."""

    file = models.FileField("文件", upload_to=_attachment_path, max_length=200)
    original_name = models.CharField("文件名", max_length=120)
    size = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def put(self, upload, inspected, user) -> None:
        """Take the checked `upload` (`inspected` = attachments.inspect's answer) and write it
        through the storage API; only the detected type's extension is kept from the upload.
        The row itself is saved by the caller, who deletes the file should that fail."""
        self.original_name = inspected.name
        self.size = inspected.size
        self.content_type = inspected.type.content_type
        self.sha256 = inspected.sha256
        self.uploaded_by = user
        upload.seek(0)
        self.file.save(f"upload.{inspected.type.extension}", upload, save=False)


class Attachment(StoredFile):
    """A file attached to a form: evidence, the stamped scan of the signed printout, or a file the
    reviewer sent with a return. Stored under MEDIA_ROOT with a random name and served only
    through the form's download view (never from a media URL)."""

    class Kind(models.TextChoices):
        EVIDENCE = "evidence", "证明材料"
        STAMPED_SCAN = "stamped_scan", "盖章扫描件"
        REVIEW = "review", "审核附件"

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    transition = models.ForeignKey(
        TransitionLog,
        verbose_name="随附的退回",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )

    class Meta(StoredFile.Meta):
        verbose_name = "附件"
        verbose_name_plural = "附件"


class AttachmentEvent(models.Model):
    """Every upload, download and deletion of a form's files, for its history. The file's name is
    copied so the row still reads after the file is deleted."""

    class Action(models.TextChoices):
        UPLOAD = "upload", "上传"
        DOWNLOAD = "download", "下载"
        DELETE = "delete", "删除"

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="attachment_events"
    )
    attachment = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    kind = models.CharField("类别", max_length=20, choices=Attachment.Kind.choices)
    file_name = models.CharField("文件名", max_length=120)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "附件记录"
        verbose_name_plural = "附件记录"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.file_name}"


class ScoringRuleSet(models.Model):
    """A region's provincial scoring rules for one year (`indicators.rules`): they apply to every
    form beneath the region; a region without its own uses its nearest ancestor's."""

    region = models.ForeignKey(
        Region, verbose_name="行政区划", on_delete=models.CASCADE, related_name="scoring_rules"
    )
    year = models.ForeignKey(
        Year, verbose_name="年度", on_delete=models.CASCADE, related_name="scoring_rules"
    )
    deviation_over_percent = models.DecimalField(
        "偏离扣分：超出目标（%）", max_digits=6, decimal_places=2, null=True, blank=True
    )
    deviation_penalty = models.DecimalField(
        "偏离扣分：扣分", max_digits=6, decimal_places=2, default=Decimal(0)
    )
    # [[80, 89], [70, 79], …]: below 80 % 预算执行率 the total is at most 89.
    execution_caps = models.JSONField(
        "预算执行率封顶（低于X%，总分不超过Y）", default=list, blank=True
    )
    warning_ahead_percent = models.DecimalField(
        "红色预警：指标完成率高于执行率（百分点）",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
    )
    warning_unspent_percent = models.DecimalField(
        "黄色预警：未执行超过（%）", max_digits=6, decimal_places=2, null=True, blank=True
    )
    source = models.CharField("依据（文件及条款）", max_length=300, blank=True)
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "评分规则"
        verbose_name_plural = "评分规则"
        ordering = ["year__year", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="scoring_rules_one_per_year"),
        ]

    def __str__(self):
        return f"{self.year.year}年度 {self.region.name} 评分规则"


class ImportMapping(models.Model):
    """How a unit's workbooks of a layout the import does not recognise are read: the clerk's
    mapping of cells and columns (see `exports.xlsx_import.mapped`), remembered so the next file
    of the same shape — the same label texts in the same cells (`anchors`) — goes straight in."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="import_mappings")
    mapping = models.JSONField("栏目对应关系", default=dict)
    anchors = models.JSONField("版式标志（单元格 → 文字）", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="设置人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("最后使用时间", default=timezone.now)

    class Meta:
        verbose_name = "导入版式"
        verbose_name_plural = "导入版式"
        ordering = ["-updated_at", "-pk"]

    def __str__(self):
        return f"{self.unit} 的导入版式 #{self.pk}"
