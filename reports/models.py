"""The 自评报告 of a form: one report per form, one row per section the preparer has saved.

A section never saved is today's draft (reports.drafting), so it needs no row. A saved section
keeps the text as typed, the draft it was written against and that draft's fingerprint: text
equal to the draft means "untouched" (it follows the figures), anything else is the preparer's
own words, marked stale when the figures change under it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from evaluations.models import Evaluation


class Report(models.Model):
    evaluation = models.OneToOneField(
        Evaluation, verbose_name="自评表", on_delete=models.CASCADE, related_name="report"
    )
    # Raised by every save; an edit that started from an older version is refused.
    version = models.PositiveIntegerField("版本", default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后保存人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("最后保存时间", default=timezone.now)

    class Meta:
        verbose_name = "自评报告"
        verbose_name_plural = "自评报告"

    def __str__(self):
        return f"{self.evaluation} 自评报告"


class ReportSection(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField("节", max_length=40)
    text = models.TextField("正文", blank=True)
    draft_text = models.TextField("据以填写的草稿", blank=True)
    fingerprint = models.CharField("草稿所据数据指纹", max_length=64, blank=True)
    updated_at = models.DateTimeField("保存时间", default=timezone.now)

    class Meta:
        verbose_name = "自评报告章节"
        verbose_name_plural = "自评报告章节"
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="report_section_unique_key"),
        ]

    def __str__(self):
        return self.key
