from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from evaluations import locks
from evaluations.exports.files import file_stem
from evaluations.models import Evaluation
from evaluations.permissions import can_edit, get_evaluation_for_user
from evaluations.selectors import with_lines
from evaluations.services import NOT_EDITABLE, YEAR_CLOSED, EvaluationError

from . import services
from .drafting import STALE_LABEL, paragraphs
from .exports.docx import DOCX_TYPE, write_docx
from .exports.pdf import report_pdf_bytes
from .selectors import report_view


def _load(request, pk, action="view") -> Evaluation:
    return get_evaluation_for_user(
        request.user, pk, action, queryset=with_lines(Evaluation.objects.all())
    )


def _lock_message(evaluation: Evaluation) -> str | None:
    """Why the report cannot be changed now, or None: it follows its form's lock."""
    if evaluation.year.closed:
        return YEAR_CLOSED.format(year=evaluation.year.year)
    if not evaluation.is_editable:
        return NOT_EDITABLE.format(status=evaluation.get_status_display())
    extra = locks.extra_lock_reasons(evaluation, timezone.localdate())
    return extra[0] if extra else None


def _choice(value: str) -> tuple[str, str]:
    """ "adopt:basic" → ("adopt", "basic"); anything else → ("", "")."""
    kind, _, key = (value or "").partition(":")
    return (kind, key) if kind in ("adopt", "keep") and key else ("", "")


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk):
    """The report of a form: read by everyone who may see the form, edited section by section by
    its unit's preparer while the form is editable."""
    evaluation = _load(request, pk, "edit" if request.method == "POST" else "view")
    status_code = 200
    posted: dict[str, str] | None = None
    posted_drafts: dict[str, str] = {}
    figures_changed = False
    view = report_view(evaluation)
    lock = _lock_message(evaluation)
    if request.method == "POST":
        if lock:
            messages.error(request, lock)
            return redirect("report_detail", pk=evaluation.pk)
        keys = [s.key for s in view.sections]
        posted = {k: request.POST[f"section-{k}"] for k in keys if f"section-{k}" in request.POST}
        posted_drafts = {k: request.POST.get(f"draft-{k}", "") for k in keys}
        kind, key = _choice(request.POST.get("resolve", ""))
        try:
            services.report_save(
                evaluation_id=evaluation.pk,
                user=request.user,
                expected_version=_int(request.POST.get("version")),
                figures_fingerprint=request.POST.get("figures", ""),
                texts=posted,
                adopt=frozenset([key] if kind == "adopt" else []),
                keep=frozenset([key] if kind == "keep" else []),
            )
        except services.FiguresChanged as e:
            messages.error(request, e.message)
            figures_changed = True
            status_code = 409
        except EvaluationError as e:
            # Shown again with everything the user typed; nothing was saved.
            messages.error(request, e.message)
            status_code = 409
        else:
            done = {"adopt": "已采用新草稿。", "keep": "已保留现有文字。"}.get(
                kind, "自评报告已保存。"
            )
            messages.success(request, done)
            return redirect("report_detail", pk=evaluation.pk)

    sections = []
    for state in view.sections:
        text, stale = state.text, state.stale
        if posted is not None and state.key in posted:
            typed = posted[state.key]
            if figures_changed and typed.strip() == posted_drafts.get(state.key, "").strip():
                text, stale = state.draft.text, False  # untouched on the page: the new draft
            else:
                text = typed
                stale = stale or (figures_changed and typed.strip() != state.draft.text)
        sections.append(
            {
                "state": state,
                "text": text,
                "stale": stale,
                "empty": not text.strip(),
                "paragraphs": paragraphs(text),
                "draft_paragraphs": paragraphs(state.draft.text),
            }
        )
    editable = can_edit(request.user, evaluation) and lock is None
    return render(
        request,
        "reports/report_detail.html",
        {
            "evaluation": evaluation,
            "view": view,
            "sections": sections,
            "editable": editable,
            "lock": lock if can_edit(request.user, evaluation) else None,
            "stale_label": STALE_LABEL,
        },
        status=status_code,
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@login_required
def report_pdf(request, pk):
    evaluation = _load(request, pk)
    content = report_pdf_bytes(evaluation)
    return FileResponse(
        BytesIO(content),
        as_attachment=True,
        filename=f"{file_stem(evaluation)}_自评报告.pdf",
        content_type="application/pdf",
    )


@login_required
def report_docx(request, pk):
    evaluation = _load(request, pk)
    buffer = BytesIO()
    write_docx(evaluation, buffer)
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=f"{file_stem(evaluation)}_自评报告.docx",
        content_type=DOCX_TYPE,
    )
