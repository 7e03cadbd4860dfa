from __future__ import annotations

from io import BytesIO
from types import SimpleNamespace
from uuid import uuid4

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from audit.services import audit_record
from config.downloads import attachment_response

from . import attachments, history, locks, partial, printed, scoring, services, workflow
from .exports import xlsx_checks, xlsx_import
from .exports.files import file_stem
from .exports.layout import build_grids
from .exports.xlsx import write_xlsx
from .exports.xlsx_import import mapped
from .forms import (
    BasicDataForm,
    EvaluationForm,
    FundsForm,
    ImportForm,
    ImportMappingForm,
    LineFormSet,
    NewEvaluationForm,
    grouped_line_initial,
)
from .models import Attachment, Evaluation, Membership, ReopenedPart, Unit, Year
from .permissions import (
    can_edit as can_edit_form,
)
from .permissions import (
    get_evaluation_for_user,
    membership_of,
    role_of,
    units_for_new_forms,
    visible_evaluations,
)
from .rulesets import evaluation_rules
from .selectors import (
    comment_resolved,
    edit_scope,
    evaluations_for_list,
    form_data,
    import_parse,
    overdue_label,
    return_notice,
    review_started,
    submit_checks,
    with_lines,
)
from .templates_def import TEMPLATES


@login_required
def home(request):
    return redirect("evaluation_list")


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def evaluation_list(request):
    year = _int_or_none(request.GET.get("year"))
    status = request.GET.get("status") if request.GET.get("status") in Evaluation.Status else None
    template = request.GET.get("template") if request.GET.get("template") in TEMPLATES else None
    unit = _int_or_none(request.GET.get("unit"))
    evaluations = evaluations_for_list(
        request.user, year=year, status=status, template=template, unit=unit
    )
    today = timezone.localdate()
    rows = [(ev, overdue_label(ev, today)) for ev in evaluations]
    member = membership_of(request.user)
    units = Unit.objects.filter(
        pk__in=visible_evaluations(request.user).values("unit_id")
    ).order_by("name")
    return render(
        request,
        "evaluations/evaluation_list.html",
        {
            "rows": rows,
            "years": Year.objects.all(),
            "statuses": Evaluation.Status.choices,
            "templates": [(t.code, t.name) for t in TEMPLATES.values()],
            "units": units,
            "selected_year": year,
            "selected_status": status,
            "selected_template": template,
            "selected_unit": unit,
            "can_create": bool(member and member.role == Membership.Role.PREPARER),
            "member": member,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_new(request):
    units = units_for_new_forms(request.user)
    unit = units.first()
    if unit is None:
        raise PermissionDenied("只有填报人可以新建自评表。")
    copy_choices = (
        Evaluation.objects.filter(unit=unit).select_related("year").order_by("-year__year")
    )
    form = NewEvaluationForm(
        request.POST or None, copy_choices=copy_choices, today=timezone.localdate()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.evaluation_create(
                user=request.user,
                unit=unit,
                year=services.year_get_or_create(year=data["year"]),
                template_code=data["template"],
                project_name=data["project_name"],
                copy_from=data["copy_from"],
            )
        except services.EvaluationError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, "已新建自评表，请填写各栏内容。")
            return redirect("evaluation_edit", pk=evaluation.pk)
    return render(request, "evaluations/evaluation_new.html", {"form": form, "unit": unit})


SAVED = "已保存。"
NOT_STORABLE = "有内容无法保存，请查看标红的栏目。本次没有保存，页面上填写的内容都还在。"


def _edit_forms(evaluation: Evaluation, data=None):
    t = evaluation.template_def
    line_kwargs = {"needs_target": t.has_indicator_column("target")}
    if data is None:
        return (
            EvaluationForm(template=t, initial=EvaluationForm.initial_for(evaluation)),
            FundsForm(template=t, initial=FundsForm.initial_for(evaluation)),
            LineFormSet(
                prefix="lines", initial=grouped_line_initial(evaluation), form_kwargs=line_kwargs
            ),
            BasicDataForm(template=t, initial=BasicDataForm.initial_for(evaluation)),
        )
    return (
        EvaluationForm(data, template=t),
        FundsForm(data, template=t),
        LineFormSet(data, prefix="lines", form_kwargs=line_kwargs),
        BasicDataForm(data, template=t),
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_edit(request, pk):
    evaluation = get_evaluation_for_user(
        request.user, pk, "edit", queryset=with_lines(Evaluation.objects.all())
    )
    scope = edit_scope(evaluation)
    lock = locks.lock_reason(evaluation, today=timezone.localdate(), scope=scope)
    # A save posted after the form locked (submitted elsewhere, the task's deadline passed) goes on
    # to the service, which refuses it, and the page comes back with everything typed.
    if request.method == "GET" and lock.locked:
        if evaluation.year.closed:
            messages.error(request, services.YEAR_CLOSED.format(year=evaluation.year.year))
        elif evaluation.is_editable:  # locked from elsewhere (the task's deadline)
            messages.error(request, lock.reason)
        else:
            status = evaluation.get_status_display()
            messages.error(request, services.NOT_EDITABLE.format(status=status))
        return redirect("evaluation_detail", pk=evaluation.pk)

    status_code = 200
    autosave = request.method == "POST" and request.POST.get("autosave") == "1"
    if request.method == "POST":
        form, funds, lines, basic = _edit_forms(evaluation, request.POST)
        valid = [f.is_valid() for f in (form, funds, lines, basic)]  # all, for every message
        if all(valid):
            try:
                saved = services.evaluation_save(
                    evaluation_id=evaluation.pk,
                    user=request.user,
                    expected_version=form.cleaned_data["version"],
                    fields=form.service_fields(),
                    funds=funds.service_funds(),
                    lines=lines.lines(),
                    basic_data=basic.service_cells(),
                )
            except services.EvaluationError as e:
                # The page is shown again with everything the user typed; nothing was saved.
                if autosave:
                    return _autosave_refused(e.message, 409)
                messages.error(request, e.message)
                status_code = 409
            else:
                if autosave:
                    return _autosave_done(saved, lines)
                if request.POST.get("then") == "submit":
                    return _submit_after_save(request, saved)
                messages.success(request, SAVED)
                return redirect("evaluation_edit", pk=evaluation.pk)
        else:
            if autosave:
                return _autosave_refused(AUTOSAVE_INVALID, 400)
            messages.error(request, NOT_STORABLE)
            status_code = 400
    else:
        form, funds, lines, basic = _edit_forms(evaluation)

    t = evaluation.template_def
    columns = {c.key: c.label for c in t.indicator_columns}
    line_rows, score = _page_lines(t, form, funds, lines, basic, evaluation_rules(evaluation))
    level1_names = [*t.level1_names, *(lf["level1"].value() or "" for lf, _ in line_rows)]
    sections = _section_marks(scope)
    if scope is not None:
        _read_only_parts(form, funds, sections, basic)
    notice = return_notice(evaluation)
    line_rows = _line_marks(line_rows, scope, notice)
    return render(
        request,
        "evaluations/evaluation_edit.html",
        {
            "evaluation": evaluation,
            "template_def": t,
            "form": form,
            "funds": funds,
            "lines": lines,
            "line_rows": line_rows,
            "score": score,
            "header_fields": form.header_bound_fields(),
            "text_fields": form.text_bound_fields(),
            "basic": basic,
            "target_label": columns.get("target"),
            "actual_label": columns.get("actual"),
            "criteria_label": columns.get("criteria"),
            "deviation_label": columns.get("deviation"),
            "deviation_place": scoring.deviation_place(t),
            "reason_note": scoring.REASON_NOTE,
            "show_picker": t.basic_data is None
            and (scope is None or scope.section_open(partial.LINES)),
            "lines_fixed": scope is not None and not scope.section_open(partial.LINES),
            "scope": scope,
            "sections": sections,
            "lock": lock,
            "notice": notice,
            # 提交前需处理: the stored form's open items (the page was just saved, or refused).
            "checks": submit_checks(evaluation),
            **_attachments_context(request.user, evaluation, editable=True),
            # 二级 choices per 一级 label, including older labels the lines carry (满意度 …).
            "taxonomy": {name: list(t.level2_choices(name)) for name in level1_names if name},
        },
        status=status_code,
    )


AUTOSAVE_INVALID = "有内容需要修改，自动保存未成功；请点“保存草稿”查看标红的栏目。"


def _autosave_done(evaluation: Evaluation, lines) -> JsonResponse:
    """The edit page's autosave: the new version (the page's next save starts from it) and the
    id each new line got, so a later save updates those lines instead of adding them again.
    An autosave is an ordinary save of the draft: no submission version is made."""
    ids = list(evaluation.indicator_lines.order_by("order").values_list("pk", flat=True))
    return JsonResponse(
        {
            "saved": True,
            "version": evaluation.version,
            "saved_at": timezone.localtime(evaluation.updated_at).strftime("%H:%M"),
            "lines": [
                {"prefix": f.prefix, "id": pk} for f, pk in zip(lines.kept_forms, ids, strict=False)
            ],
        }
    )


def _autosave_refused(message: str, status: int) -> JsonResponse:
    return JsonResponse({"saved": False, "message": message}, status=status)


def _submit_after_save(request, evaluation: Evaluation):
    """保存并提交: the save went through; now the ordinary 提交, whose refusal lists what is
    missing on the edit page, where it can be fixed."""
    try:
        services.evaluation_transition(
            evaluation_id=evaluation.pk,
            user=request.user,
            action="submit",
            expected_version=evaluation.version,
        )
    except services.SubmissionIncomplete as e:
        messages.warning(request, "已保存。")
        messages.error(request, services.SUBMIT_PROBLEMS)
        for problem in e.problems:
            messages.error(request, problem)
    except services.EvaluationError as e:
        messages.warning(request, "已保存。")
        messages.error(request, e.message)
    else:
        messages.success(request, workflow.TRANSITIONS["submit"].done)
        return redirect("evaluation_detail", pk=evaluation.pk)
    return redirect("evaluation_edit", pk=evaluation.pk)


def _section_marks(scope) -> dict[str, SimpleNamespace]:
    """Per section of the edit page: may it change, and the reviewer's comment on it."""
    comments = {p.section: p.comment for p in (scope.parts if scope else ()) if p.section}
    return {
        key: SimpleNamespace(
            open=scope is None or scope.section_open(key),
            marked=key in comments,
            comment=comments.get(key, ""),
            partly=bool(key == partial.LINES and scope and scope.line_ids)
            and not scope.section_open(key),
        )
        for key in partial.SECTIONS
    }


def _read_only_parts(form, funds, sections, basic) -> None:
    """Render the fields of the sections not sent back as read-only: the values still post (and
    the service refuses any change to them), they just cannot be typed over."""
    t = form.template
    header_names = {"title"} | {
        name for f in t.header_fields for name in (f.key, f"{f.key}__label")
    }
    for name, field in form.fields.items():
        if name == "version":
            continue
        section = partial.HEADER if name in header_names else partial.FIELD_SECTION.get(name)
        if not sections[section or partial.OTHER].open:
            _read_only(field)
    if not sections[partial.FUNDS].open:
        for field in (*funds.fields.values(), *basic.fields.values()):
            _read_only(field)


def _read_only(field) -> None:
    if isinstance(field.widget, forms.Select):  # a <select> cannot be read-only: show the text
        field.widget = forms.TextInput(attrs={"class": "form-control form-control-sm"})
    field.widget.attrs.update({"readonly": True, "aria-readonly": "true"})
    field.widget.attrs["class"] = field.widget.attrs.get("class", "") + " locked-field"


def _line_marks(line_rows, scope, notice=None):
    """(line form, judgement, mark) per row; mark.locked rows are shown as text (部分退回),
    mark.comments are the reviewer's open comments on the line, shown under it."""
    comments = {p.line_id: p.comment for p in (scope.parts if scope else ()) if not p.section}
    open_comments = notice.line_comments if notice else {}
    out = []
    for lf, info in line_rows:
        line_id = _int_or_none(lf["id"].value())
        locked = scope is not None and not scope.line_open(line_id)
        mark = SimpleNamespace(
            locked=locked,
            marked=line_id in comments,
            comment=comments.get(line_id, ""),
            comments=open_comments.get(line_id, []),
        )
        out.append((lf, info, mark))
    return out


def _page_lines(t, form, funds, lines, basic, rules=None):
    """The line forms in the order the user left them, each with its judgement and scores as it
    stands on the page (typed values after a refused save, stored ones otherwise)."""

    def order(item):
        position, lf = item
        value = _int_or_none(lf["ORDER"].value())
        return (value if value is not None else position, position)

    forms = [lf for _, lf in sorted(enumerate(lines.forms), key=order)]
    shown = [lf for lf in forms if not lf.is_removed()]
    budget, actual = funds.total_amounts()
    claim, reason = form.budget_claim()
    score = scoring.score_lines(
        t,
        (lf.current_values() for lf in shown),
        budget=budget,
        actual=actual,
        budget_claim=claim,
        budget_reason=reason,
        basic_data=basic.current_cells(),
        rules=rules if t.basic_data is None else None,
    )
    results = dict(zip(map(id, shown), score.lines, strict=True))
    return [(lf, results.get(id(lf))) for lf in forms], score


@login_required
def evaluation_detail(request, pk):
    evaluation = get_evaluation_for_user(
        request.user,
        pk,
        "view",
        queryset=with_lines(Evaluation.objects.select_related("reviewed_by")),
    )
    score = scoring.evaluation_score(evaluation)
    grids = build_grids(form_data(evaluation, score=score))
    context = _workflow_context(request.user, evaluation)
    can_edit = can_edit_form(request.user, evaluation) and not context["lock"].locked
    return render(
        request,
        "evaluations/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "grids": grids,
            "can_edit": can_edit,
            "score": score,
            "line_results": [
                (line, result, scoring.reason_given(evaluation, line))
                for line, result in zip(evaluation.indicator_lines.all(), score.lines, strict=True)
            ],
            "deviation_place": scoring.deviation_place(evaluation.template_def),
            "reason_note": scoring.REASON_NOTE,
            **context,
        },
    )


def _workflow_context(user, evaluation: Evaluation) -> dict:
    role = role_of(user)
    if role == Membership.Role.PREPARER and membership_of(user).unit_id != evaluation.unit_id:
        role = None
    transitions = [] if evaluation.year.closed else workflow.available(evaluation.status, role)
    started = review_started(evaluation)
    if started:  # 撤回 is for a form nobody has started reviewing
        transitions = [t for t in transitions if t.name != "withdraw"]
    scope = edit_scope(evaluation)
    lock = locks.lock_reason(
        evaluation, today=timezone.localdate(), scope=scope, review_started=started
    )
    comments = list(evaluation.comments.select_related("author"))
    for comment in comments:
        comment.resolved = comment_resolved(comment, evaluation)
    submissions = list(evaluation.submissions.order_by("created_at", "pk"))
    return {
        "status_text": _status_for_finance(evaluation, role, lock, started, len(submissions)),
        "resubmission_changes": _resubmission_changes(evaluation, submissions),
        "transitions": transitions,
        "lock": lock,
        "scope": scope,
        "notice": return_notice(evaluation),
        "part_choices": ReopenedPart.Section.choices,
        "comments": comments,
        "can_comment": role in (Membership.Role.REVIEWER, Membership.Role.PREPARER),
        **_attachments_context(user, evaluation, editable=not lock.locked),
    }


def _status_for_finance(evaluation: Evaluation, role, lock, started: bool, rounds: int) -> str:
    """Where the form stands, written for the reviewer or viewer (the preparer reads the lock
    reason, which tells them what they may do); empty for the preparer."""
    if role not in (Membership.Role.REVIEWER, Membership.Role.VIEWER, None):
        return ""
    Status = Evaluation.Status
    if evaluation.year.closed or evaluation.status == Status.APPROVED:
        return str(lock.reason)
    if evaluation.status == Status.SUBMITTED:
        when = timezone.localtime(evaluation.submitted_at).strftime("%Y-%m-%d %H:%M")
        again = f"第{rounds}次提交，" if rounds > 1 else ""
        waiting = "待您审核" if role == Membership.Role.REVIEWER else "待审核"
        text = (
            f"{waiting}：{evaluation.unit.name}于{when}提交（{again}版本 {evaluation.version}）。"
        )
        if started:
            text += "已开始审核，填报单位不能再撤回。"
        return text
    if evaluation.status == Status.RETURNED:
        return "已退回填报单位修改，等待重新提交。"
    return "填报单位尚未提交（草稿）。"


def _resubmission_changes(evaluation: Evaluation, submissions) -> list | None:
    """What changed between the last two submissions of a form now waiting for review."""
    if evaluation.status != Evaluation.Status.SUBMITTED or len(submissions) < 2:
        return None
    return history.diff(submissions[-2].content, submissions[-1].content)


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


# -- review workflow ----------------------------------------------------------------------------


@login_required
@require_http_methods(["POST"])
def evaluation_transition(request, pk, action):
    """提交 / 撤回 / 退回 / 通过 / 重新打开: 404 outside scope, 403 for a role that never may."""
    evaluation = get_evaluation_for_user(request.user, pk, "view")
    transition = workflow.TRANSITIONS.get(action)
    if transition is None:
        raise Http404("没有这个操作。")
    if role_of(request.user) != transition.role:
        raise PermissionDenied(
            workflow.WRONG_ROLE.format(
                role=workflow.ROLE_LABELS[transition.role], action=transition.label
            )
        )
    parts = _parts_from(request.POST)
    if isinstance(parts, str):
        messages.error(request, parts)
        return redirect("evaluation_detail", pk=evaluation.pk)
    try:
        services.evaluation_transition(
            evaluation_id=evaluation.pk,
            user=request.user,
            action=action,
            reason=request.POST.get("reason", ""),
            expected_version=_int_or_none(request.POST.get("version")),
            parts=parts,
            files=request.FILES.getlist("files"),
        )
    except services.SubmissionIncomplete as e:
        messages.error(request, services.SUBMIT_PROBLEMS)
        for problem in e.problems:
            messages.error(request, problem)
    except services.EvaluationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, transition.done)
    return redirect("evaluation_detail", pk=evaluation.pk)


COMMENT_WITHOUT_MARK = "有修改意见没有勾选对应的部分，请勾选该部分或清空这条意见。没有做任何操作。"


def _parts_from(post) -> list[services.PartInput] | str:
    """The parts ticked on a 退回/重新打开 form (`part` = a section key or line-<id>), each with
    its comment (`part-comment-<value>`); a message instead when a comment has no tick."""
    ticked = list(dict.fromkeys(post.getlist("part")))
    for name, value in post.items():
        key = name.removeprefix("part-comment-")
        if key != name and value.strip() and key not in ticked:
            return COMMENT_WITHOUT_MARK
    parts = []
    for value in ticked:
        comment = post.get(f"part-comment-{value}", "")
        if value.startswith("line-"):
            line_id = _int_or_none(value.removeprefix("line-"))
            if line_id is None:
                return services.LINE_GONE
            parts.append(services.PartInput(line_id=line_id, comment=comment))
        else:
            parts.append(services.PartInput(section=value, comment=comment))
    return parts


@login_required
@require_http_methods(["POST"])
def comment_add(request, pk):
    evaluation = get_evaluation_for_user(request.user, pk, "view")
    if role_of(request.user) not in (Membership.Role.REVIEWER, Membership.Role.PREPARER):
        raise PermissionDenied("查看人不能填写意见。")
    try:
        services.comment_add(
            evaluation_id=evaluation.pk,
            user=request.user,
            text=request.POST.get("text", ""),
            line_id=_int_or_none(request.POST.get("line")),
        )
    except services.EvaluationError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "意见已保存。")
    return redirect("evaluation_detail", pk=evaluation.pk)


