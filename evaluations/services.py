"""Every write to a self-evaluation form goes through here: one function per action, keyword-only
arguments, one transaction each. Views parse input and call these; they never save models."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record
from indicators.taxonomy import canonical_level1, canonical_level2

from . import attachments, changes, extensions, locks, partial, printed, tasks, workflow
from .exports.layout import format_points, format_rate
from .history import diff, snapshot
from .models import (
    Attachment,
    AttachmentEvent,
    BasicDataLine,
    Evaluation,
    FundLine,
    ImportMapping,
    IndicatorLine,
    Notification,
    ReopenedPart,
    ReviewComment,
    ScoringRuleSet,
    Submission,
    TransitionLog,
    Unit,
    Year,
    typed_places,
)
from .permissions import (
    can_edit,
    membership_of,
    role_of,
    units_for_new_forms,
    visible_evaluations,
)
from .rulesets import rules_changed
from .scoring import (
    RULES,
    basic_cells,
    evaluation_score,
    score_lines,
    total_fund_amounts,
)
from .selectors import (
    edit_scope,
    preparers_of,
    review_started,
    reviewers_of,
    submit_checks,
    with_lines,
)
from .templates_def import TEMPLATES, get_template

# Messages users see, kept here so tests can assert them.
NOT_EDITABLE = "该自评表当前状态为“{status}”，不能修改。"
YEAR_CLOSED = "{year}年度已关闭，不能再新建或修改自评表。"
DUPLICATE = "本单位{year}年度已有名为“{name}”的{template}，请直接打开它，或换一个项目名称。"
STALE = (
    "保存未成功：在您打开本页之后，{who}于{when}保存了这张表的新版本。"
    "为避免覆盖对方的修改，您的修改没有保存（仍保留在本页）。请打开最新版本核对后再填写。"
)
NO_PERMISSION = "您不能修改这张自评表。"
COPY_OTHER_TEMPLATE = "只能沿用同一表样的往年自评表。"


class EvaluationError(Exception):
    """A refused action, with a message for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleEdit(EvaluationError):
    pass


class PartLocked(EvaluationError):
    """An edit of a part the reviewer did not send back (部分退回); nothing was saved."""

    def __init__(self, problems: list[str], scope: partial.Scope):
        super().__init__(
            partial.REFUSED.format(open=scope.describe(), problems="；".join(problems))
        )
        self.problems = problems


@dataclass(frozen=True)
class LineInput:
    """One indicator line as the edit page posts it; `id` is None for a new line."""

    id: int | None
    level1: str
    level2: str
    level3: str
    target: str
    actual: str = ""
    weight: Decimal | None = None
    score: Decimal | None = None
    score_reason: str = ""
    deviation: str = ""
    qualitative_percent: Decimal | None = None
    criteria: str = ""
    rule_key: str = ""


LINE_FIELDS = (*partial.LINE_FIELDS, "criteria", "rule_key")
FORM_FIELDS = (
    "title",
    "project_name",
    "header",
    "goal_planned",
    "goal_actual",
    "deviation_reason",
    "remarks",
    "preparer",
    "preparer_phone",
    "fill_date",
    "budget_score",
    "budget_score_reason",
)
AMOUNT_FIELDS = ("budget_initial", "budget", "actual")


def year_get_or_create(*, year: int) -> Year:
    """The 评价年度 of that number, created on first use: a form of any year from 2015 on is
    created without an administrator adding the year first (its deadline stays empty)."""
    return Year.objects.get_or_create(year=year)[0]


def _display_name(user) -> str:
    if user is None:
        return "其他用户"
    return user.get_full_name() or user.get_username()


