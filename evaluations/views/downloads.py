"""Downloads and files: the printed PDF and the form's attachments. The Excel workbook is
workbooks' (`evaluation_xlsx`), which loads the form and its print variant through the helpers
here."""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from audit.services import audit_record
from config.downloads import attachment_response

from .. import extensions, printed, services
from ..exports.files import file_stem
from ..exports.pdf import pdf_bytes
from ..models import Attachment, Evaluation, Membership
from ..permissions import get_evaluation_for_user, role_of
from ..selectors import form_data, with_lines

# -- downloads ----------------------------------------------------------------------------------


def form_for_download(request, pk) -> Evaluation:
    return get_evaluation_for_user(
        request.user, pk, "view", queryset=with_lines(Evaluation.objects.all())
    )


def variant_data(request, evaluation):
    """(the printed values, file-name suffix) of the print variant `?variant=` asks for (an upper
    app's, evaluations.extensions), or (None, "") for the plain form; 404 where the variant does
    not apply to this form or user."""
    key = request.GET.get("variant", "")
    if not key:
        return None, ""
    transform = extensions.print_variant(key, evaluation, request.user)
    if transform is None:
        raise Http404("没有可打印的该版式。")
    return transform(form_data(evaluation)), f"-{key}"


def download_detail(evaluation, suffix):
    detail = {"version": evaluation.version, "status": evaluation.status}
    if suffix:
        detail["variant"] = suffix[1:]
    return detail


@login_required
def evaluation_pdf(request, pk):
    """The printed form: a handed-in form's PDF is read from the shared storage, where a worker
    put it at 提交 or 通过 (evaluations.printed); a draft's, and a print variant, is rendered now."""
    evaluation = form_for_download(request, pk)
    data, suffix = variant_data(request, evaluation)
    content = printed.pdf_for(evaluation) if data is None else pdf_bytes(data)
    audit_record(
        user=request.user,
        action="download_pdf",
        evaluation=evaluation,
        detail=download_detail(evaluation, suffix),
        request=request,
    )
    return FileResponse(
        BytesIO(content),
        filename=f"{file_stem(evaluation)}{suffix}.pdf",
        content_type="application/pdf",
    )


# -- attachments --------------------------------------------------------------------------------


def _back(request, evaluation):
    page = "evaluation_edit" if request.POST.get("back") == "edit" else "evaluation_detail"
    return redirect(page, pk=evaluation.pk)


@login_required
@require_http_methods(["POST"])
def attachment_upload(request, pk):
    """证明材料 or 盖章扫描件, by the unit's preparer: 404 outside scope, 403 for other roles."""
    evaluation = get_evaluation_for_user(request.user, pk, "edit")
    upload = request.FILES.get("file")
    kind = request.POST.get("kind", Attachment.Kind.EVIDENCE)
    if upload is None:
        messages.error(request, "请选择要上传的文件。")
        return _back(request, evaluation)
    try:
        attachment = services.attachment_add(
            evaluation_id=evaluation.pk, user=request.user, upload=upload, kind=kind
        )
    except services.EvaluationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, f"已上传“{attachment.original_name}”。")
    return _back(request, evaluation)


@login_required
def attachment_download(request, pk, attachment_id):
    """A form's file, for anyone who may see the form (outside scope: 404). Always a download
    of the type detected at upload, never shown inline, and noted in the form's history."""
    evaluation = get_evaluation_for_user(request.user, pk, "view")
    attachment = evaluation.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("没有找到该附件。")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件已不存在，请联系系统管理员。") from None
    services.attachment_downloaded(attachment=attachment, user=request.user)
    response = attachment_response(handle, attachment.original_name, attachment.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["POST"])
def attachment_delete(request, pk, attachment_id):
    evaluation = get_evaluation_for_user(request.user, pk, "view")
    if role_of(request.user) not in (Membership.Role.PREPARER, Membership.Role.REVIEWER):
        raise PermissionDenied("查看人不能删除附件。")
    try:
        services.attachment_delete(
            evaluation_id=evaluation.pk, attachment_id=attachment_id, user=request.user
        )
    except services.EvaluationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "附件已删除。")
    return _back(request, evaluation)