@login_required
def evaluation_history(request, pk):
    evaluation = get_evaluation_for_user(request.user, pk, "view")
    submissions = list(evaluation.submissions.all())
    events = evaluation.attachment_events.select_related("actor")
    rounds = [
        {"before": old, "after": new, "changes": history.diff(old.content, new.content)}
        for old, new in zip(submissions, submissions[1:], strict=False)
    ]
    return render(
        request,
        "evaluations/evaluation_history.html",
        {
            "evaluation": evaluation,
            "transitions": evaluation.transitions.select_related("actor").prefetch_related(
                "parts", "attachments"
            ),
            "comments": evaluation.comments.select_related("author"),
            "rounds": rounds,
            "attachment_events": events,
        },
    )


@login_required
def notification_list(request):
    if request.method == "POST":
        request.user.notifications.filter(read_at=None).update(read_at=timezone.now())
        messages.success(request, "已全部标为已读。")
        return redirect("notification_list")
    return render(
        request,
        "evaluations/notification_list.html",
        {"notifications": request.user.notifications.select_related("evaluation")[:200]},
    )


# -- downloads ----------------------------------------------------------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form_for_download(request, pk) -> Evaluation:
    return get_evaluation_for_user(
        request.user, pk, "view", queryset=with_lines(Evaluation.objects.all())
    )


