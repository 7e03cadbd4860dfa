"""The review workflow's writes: the moves (提交, 撤回, 退回, 通过, 重新打开) with their checks,
the stored 总分 and 等级 each move sets, the notices it sends, and reviewers' comments."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record

from .. import attachments, changes, extensions, locks, partial, tasks, workflow
from ..history import snapshot
from ..models import (
    Attachment,
    Evaluation,
    Notification,
    ReopenedPart,
    ReviewComment,
    Submission,
    TransitionLog,
)
from ..permissions import can_edit, role_of, visible_evaluations
from ..scoring import RULES, evaluation_score
from ..selectors import preparers_of, review_started, reviewers_of, submit_checks, with_lines
from ..templates_def import TEMPLATES
from .attachments import _inspect, _locked_form, _store_attachment
from .errors import NOT_FOUND, YEAR_CLOSED, EvaluationError

# -- the review workflow ------------------------------------------------------------------------

STALE_PAGE = "页面已过期：这张表在您打开页面后已有变化，请刷新后再操作。"
SUBMIT_PROBLEMS = "还不能提交，请先补全："
APPROVE_PROBLEMS = "还不能通过，这张表尚有未处理的项目："


PARTS_ONLY_ON_RETURN = "只有退回或重新打开时才能标出需要修改的部分。"
UNKNOWN_PART = "没有这个部分，请刷新页面后重新勾选。"
LINE_GONE = "勾选的指标行已不存在，请刷新页面后重新勾选。"
REVIEW_STARTED = "审核人已开始审核（已填写意见），不能再撤回；如需修改，请联系审核人退回。"
FILES_ONLY_ON_RETURN = "只有退回或重新打开时才能随附文件。"


@dataclass(frozen=True)
class PartInput:
    """A part a reviewer sends back (部分退回): a section key, or the id of one indicator line."""

    section: str = ""
    line_id: int | None = None
    comment: str = ""


class SubmissionIncomplete(EvaluationError):
    def __init__(self, problems: list[str], prefix: str = SUBMIT_PROBLEMS):
        super().__init__(prefix + "；".join(problems))
        self.problems = problems


FIGURE_FIELDS = ("stored_total", "stored_grade", "stored_rules", "stored_warning")


def _set_figures(evaluation: Evaluation, *, loaded: bool = False) -> None:
    """Set (not save) the stored 总分 and 等级 to what the form's page and PDF show: scored now
    for a handed-in form, cleared for a draft or returned one, whose lines may still change.
    `loaded`: the form's lines, fund rows and 基础数据 are prefetched already."""
    total, grade, rules, warning = None, "", "", ""
    if evaluation.status not in Evaluation.EDITABLE_STATUSES and evaluation.template_def.scored:
        full = evaluation
        if not loaded:
            full = with_lines(Evaluation.objects.filter(pk=evaluation.pk)).get()
        score = evaluation_score(full)
        if score.total is not None:
            total, grade, rules, warning = score.total, score.grade, RULES, score.warning.level
    evaluation.stored_total, evaluation.stored_grade, evaluation.stored_rules = total, grade, rules
    evaluation.stored_warning = warning


