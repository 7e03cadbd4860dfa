"""What more than one page family of the form needs: reading an id from the request, and the
attachments panel shown on both the edit and the read-only page."""

from __future__ import annotations

from django.conf import settings

from .. import attachments
from ..models import Attachment, Evaluation
from ..permissions import can_edit as can_edit_form


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _attachments_context(user, evaluation: Evaluation, *, editable: bool) -> dict:
    """The form's files, which of them the user may delete, and what they may upload now;
    `editable`: the form is open to change (its Lock), so evidence may be added."""
    Kind = Attachment.Kind
    kinds = []
    if can_edit_form(user, evaluation) and not evaluation.year.closed:
        if evaluation.status == Evaluation.Status.APPROVED:
            kinds.append((Kind.STAMPED_SCAN, Kind.STAMPED_SCAN.label))
        elif editable:
            kinds.append((Kind.EVIDENCE, Kind.EVIDENCE.label))
    allowed = {k for k, _ in kinds}
    files = []
    for a in evaluation.attachments.select_related("uploaded_by"):
        if a.kind == Kind.REVIEW:
            deletable = (
                a.uploaded_by_id == user.pk and evaluation.status == Evaluation.Status.RETURNED
            )
        else:
            deletable = a.kind in allowed
        files.append((a, deletable))
    return {
        "attachments": files,
        "attach_kinds": kinds,
        "attach_limit": attachments.format_size(settings.ATTACHMENT_MAX_BYTES),
    }
