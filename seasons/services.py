"""Every write of the season: issuing, extending and cancelling tasks, opening a task's form,
reminders and the board's bulk actions. Keyword-only arguments, one transaction each; a form's
status still changes only through evaluations.services.evaluation_transition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from evaluations import attachments
from evaluations import services as evaluation_services
from evaluations.models import Evaluation, Membership, Notification, Unit, Year
from evaluations.permissions import membership_of, region_scope_q
from evaluations.templates_def import TEMPLATES, get_template
from evaluations.workflow import TRANSITIONS

from . import board
from .models import Reminder, Task, TaskAttachment, TaskLog, TaskUnit, parse_reminder_days
from .permissions import is_reviewer, units_in_scope
from .selectors import last_year_form

# Messages users see, kept here so tests can assert them.
NOT_REVIEWER = "只有财政部门的审核人可以下达、延期或撤销自评任务。"
NO_UNITS = "请至少选择一个单位。"
UNITS_OUT_OF_SCOPE = "所选单位不在您的审核范围内。"
NO_TEMPLATES = "请至少选择一种表样。"
UNKNOWN_TEMPLATE = "没有这种表样：{code}。"
DEADLINE_PAST = "截止日期不能早于今天（{today}）。"
YEAR_CLOSED = "{year}年度已关闭，不能下达自评任务。"
BAD_REMINDER_DAYS = "提醒天数请填写 1 至 60 之间的整数，用逗号分隔，如 3,1。"
TASK_NOT_FOUND = "没有找到该自评任务。"
TASK_CANCELLED = "该任务已撤销，不能再操作。"
REASON_REQUIRED = "请填写{action}理由。"
EXTEND_NOT_LATER = "新的截止日期须晚于原截止日期（{deadline}）。"
UNIT_NOT_IN_TASK = "该单位不在此任务中。"
NOT_IN_TASK = "本单位没有这项自评任务。"
TEMPLATE_NOT_IN_TASK = "此任务不要求填报这种表样。"
ALREADY_HANDED_IN = "该表{status}，无需催报。"
NO_FORM = "该单位尚未填报，没有可{action}的自评表。"
FILE_NOT_FOUND = "没有找到该附件（可能已被删除），请刷新页面。"
NO_FILE = "请选择要上传的文件。"
ROW_NOT_FOUND = "没有找到该项（可能已不在您的范围内），请刷新页面。"

ISSUED = "{issuer}下达自评任务“{title}”{number}：请于{deadline}前填报{year}年度{templates}。"
EXTENDED = "自评任务“{title}”的截止日期延至{deadline}。理由：{reason}"
CANCELLED = "自评任务“{title}”已撤销。理由：{reason}"
REMIND_BEFORE = (
    "【催报】自评任务“{title}”：请于{deadline}前提交{year}年度{templates}（还剩 {days} 天）。"
)
REMIND_AFTER = (
    "【催报】自评任务“{title}”已于{deadline}截止，{year}年度{templates}尚未提交，请尽快提交。"
)
REMIND_MANUAL = "【催报】{year}年度{template}尚未提交（截止日期{deadline}），请尽快填报提交。"


class TaskError(Exception):
    """A refused action, with a message for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _preparers(unit_ids) -> list:
    return list(
        get_user_model()
        .objects.filter(
            membership__role=Membership.Role.PREPARER,
            membership__unit_id__in=list(unit_ids),
            is_active=True,
        )
        .select_related("membership")
    )


def notify_users(*, users, text: str, evaluation: Evaluation | None = None) -> None:
    """In-app notices and one mail once the transaction has committed, as notify_transition does."""
    text = text[:300]
    Notification.objects.bulk_create(
        Notification(recipient=u, evaluation=evaluation, text=text) for u in users
    )
    emails = [u.email for u in users if u.email]
    if emails:
        # robust: a mail server that is down is logged, and never undoes the change.
        transaction.on_commit(
            lambda: send_mail(f"绩效自评：{text[:60]}", text, None, emails), robust=True
        )


