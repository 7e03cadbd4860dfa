"""Reads for the season: a unit's tasks, the deadline lock, and the status board's rows (a fixed
number of queries however many units and forms there are)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.cache import caches
from django.db.models import Prefetch, prefetch_related_objects
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
    # 截止后锁定 has struck: the message the form shows on save, or "".
    locked: str = ""


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
        .prefetch_related("task__files")
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
            overdue = board.overdue_days(deadline, today, status) > 0
            locked = (
                DEADLINE_LOCKED.format(deadline=deadline.isoformat())
                if overdue and tu.task.lock_after_deadline
                else ""
            )
            entry.items.append(
                TaskItem(
                    template=code,
                    template_name=get_template(code).name,
                    evaluation=ev,
                    status=status,
                    countdown=board.countdown(deadline, today, status),
                    overdue=overdue,
                    locked=locked,
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
    tasks = {
        t.pk: t
        for t in Task.objects.filter(year__year=year, status=Task.Status.OPEN).only(
            "pk", "templates", "deadline"
        )
    }
    task_units = (
        TaskUnit.objects.filter(scope, task__year__year=year, task__status=Task.Status.OPEN)
        .select_related("unit__region")
        .only("pk", "task_id", "deadline", "unit__name", "unit__region__name")
        .order_by("task_id", "pk")
    )
    forms = Evaluation.objects.filter(scope, year__year=year)
    if region is not None:
        task_units = task_units.filter(region.subtree_q("unit__region__"))
        forms = forms.filter(region.subtree_q("unit__region__"))
    task_units = list(task_units)
    if not task_units:
        return []
    forms = list(forms.order_by("pk"))
    by_unit_template: dict[tuple[int, str], list[Evaluation]] = {}
    for ev in forms:
        by_unit_template.setdefault((ev.unit_id, ev.template), []).append(ev)
    approved_at = dict(
        TransitionLog.objects.filter(action="approve", evaluation__in=[ev.pk for ev in forms])
        .order_by("created_at", "pk")
        .values_list("evaluation_id", "created_at")
    )  # the last approval of each form wins
    figures = _figures(forms, approved_at)

    rows, seen = [], set()
    for tu in task_units:
        task = tasks[tu.task_id]
        deadline = tu.deadline or task.deadline
        for code in task.templates:
            if (tu.unit_id, code) in seen:  # asked for twice by two tasks: shown once
                continue
            seen.add((tu.unit_id, code))
            common = {
                "task_id": tu.task_id,
                "task_unit_id": tu.pk,
                "unit_id": tu.unit_id,
                "unit_name": tu.unit.name,
                "region_name": tu.unit.region.name,
                "template": code,
                "template_name": get_template(code).name,
                "deadline": deadline,
            }
            matching = by_unit_template.get((tu.unit_id, code))
            if not matching:
                overdue = board.overdue_days(deadline, today, board.MISSING)
                rows.append(board.Row(**common, status=board.MISSING, overdue_days=overdue))
                continue
            for ev in matching:
                score, grade, changes = figures.get(ev.pk, (None, "", None))
                rows.append(
                    board.Row(
                        **common,
                        status=ev.status,
                        evaluation_id=ev.pk,
                        project_name=ev.project_name,
                        version=ev.version,
                        submitted_at=ev.submitted_at,
                        approved_at=approved_at.get(ev.pk),
                        changes=0 if ev.status == Evaluation.Status.APPROVED else changes,
                        score=score,
                        grade=grade,
                        overdue_days=board.overdue_days(deadline, today, ev.status),
                    )
                )
    return rows


# Bumped when scoring or the diff changes meaning, so cached figures are not reused.
FIGURES_VERSION = 1


def _stamp(ev: Evaluation) -> str:
    # A form's version rises with every save and move; created_at tells apart two forms that
    # got the same id in turn (a deleted form's id reused).
    return f"{ev.version}:{ev.created_at.timestamp()}"


def _figures(forms: list[Evaluation], approved_at: dict) -> dict[int, tuple]:
    """(score, grade, changes since the last approval) of the forms that have any: scored
    templates, and forms approved once and reopened since.

    They depend only on the form's version, so each is computed once per version and cached —
    in one entry per year (a local-memory cache culls entries by count, which thousands of
    per-form entries would defeat); lines are fetched only for forms not cached (two queries)."""
    wanted = [
        ev
        for ev in forms
        if ev.template_def.scored
        or (ev.pk in approved_at and ev.status != Evaluation.Status.APPROVED)
    ]
    if not wanted:
        return {}
    key = f"season-board:{FIGURES_VERSION}:{wanted[0].year_id}"
    cached = caches["figures"].get(key) or {}
    result, missing = {}, []
    for ev in wanted:
        stamp, figures = cached.get(ev.pk, (None, None))
        if stamp == _stamp(ev):
            result[ev.pk] = figures
        else:
            missing.append(ev)
    if not missing:
        return result
    prefetch_related_objects(
        missing,
        Prefetch("fund_lines", queryset=FundLine.objects.order_by("order")),
        Prefetch("indicator_lines", queryset=IndicatorLine.objects.order_by("order", "pk")),
    )
    reopened = [ev.pk for ev in missing if ev.pk in approved_at]
    approved_content = {}
    if reopened:
        subs = Submission.objects.filter(evaluation_id__in=reopened).order_by("created_at", "pk")
        for sub in subs:
            if sub.created_at <= approved_at[sub.evaluation_id]:
                approved_content[sub.evaluation_id] = sub.content
    for ev in missing:
        score, grade, changes = None, "", None
        if ev.template_def.scored:
            s = evaluation_score(ev)
            score, grade = s.total, s.grade
        if ev.pk in approved_content:
            changes = len(diff(approved_content[ev.pk], snapshot(ev)))
        result[ev.pk] = (score, grade, changes)
        cached[ev.pk] = (_stamp(ev), result[ev.pk])
    caches["figures"].set(key, cached, timeout=7 * 24 * 3600)
    return result


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
