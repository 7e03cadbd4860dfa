from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import history, scoring, services, workflow
from .exports.files import file_stem
from .exports.layout import build_grids
from .exports.pdf import PRINT_LAYOUT_VERSION, pdf_bytes
from .exports.xlsx import write_xlsx
from .forms import (
    BasicDataForm,
    EvaluationForm,
    FundsForm,
    LineFormSet,
    NewEvaluationForm,
    line_initial,
)
from .models import Evaluation, Membership, Unit, Year
from .permissions import (
    get_evaluation_for_user,
    membership_of,
    role_of,
    units_for_new_forms,
    visible_evaluations,
)
from .selectors import evaluations_for_list, form_data, overdue_label, with_lines
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
    form = NewEvaluationForm(request.POST or None, copy_choices=copy_choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.evaluation_create(
                user=request.user,
                unit=unit,
                year=data["year"],
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


def _edit_forms(evaluation: Evaluation, data=None):
    t = evaluation.template_def
    line_kwargs = {"needs_target": t.has_indicator_column("target")}
    if data is None:
        return (
            EvaluationForm(template=t, initial=EvaluationForm.initial_for(evaluation)),
            FundsForm(template=t, initial=FundsForm.initial_for(evaluation)),
            LineFormSet(prefix="lines", initial=line_initial(evaluation), form_kwargs=line_kwargs),
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
    if not evaluation.is_editable:
        if evaluation.year.closed:
            messages.error(request, services.YEAR_CLOSED.format(year=evaluation.year.year))
        else:
            status = evaluation.get_status_display()
            messages.error(request, services.NOT_EDITABLE.format(status=status))
        return redirect("evaluation_detail", pk=evaluation.pk)

    status_code = 200
    if request.method == "POST":
        form, funds, lines, basic = _edit_forms(evaluation, request.POST)
        valid = [f.is_valid() for f in (form, funds, lines, basic)]  # all, for every message
        if all(valid):
            try:
                services.evaluation_save(
                    evaluation_id=evaluation.pk,
                    user=request.user,
                    expected_version=form.cleaned_data["version"],
                    fields=form.service_fields(),
                    funds=funds.service_funds(),
                    lines=lines.lines(),
                    basic_data=basic.service_cells(),
                )
            except services.UnexplainedClaims as e:
                # Like any invalid input: the reason is asked for beside the claim, nothing saved.
                _show_claim_problems(e.problems, form, lines)
                messages.error(request, e.message)
                status_code = 400
            except services.EvaluationError as e:
                # The page is shown again with everything the user typed; nothing was saved.
                messages.error(request, e.message)
                status_code = 409
            else:
                messages.success(request, "已保存。")
                return redirect("evaluation_edit", pk=evaluation.pk)
        else:
            messages.error(request, "有内容需要修改，请查看标红的栏目。没有保存任何内容。")
            status_code = 400
    else:
        form, funds, lines, basic = _edit_forms(evaluation)

    t = evaluation.template_def
    columns = {c.key: c.label for c in t.indicator_columns}
    line_rows, score = _page_lines(t, form, funds, lines, basic)
    level1_names = [*t.level1_names, *(lf["level1"].value() or "" for lf, _ in line_rows)]
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
            "show_picker": t.basic_data is None,
            # 二级 choices per 一级 label, including older labels the lines carry (满意度 …).
            "taxonomy": {name: list(t.level2_choices(name)) for name in level1_names if name},
        },
        status=status_code,
    )


def _page_lines(t, form, funds, lines, basic):
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
    )
    results = dict(zip(map(id, shown), score.lines, strict=True))
    return [(lf, results.get(id(lf))) for lf in forms], score


def _show_claim_problems(problems, form, lines) -> None:
    for problem in problems:
        if problem.index is None:
            form.add_error("budget_score_reason", problem.message)
        else:
            lines.kept_forms[problem.index].add_error("score_reason", problem.message)


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
    member = membership_of(request.user)
    can_edit = bool(
        member
        and member.role == Membership.Role.PREPARER
        and member.unit_id == evaluation.unit_id
        and evaluation.is_editable
    )
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
            **_workflow_context(request.user, evaluation),
        },
    )


def lock_reason(evaluation: Evaluation) -> str:
    """Why the form can or cannot be changed now, and what to do about it."""
    Status = Evaluation.Status
    if evaluation.year.closed:
        return f"{evaluation.year.year}年度已关闭，只能查看。"
    if evaluation.status == Status.DRAFT:
        return "草稿：填报单位可以修改，填好后提交财政部门审核。"
    if evaluation.status == Status.RETURNED:
        return "已退回：请根据审核意见修改后重新提交。"
    if evaluation.status == Status.SUBMITTED:
        return "已提交，等待审核。审核之前，填报单位可以撤回修改。"
    reviewer = evaluation.reviewed_by
    who = (reviewer.get_full_name() or reviewer.get_username()) if reviewer else "审核人"
    when = (
        timezone.localtime(evaluation.reviewed_at).strftime("%Y-%m-%d")
        if evaluation.reviewed_at
        else ""
    )
    return f"已审核（{who}，{when}），不能再修改。如需修改，请联系审核人重新打开。"


def _workflow_context(user, evaluation: Evaluation) -> dict:
    role = role_of(user)
    if role == Membership.Role.PREPARER and membership_of(user).unit_id != evaluation.unit_id:
        role = None
    transitions = [] if evaluation.year.closed else workflow.available(evaluation.status, role)
    return {
        "transitions": transitions,
        "lock_reason": lock_reason(evaluation),
        "comments": evaluation.comments.select_related("author"),
        "can_comment": role in (Membership.Role.REVIEWER, Membership.Role.PREPARER),
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
    try:
        services.evaluation_transition(
            evaluation_id=evaluation.pk,
            user=request.user,
            action=action,
            reason=request.POST.get("reason", ""),
            expected_version=_int_or_none(request.POST.get("version")),
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
    rounds = [
        {"before": old, "after": new, "changes": history.diff(old.content, new.content)}
        for old, new in zip(submissions, submissions[1:], strict=False)
    ]
    return render(
        request,
        "evaluations/evaluation_history.html",
        {
            "evaluation": evaluation,
            "transitions": evaluation.transitions.select_related("actor"),
            "comments": evaluation.comments.select_related("author"),
            "rounds": rounds,
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
    """The printed form. An approved form cannot change, so its PDF is rendered once per version
    (and per print layout) and served from the cache after that."""
    evaluation = _form_for_download(request, pk)
    if evaluation.status == Evaluation.Status.APPROVED:
        key = f"evaluation-pdf:{evaluation.pk}:v{evaluation.version}:{PRINT_LAYOUT_VERSION}"
        content = cache.get_or_set(key, lambda: pdf_bytes(form_data(evaluation)), timeout=None)
    else:
        content = pdf_bytes(form_data(evaluation))
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
    return FileResponse(
        buffer, as_attachment=True, filename=f"{file_stem(evaluation)}.xlsx", content_type=XLSX_TYPE
    )