@transaction.atomic
def evaluation_create(
    *,
    user,
    unit: Unit,
    year: Year,
    template_code: str,
    project_name: str,
    copy_from: Evaluation | None = None,
    today: date | None = None,
) -> Evaluation:
    """A new draft form. From `copy_from` (the unit's form of an earlier year) it takes the head,
    fund rows, goals and indicator lines, with amounts, actual values and scores cleared — most
    bureaus repeat last year's indicators."""
    if year.closed:
        raise EvaluationError(YEAR_CLOSED.format(year=year.year))
    template = get_template(template_code)
    if copy_from is not None and copy_from.template != template_code:
        raise EvaluationError(COPY_OTHER_TEMPLATE)
    member = membership_of(user)
    now = timezone.now()
    evaluation = Evaluation(
        unit=unit,
        year=year,
        template=template_code,
        title=copy_from.title if copy_from else template.title,
        project_name=project_name.strip(),
        preparer=user.get_full_name(),
        preparer_phone=member.phone if member else "",
        fill_date=today,
        created_by=user,
        updated_by=user,
        created_at=now,
        updated_at=now,
    )
    if copy_from is not None:
        evaluation.header = dict(copy_from.header)
        evaluation.goal_planned = copy_from.goal_planned
    else:
        evaluation.header = {
            f.key: unit.name for f in template.header_fields if f.prefill == "unit"
        }
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:
        raise EvaluationError(
            DUPLICATE.format(year=year.year, name=evaluation.project_name, template=template.name)
        ) from None

    old_labels = {}
    if copy_from is not None:
        old_labels = dict(copy_from.fund_lines.values_list("row_key", "label"))
    FundLine.objects.bulk_create(
        FundLine(
            evaluation=evaluation,
            row_key=row.key,
            label=old_labels.get(row.key) or row.label,
            order=i,
        )
        for i, row in enumerate(template.fund_rows)
    )
    if copy_from is not None:
        IndicatorLine.objects.bulk_create(
            IndicatorLine(
                evaluation=evaluation,
                order=i,
                level1=line.level1,
                level2=line.level2,
                level3=line.level3,
                target=line.target,
                weight=line.weight,
                criteria=line.criteria,
                rule_key=line.rule_key,
            )
            for i, line in enumerate(copy_from.indicator_lines.all())
        )
    else:
        # 部门整体: every form starts with the template's common indicators, weights included.
        IndicatorLine.objects.bulk_create(
            IndicatorLine(
                evaluation=evaluation,
                order=i,
                level1=fixed.level1,
                level2=fixed.level2,
                level3=fixed.indicator.name,
                target="",
                weight=fixed.weight,
                criteria=fixed.indicator.criteria,
                rule_key=fixed.indicator.key,
            )
            for i, fixed in enumerate(template.fixed_lines)
        )
    audit_record(
        user=user,
        action="create",
        evaluation=evaluation,
        detail={
            "template": template_code,
            "project_name": evaluation.project_name,
            "copied_from": copy_from.pk if copy_from is not None else None,
        },
    )
    changes.forms_changed([(evaluation.unit_id, evaluation.year_id)])
    return evaluation


