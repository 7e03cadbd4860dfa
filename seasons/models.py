"""自评任务: finance issues, for a year, the forms each unit of its region must fill by a deadline.

Every issue, extension and cancellation is also written as a TaskLog row (who, when, what, why);
reminders sent are Reminder rows, unique per task, unit and kind, so none goes out twice.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from evaluations.models import Region, StoredFile, Unit, Year
from evaluations.templates_def import get_template


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "进行中"
        CANCELLED = "cancelled", "已撤销"

    year = models.ForeignKey(Year, verbose_name="年度", on_delete=models.PROTECT, related_name="+")
    # The issuing finance department's region: whoever reviews it manages the task.
    region = models.ForeignKey(
        Region, verbose_name="区划", on_delete=models.PROTECT, related_name="+"
    )
    issuer_unit = models.ForeignKey(
        Unit, verbose_name="下达单位", on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="下达人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField("任务名称", max_length=200)
    notice_number = models.CharField("文号", max_length=100, blank=True)
    notice_text = models.TextField("通知", blank=True)
    # Template codes (evaluations/templates_def.py) every unit of the task must fill.
    templates = models.JSONField("应填表样", default=list)
    deadline = models.DateField("截止日期")
    lock_after_deadline = models.BooleanField("截止后锁定", default=False)
    reminder_days = models.CharField(
        "提前提醒天数", max_length=50, default="3,1", help_text="逗号分隔，如 3,1"
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField("下达时间", default=timezone.now)

    class Meta:
        verbose_name = "自评任务"
        verbose_name_plural = "自评任务"
        ordering = ["-year__year", "-created_at", "-pk"]

    def __str__(self):
        return self.title

    @property
    def template_names(self) -> list[str]:
        return [get_template(code).name for code in self.templates]

    @property
    def reminder_day_list(self) -> list[int]:
        return parse_reminder_days(self.reminder_days)


def parse_reminder_days(text: str) -> list[int]:
    """ "3,1" → [3, 1]; raises ValueError on anything else than positive whole days."""
    days = []
    for part in (text or "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        n = int(part)
        if n < 1 or n > 60:
            raise ValueError(part)
        days.append(n)
    return sorted(set(days), reverse=True)


class TaskUnit(models.Model):
    """One unit a task was issued to, with its own deadline where it was extended alone."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_units")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField("延期后的截止日期", null=True, blank=True)

    class Meta:
        verbose_name = "任务单位"
        verbose_name_plural = "任务单位"
        ordering = ["unit__region__path", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="task_unit_unique"),
        ]

    def __str__(self):
        return f"{self.task} · {self.unit}"

    @property
    def effective_deadline(self) -> date:
        return self.deadline or self.task.deadline


class TaskLog(models.Model):
    class Action(models.TextChoices):
        ISSUE = "issue", "下达"
        EXTEND = "extend", "延期"
        CANCEL = "cancel", "撤销"
        FILE_ADD = "file_add", "上传附件"
        FILE_DELETE = "file_delete", "删除附件"
        FILE_DOWNLOAD = "file_download", "下载附件"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="logs")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.CharField("内容", max_length=300, blank=True)
    reason = models.TextField("理由", blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "任务记录"
        verbose_name_plural = "任务记录"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.task} {self.get_action_display()}"


class TaskAttachment(StoredFile):
    """A file sent with a task (the 通知 and its annexes), served only through the task's
    download view."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="files")

    class Meta(StoredFile.Meta):
        verbose_name = "任务附件"
        verbose_name_plural = "任务附件"


class Reminder(models.Model):
    """A reminder sent to one unit for one task. `kind` names the moment and the deadline it was
    about ("before-3:2020-04-30", "after:2020-04-30"), so an extension earns new reminders while
    the same one is never sent twice."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("提醒", max_length=40)
    text = models.CharField("内容", max_length=300, blank=True)
    created_at = models.DateTimeField("发送时间", default=timezone.now)

    class Meta:
        verbose_name = "催报提醒"
        verbose_name_plural = "催报提醒"
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit", "kind"], name="reminder_unique_task_unit_kind"
            ),
        ]

    def __str__(self):
        return f"{self.task} · {self.unit} · {self.kind}"