def _templates_text(codes) -> str:
    return "、".join(f"“{get_template(c).name}”" for c in codes)


def _lock_task(user, task_id) -> Task:
    if not is_reviewer(user):
        raise TaskError(NOT_REVIEWER)
    q = region_scope_q(user, "region__")
    try:
        task = (
            Task.objects.filter(q)
            .select_for_update(of=("self",))
            .select_related("year")
            .get(pk=task_id)
        )
    except Task.DoesNotExist:
        raise TaskError(TASK_NOT_FOUND) from None
    if task.status != Task.Status.OPEN:
        raise TaskError(TASK_CANCELLED)
    return task


@transaction.atomic
def task_issue(
    *,
    user,
    year: Year,
    units: list[Unit] | None,
    templates: list[str],
    deadline: date,
    title: str,
    notice_number: str = "",
    notice_text: str = "",
    lock_after_deadline: bool = False,
    reminder_days: str = "3,1",
    today: date,
    files=(),
) -> Task:
    """Issue a task to `units` (None: every budget unit in the reviewer's scope) and tell them.
    `files` (uploads: the 通知 and its annexes) are checked first; one refused issues nothing."""
    if not is_reviewer(user):
        raise TaskError(NOT_REVIEWER)
    checked = [(upload, _inspect(upload)) for upload in files or ()]
    if year.closed:
        raise TaskError(YEAR_CLOSED.format(year=year.year))
    if not templates:
        raise TaskError(NO_TEMPLATES)
    for code in templates:
        if code not in TEMPLATES:
            raise TaskError(UNKNOWN_TEMPLATE.format(code=code))
    if deadline < today:
        raise TaskError(DEADLINE_PAST.format(today=today.isoformat()))
    try:
        days = parse_reminder_days(reminder_days)
    except ValueError:
        raise TaskError(BAD_REMINDER_DAYS) from None
    scope = list(units_in_scope(user))
    if units is None:
        chosen = scope
    else:
        allowed = {u.pk for u in scope}
        if any(u.pk not in allowed for u in units):
            raise TaskError(UNITS_OUT_OF_SCOPE)
        chosen = list(units)
    if not chosen:
        raise TaskError(NO_UNITS)

    member = membership_of(user)
    task = Task.objects.create(
        year=year,
        region=member.unit.region,
        issuer_unit=member.unit,
        issued_by=user,
        title=title.strip() or f"{year.year}年度绩效自评",
        notice_number=notice_number.strip(),
        notice_text=notice_text.strip(),
        templates=list(dict.fromkeys(templates)),
        deadline=deadline,
        lock_after_deadline=lock_after_deadline,
        reminder_days=",".join(str(d) for d in days),
    )
    TaskUnit.objects.bulk_create(TaskUnit(task=task, unit=u) for u in chosen)
    detail = (
        f"下达给{len(chosen)}个单位：{_templates_text(task.templates)}，截止{deadline.isoformat()}"
        f"{'，截止后锁定' if lock_after_deadline else ''}"
    )
    TaskLog.objects.create(task=task, actor=user, action=TaskLog.Action.ISSUE, detail=detail[:300])
    _store_files(task=task, user=user, checked=checked)
    text = ISSUED.format(
        issuer=member.unit.name,
        title=task.title,
        number=f"（{task.notice_number}）" if task.notice_number else "",
        deadline=deadline.isoformat(),
        year=year.year,
        templates=_templates_text(task.templates),
    )
    notify_users(users=_preparers(u.pk for u in chosen), text=text)
    return task


def _inspect(upload) -> attachments.Inspected:
    try:
        return attachments.inspect(
            upload,
            name=upload.name or "",
            size=upload.size,
            max_size=settings.ATTACHMENT_MAX_BYTES,
            allowed=attachments.ALL_TYPES,
        )
    except attachments.AttachmentRefused as refused:
        raise TaskError(refused.message) from None


