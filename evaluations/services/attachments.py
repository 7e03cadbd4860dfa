"""Files attached to a form: 证明材料 and 盖章扫描件 added and removed, downloads noted in the
form's history."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import attachments, locks
from ..models import Attachment, AttachmentEvent, Evaluation
from ..permissions import can_edit, visible_evaluations
from .errors import NOT_FOUND, YEAR_CLOSED, EvaluationError

ATTACH_NOT_ALLOWED = "只有本单位的填报人可以上传或删除{kind}。"
EVIDENCE_LOCKED = "该自评表当前不能修改（{status}），不能上传或删除证明材料。"
SCAN_NOT_YET = "审核通过后才能上传或删除盖章扫描件。"
REVIEW_FILE_NOT_YOURS = "只有上传该文件的审核人，在表退回期间可以删除它。"
ATTACHMENT_GONE = "没有找到该附件，可能已被删除。"


def _inspect(upload, max_size: int, allowed) -> attachments.Inspected:
    try:
        return attachments.inspect(
            upload, name=upload.name or "", size=upload.size, max_size=max_size, allowed=allowed
        )
    except attachments.AttachmentRefused as refused:
        raise EvaluationError(refused.message) from None


def _store_attachment(*, evaluation, user, upload, inspected, kind, transition=None) -> Attachment:
    attachment = Attachment(evaluation=evaluation, kind=kind, transition=transition)
    attachment.put(upload, inspected, user)
    stored = attachment.file.name
    try:
        attachment.save()
        AttachmentEvent.objects.create(
            evaluation=evaluation,
            attachment=attachment,
            action=AttachmentEvent.Action.UPLOAD,
            kind=kind,
            file_name=attachment.original_name,
            actor=user,
        )
    except Exception:
        attachment.file.storage.delete(stored)
        raise
    return attachment


def _check_attach(evaluation: Evaluation, user, kind: str) -> None:
    """May `user` add or remove a file of `kind` on the form now? Refusal says why."""
    Kind = Attachment.Kind
    if kind not in (Kind.EVIDENCE, Kind.STAMPED_SCAN) or not can_edit(user, evaluation):
        label = Kind(kind).label if kind in Kind.values else "附件"
        raise EvaluationError(ATTACH_NOT_ALLOWED.format(kind=label))
    if evaluation.year.closed:
        raise EvaluationError(YEAR_CLOSED.format(year=evaluation.year.year))
    if kind == Kind.EVIDENCE:
        locked = locks.extra_lock_reasons(evaluation, timezone.localdate())
        if evaluation.status not in Evaluation.EDITABLE_STATUSES or locked:
            status = locked[0] if locked else evaluation.get_status_display()
            raise EvaluationError(EVIDENCE_LOCKED.format(status=status))
    elif evaluation.status != Evaluation.Status.APPROVED:
        raise EvaluationError(SCAN_NOT_YET)


def _locked_form(user, evaluation_id: int) -> Evaluation:
    """The form, row-locked for a change, if `user` may see it; else NOT_FOUND."""
    try:
        return (
            visible_evaluations(user)
            .select_for_update(of=("self",))
            .select_related("year")
            .get(pk=evaluation_id)
        )
    except Evaluation.DoesNotExist:
        raise EvaluationError(NOT_FOUND) from None


@transaction.atomic
def attachment_add(*, evaluation_id: int, user, upload, kind: str) -> Attachment:
    """Attach a file: 证明材料 while the preparer may edit the form, 盖章扫描件 once it is
    approved. The type is judged by the content, the size against ATTACHMENT_MAX_BYTES; a
    refused file changes nothing and the message says why (类型不允许 / 超过上限 / 文件为空)."""
    evaluation = _locked_form(user, evaluation_id)
    _check_attach(evaluation, user, kind)
    allowed = (
        attachments.SCAN_TYPES if kind == Attachment.Kind.STAMPED_SCAN else attachments.ALL_TYPES
    )
    inspected = _inspect(upload, settings.ATTACHMENT_MAX_BYTES, allowed)
    return _store_attachment(
        evaluation=evaluation, user=user, upload=upload, inspected=inspected, kind=kind
    )


@transaction.atomic
def attachment_delete(*, evaluation_id: int, attachment_id: int, user) -> None:
    """Remove a file: the preparer's under the same rules as adding it; a file sent with a return
    by the reviewer who sent it, while the form is still returned. The history keeps its name."""
    evaluation = _locked_form(user, evaluation_id)
    attachment = evaluation.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise EvaluationError(ATTACHMENT_GONE)
    if attachment.kind == Attachment.Kind.REVIEW:
        if attachment.uploaded_by_id != user.pk or evaluation.status != Evaluation.Status.RETURNED:
            raise EvaluationError(REVIEW_FILE_NOT_YOURS)
    else:
        _check_attach(evaluation, user, attachment.kind)
    AttachmentEvent.objects.create(
        evaluation=evaluation,
        action=AttachmentEvent.Action.DELETE,
        kind=attachment.kind,
        file_name=attachment.original_name,
        actor=user,
    )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def attachment_downloaded(*, attachment: Attachment, user) -> None:
    """Note a download in the form's history (the view has checked the user may see the form)."""
    AttachmentEvent.objects.create(
        evaluation_id=attachment.evaluation_id,
        attachment=attachment,
        action=AttachmentEvent.Action.DOWNLOAD,
        kind=attachment.kind,
        file_name=attachment.original_name,
        actor=user,
    )