@transaction.atomic
def evaluation_figures_store(*, evaluation_id: int) -> Evaluation:
    """Store a form's 总分 and 等级 anew after a write outside the moves of `record_transition`
    (a data repair by the operator; the admin site shows forms read-only)."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation_id)
    _set_figures(evaluation)
    evaluation.save(update_fields=FIGURE_FIELDS)
    changes.forms_changed([(evaluation.unit_id, evaluation.year_id)])
    return evaluation


def evaluation_figures_refresh(*, batch: int = 200) -> int:
    """Store anew the 总分 and 等级 of every handed-in form whose stored figures were computed
    under other scoring rules than today's (or were never stored: forms written outside the
    service); the number of forms rewritten. Run after an upgrade (`manage.py store_scores`):
    until then the summaries score those forms themselves. Each batch locks its rows, so a move
    made meanwhile is never overwritten with figures of the form before it."""
    stale = (
        Evaluation.objects.exclude(status__in=Evaluation.EDITABLE_STATUSES)
        .filter(template__in=[t.code for t in TEMPLATES.values() if t.scored])
        .exclude(stored_rules=RULES)
        .order_by("pk")
    )
    done, after = 0, 0
    while ids := list(stale.filter(pk__gt=after).values_list("pk", flat=True)[:batch]):
        after = ids[-1]
        with transaction.atomic():
            # Locked, then checked again: a form moved since the ids were read is left out.
            locked = stale.filter(pk__in=ids).select_for_update(of=("self",))
            forms = list(with_lines(locked).select_related(None))
            for evaluation in forms:
                _set_figures(evaluation, loaded=True)
            Evaluation.objects.bulk_update(forms, FIGURE_FIELDS)
            changes.forms_changed((ev.unit_id, ev.year_id) for ev in forms)
        done += len(forms)
    return done


def record_transition(
    evaluation: Evaluation, *, user, action: str, reason: str, now, content: dict | None = None
) -> TransitionLog:
    """The bookkeeping of one move, after its checks: the submitted version (`content`, the
    form's snapshot, on 提交), who approved and when, the new status and version, the stored
    总分 and 等级 (written on 提交 and 通过, cleared on 退回, 重新打开 and 撤回), the log row.
    `evaluation_transition` calls it once every check has passed; the demo replays published
    forms' history through it."""
    if action == "submit":
        Submission.objects.create(
            evaluation=evaluation, version=evaluation.version + 1, content=content
        )
        evaluation.submitted_at = now
    if action == "approve":
        evaluation.reviewed_by, evaluation.reviewed_at = user, now
    if action in ("reopen", "withdraw"):
        evaluation.reviewed_by, evaluation.reviewed_at = None, None
    from_status, target = evaluation.status, workflow.TRANSITIONS[action].target
    evaluation.status = target
    evaluation.version += 1
    _set_figures(evaluation)
    evaluation.save(
        update_fields=[
            "status",
            "version",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            *FIGURE_FIELDS,
        ]
    )
    changes.forms_changed([(evaluation.unit_id, evaluation.year_id)])
    return TransitionLog.objects.create(
        evaluation=evaluation,
        actor=user,
        action=action,
        from_status=from_status,
        to_status=target,
        reason=reason,
        version=evaluation.version,
        created_at=now,
    )


@transaction.atomic
def evaluation_transition(
    *,
    evaluation_id: int,
    user,
    action: str,
    reason: str = "",
    expected_version: int | None = None,
    parts: list[PartInput] = (),
    files=(),
) -> Evaluation:
    """Move a form to its next state: lock the row, check scope, role, state and (for 提交) the
    form's completeness, change it, log it and notify the people concerned — or change nothing.

    A 退回 or 重新打开 may name `parts` (部分退回: only those stay editable, each with a comment)
    and carry `files` (uploaded files the reviewer attaches); none named reopens the whole form.
    A bad part or file refuses the whole move.

    Two reviewers clicking 通过 at once: the second waits for the lock, then finds the form already
    approved and is told so (workflow.check), so exactly one transition is logged.
    """
    evaluation = _locked_form(user, evaluation_id)
    role = role_of(user)
    if role == workflow.PREPARER and not can_edit(user, evaluation):
        role = None  # a preparer of another unit in scope (none today) may not act on it
    try:
        transition = workflow.check(action, status=evaluation.status, role=role, reason=reason)
    except workflow.TransitionRefused as refused:
        raise EvaluationError(refused.message) from None
    if expected_version is not None and expected_version != evaluation.version:
        raise EvaluationError(STALE_PAGE)
    if evaluation.year.closed:
        raise EvaluationError(YEAR_CLOSED.format(year=evaluation.year.year))
    if action == "withdraw" and review_started(evaluation):
        raise EvaluationError(REVIEW_STARTED)
    returning = action in ("return", "reopen")
    if parts and not returning:
        raise EvaluationError(PARTS_ONLY_ON_RETURN)
    if files and not returning:
        raise EvaluationError(FILES_ONLY_ON_RETURN)
    marked = _parts_to_mark(evaluation, parts)
    max_size = settings.ATTACHMENT_MAX_BYTES
    checked = [
        (upload, _inspect(upload, max_size, attachments.ALL_TYPES)) for upload in files or ()
    ]

    now = timezone.now()
    if action == "submit" and (extra := locks.extra_lock_reasons(evaluation, timezone.localdate())):
        raise EvaluationError(extra[0])
    if action in ("submit", "approve"):
        # The list the edit page shows (提交前需处理) holds at 提交 and again at 通过: a form
        # never goes through with a rule unsettled, however it was written.
        full = (
            Evaluation.objects.filter(pk=evaluation.pk)
            .prefetch_related("fund_lines", "indicator_lines", "basic_data")
            .select_related("year", "unit")
            .get()
        )
        problems = [check.message for check in submit_checks(full)]
        if action == "submit":
            # Upper apps' checks too: the 自评报告's required sections must be filled.
            problems += extensions.submission_check_problems(full)
        if problems:
            prefix = SUBMIT_PROBLEMS if action == "submit" else APPROVE_PROBLEMS
            raise SubmissionIncomplete(problems, prefix)

    from_status = evaluation.status
    log = record_transition(
        evaluation,
        user=user,
        action=action,
        reason=reason.strip(),
        now=now,
        content=snapshot(full) if action == "submit" else None,
    )
    for part in marked:
        part.transition = log
    ReopenedPart.objects.bulk_create(marked)
    for upload, inspected in checked:
        _store_attachment(
            evaluation=evaluation,
            user=user,
            upload=upload,
            inspected=inspected,
            kind=Attachment.Kind.REVIEW,
            transition=log,
        )
    notify_transition(evaluation=evaluation, actor=user, action=action, reason=reason.strip())
    tasks.after_move(evaluation, action)
    audit_record(
        user=user,
        action=action,
        evaluation=evaluation,
        detail={
            "from": from_status,
            "to": transition.target,
            "reason": reason.strip(),
            "version": evaluation.version,
        },
    )
    return evaluation


def _parts_to_mark(evaluation: Evaluation, parts) -> list[ReopenedPart]:
    """Unsaved ReopenedPart rows for the parts named, each section or line once, or refusal."""
    lines = {line.pk: line for line in evaluation.indicator_lines.all()} if parts else {}
    numbers = {pk: n for n, pk in enumerate(lines, start=1)}
    marked, seen = [], set()
    for part in parts:
        comment = part.comment.strip()
        if part.section:
            if part.section not in partial.SECTIONS:
                raise EvaluationError(UNKNOWN_PART)
            key = ("section", part.section)
            row = ReopenedPart(section=part.section, comment=comment)
        else:
            line = lines.get(part.line_id)
            if line is None:
                raise EvaluationError(LINE_GONE)
            key = ("line", line.pk)
            label = partial.line_name(numbers[line.pk], line.level3)[:320]
            row = ReopenedPart(line=line, line_label=label, comment=comment)
        if key not in seen:
            seen.add(key)
            marked.append(row)
    return marked


NOTICE_TEXT = {
    "submit": "{unit}提交了{year}年度“{name}”，请审核。",
    "withdraw": "{unit}撤回了{year}年度“{name}”。",
    "return": "{year}年度“{name}”被退回修改：{reason}",
    "approve": "{year}年度“{name}”已审核通过。",
    "reopen": "{year}年度“{name}”被重新打开修改：{reason}",
}


def notify_transition(*, evaluation: Evaluation, actor, action: str, reason: str) -> None:
    """In-app notices, and e-mail through Django's mailer once the transaction has committed."""
    recipients = (
        reviewers_of(evaluation) if action in ("submit", "withdraw") else (preparers_of(evaluation))
    )
    recipients = [u for u in recipients if u.pk != actor.pk]
    text = NOTICE_TEXT[action].format(
        unit=evaluation.unit.name,
        year=evaluation.year.year,
        name=evaluation.project_name,
        reason=reason,
    )[:300]
    Notification.objects.bulk_create(
        Notification(recipient=u, evaluation=evaluation, text=text) for u in recipients
    )
    emails = [u.email for u in recipients if u.email]
    if emails:
        # robust: a mail server that is down is logged, and never undoes or breaks the move.
        transaction.on_commit(
            lambda: send_mail(f"绩效自评：{text[:60]}", text, None, emails), robust=True
        )


@transaction.atomic
def comment_add(
    *, evaluation_id: int, user, text: str, line_id: int | None = None
) -> ReviewComment:
    """A remark on the form or on one of its lines, by anyone who may see the form."""
    text = text.strip()
    if not text:
        raise EvaluationError("请填写意见内容。")
    try:
        evaluation = visible_evaluations(user).get(pk=evaluation_id)
    except Evaluation.DoesNotExist:
        raise EvaluationError(NOT_FOUND) from None
    line = None
    if line_id is not None:
        line = evaluation.indicator_lines.filter(pk=line_id).first()
        if line is None:
            raise EvaluationError("该指标行已不存在，请刷新页面。")
    comment = ReviewComment.objects.create(
        evaluation=evaluation,
        line=line,
        line_label=line.level3 if line else "",
        author=user,
        text=text,
    )
    audit_record(
        user=user,
        action="comment",
        evaluation=evaluation,
        detail={"text": text[:1000], "line": comment.line_label},
    )
    return comment
