"""A batch export of a region's approved forms: who asked, for what, how far it has got."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from evaluations.models import Region, Year


def export_path(instance: BatchExport, filename: str) -> str:
    return f"batch_exports/{instance.pk}/{filename}"


class BatchExport(models.Model):
    """One zip of PDFs and one workbook for a region's approved forms of a year, built by the
    background tasks `summaries.tasks.batch_export_chunk` (any number of workers, a chunk of
    forms each), `batch_export_workbook` (the workbook, beside the chunks) and
    `batch_export_assemble`, which record their progress here."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "正在导出"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    UNFINISHED = (Status.QUEUED, Status.RUNNING)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        on_delete=models.CASCADE,
        related_name="batch_exports",
    )
    region = models.ForeignKey(
        Region, verbose_name="区划", on_delete=models.CASCADE, related_name="+"
    )
    year = models.ForeignKey(Year, verbose_name="年度", on_delete=models.CASCADE, related_name="+")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    # The forms in the zip, chosen within the requester's scope when the export was asked for;
    # anyone else may download it only if every one of them is in their own scope.
    evaluation_ids = models.JSONField("自评表", default=list, blank=True)
    file = models.FileField("文件", upload_to=export_path, blank=True, max_length=300)
    # The workbook, built by its own task while the chunks render (where one was queued: exports
    # asked for before there was one get theirs at the assembly), and the forms it holds as
    # [id, version] pairs: the zip takes it only if those are still the approved forms.
    workbook_queued = models.BooleanField("工作簿单独生成", default=False)
    workbook = models.FileField("工作簿", upload_to=export_path, blank=True, max_length=300)
    workbook_forms = models.JSONField("工作簿中的自评表", default=list, blank=True)
    error = models.TextField("错误信息", blank=True)
    task_id = models.CharField("任务编号", max_length=64, blank=True)
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "批量导出"
        verbose_name_plural = "批量导出"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.year.year}年度 {self.region.name} 批量导出"

    @property
    def is_finished(self) -> bool:
        return self.status not in self.UNFINISHED

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        # The zip is put together after the last form is counted: 100 only once it is there.
        return min(99, int(self.done * 100 / self.total)) if self.total else 0

    @property
    def download_name(self) -> str:
        return f"{self.year.year}年度_{self.region.name}_已审核自评表.zip"


# -- stored figures: what a summary reads instead of the forms beneath it -----------------------

SUM = {"max_digits": 40, "decimal_places": 12}


class FiguresYear(models.Model):
    """A year whose per-unit figures are kept: built in full (`manage.py rebuild_summaries`, or
    the migration that added them) and kept current by every service that changes a form. The
    summary reads the figures only while they were built under today's deadline and scoring
    rules; otherwise it reads the forms, as it always did, until they are rebuilt."""

    year = models.OneToOneField(
        Year, verbose_name="年度", on_delete=models.CASCADE, related_name="summary_figures"
    )
    deadline = models.DateField("按此截止日期统计", null=True, blank=True)
    rules = models.CharField("评分规则版本", max_length=64, blank=True)
    built_at = models.DateTimeField("生成时间", default=timezone.now)

    class Meta:
        verbose_name = "汇总数据年度"
        verbose_name_plural = "汇总数据年度"

    def __str__(self):
        return f"{self.year_id} 汇总数据"


class UnitFigures(models.Model):
    """One unit's forms of one year in one status: how many, how many handed in late, money and
    scores (the latter two only for handed-in forms, as the summary counts them)."""

    unit = models.ForeignKey(
        "evaluations.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="单位"
    )
    year = models.ForeignKey(Year, on_delete=models.CASCADE, related_name="+", verbose_name="年度")
    status = models.CharField("状态", max_length=20)
    forms = models.PositiveIntegerField("表数", default=0)
    late = models.PositiveIntegerField("逾期提交", default=0)
    budget = models.DecimalField("全年预算数", max_digits=24, decimal_places=4, default=0)
    actual = models.DecimalField("全年执行数", max_digits=24, decimal_places=4, default=0)
    money_forms = models.PositiveIntegerField("计入金额表数", default=0)
    money_missing = models.PositiveIntegerField("缺金额表数", default=0)
    scored = models.PositiveIntegerField("计分表数", default=0)
    score_sum = models.DecimalField("总分之和", max_digits=20, decimal_places=2, default=0)
    score_min = models.DecimalField("最低分", max_digits=7, decimal_places=2, null=True)
    score_max = models.DecimalField("最高分", max_digits=7, decimal_places=2, null=True)
    grades = models.JSONField("等级分布", default=dict)
    warnings = models.JSONField("预警", default=dict)  # "red" / "yellow" → forms, as grades

    class Meta:
        verbose_name = "单位汇总数据"
        verbose_name_plural = "单位汇总数据"
        constraints = [
            models.UniqueConstraint(fields=["year", "unit", "status"], name="unit_figures_once")
        ]

    def __str__(self):
        return f"{self.unit_id} {self.year_id} {self.status}"


