"""The edit page: save, autosave, 保存并提交, and the parts a partial return leaves locked."""

from __future__ import annotations

from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from .. import locks, partial, scoring, services, workflow
from ..forms import (
    BasicDataForm,
    EvaluationForm,
    FundsForm,
    HeadExtraFormSet,
    LineFormSet,
    OtherContentForm,
    grouped_line_initial,
    level_lists,
)
from ..models import Evaluation
from ..permissions import get_evaluation_for_user
from ..rulesets import evaluation_rules
from ..selectors import edit_scope, return_notice, submit_checks, with_lines
from .common import _attachments_context, _int_or_none

SAVED = "已保存。"
NOT_STORABLE = "有内容无法保存，请查看标红的栏目。本次没有保存，页面上填写的内容都还在。"


def _edit_forms(evaluation: Evaluation, data=None):
    """The page's forms: the form's own cells, funds, lines, 基础数据表, the extra head rows and
    其他内容; unbound from the stored form, or bound to what was posted."""
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
            *_own_forms(evaluation),
        )
    return (
        EvaluationForm(data, template=t),
        FundsForm(data, template=t),
        LineFormSet(data, prefix="lines", form_kwargs=line_kwargs),
        BasicDataForm(data, template=t),
        *_own_forms(evaluation, data),
    )


def _own_forms(evaluation: Evaluation, data=None):
    """The extra head rows and 其他内容, each bound only where the page posted it: a page opened
    before they were on it saves everything else and leaves them as stored."""
    if data is not None and "head_extra-TOTAL_FORMS" in data:
        head_extra = HeadExtraFormSet(data, prefix="head_extra")
    else:
        head_extra = HeadExtraFormSet(
            prefix="head_extra", initial=HeadExtraFormSet.initial_for(evaluation)
        )
    if data is not None and "other-items" in data:
        other = OtherContentForm(data)
    else:
        other = OtherContentForm(evaluation=evaluation)
    return head_extra, other


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
        page_forms = _edit_forms(evaluation, request.POST)
        form, funds, lines, basic, head_extra, other = page_forms
        valid = [f.is_valid() for f in page_forms if f.is_bound]  # all, for every message
        if all(valid):
            fields = form.service_fields()
            if head_extra.is_bound:
                fields["header_extra"] = head_extra.rows()
            if other.is_bound:
                fields["other_content"] = other.kept_items()
            try:
                saved = services.evaluation_save(
                    evaluation_id=evaluation.pk,
                    user=request.user,
                    expected_version=form.cleaned_data["version"],
                    fields=fields,
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
        form, funds, lines, basic, head_extra, other = _edit_forms(evaluation)

    t = evaluation.template_def
    columns = {c.key: c.label for c in t.indicator_columns}
    weights = scoring.counted_weights(evaluation)
    line_rows, score = _page_lines(
        t, form, funds, lines, basic, evaluation_rules(evaluation), weights
    )
    lists = level_lists(t, [lf["level1"].value() or "" for lf, _ in line_rows])
    sections = _section_marks(scope)
    if scope is not None:
        _read_only_parts(form, funds, sections, basic, head_extra, other)
    notice = return_notice(evaluation)
    line_rows = _line_marks(line_rows, scope, notice)
    return render(
        request,
        "evaluations/evaluation_edit.html",
        {
            "evaluation": evaluation,
            "template_def": t,
            # The 预算执行率 points the browser's running total counts (the form's own, if stated).
            "budget_weight": (weights or {}).get(scoring.BUDGET_WHERE, t.budget_weight),
            "form": form,
            "funds": funds,
            "lines": lines,
            "line_rows": line_rows,
            "score": score,
            "header_fields": form.header_bound_fields(),
            "head_extra": head_extra,
            "other": other,
            "text_fields": form.text_bound_fields(),
            "basic": basic,
            "nature_label": columns.get("nature"),
            "target_label": columns.get("target"),
            "unit_label": columns.get("measure_unit"),
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
            # The 一级 and 二级 names offered as lines are typed (worded 一级 on the page too).
            "level_lists": lists,
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


def _read_only_parts(form, funds, sections, basic, head_extra, other) -> None:
    """Render the fields of the sections not sent back as read-only: the values still post (and
    the service refuses any change to them), they just cannot be typed over. A 删除 box cannot
    be read-only: it is disabled (not posted, so nothing is removed)."""
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
    if not sections[partial.HEADER].open:
        for row in head_extra.forms:
            for name, field in row.fields.items():
                if name == "DELETE":
                    field.disabled = True
                else:
                    _read_only(field)
    if not sections[partial.OTHER].open:
        for name, field in other.fields.items():
            if name.startswith("remove_"):
                field.disabled = True


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


def _page_lines(t, form, funds, lines, basic, rules=None, stated=None):
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
        stated=stated,
    )
    results = dict(zip(map(id, shown), score.lines, strict=True))
    return [(lf, results.get(id(lf))) for lf in forms], score
