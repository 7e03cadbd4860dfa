"""Reads for the season: a unit's tasks, the deadline lock, and the status board's rows (a fixed
number of queries however many units and forms there are)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from evaluations.history import diff, snapshot
from evaluations.models import (
    Evaluation,
    FundLine,
    IndicatorLine,
    Region,
    Submission,
    TransitionLog,
    Unit,
)
from evaluations.scoring import evaluation_score
from evaluations.templates_def import get_template

from . import board
from .models import Task, TaskUnit
from .permissions import region_scope_q

# The message a locked form shows on save or submit (kept here so tests can assert it).
DEADLINE_LOCKED = "已过截止日期（{deadline}），请联系审核人延期"


def _covering_task_units(unit_id: int, year_id: int, template: str) -> list[TaskUnit]:
    task_units = TaskUnit.objects.filter(
        unit_id=unit_id, task__year_id=year_id, task__status=Task.Status.OPEN
    ).select_related("task")
    return [tu for tu in task_units if template in tu.task.templates]


def deadline_lock_for(evaluation: Evaluation, today: date) -> str | None:
    """Why a draft or returned form may no longer be saved or submitted, or None.

    A form is locked when every open task asking its unit for its template locks after the
    deadline and that (possibly extended) deadline has passed; an extension lifts the lock.
    """
    if evaluation.status not in Evaluation.EDITABLE_STATUSES:
        return None
    covering = _covering_task_units(evaluation.unit_id, evaluation.year_id, evaluation.template)
    if not covering:
        return None
    if any(not tu.task.lock_after_deadline or today <= tu.effective_deadline for tu in covering):
        return None
    latest = max(tu.effective_deadline for tu in covering)
    return DEADLINE_LOCKED.format(deadline=latest.isoformat())


# -- a unit's tasks (the preparer's home) --------------------------------------------------------


@dataclass
class TaskItem:
    template: str
    template_name: str
    evaluation: Evaluation | None
    status: str
    countdown: str
    overdue: bool


@dataclass
class UnitTask:
    task: Task
    task_unit: TaskUnit
    deadline: date
    items: list[TaskItem] = field(default_factory=list)


def unit_tasks(unit: Unit, today: date) -> list[UnitTask]:
    """The open tasks issued to `unit`, each with the forms it asks for and where they stand."""
    task_units = list(
        TaskUnit.objects.filter(unit=unit, task__status=Task.Status.OPEN)
        .select_related("task__year", "task__issuer_unit")
        .order_by("-task__year__year", "task__deadline", "task__pk")
    )
    year_ids = {tu.task.year_id for tu in task_units}
    forms: dict[tuple[int, str], Evaluation] = {}
    for ev in Evaluation.objects.filter(unit=unit, year_id__in=year_ids).order_by("pk"):
        forms.setdefault((ev.year_id, ev.template), ev)
    result = []
    for tu in task_units:
        deadline = tu.effective_deadline
        entry = UnitTask(task=tu.task, task_unit=tu, deadline=deadline)
        for code in tu.task.templates:
            ev = forms.get((tu.task.year_id, code))
            status = ev.status if ev else board.MISSING
            entry.items.append(
                TaskItem(
                    template=code,
                    template_name=get_template(code).name,
                    evaluation=ev,
                    status=status,
                    countdown=board.countdown(deadline, today, status),
                    overdue=board.overdue_days(deadline, today, status) > 0,
                )
            )
        result.append(entry)
    return result


def last_year_form(unit: Unit, year, template: str) -> Evaluation | None:
    """The unit's form of the same template one year earlier, to pre-fill a new draft."""
    return (
        Evaluation.objects.filter(unit=unit, year__year=year.year - 1, template=template)
        .order_by("-pk")
        .first()
    )


# -- the status board ----------------------------------------------------------------------------


def board_regions(user) -> list[Region]:
    q = region_scope_q(user)
    return list(Region.objects.filter(q)) if q is not None else []


