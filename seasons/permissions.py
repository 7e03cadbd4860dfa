"""Who may see and manage 自评任务, following evaluations/permissions.py.

A reviewer's scope is their finance unit's region (and the regions below where the unit
`reviews_subregions`); a viewer's is their region and below; a preparer sees the tasks issued to
their unit. Outside scope a task answers 404, a management action by another role 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from evaluations.models import Membership, Unit
from evaluations.permissions import membership_of, region_scope_q

from .models import Task, TaskLog, TaskUnit

Role = Membership.Role


def is_reviewer(user) -> bool:
    m = membership_of(user)
    return bool(m and m.role == Role.REVIEWER)


def units_in_scope(user) -> QuerySet[Unit]:
    """The budget units a reviewer may issue tasks to (and a viewer may follow)."""
    q = region_scope_q(user, "region__")
    if q is None:
        return Unit.objects.none()
    return (
        Unit.objects.filter(q, kind=Unit.Kind.BUDGET)
        .select_related("region")
        .order_by("region__path", "name")
    )


def visible_tasks(user) -> QuerySet[Task]:
    m = membership_of(user)
    if m is not None and m.role == Role.PREPARER:
        return Task.objects.filter(task_units__unit_id=m.unit_id)
    q = region_scope_q(user, "region__")
    if q is None:
        return Task.objects.none()
    return Task.objects.filter(q)


def get_task_for_user(user, pk, action: str = "view") -> Task:
    """Load a task: 404 outside the user's scope, 403 when `action` is "manage" and the user is
    not a reviewer."""
    try:
        task = visible_tasks(user).select_related("year", "region", "issuer_unit").get(pk=pk)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该自评任务。") from None
    if action == "manage" and not is_reviewer(user):
        raise PermissionDenied("只有财政部门的审核人可以下达、延期或撤销自评任务。")
    return task


def preparer_unit_id(user) -> int | None:
    """The unit of a preparer, who sees only their own part of a task; None for everyone else."""
    m = membership_of(user)
    return m.unit_id if m is not None and m.role == Role.PREPARER else None


def visible_task_units(user, task: Task) -> QuerySet[TaskUnit]:
    """A task's units as `user` may see them: a preparer their own unit's row only (another
    unit's extended deadline is that unit's business)."""
    rows = task.task_units.select_related("unit__region")
    unit_id = preparer_unit_id(user)
    return rows if unit_id is None else rows.filter(unit_id=unit_id)


def visible_task_logs(user, task: Task) -> QuerySet[TaskLog]:
    """A task's log as `user` may see it: a preparer the task-wide entries (issued, extended for
    all, cancelled, files added or removed) and their own unit's, never another unit's
    extension reason or anybody else's download."""
    logs = task.logs.select_related("actor", "unit")
    unit_id = preparer_unit_id(user)
    if unit_id is None:
        return logs
    task_wide = Q(unit__isnull=True) & ~Q(action=TaskLog.Action.FILE_DOWNLOAD)
    return logs.filter(task_wide | Q(unit_id=unit_id))
