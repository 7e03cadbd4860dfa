"""Files uploaded to a form, checked by content and stored under a random name, and their history."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from .forms import Evaluation
from .review import TransitionLog


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