def board_rows(user, *, year: int, region: Region | None = None, today: date) -> list[board.Row]:
    """One row per unit × required form of the open tasks of `year` within the user's scope
    (narrowed to `region` and below): every form of that unit, year and template, or one 未填报
    row where there is none."""
    scope = region_scope_q(user, "unit__region__")
    if scope is None:
        return []
    task_units = TaskUnit.objects.filter(
        scope, task__year__year=year, task__status=Task.Status.OPEN
    ).select_related("task", "unit__region").order_by("task__pk", "pk")
    forms = Evaluation.objects.filter(scope, year__year=year)
    if region is not None:
        task_units = task_units.filter(region.subtree_q("unit__region__"))
        forms = forms.filter(region.subtree_q("unit__region__"))
    task_units = list(task_units)
    if not task_units:
        return []
    forms = list(
        forms.order_by("pk").prefetch_related(
            Prefetch("fund_lines", queryset=FundLine.objects.order_by("order")),
            Prefetch("indicator_lines", queryset=IndicatorLine.objects.order_by("order", "pk")),
        )
    )
    by_unit_template: dict[tuple[int, str], list[Evaluation]] = {}
    for ev in forms:
        by_unit_template.setdefault((ev.unit_id, ev.template), []).append(ev)

    approved_at = dict(
        TransitionLog.objects.filter(action="approve", evaluation__in=[ev.pk for ev in forms])
        .order_by("created_at", "pk")
        .values_list("evaluation_id", "created_at")
    )  # the last approval of each form wins
    reopened = [
        ev.pk for ev in forms if ev.pk in approved_at and ev.status != Evaluation.Status.APPROVED
    ]
    approved_content = {}
    if reopened:
        for sub in Submission.objects.filter(evaluation_id__in=reopened).order_by(
            "created_at", "pk"
        ):
            if sub.created_at <= approved_at[sub.evaluation_id]:
                approved_content[sub.evaluation_id] = sub.content

    rows, seen = [], set()
    for tu in task_units:
        deadline = tu.effective_deadline
        for code in tu.task.templates:
            if (tu.unit_id, code) in seen:  # asked for twice by two tasks: shown once
                continue
            seen.add((tu.unit_id, code))
            t = get_template(code)
            common = {
                "task_id": tu.task_id,
                "task_unit_id": tu.pk,
                "unit_id": tu.unit_id,
                "unit_name": tu.unit.name,
                "region_name": tu.unit.region.name,
                "template": code,
                "template_name": t.name,
                "deadline": deadline,
            }
            matching = by_unit_template.get((tu.unit_id, code))
            if not matching:
                rows.append(
                    board.Row(
                        **common,
                        status=board.MISSING,
                        overdue_days=board.overdue_days(deadline, today, board.MISSING),
                    )
                )
                continue
            for ev in matching:
                rows.append(_form_row(common, ev, approved_at, approved_content, deadline, today))
    return rows


def _form_row(common, ev, approved_at, approved_content, deadline, today) -> board.Row:
    changes = None
    if ev.pk in approved_at:
        if ev.status == Evaluation.Status.APPROVED:
            changes = 0
        elif ev.pk in approved_content:
            changes = len(diff(approved_content[ev.pk], snapshot(ev)))
    score = grade = None
    if ev.template_def.scored:
        s = evaluation_score(ev)
        score, grade = s.total, s.grade
    return board.Row(
        **common,
        status=ev.status,
        evaluation_id=ev.pk,
        project_name=ev.project_name,
        version=ev.version,
        submitted_at=ev.submitted_at,
        approved_at=approved_at.get(ev.pk),
        changes=changes,
        score=score,
        grade=grade or "",
        overdue_days=board.overdue_days(deadline, today, ev.status),
    )


def default_board_year(user) -> int | None:
    scope = region_scope_q(user, "unit__region__")
    if scope is None:
        return None
    tu = (
        TaskUnit.objects.filter(scope, task__status=Task.Status.OPEN)
        .order_by("-task__year__year")
        .values_list("task__year__year", flat=True)
        .first()
    )
    return tu or timezone.localdate().year