@login_required
def evaluation_pdf(request, pk):
    """The printed form: a handed-in form's PDF is read from the shared storage, where a worker
    put it at 提交 or 通过 (evaluations.printed); a draft's is rendered now."""
    evaluation = _form_for_download(request, pk)
    content = printed.pdf_for(evaluation)
    audit_record(
        user=request.user,
        action="download_pdf",
        evaluation=evaluation,
        detail={"version": evaluation.version, "status": evaluation.status},
        request=request,
    )
    return FileResponse(
        BytesIO(content),
        filename=f"{file_stem(evaluation)}.pdf",
        content_type="application/pdf",
    )


@login_required
def evaluation_xlsx(request, pk):
    evaluation = _form_for_download(request, pk)
    buffer = BytesIO()
    write_xlsx(form_data(evaluation), buffer)
    buffer.seek(0)
    audit_record(
        user=request.user,
        action="download_xlsx",
        evaluation=evaluation,
        detail={"version": evaluation.version, "status": evaluation.status},
        request=request,
    )
    return FileResponse(
        buffer, as_attachment=True, filename=f"{file_stem(evaluation)}.xlsx", content_type=XLSX_TYPE
    )


# -- import from Excel --------------------------------------------------------------------------

# Room for the multipart envelope and the other fields around the file itself.
IMPORT_ENVELOPE = 64 * 1024
IMPORT_DONE = "已从“{name}”导入{template}“{project}”（{lines}行绩效指标），现为草稿。请核对后保存。"
IMPORT_CLAIMS = "导入的得分中有与建议得分不同的，提交前请填写理由："
IMPORT_NOTES = "导入时注意到："
IMPORT_PENDING = "import_pending"
IMPORT_PENDING_GONE = "要对应栏目的文件已不在，请重新上传。"


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def evaluation_import(request):
    """导入Excel: a workbook becomes a draft form of the preparer's unit, or the page lists
    every problem (sheet, cell, what was expected) and nothing is created.

    The request's length is looked at before its body is parsed, so an oversized upload is
    refused without being stored; CSRF is checked right after, by `_import_page`.
    """
    unit = units_for_new_forms(request.user).first()
    if unit is None:
        raise PermissionDenied(services.IMPORT_NOT_PREPARER)
    limit = settings.XLSX_IMPORT_MAX_BYTES
    length = _int_or_none(request.META.get("CONTENT_LENGTH")) or 0
    if request.method == "POST" and length > limit + IMPORT_ENVELOPE:
        errors = [xlsx_checks.size_error(length, limit)]
        return _import_render(request, unit, ImportForm(), errors, status=413)
    return _import_page(request, unit, limit)