class UnitIndicatorFigures(models.Model):
    """One unit's handed-in lines of one year and status under one 三级指标 name and measure
    (summaries.rollup.Part). The exponents keep the sums' Decimal places as `roll_up` has them,
    so a total read back prints as it did when computed from the lines."""

    unit = models.ForeignKey(
        "evaluations.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="单位"
    )
    year = models.ForeignKey(Year, on_delete=models.CASCADE, related_name="+", verbose_name="年度")
    status = models.CharField("状态", max_length=20)
    key = models.CharField("指标名（规范化）", max_length=300)
    name = models.CharField("三级指标", max_length=300)
    measure = models.CharField("计量单位", max_length=200, blank=True)
    sum_target = models.DecimalField("指标值之和", **SUM)
    sum_actual = models.DecimalField("完成值之和", **SUM)
    weights = models.DecimalField("权数之和", **SUM)
    target_exp = models.SmallIntegerField(default=0)
    actual_exp = models.SmallIntegerField(default=0)
    weights_exp = models.SmallIntegerField(default=0)
    lines = models.PositiveIntegerField("计入行数", default=0)
    forms = models.PositiveIntegerField("表数", default=0)
    skipped = models.PositiveIntegerField("未计入行数", default=0)

    class Meta:
        verbose_name = "单位指标汇总数据"
        verbose_name_plural = "单位指标汇总数据"
        indexes = [models.Index(fields=["year", "status", "unit"], name="unit_indicator_figures")]

    def __str__(self):
        return f"{self.unit_id} {self.year_id} {self.status} {self.name} {self.measure}"


class RegionFigures(models.Model):
    """The units of one region (those directly in it) summed for one year and one basis
    (`summaries.selectors.BASIS`): redone from their `UnitFigures` whenever one of them is, so
    a province's page sums a row per region, not per unit. Status counts count every form."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(Year, on_delete=models.CASCADE, related_name="+")
    basis = models.CharField(max_length=20)
    counts = models.JSONField(default=dict)  # {status: forms}
    late = models.PositiveIntegerField(default=0)
    open_forms = models.PositiveIntegerField(default=0)  # draft or returned
    open_units = models.PositiveIntegerField(default=0)  # units with such a form
    budget = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    actual = models.DecimalField(max_digits=24, decimal_places=4, default=0)
    money_forms = models.PositiveIntegerField(default=0)
    money_missing = models.PositiveIntegerField(default=0)
    scored = models.PositiveIntegerField(default=0)
    score_sum = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    score_min = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    score_max = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    grades = models.JSONField(default=dict)
    warnings = models.JSONField(default=dict)  # 预警, as UnitFigures.warnings

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "basis", "region"], name="region_figures_once")
        ]

    def __str__(self):
        return f"{self.region_id} {self.year_id} {self.basis}"


class RegionIndicatorFigures(models.Model):
    """`UnitIndicatorFigures` of the units directly in a region, summed for one basis; `units`
    counts the units with lines in it (each unit once, whatever the status of its forms)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(Year, on_delete=models.CASCADE, related_name="+")
    basis = models.CharField(max_length=20)
    key = models.CharField(max_length=300)
    name = models.CharField(max_length=300)
    measure = models.CharField(max_length=200, blank=True)
    sum_target = models.DecimalField(**SUM)
    sum_actual = models.DecimalField(**SUM)
    weights = models.DecimalField(**SUM)
    target_exp = models.SmallIntegerField(default=0)
    actual_exp = models.SmallIntegerField(default=0)
    weights_exp = models.SmallIntegerField(default=0)
    lines = models.PositiveIntegerField(default=0)
    forms = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["year", "basis", "region"], name="region_indicator_figures")
        ]

    def __str__(self):
        return f"{self.region_id} {self.year_id} {self.basis} {self.name} {self.measure}"