def _store_files(*, task, user, checked) -> list[TaskAttachment]:
    """Save checked uploads through the storage API under random names (the uploaded name is kept
    only as text), each logged. Should anything fail, the files stored so far are removed."""
    stored, saved = [], []
    try:
        for upload, inspected in checked:
            item = TaskAttachment(task=task)
            item.put(upload, inspected, user)
            stored.append((item.file.storage, item.file.name))
            item.save()
            TaskLog.objects.create(
                task=task,
                actor=user,
                action=TaskLog.Action.FILE_ADD,
                detail=f"{item.original_name}（{attachments.format_size(item.size)}）"[:300],
            )
            saved.append(item)
    except Exception:
        for storage, name in stored:
            storage.delete(name)
        raise
    return saved


@transaction.atomic
def task_file_add(*, user, task_id: int, upload) -> TaskAttachment:
    """Attach a file to an open task (a reviewer in scope); refused files change nothing."""
    task = _lock_task(user, task_id)
    if upload is None:
        raise TaskError(NO_FILE)
    checked = [(upload, _inspect(upload))]
    return _store_files(task=task, user=user, checked=checked)[0]


@transaction.atomic
def task_file_delete(*, user, task_id: int, file_id: int) -> None:
    """Remove a file from an open task; the task's record keeps its name."""
    task = _lock_task(user, task_id)
    try:
        item = task.files.get(pk=file_id)
    except TaskAttachment.DoesNotExist:
        raise TaskError(FILE_NOT_FOUND) from None
    storage, name = item.file.storage, item.file.name
    TaskLog.objects.create(
        task=task, actor=user, action=TaskLog.Action.FILE_DELETE, detail=item.original_name
    )
    item.delete()
    transaction.on_commit(lambda: storage.delete(name))


def task_file_downloaded(*, user, item: TaskAttachment) -> None:
    """Note a download in the task's record (the view has checked the user may see the task)."""
    member = membership_of(user)
    TaskLog.objects.create(
        task_id=item.task_id,
        actor=user,
        action=TaskLog.Action.FILE_DOWNLOAD,
        unit=member.unit if member else None,
        detail=item.original_name,
    )


@transaction.atomic
def task_extend(
    *, user, task_id: int, deadline: date, reason: str, unit_id: int | None = None
) -> Task:
    """Move the deadline of one unit (`unit_id`) or of the whole task later, with a reason."""
    task = _lock_task(user, task_id)
    reason = reason.strip()
    if not reason:
        raise TaskError(REASON_REQUIRED.format(action="延期"))
    if unit_id is not None:
        try:
            tu = task.task_units.select_related("unit").get(unit_id=unit_id)
        except TaskUnit.DoesNotExist:
            raise TaskError(UNIT_NOT_IN_TASK) from None
        old = tu.effective_deadline
        if deadline <= old:
            raise TaskError(EXTEND_NOT_LATER.format(deadline=old.isoformat()))
        tu.deadline = deadline
        tu.save(update_fields=["deadline"])
        affected = [tu.unit_id]
        detail = f"{tu.unit.name}：截止日期由{old.isoformat()}延至{deadline.isoformat()}"
    else:
        old = task.deadline
        if deadline <= old:
            raise TaskError(EXTEND_NOT_LATER.format(deadline=old.isoformat()))
        task.deadline = deadline
        task.save(update_fields=["deadline"])
        # A unit extended alone beyond the new date keeps its later date.
        task.task_units.filter(deadline__lte=deadline).update(deadline=None)
        affected = list(task.task_units.filter(deadline=None).values_list("unit_id", flat=True))
        detail = f"全部单位：截止日期由{old.isoformat()}延至{deadline.isoformat()}"
    TaskLog.objects.create(
        task=task,
        actor=user,
        action=TaskLog.Action.EXTEND,
        unit_id=unit_id,
        detail=detail[:300],
        reason=reason,
    )
    text = EXTENDED.format(title=task.title, deadline=deadline.isoformat(), reason=reason)
    notify_users(users=_preparers(affected), text=text)
    return task