@csrf_protect
def _import_page(request, unit, limit):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _import_render(request, unit, form, [])
    claimed = request.POST.get("unit")
    if claimed and claimed != str(unit.pk):
        raise PermissionDenied("只能导入到本单位。")
    if not form.is_valid():
        return _import_render(request, unit, form, [], status=400)
    upload, year = form.cleaned_data["file"], form.cleaned_data["year"]
    try:
        if upload.size > limit:
            raise xlsx_checks.ImportRefused([xlsx_checks.size_error(upload.size, limit)])
        data = upload.read(limit + 1)
        limits = xlsx_checks.Limits(max_bytes=limit)
        parsed = import_parse(data=data, unit=unit, limits=limits, year=year.year)
    except xlsx_checks.ImportRefused as e:
        return _import_render(request, unit, form, e.errors, status=400)
    if not parsed.recognised:
        # A layout the import does not know: the clerk says where things are (mapping step).
        token = uuid4().hex
        stored = default_storage.save(f"import_pending/{token}.xlsx", ContentFile(data))
        request.session[IMPORT_PENDING] = {"path": stored, "name": upload.name, "year": year.pk}
        return redirect("evaluation_import_map")
    return _import_done(request, unit, form, parsed, year, upload.name)


def _import_done(request, unit, form, parsed, year, name):
    """The draft from a read workbook, the summary and what was noticed said; or (a project name
    the unit already has) the import page with the problem."""
    try:
        # The year the form states wins over the one chosen (the notes say so).
        year, year_notes = services.import_year(
            stated=parsed.year, chosen=year.year, today=timezone.localdate()
        )
        evaluation = services.evaluation_import(user=request.user, year=year, parsed=parsed)
    except services.EvaluationError as e:
        cell = parsed.cells.get("project_name", "")
        error = xlsx_checks.CellError(parsed.sheet, cell, e.message)
        return _import_render(request, unit, form or ImportForm(), [error], status=409)

    placed, other = parsed.counts()
    messages.success(
        request,
        IMPORT_DONE.format(
            name=name,
            template=evaluation.template_def.name,
            project=evaluation.project_name,
            lines=len(parsed.lines),
        )
        + xlsx_import.IMPORT_SUMMARY.format(placed=placed, other=other),
    )
    notes = [*year_notes, *(str(n) for n in parsed.notes)]
    if notes:
        messages.warning(request, IMPORT_NOTES + "；".join(notes))
    stored = with_lines(Evaluation.objects.filter(pk=evaluation.pk)).get()
    problems = scoring.evaluation_score(stored).claim_problems()
    if problems:
        messages.warning(request, IMPORT_CLAIMS + "；".join(p.message for p in problems))
    return redirect("evaluation_edit", pk=evaluation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_import_map(request):
    """导入Excel, second step for a layout the import does not recognise: the workbook's rows,
    and a form where the clerk says which cell, rows and columns hold what. The mapping is
    remembered for the unit; “全部放入其他内容” imports the file with everything in 其他内容."""
    unit = units_for_new_forms(request.user).first()
    if unit is None:
        raise PermissionDenied(services.IMPORT_NOT_PREPARER)
    pending = request.session.get(IMPORT_PENDING)
    if not pending or not default_storage.exists(pending["path"]):
        messages.error(request, IMPORT_PENDING_GONE)
        return redirect("evaluation_import")
    with default_storage.open(pending["path"], "rb") as f:
        data = f.read()
    year = Year.objects.get(pk=pending["year"])
    sheets = mapped.sheets_of(data)
    form = ImportMappingForm(request.POST or None, sheet_names=[s.name for s in sheets])
    errors = []
    if request.method == "POST":
        parsed = None
        if "keep_all" in request.POST:
            parsed = xlsx_import.parse_workbook(data, year=year.year)
        elif form.is_valid():
            mapping = form.mapping()
            try:
                parsed = mapped.read_mapped(sheets, mapping, year.year)
            except mapped.MappingError as e:
                errors.append(e.args[0])
            else:
                anchors = mapped.anchors_for(sheets[mapping["sheet"]], mapping)
                services.import_mapping_remember(
                    unit=unit, user=request.user, mapping=mapping, anchors=anchors
                )
        if parsed is not None:
            response = _import_done(request, unit, None, parsed, year, pending["name"])
            if response.status_code == 302:
                default_storage.delete(pending["path"])
                request.session.pop(IMPORT_PENDING, None)
            return response
    index = form.cleaned_data.get("sheet", 0) if form.is_bound and form.is_valid() else 0
    index = _int_or_none(request.GET.get("sheet")) or index
    sheet = sheets[index] if 0 <= index < len(sheets) else sheets[0]
    return render(
        request,
        "evaluations/evaluation_import_map.html",
        {
            "form": form,
            "unit": unit,
            "name": pending["name"],
            "sheets": [(i, s.name) for i, s in enumerate(sheets)],
            "sheet_index": sheets.index(sheet),
            "letters": mapped.column_letters(sheet),
            "rows": mapped.preview(sheet),
            "errors": errors,
        },
        status=400 if errors or (form.is_bound and not form.is_valid()) else 200,
    )


def _import_render(request, unit, form, errors, status=200):
    return render(
        request,
        "evaluations/evaluation_import.html",
        {
            "form": form,
            "unit": unit,
            "errors": errors,
            "max_bytes": settings.XLSX_IMPORT_MAX_BYTES,
            "max_mb": settings.XLSX_IMPORT_MAX_BYTES // (1024 * 1024),
            "templates": [t.name for t in TEMPLATES.values()],
        },
        status=status,
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