@transaction.atomic
def evaluation_save(
    *,
    evaluation_id: int,
    user,
    expected_version: int,
    fields: dict,
    funds: dict[str, dict],
    lines: list[LineInput],
    basic_data: dict[tuple[str, str], Decimal | None] | None = None,
) -> Evaluation:
    """Save everything the edit page holds, or nothing.

    `basic_data` (部门整体 forms) maps every typed 基础数据表 cell (row, column) to its value or
    None; the stored cells are replaced by it. None leaves them as they are.

    `fields` holds the form's own columns (FORM_FIELDS), `funds` maps a fund row key to its label
    and amounts, `lines` is the indicator lines in their new order; lines of the form that are not
    in it are removed. A save that started from another version than the stored one is refused
    with the name of whoever saved in between (optimistic locking), never silently overwritten.
    Only what cannot be stored is refused; a claimed score without its reason, an empty target
    and the like are saved and listed by `selectors.submit_checks` until 提交.
    """
    evaluation = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("year", "updated_by")
        .get(pk=evaluation_id)
    )
    if not can_edit(user, evaluation):
        raise EvaluationError(NO_PERMISSION)
    if evaluation.year.closed:
        raise EvaluationError(YEAR_CLOSED.format(year=evaluation.year.year))
    if evaluation.status not in Evaluation.EDITABLE_STATUSES:
        raise EvaluationError(NOT_EDITABLE.format(status=evaluation.get_status_display()))
    extra = locks.extra_lock_reasons(evaluation, timezone.localdate())
    if extra:
        raise EvaluationError(extra[0])
    if evaluation.version != expected_version:
        when = timezone.localtime(evaluation.updated_at).strftime("%Y-%m-%d %H:%M")
        raise StaleEdit(STALE.format(who=_display_name(evaluation.updated_by), when=when))

    fund_lines = list(evaluation.fund_lines.all())
    scope = edit_scope(evaluation)
    if scope is not None:
        # 部分退回: refuse a change to any part the reviewer did not send back, then keep the
        # stored values of those parts (what the page posts back may differ only in line breaks).
        stored_lines = list(evaluation.indicator_lines.all())
        problems = partial.locked_changes(
            scope,
            evaluation,
            fields=fields,
            funds=funds,
            fund_lines=fund_lines,
            stored_lines=stored_lines,
            lines=lines,
            basic_data=basic_data,
            stored_basic=basic_cells(evaluation),
        )
        if problems:
            raise PartLocked(problems, scope)
        fields, funds, lines = _open_parts_only(scope, fields, funds, stored_lines, lines)
        if not scope.section_open(partial.FUNDS):
            basic_data = None  # the stored 基础数据表 stands
    # Business rules (claims without reasons, weights, missing targets …) never block a draft:
    # they are listed on the page (selectors.submit_checks) and enforced at 提交 and 通过.
    before = snapshot(evaluation)

    for name in FORM_FIELDS:
        if name in fields:
            setattr(evaluation, name, fields[name])
    evaluation.version += 1
    evaluation.updated_by = user
    evaluation.updated_at = timezone.now()
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:
        raise EvaluationError(
            DUPLICATE.format(
                year=evaluation.year.year,
                name=evaluation.project_name,
                template=evaluation.template_def.name,
            )
        ) from None

    for fund in fund_lines:
        values = funds.get(fund.row_key, {})
        for name in AMOUNT_FIELDS:
            if name in values:
                fund.set_amount(name, values[name])
        if values.get("label"):
            fund.label = values["label"]
    FundLine.objects.bulk_update(fund_lines, [*AMOUNT_FIELDS, "places", "label"])

    _replace_lines(evaluation, lines)
    if basic_data is not None:
        _replace_basic_data(evaluation, basic_data)
    _audit_save(user, evaluation, before)
    return evaluation


AUDIT_MAX_CHANGES = 100


def _audit_save(user, evaluation: Evaluation, before: dict) -> None:
    """The save in the audit log, with what changed (the history page's diff, as text)."""
    after = snapshot(
        Evaluation.objects.prefetch_related("fund_lines", "indicator_lines").get(pk=evaluation.pk)
    )
    changes = diff(before, after)
    audit_record(
        user=user,
        action="save",
        evaluation=evaluation,
        detail={
            "version": evaluation.version,
            "changed": len(changes),
            "changes": [
                {"where": c.where, "before": c.before[:200], "after": c.after[:200]}
                for c in changes[:AUDIT_MAX_CHANGES]
            ],
        },
    )


def _open_parts_only(scope, fields, funds, stored_lines, lines):
    """The posted values of the open parts; the stored values everywhere else."""
    fields = {name: value for name, value in fields.items() if scope.field_open(name)}
    if not scope.section_open(partial.FUNDS):
        funds = {}
    if not scope.section_open(partial.LINES):
        lines = [
            data
            if scope.line_open(stored.pk)
            else LineInput(id=stored.pk, **{n: getattr(stored, n) for n in LINE_FIELDS})
            for data, stored in zip(lines, stored_lines, strict=True)
        ]
    return fields, funds, lines


def _replace_basic_data(evaluation: Evaluation, cells: dict[tuple[str, str], Decimal | None]):
    """Store exactly the template's typed cells that hold a value (an emptied cell is removed)."""
    basic = evaluation.template_def.basic_data
    known = basic.cell_keys()
    # Head counts are whole persons: printed without decimals whatever was typed ("26", not 26.00).
    counts = {(r.key, c.key) for b, r, c in basic.cells() if b.kind == "count"}
    evaluation.basic_data.all().delete()
    BasicDataLine.objects.bulk_create(
        BasicDataLine(
            evaluation=evaluation,
            row_key=row,
            column_key=column,
            value=value,
            places=0 if (row, column) in counts else typed_places(value),
        )
        for (row, column), value in cells.items()
        if value is not None and (row, column) in known
    )


