"""The indicator library: reusable 三级指标 definitions a preparer can pick while filling a form."""

from django.db import models


class IndicatorDefinition(models.Model):
    class Direction(models.TextChoices):
        POSITIVE = "positive", "正向（≥，越大越好）"
        NEGATIVE = "negative", "反向（≤，越小越好）"
        QUALITATIVE = "qualitative", "定性"
        DEADLINE = "deadline", "时限"

    name = models.CharField("三级指标", max_length=300)
    level1 = models.CharField("一级指标", max_length=100)
    level2 = models.CharField("二级指标", max_length=100)
    unit = models.CharField("计量单位", max_length=40, blank=True)
    direction = models.CharField(
        "指标方向", max_length=20, choices=Direction.choices, default=Direction.POSITIVE
    )
    typical_target = models.CharField("常用指标值", max_length=200, blank=True)
    method = models.TextField("计算方法", blank=True)
    field = models.CharField("业务领域", max_length=50, blank=True, default="医疗保障")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "三级指标定义"
        verbose_name_plural = "指标库"
        ordering = ["level1", "level2", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["level1", "level2", "name"], name="indicator_definition_unique"
            ),
        ]

    def __str__(self):
        return self.name
