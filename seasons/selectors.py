"""Reads for the season: a unit's tasks, the deadline lock, and the status board's rows (a fixed
number of queries however many units and forms there are)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import caches
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from evaluations.history import diff, snapshot
from evaluations.models import Evaluation, Region, Submission, TransitionLog, Unit
from evaluations.permissions import region_scope_q
from evaluations.selectors import (
    SCORE_FIELDS,
    forms_with_lines,
    known_scores,
    score_forms,
    stored_warnings,
)
from evaluations.templates_def import get_template

from . import board, extensions
from .models import Task, TaskUnit

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
    return _lock_message(
        _covering_task_units(evaluation.unit_id, evaluation.year_id, evaluation.template), today
    )


def _lock_message(covering: list[TaskUnit], today: date) -> str | None:
    """The lock of a form whose open tasks are `covering` (see `deadline_lock_for`), or None."""
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
    # Every form of the unit for a template asked, not only the first (several 项目支出 forms).
    forms: dict[tuple[int, str], list[Evaluation]] = defaultdict(list)
    for ev in Evaluation.objects.filter(unit=unit, year_id__in=year_ids).order_by("pk"):
        forms[(ev.year_id, ev.template)].append(ev)
    # Every open task of the unit is here, so each form's covering tasks are too: the lock shown
    # is the one a save would meet.
    covering: dict[tuple[int, str], list[TaskUnit]] = defaultdict(list)
    for tu in task_units:
        for code in tu.task.templates:
            covering[(tu.task.year_id, code)].append(tu)
    result = []
    for tu in task_units:
        deadline = tu.effective_deadline
        entry = UnitTask(task=tu.task, task_unit=tu, deadline=deadline)
        for code in tu.task.templates:
            for ev in forms.get((tu.task.year_id, code)) or [None]:
                status = ev.status if ev else board.MISSING
                overdue = board.overdue_days(deadline, today, status) > 0
                lock = overdue and _lock_message(covering[(tu.task.year_id, code)], today)
                entry.items.append(
                    TaskItem(
                        template=code,
                        template_name=get_template(code).name,
                        evaluation=ev,
                        status=status,
                        countdown=board.countdown(deadline, today, status),
                        overdue=overdue,
                        locked=lock or "",
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


# The columns of a form the board reads for every row; the figures are worked out from them for
# the rows shown only (board_figures).
FORM_FIELDS = ("unit_id", "status", "project_name", "submitted_at", *SCORE_FIELDS)


def board_rows(
    user, *, year: int, region: Region | None = None, today: date, figures: bool = True
) -> list[board.Row]:
    """One row per unit × required form of the open tasks of `year` within the user's scope
    (narrowed to `region` and below): every form of that unit, year and template, or one 未填报
    row where there is none.

    Every row is read, as plain columns (no model instances), for the totals, the filters and
    the order; `figures=False` leaves each form's score, grade and changes to `board_figures`,
    so a page works them out for the rows it shows only. Three queries."""
    scope = region_scope_q(user, "unit__region__")
    if scope is None:
        return []
    tasks = {
        t.pk: t
        for t in Task.objects.filter(year__year=year, status=Task.Status.OPEN).only(
            "pk", "templates", "deadline"
        )
    }
    task_units = TaskUnit.objects.filter(
        scope, task__year__year=year, task__status=Task.Status.OPEN
    ).order_by("task_id", "pk")
    forms = Evaluation.objects.filter(scope, year__year=year)
    if region is not None:
        task_units = task_units.filter(region.subtree_q("unit__region__"))
        forms = forms.filter(region.subtree_q("unit__region__"))
    # Figures per unit from apps beside seasons (the overdue 整改 of followup), folded into this
    # query as subqueries so they cost the board no query of their own.
    figures_asked = extensions.unit_figures()
    task_units = task_units.annotate(
        **{f"figure_{f.key}": f.expression(today) for f in figures_asked}
    )
    task_units = list(
        task_units.values_list(
            "pk",
            "task_id",
            "deadline",
            "unit_id",
            "unit__name",
            "unit__region__name",
            *(f"figure_{f.key}" for f in figures_asked),
        )
    )
    if not task_units:
        return []
    last_approval = (
        TransitionLog.objects.filter(evaluation=OuterRef("pk"), action="approve")
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    forms = forms.annotate(approved_at=Subquery(last_approval)).order_by("pk")
    by_unit_template: dict[tuple[int, str], list] = {}
    for form in forms.values_list(*FORM_FIELDS, "approved_at", named=True):
        by_unit_template.setdefault((form.unit_id, form.template), []).append(form)

    rows, seen = [], set()
    for tu_id, task_id, tu_deadline, unit_id, unit_name, region_name, *counts in task_units:
        task = tasks[task_id]
        unit_notes = tuple(
            f.label.format(n) for f, n in zip(figures_asked, counts, strict=True) if n
        )
        deadline = tu_deadline or task.deadline
        for code in task.templates:
            if (unit_id, code) in seen:  # asked for twice by two tasks: shown once
                continue
            seen.add((unit_id, code))
            common = {
                "task_id": task_id,
                "task_unit_id": tu_id,
                "unit_id": unit_id,
                "unit_name": unit_name,
                "region_name": region_name,
                "template": code,
                "template_name": get_template(code).name,
                "deadline": deadline,
                "unit_notes": unit_notes,
            }
            matching = by_unit_template.get((unit_id, code))
            if not matching:
                overdue = board.overdue_days(deadline, today, board.MISSING)
                rows.append(board.Row(**common, status=board.MISSING, overdue_days=overdue))
                continue
            for form in matching:
                approved = form.status == Evaluation.Status.APPROVED
                rows.append(
                    board.Row(
                        **common,
                        status=form.status,
                        evaluation_id=form.pk,
                        project_name=form.project_name,
                        version=form.version,
                        submitted_at=form.submitted_at,
                        approved_at=form.approved_at,
                        changes=0 if approved else None,
                        overdue_days=board.overdue_days(deadline, today, form.status),
                        form=form,
                    )
                )
    if figures:
        board_figures(rows)
    return rows


def board_figures(rows: list[board.Row]) -> None:
    """Fill in the score and grade (scored templates) and the fields changed since the last
    approval (forms approved once and reopened since) of the rows still without them: the rows
    of the page shown, or every row where the order or the Excel export needs them.

    Handed-in forms carry their scores (evaluations.selectors.known_scores, as the summaries
    read them); the other scores and the changes depend only on the form's version, so each is
    worked out once per version and cached. The forms still to work out are loaded with their
    lines once (three or four queries, one more for the approved versions) however many."""
    pending = [row for row in rows if row.form is not None]
    if not pending:
        return
    scores, to_score = known_scores(row.form for row in pending)
    warnings = stored_warnings(row.form for row in pending)
    reopened = {
        row.evaluation_id: row
        for row in pending
        if row.approved_at is not None and row.status != Evaluation.Status.APPROVED
    }
    keys = {pk: _changes_key(row.form) for pk, row in reopened.items()}
    cached = caches["figures"].get_many(keys.values()) if keys else {}
    changes = {pk: cached[key] for pk, key in keys.items() if key in cached}
    to_diff = [pk for pk in reopened if pk not in changes]
    if to_score or to_diff:
        loaded = {ev.pk: ev for ev in forms_with_lines({*to_score, *to_diff})}
        scores.update(score_forms(loaded[pk] for pk in to_score if pk in loaded))
        approved_at = {pk: reopened[pk].approved_at for pk in to_diff}
        changes.update(_changes([loaded[pk] for pk in to_diff if pk in loaded], approved_at))
    for row in pending:
        row.score, row.grade = scores.get(row.evaluation_id, (None, ""))
        row.warning = warnings.get(row.evaluation_id, "")
        if row.evaluation_id in reopened:
            row.changes = changes.get(row.evaluation_id)
        row.form = None


# Bumped when the diff changes meaning, so cached counts of changes are not reused.
CHANGES_VERSION = 1


def _changes_key(form) -> str:
    # A form's version rises with every save and move; created_at tells apart two forms that
    # got the same id in turn (a deleted form's id reused).
    stamp = f"{form.pk}:v{form.version}:{form.created_at.timestamp()}"
    return f"season-changes:{CHANGES_VERSION}:{stamp}"


def _changes(forms: list[Evaluation], approved_at: dict) -> dict[int, int | None]:
    """The number of fields changed since the last approval of forms loaded with their lines
    (one query for their submitted versions); None where no submitted version precedes the
    approval. Each cached by form and version."""
    if not forms:
        return {}
    approved_content = {}
    subs = Submission.objects.filter(evaluation_id__in=[ev.pk for ev in forms]).order_by(
        "created_at", "pk"
    )
    for sub in subs:
        if sub.created_at <= approved_at[sub.evaluation_id]:
            approved_content[sub.evaluation_id] = sub.content
    result = {}
    for ev in forms:
        content = approved_content.get(ev.pk)
        result[ev.pk] = len(diff(content, snapshot(ev))) if content is not None else None
    caches["figures"].set_many(
        {_changes_key(ev): result[ev.pk] for ev in forms}, timeout=7 * 24 * 3600
    )
    return result


# -- 应报 / 已报 / 逾期: one definition for the board, the task pages and the summaries -------------


@dataclass
class Progress:
    """Where a scope stands on the open tasks of a year, counted per unit × template asked for
    (a unit with no form yet included; a template asked twice by two tasks counted once)."""

    due: int = 0  # 应报
    handed_in: int = 0  # 已报: at least one form of that unit and template submitted or approved
    overdue: int = 0  # 逾期: not handed in, and past a deadline of a task asking for it
    overdue_units: int = 0  # units with at least one overdue template

    def merge(self, other: Progress) -> None:
        self.due += other.due
        self.handed_in += other.handed_in
        self.overdue += other.overdue
        self.overdue_units += other.overdue_units


def tasks_asking(*, year: int, task: Task | None = None) -> dict[str, list[int]]:
    """Each template the open tasks of `year` (or `task` alone) ask for, with those tasks' ids."""
    asked: dict[str, list[int]] = defaultdict(list)
    tasks = Task.objects.filter(year__year=year, status=Task.Status.OPEN)
    if task is not None:
        tasks = tasks.filter(pk=task.pk)
    for pk, templates in tasks.values_list("pk", "templates"):
        for code in templates:
            asked[code].append(pk)
    return dict(asked)