def _replace_lines(evaluation: Evaluation, lines: list[LineInput]) -> None:
    existing = {line.pk: line for line in evaluation.indicator_lines.all()}
    keep, new = [], []
    for order, data in enumerate(lines):
        line = existing.get(data.id) if data.id is not None else None
        if line is None:  # new, or an id that is not this form's: never touch another form's line
            line = IndicatorLine(evaluation=evaluation)
            new.append(line)
        else:
            keep.append(line)
        line.order = order
        for name in LINE_FIELDS:
            setattr(line, name, getattr(data, name))
    kept_ids = {line.pk for line in keep}
    removed = [pk for pk in existing if pk not in kept_ids]
    if removed:
        IndicatorLine.objects.filter(pk__in=removed).delete()
    if keep:
        IndicatorLine.objects.bulk_update(keep, ["order", *LINE_FIELDS])
    if new:
        IndicatorLine.objects.bulk_create(new)


# -- the review workflow ------------------------------------------------------------------------

STALE_PAGE = "页面已过期：这张表在您打开页面后已有变化，请刷新后再操作。"
NOT_FOUND = "没有找到该自评表。"
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


# -- import from Excel --------------------------------------------------------------------------

IMPORT_NOT_PREPARER = "只有填报人可以导入自评表。"


@transaction.atomic
def evaluation_import(
    *, user, year: Year, parsed, today: date | None = None, unit: Unit | None = None
) -> Evaluation:
    """A draft form of the user's unit from a workbook read by `exports.xlsx_import` (a
    ParsedForm), or nothing (EvaluationError).

    Texts are stored as read; amounts and points as the Decimals read. A 得分 that equals the
    score the app suggests is left unclaimed (the suggestion stands, as on a form filled in
    here); a qualitative line's 得分 becomes its 完成比例 (得分 ÷ 分值); any other 得分 is kept
    as the preparer's claim, whose reason the form asks for before submission. A 部门整体 form
    gets the sheet's lines instead of the common indicators a new form starts with (a line
    naming one is that indicator, with the template's 评分标准) and its 基础数据表, from which
    the suggestions are computed.
    """
    # `unit`: an administrator's import_forms names it; on the page it is the preparer's own.
    unit = unit or units_for_new_forms(user).first()
    if unit is None:
        raise EvaluationError(IMPORT_NOT_PREPARER)
    template = get_template(parsed.template_code)
    evaluation = evaluation_create(
        user=user,
        unit=unit,
        year=year,
        template_code=template.code,
        project_name=parsed.project_name,
        today=today,
    )
    header = dict(evaluation.header)
    header.update(parsed.header)
    header.update({f"{key}__label": label for key, label in parsed.header_labels.items()})
    evaluation.header = header
    evaluation.title = parsed.title or template.title
    evaluation.goal_planned = parsed.goal_planned
    evaluation.goal_actual = parsed.goal_actual
    evaluation.deviation_reason = parsed.texts.get("deviation_reason", "")
    evaluation.remarks = parsed.texts.get("remarks", "")
    for key in ("preparer", "preparer_phone", "fill_date"):
        if key in parsed.signature:
            setattr(evaluation, key, parsed.signature[key])
    evaluation.signer_reviewer = parsed.signature.get("reviewer", "")
    evaluation.signer_reviewer_date = parsed.signature.get("reviewer_date")
    evaluation.wording = dict(parsed.wording)
    evaluation.header_extra = list(parsed.header_extra)
    evaluation.level1_weights = _imported_weights(template, parsed.level1_weights)
    evaluation.stated_figures = dict(parsed.stated_figures)
    evaluation.footnote_text = parsed.footnote_text
    evaluation.other_content = [
        *({"source": "", **item} for item in parsed.other_items),
        *(_other_item(row) for row in parsed.other),
    ]

    fund_lines = list(evaluation.fund_lines.all())
    for fund in fund_lines:
        read = parsed.funds.get(fund.row_key)
        if read is None:
            continue
        fund.label = read.label or fund.label
        for name in AMOUNT_FIELDS:
            fund.set_amount(name, getattr(read, name))
    FundLine.objects.bulk_update(fund_lines, ["label", "places", *AMOUNT_FIELDS])

    if template.basic_data is not None:
        evaluation.indicator_lines.all().delete()
        _replace_basic_data(evaluation, parsed.basic_data)

    budget, actual = total_fund_amounts(template, fund_lines)
    lines, evaluation.budget_score = _imported_scores(
        template, parsed.lines, budget, actual, parsed.budget_score, parsed.basic_data
    )
    evaluation.save()
    IndicatorLine.objects.bulk_create(
        IndicatorLine(evaluation=evaluation, order=i, **line) for i, line in enumerate(lines)
    )
    _keep_differing_stated(evaluation)
    return evaluation


