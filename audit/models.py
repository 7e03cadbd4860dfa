"""The audit log: who did what to which form, when and from where. Rows are only ever added.

The actor and the form are kept by name and number as well as by reference, so the log still
reads right after a user or a form is deleted.
"""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", "登录"
        LOGOUT = "logout", "退出"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKED_OUT = "locked_out", "登录锁定"
        CREATE = "create", "新建"
        SAVE = "save", "保存"
        SUBMIT = "submit", "提交"
        WITHDRAW = "withdraw", "撤回"
        RETURN = "return", "退回"
        APPROVE = "approve", "审核通过"
        REOPEN = "reopen", "重新打开"
        COMMENT = "comment", "意见"
        DOWNLOAD_PDF = "download_pdf", "下载 PDF"
        DOWNLOAD_XLSX = "download_xlsx", "下载 Excel"
        EXPORT_FORMS = "export_forms", "批量导出"
        SCORING_RULES = "scoring_rules", "评分规则"
        SAMPLE = "sample", "抽评"
        RESCORE = "rescore", "复核"
        RECTIFY = "rectify", "整改"
        RESULT_USE = "result_use", "结果应用"
        DISCLOSE = "disclose", "公开"

    created_at = models.DateTimeField("时间", db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices, db_index=True)
    object_id = models.PositiveBigIntegerField("自评表编号", null=True, blank=True, db_index=True)
    object_label = models.CharField("自评表", max_length=300, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计日志"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username or '系统'} {self.get_action_display()}"