def task_progress(
    user,
    *,
    year: int,
    today: date,
    region: Region | None = None,
    units: Q | None = None,
    task: Task | None = None,
    by: str | None = None,
    asked: dict[str, list[int]] | None = None,
) -> dict:
    """应报 / 已报 / 逾期 of the open tasks of `year` within the user's scope (narrowed to
    `region` and below, and to `units`, a Q on Unit), summed in the database: one query,
    however many units. `by` ("unit_id", "unit__region__path") groups the counts; the result
    maps each group (None when not grouped) to its Progress; `task` counts that task alone.
    `asked` (from `tasks_asking`) spares reading the tasks again for a second count."""
    scope = region_scope_q(user, "unit__region__")
    if scope is None:
        return {}
    if asked is None:
        asked = tasks_asking(year=year, task=task)
    if not asked:
        return {}
    task_ids = sorted({pk for ids in asked.values() for pk in ids})
    task_units = TaskUnit.objects.filter(scope, task_id__in=task_ids)
    if region is not None:
        task_units = task_units.filter(region.subtree_q("unit__region__"))
    if units is not None:
        task_units = task_units.filter(unit__in=Unit.objects.filter(units).values("pk"))
    done = [Evaluation.Status.SUBMITTED, Evaluation.Status.APPROVED]
    annotations = {
        f"handed_{i}": Exists(
            Evaluation.objects.filter(
                unit_id=OuterRef("unit_id"), year__year=year, template=code, status__in=done
            )
        )
        for i, code in enumerate(asked)
    }
    task_units = task_units.annotate(
        **annotations, effective=Coalesce("deadline", "task__deadline")
    )
    past = Q(effective__lt=today)
    aggregates, any_overdue = {}, Q(pk__in=[])
    for i, task_ids in enumerate(asked.values()):
        covers = Q(task_id__in=task_ids)
        handed, not_handed = Q(**{f"handed_{i}": True}), Q(**{f"handed_{i}": False})
        aggregates[f"due_{i}"] = Count("unit_id", distinct=True, filter=covers)
        aggregates[f"in_{i}"] = Count("unit_id", distinct=True, filter=covers & handed)
        aggregates[f"late_{i}"] = Count("unit_id", distinct=True, filter=covers & not_handed & past)
        any_overdue |= covers & not_handed & past
    aggregates["late_units"] = Count("unit_id", distinct=True, filter=any_overdue)

    def progress(r) -> Progress:
        n = range(len(asked))
        return Progress(
            due=sum(r[f"due_{i}"] for i in n),
            handed_in=sum(r[f"in_{i}"] for i in n),
            overdue=sum(r[f"late_{i}"] for i in n),
            overdue_units=r["late_units"],
        )

    if by is None:
        return {None: progress(task_units.aggregate(**aggregates))}
    rows = task_units.order_by().values(by).annotate(**aggregates)
    return {r[by]: progress(r) for r in rows}


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
