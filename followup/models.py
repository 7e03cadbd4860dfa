"""After the self-evaluation: 抽评 samples and 复核 re-scores, 整改 requests answered item by item,
结果应用 rule tables and decisions. (公开 packages are made on demand from approved forms.)

A 复核 keeps, per line, the self-score it was set beside as it stood when the 复核 was saved, so a
difference report still reads right after the form is reopened and changed.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from evaluations.models import Evaluation, IndicatorLine, Region, StoredFile, Year

POINTS = {"max_digits": 6, "decimal_places": 2, "null": True, "blank": True}


class Sample(models.Model):
    """One draw of a year's approved forms for 复核 (抽评), by finance of a region."""

    class Method(models.TextChoices):
        RANDOM = "random", "随机抽取"
        STRATIFIED = "stratified", "按单位分层随机抽取"
        AMOUNT = "amount", "金额以上全部抽取"
        MANUAL = "manual", "人工选取"

    year = models.ForeignKey(Year, verbose_name="年度", on_delete=models.PROTECT)
    region = models.ForeignKey(Region, verbose_name="范围", on_delete=models.PROTECT)
    method = models.CharField("抽取方式", max_length=20, choices=Method.choices)
    # The recorded seed: drawing again with it over the same forms gives the same sample.
    seed = models.CharField("随机种子", max_length=40, blank=True)
    size = models.PositiveIntegerField("抽取数量", null=True, blank=True)
    min_amount = models.DecimalField(
        "金额下限（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    gap_points = models.DecimalField(
        "差异提示（分）", max_digits=6, decimal_places=2, default=Decimal(10)
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="抽取人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("抽取时间", default=timezone.now)

    class Meta:
        verbose_name = "抽评批次"
        verbose_name_plural = "抽评批次"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.year.year}年度 {self.region.name} 抽评（{self.get_method_display()}）"


class Review(models.Model):
    """The 复核 of one form in a sample: assigned to a reviewer, or marked for 第三方评价."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", "待复核"
        DONE = "done", "已复核"

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="reviews")
    evaluation = models.ForeignKey(
        Evaluation, verbose_name="自评表", on_delete=models.CASCADE, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    third_party = models.BooleanField("第三方评价", default=False)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.ASSIGNED
    )
    budget_self = models.DecimalField("预算执行率自评得分", **POINTS)
    budget_review = models.DecimalField("预算执行率复核得分", **POINTS)
    budget_reason = models.TextField("预算执行率差异理由", blank=True)
    self_total = models.DecimalField("自评总分", **POINTS)
    review_total = models.DecimalField("复核总分", **POINTS)
    conclusion = models.TextField("复核结论", blank=True)
    completed_at = models.DateTimeField("复核完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "复核"
        verbose_name_plural = "复核"
        ordering = ["sample", "evaluation__unit__name", "evaluation__project_name"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "evaluation"], name="review_once_per_sample")
        ]

    def __str__(self):
        return f"复核 {self.evaluation}"

    @property
    def gap(self) -> Decimal | None:
        if self.self_total is None or self.review_total is None:
            return None
        return self.review_total - self.self_total


class ReviewLine(models.Model):
    """复核得分 of one indicator line beside its self-score, with the reason where they differ."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(IndicatorLine, null=True, on_delete=models.SET_NULL, related_name="+")
    number = models.PositiveSmallIntegerField("行号")
    label = models.CharField("三级指标", max_length=300)
    weight = models.DecimalField("分值", **POINTS)
    self_score = models.DecimalField("自评得分", **POINTS)
    review_score = models.DecimalField("复核得分", **POINTS)
    reason = models.TextField("差异理由", blank=True)

    class Meta:
        verbose_name = "复核得分"
        verbose_name_plural = "复核得分"
        ordering = ["review", "number"]

    def __str__(self):
        return f"第{self.number}行 {self.label}"

    @property
    def gap(self) -> Decimal | None:
        if self.self_score is None or self.review_score is None:
            return None
        return self.review_score - self.self_score


class Rectification(models.Model):
    """整改要求 issued by finance on a reviewed form (or a 复核 result)."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="自评表", on_delete=models.CASCADE, related_name="+"
    )
    review = models.ForeignKey(
        Review, verbose_name="复核", null=True, blank=True, on_delete=models.SET_NULL
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="下达人", on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("下达时间", default=timezone.now)

    class Meta:
        verbose_name = "整改要求"
        verbose_name_plural = "整改要求"
        ordering = ["-issued_at", "-pk"]

    def __str__(self):
        return f"整改 {self.evaluation}"


class RectificationItem(models.Model):
    """One 整改 item: what to fix by when, the unit's answer, finance's acceptance."""

    class Status(models.TextChoices):
        OPEN = "open", "待整改"
        ANSWERED = "answered", "已答复"
        RETURNED = "returned", "已退回"
        ACCEPTED = "accepted", "已验收"

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField("序号", default=0)
    text = models.TextField("整改要求")
    deadline = models.DateField("整改期限")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField("整改情况", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    comment = models.TextField("财政意见", blank=True)
    decided_at = models.DateTimeField("验收/退回时间", null=True, blank=True)
    # The day the unit was reminded of the overdue item (once per item).
    reminded_on = models.DateField("逾期提醒日期", null=True, blank=True)

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["rectification", "order", "pk"]

    def __str__(self):
        return self.text[:40]

    def is_overdue(self, today) -> bool:
        return self.status != self.Status.ACCEPTED and self.deadline < today


class RectificationEvidence(StoredFile):
    """Evidence a unit sends with its answer, checked like a form's attachments."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="evidence")

    class Meta(StoredFile.Meta):
        verbose_name = "整改证明材料"
        verbose_name_plural = "整改证明材料"


class ResultRule(models.Model):
    """结果应用: a region's suggested next-year action for a grade (a county uses the nearest
    ancestor's table)."""

    class Grade(models.TextChoices):
        EXCELLENT = "优", "优"
        GOOD = "良", "良"
        FAIR = "中", "中"
        POOR = "差", "差"

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.CASCADE)
    grade = models.CharField("等级", max_length=2, choices=Grade.choices)
    action = models.CharField("建议", max_length=200)
    change_from = models.DecimalField(
        "预算调整（%）自", max_digits=6, decimal_places=2, null=True, blank=True
    )
    change_to = models.DecimalField(
        "预算调整（%）至", max_digits=6, decimal_places=2, null=True, blank=True
    )
    source = models.CharField("依据", max_length=300, blank=True)

    class Meta:
        verbose_name = "结果应用规则"
        verbose_name_plural = "结果应用规则"
        ordering = ["region__path", "grade"]
        constraints = [
            models.UniqueConstraint(fields=["region", "grade"], name="result_rule_one_per_grade")
        ]

    def __str__(self):
        return f"{self.region.name} {self.grade}：{self.action}"


class ResultDecision(models.Model):
    """The decision finally taken on a project's next-year budget, from its form of a year."""

    evaluation = models.OneToOneField(
        Evaluation, verbose_name="自评表", on_delete=models.CASCADE, related_name="+"
    )
    suggestion = models.CharField("建议", max_length=300)
    decision = models.TextField("决定")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定人", on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("决定时间", default=timezone.now)

    class Meta:
        verbose_name = "结果应用决定"
        verbose_name_plural = "结果应用决定"

    def __str__(self):
        return f"{self.evaluation}：{self.decision[:30]}"