def _keep_differing_stated(evaluation: Evaluation) -> None:
    """A figure the form states that is what the app computes is not kept as stated: the form
    prints the computed one, exactly as before (so the app's own export comes back unchanged)."""
    stated = dict(evaluation.stated_figures or {})
    if not stated:
        return
    stored = with_lines(Evaluation.objects.filter(pk=evaluation.pk)).get()
    score = evaluation_score(stored)
    computed = {
        f"fund.{fund.row_key}.rate": format_rate(fund.rate) for fund in stored.fund_lines.all()
    }
    computed["fund.total.score"] = format_points(score.budget_final)
    computed["total"] = format_points(score.total)
    kept = {key: text for key, text in stated.items() if computed.get(key) != text}
    if kept != stated:
        Evaluation.objects.filter(pk=evaluation.pk).update(stated_figures=kept)
        evaluation.stated_figures = kept


IMPORT_FIRST_YEAR = 2015
IMPORT_YEAR_IGNORED = "表中年度{found}不在 {first}–{last} 年之间，按{used}年度导入。"
IMPORT_RENAMED = "本单位该年度已有同名自评表，导入的表名为“{name}”。"


def import_year(*, stated: int | None, chosen: int | None, today: date) -> tuple[Year, list[str]]:
    """The year an imported form goes into: the one its title states (2015 to next year), else
    the one chosen, else last year (the year bureaus evaluate). Created when missing: a form of
    any year is brought in without an administrator step first."""
    last = today.year + 1
    notes = []
    number = chosen or today.year - 1
    if stated is not None and IMPORT_FIRST_YEAR <= stated <= last:
        number = stated
    elif stated is not None:
        notes.append(
            IMPORT_YEAR_IGNORED.format(
                found=stated, first=IMPORT_FIRST_YEAR, last=last, used=number
            )
        )
    year, _ = Year.objects.get_or_create(year=number)
    return year, notes


def evaluation_import_kept(*, user, unit: Unit, year: Year, parsed) -> tuple[Evaluation, bool]:
    """`evaluation_import`, where a project name the unit already has that year gets a number
    (“…（导入2）”) rather than the file being left out: an administrator bringing in a folder
    keeps every form. Returns the form and whether it was renamed."""
    from dataclasses import replace

    name = parsed.project_name
    for n in range(1, 100):
        attempt = replace(parsed, project_name=name if n == 1 else f"{name}（导入{n}）"[:200])
        try:
            with transaction.atomic():
                return evaluation_import(user=user, unit=unit, year=year, parsed=attempt), n > 1
        except EvaluationError as e:
            if not Evaluation.objects.filter(
                unit=unit, year=year, project_name=attempt.project_name.strip()
            ).exists():
                raise e from None
    raise EvaluationError(DUPLICATE.format(year=year.year, name=name, template=""))


def import_mapping_remember(*, unit: Unit, user, mapping: dict, anchors: dict) -> ImportMapping:
    """Remember a clerk's mapping for the unit, keyed by the label texts it was drawn on; a
    mapping drawn again on the same labels replaces the earlier one."""
    remembered = next(
        (m for m in ImportMapping.objects.filter(unit=unit) if m.anchors == anchors), None
    )
    if remembered is None:
        remembered = ImportMapping(unit=unit, anchors=anchors)
    remembered.mapping = mapping
    remembered.created_by = user
    remembered.updated_at = timezone.now()
    remembered.save()
    return remembered


def _imported_weights(template, stated: dict[str, str]) -> dict[str, str]:
    """The 一级 weights the form states, keyed by the canonical 一级 name."""
    weights = {}
    for name, weight in stated.items():
        level = template.level1(name)
        key = level.name if level else (canonical_level1(name) or name)
        weights[key] = weight
    return weights