@transaction.atomic
def task_cancel(*, user, task_id: int, reason: str) -> Task:
    task = _lock_task(user, task_id)
    reason = reason.strip()
    if not reason:
        raise TaskError(REASON_REQUIRED.format(action="撤销"))
    task.status = Task.Status.CANCELLED
    task.save(update_fields=["status"])
    TaskLog.objects.create(
        task=task, actor=user, action=TaskLog.Action.CANCEL, detail="撤销任务", reason=reason
    )
    unit_ids = task.task_units.values_list("unit_id", flat=True)
    notify_users(users=_preparers(unit_ids), text=CANCELLED.format(title=task.title, reason=reason))
    return task


# -- the unit's side -----------------------------------------------------------------------------


@transaction.atomic
def task_form_open(*, user, task_id: int, template: str, today: date) -> Evaluation:
    """The unit's form of a task's template: the existing one, or a new draft created through
    evaluation_create, pre-filled from last year's form of the same template where there is one."""
    member = membership_of(user)
    if member is None or member.role != Membership.Role.PREPARER:
        raise TaskError(NOT_IN_TASK)
    try:
        tu = TaskUnit.objects.select_related("task__year", "unit").get(
            task_id=task_id, unit_id=member.unit_id, task__status=Task.Status.OPEN
        )
    except TaskUnit.DoesNotExist:
        raise TaskError(NOT_IN_TASK) from None
    if template not in tu.task.templates:
        raise TaskError(TEMPLATE_NOT_IN_TASK)
    year = tu.task.year
    existing = (
        Evaluation.objects.filter(unit=tu.unit, year=year, template=template).order_by("pk").first()
    )
    if existing is not None:
        return existing
    previous = last_year_form(tu.unit, year, template)
    try:
        return evaluation_services.evaluation_create(
            user=user,
            unit=tu.unit,
            year=year,
            template_code=template,
            project_name=previous.project_name if previous else get_template(template).title,
            copy_from=previous,
            today=today,
        )
    except evaluation_services.EvaluationError as e:
        raise TaskError(e.message) from None


# -- reminders -----------------------------------------------------------------------------------


def reminder_kind(deadline: date, today: date, days: list[int]) -> tuple[str, int] | None:
    """Which reminder is due today: the day after the deadline (and later, once) "after", before
    it the nearest of the configured days already reached ("before-N"); None when none is."""
    if today > deadline:
        return f"after:{deadline.isoformat()}", 0
    left = (deadline - today).days
    reached = [n for n in days if left <= n]
    if not reached:
        return None
    n = min(reached)
    return f"before-{n}:{deadline.isoformat()}", left


def send_reminders(*, today: date) -> list[Reminder]:
    """For every open task, remind each unit whose required forms are not yet submitted or
    approved, a few days before its deadline and after it. Each (task, unit, kind) is sent once:
    the Reminder row is unique, so running twice, or two runs at once, never doubles a reminder.
    Returns the reminders sent."""
    sent = []
    tasks = Task.objects.filter(status=Task.Status.OPEN).select_related("year")
    for task in tasks:
        task_units = list(task.task_units.select_related("unit"))
        done = set(
            Evaluation.objects.filter(
                year_id=task.year_id,
                unit_id__in=[tu.unit_id for tu in task_units],
                status__in=board.DONE,
            ).values_list("unit_id", "template")
        )
        preparers: dict[int, list] = {}
        for u in _preparers(tu.unit_id for tu in task_units):
            preparers.setdefault(u.membership.unit_id, []).append(u)
        for tu in task_units:
            missing = [c for c in task.templates if (tu.unit_id, c) not in done]
            if not missing:
                continue
            due = reminder_kind(tu.effective_deadline, today, task.reminder_day_list)
            if due is None:
                continue
            kind, days_left = due
            template = REMIND_AFTER if kind.startswith("after") else REMIND_BEFORE
            text = template.format(
                title=task.title,
                deadline=tu.effective_deadline.isoformat(),
                year=task.year.year,
                templates=_templates_text(missing),
                days=days_left,
            )[:300]
            try:
                with transaction.atomic():
                    reminder = Reminder.objects.create(
                        task=task, unit=tu.unit, kind=kind, text=text
                    )
                    notify_users(users=preparers.get(tu.unit_id, []), text=text)
            except IntegrityError:
                continue  # sent before
            sent.append(reminder)
    return sent


