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
    forms each) and `batch_export_assemble`, which record their progress here."""

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