def _level2_meaning(level2: str) -> str:
    """The canonical 二级 of one worded otherwise (数量指标（指标） → 数量指标); empty when the
    form's wording is the canonical name itself or none is known."""
    canonical = canonical_level2(level2)
    return canonical if canonical and canonical != (level2 or "").strip() else ""


def _other_item(row) -> dict:
    """One row of cells no field took, as an item of 其他内容: a short text first in the row is
    its label, the rest its value."""
    texts = list(row.texts)
    label = ""
    if len(texts) > 1 and len(texts[0]) <= 30 and not re.fullmatch(r"[\d.,%\s]+", texts[0]):
        label = texts.pop(0).rstrip(":：").strip()
    return {"source": f"{row.sheet}!{row.cell}", "label": label, "value": "　".join(texts)}


def _imported_scores(template, parsed_lines, budget, actual, budget_score, basic_data):
    """The lines to store and the 预算执行率 claim, with 得分 read back as described above."""

    def criteria(p):
        indicator = template.common_indicator(p.rule_key) if p.rule_key else None
        return indicator.criteria if indicator is not None else p.criteria

    lines = [
        {
            "level1": p.level1,
            "level2": p.level2,
            "level3": p.level3,
            "target": p.target,
            "actual": p.actual,
            "weight": p.weight,
            "score": None,
            "score_reason": "",
            "deviation": p.deviation,
            "qualitative_percent": None,
            "criteria": criteria(p),
            "rule_key": p.rule_key,
            "nature": p.nature,
            "measure_unit": p.measure_unit,
            "level2_meaning": _level2_meaning(p.level2),
        }
        for p in parsed_lines
    ]
    if not template.scored:
        return lines, None

    def score():
        return score_lines(
            template,
            [SimpleNamespace(**line) for line in lines],
            budget=budget,
            actual=actual,
            basic_data=basic_data,
        )

    # 部门整体 lines have no 完成比例: a line the unit scores has its 得分 as the score.
    shares = template.basic_data is None
    for line, p, result in zip(lines, parsed_lines, score().lines, strict=True):
        unscored = result.needs_person and result.suggested is None
        if shares and unscored and p.score is not None and p.weight:
            share = (p.score / p.weight * 100).quantize(Decimal("0.01"))
            line["qualitative_percent"] = min(share, Decimal(100))
    suggested = score()
    for line, p, result in zip(lines, parsed_lines, suggested.lines, strict=True):
        if p.score is not None and p.score != result.suggested:
            line["score"] = p.score
    claim = budget_score
    if claim is not None and claim == suggested.budget_suggested:
        claim = None
    return lines, claim


# -- attachments --------------------------------------------------------------------------------

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


@transaction.atomic
def scoring_rules_set(
    *, user, region, year: Year, figures: dict, source: str = ""
) -> ScoringRuleSet:
    """Set a region's provincial scoring rules for a year (`indicators.rules`; figures: the
    ScoringRuleSet fields). The handed-in forms beneath the region store their 总分 and 等级 anew
    under the new rules, and scores cached under the old ones are not read again."""
    rule_set, _ = ScoringRuleSet.objects.update_or_create(
        region=region,
        year=year,
        defaults={**figures, "source": source, "updated_at": timezone.now()},
    )
    handed_in = Evaluation.objects.filter(region.subtree_q("unit__region__"), year=year).exclude(
        status__in=Evaluation.EDITABLE_STATUSES
    )
    for evaluation in with_lines(handed_in.select_for_update(of=("self",))):
        _set_figures(evaluation, loaded=True)
        evaluation.save(update_fields=FIGURE_FIELDS)
        # Its stored PDF shows the old 总分: the next download renders it anew (printed.py).
        transaction.on_commit(lambda pk=evaluation.pk: printed.discard(pk))
    # Now, and again once committed, so a score cached meanwhile under the old rules is not kept.
    rules_changed()
    transaction.on_commit(rules_changed)
    audit_record(
        user=user,
        action="scoring_rules",
        detail={
            "region": region.name,
            "year": year.year,
            **{k: str(v) for k, v in figures.items()},
        },
    )
    return rule_set
