"""Writes of the edit page: a new form (blank or copied from an earlier year), the save of
everything the page holds, and the 评价年度 a form goes into."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record

from .. import changes, locks, partial
from ..history import diff, snapshot
from ..models import BasicDataLine, Evaluation, FundLine, IndicatorLine, Unit, Year, typed_places
from ..permissions import can_edit, membership_of
from ..scoring import basic_cells
from ..selectors import edit_scope
from ..templates_def import get_template
from .errors import (
    COPY_OTHER_TEMPLATE,
    DUPLICATE,
    NO_PERMISSION,
    NOT_EDITABLE,
    STALE,
    YEAR_CLOSED,
    EvaluationError,
    PartLocked,
    StaleEdit,
)


@dataclass(frozen=True)
class LineInput:
    """One indicator line as the edit page posts it; `id` is None for a new line."""

    id: int | None
    level1: str
    level2: str
    level3: str
    target: str
    actual: str = ""
    nature: str = ""
    measure_unit: str = ""
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
    # What the form holds beyond its template's cells, kept as the form has it.
    "signer_reviewer",
    "signer_reviewer_date",
    "footnote_text",
    "header_extra",
    "other_content",
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
                nature=line.nature,
                target=line.target,
                measure_unit=line.measure_unit,
                weight=line.weight,
                # The 分值 as typed last year (15.0 stays 15.0); the score is cleared.
                places={k: n for k, n in line.places.items() if k == "weight"},
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
        if name in evaluation.POINT_FIELDS and name in fields:
            evaluation.set_points(name, fields[name])
        elif name in fields:
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
            if name in IndicatorLine.POINT_FIELDS:
                line.set_points(name, getattr(data, name))
            else:
                setattr(line, name, getattr(data, name))
    kept_ids = {line.pk for line in keep}
    removed = [pk for pk in existing if pk not in kept_ids]
    if removed:
        IndicatorLine.objects.filter(pk__in=removed).delete()
    if keep:
        IndicatorLine.objects.bulk_update(keep, ["order", *LINE_FIELDS, "places"])
    if new:
        IndicatorLine.objects.bulk_create(new)
