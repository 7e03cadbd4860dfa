"""The review of a form: its moves, the submitted versions, comments, notices, and the parts
sent back (部分退回)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..partial import SECTION_LABELS
from .forms import Evaluation, IndicatorLine


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
