"""What a region sets up once: its provincial scoring rules, and remembered import mappings."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from .regions import Region, Unit, Year


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
    mapping of cells and columns (see `workbooks.xlsx_import.mapped`), remembered so the next file
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