# -- the board's bulk actions --------------------------------------------------------------------


@dataclass
class BulkResult:
    label: str
    ok: bool
    message: str


BULK_ACTIONS = {"approve": "通过", "return": "退回", "remind": "催报"}


def bulk_action(*, user, action: str, keys: list[str], reason: str = "") -> list[BulkResult]:
    """Apply 通过 / 退回 / 催报 to each selected board row, each in its own transaction through the
    same checks as the single action; a refusal leaves that row unchanged and says why."""
    parsed = [board.parse_key(k) for k in keys]
    scope = region_scope_q(user, "unit__region__")
    task_units = {}
    if scope is not None:
        ids = [p[0] for p in parsed if p]
        task_units = {
            tu.pk: tu
            for tu in TaskUnit.objects.filter(scope, pk__in=ids).select_related(
                "task__year", "unit"
            )
        }
    forms = {
        ev.pk: ev
        for ev in Evaluation.objects.filter(pk__in=[p[2] for p in parsed if p and p[2]]).only(
            "pk", "project_name", "unit_id"
        )
    }
    results = []
    for number, p in enumerate(parsed, start=1):
        tu = task_units.get(p[0]) if p else None
        if tu is None or p[1] not in tu.task.templates:
            results.append(BulkResult(f"第{number}项", False, ROW_NOT_FOUND))
            continue
        _, code, ev_id = p
        ev = forms.get(ev_id) if ev_id else None
        if ev is not None and ev.unit_id != tu.unit_id:
            results.append(BulkResult(f"第{number}项", False, ROW_NOT_FOUND))
            continue
        label = f"{tu.unit.name} · {get_template(code).name}"
        if ev is not None:
            label += f" · {ev.project_name}"
        results.append(_bulk_one(user, action, tu, code, ev, label, reason))
    return results


def _bulk_one(user, action, tu, code, ev, label, reason) -> BulkResult:
    if action == "remind":
        try:
            task_remind(user=user, task_unit=tu, template=code)
        except TaskError as e:
            return BulkResult(label, False, e.message)
        return BulkResult(label, True, "已催报。")
    if ev is None:
        return BulkResult(label, False, NO_FORM.format(action=BULK_ACTIONS[action]))
    try:
        evaluation_services.evaluation_transition(
            evaluation_id=ev.pk, user=user, action=action, reason=reason
        )
    except evaluation_services.EvaluationError as e:
        return BulkResult(label, False, e.message)
    return BulkResult(label, True, TRANSITIONS[action].done)


@transaction.atomic
def task_remind(*, user, task_unit: TaskUnit, template: str) -> None:
    """催报 by a reviewer: tell the unit's preparers a required form is still missing."""
    if not is_reviewer(user):
        raise TaskError(NOT_REVIEWER)
    task = task_unit.task
    if task.status != Task.Status.OPEN:
        raise TaskError(TASK_CANCELLED)
    forms = Evaluation.objects.filter(
        unit_id=task_unit.unit_id, year_id=task.year_id, template=template
    )
    handed_in = forms.filter(status__in=board.DONE).first()
    if handed_in is not None:
        raise TaskError(ALREADY_HANDED_IN.format(status=handed_in.get_status_display()))
    text = REMIND_MANUAL.format(
        year=task.year.year,
        template=f"“{get_template(template).name}”",
        deadline=task_unit.effective_deadline.isoformat(),
    )
    notify_users(users=_preparers([task_unit.unit_id]), text=text, evaluation=forms.first())
