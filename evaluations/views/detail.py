"""The read-only / review page, its transitions and comments, and the form's history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from .. import history, locks, scoring, services, workflow
from ..exports.layout import build_grids
from ..models import Evaluation, Membership, ReopenedPart
from ..permissions import can_edit as can_edit_form
from ..permissions import get_evaluation_for_user, membership_of, role_of
from ..selectors import (
    comment_resolved,
    edit_scope,
    form_data,
    return_notice,
    review_started,
    with_lines,
)
from .common import _attachments_context, _int_or_none


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
