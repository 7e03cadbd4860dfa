"""The reads behind a region's summary page, each a fixed number of queries.

`region_summary` answers with the same handful of queries whatever the number of units, forms
or lines: counts are aggregated in the database (one GROUP BY per table), and the Python work —
the indicator roll-up and the scores of 项目支出 forms — runs over rows fetched in one query
each (handed-in forms carry their stored scores, others are cached by form version; the forms
still to score are loaded with their lines and fund rows prefetched, three queries however many
there are: evaluations.selectors.form_scores, which the status board shares)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from functools import reduce
from operator import or_

from django.db.models import Count, Exists, IntegerField, Max, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from evaluations.models import Evaluation, FundLine, IndicatorLine, Region, Unit, Year
from evaluations.permissions import region_scope_q, visible_evaluations
from evaluations.scoring import RULES
from evaluations.selectors import SCORE_FIELDS, form_scores, stored_warnings
from evaluations.templates_def import TEMPLATES
from seasons.selectors import Progress, task_progress, tasks_asking

from .models import (
    FiguresYear,
    RegionFigures,
    RegionIndicatorFigures,
    UnitFigures,
    UnitIndicatorFigures,
)
from .permissions import summary_regions, summary_units_q
from .rollup import LineValue, Part, Rollup, combine, roll_up, roll_up_parts

Status = Evaluation.Status
STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED)
GRADES = ("优", "良", "中", "差")
WARNINGS = ("red", "yellow")  # 预警 of the region's scoring rules

# Which forms the money, score and indicator figures count. Status counts always count every form.
BASIS = {
    "handed_in": ("已提交和已审核的表", (Status.SUBMITTED, Status.APPROVED)),
    "approved": ("仅已审核的表", (Status.APPROVED,)),
}
DEFAULT_BASIS = "handed_in"


@dataclass
class Money:
    """全年预算数 and 全年执行数 summed over forms that have both; 执行率 from the sums."""

    budget: Decimal = Decimal(0)
    actual: Decimal = Decimal(0)
    forms: int = 0
    missing: int = 0  # forms counted that lack one of the two amounts

    def add(self, budget: Decimal | None, actual: Decimal | None) -> None:
        if budget is None or actual is None:
            self.missing += 1
            return
        self.budget += budget
        self.actual += actual
        self.forms += 1

    def merge(self, other: Money) -> None:
        self.budget += other.budget
        self.actual += other.actual
        self.forms += other.forms
        self.missing += other.missing

    @property
    def rate(self) -> Decimal | None:
        return self.actual / self.budget if self.budget else None


@dataclass
class Scores:
    """Totals and grades of scored (项目支出) forms: count, sum, lowest and highest, whether
    added form by form (`totals` lists them then) or read as a unit's stored figures."""

    totals: list[Decimal] = field(default_factory=list)
    grades: Counter = field(default_factory=Counter)
    count: int = 0
    sum: Decimal = Decimal(0)
    lowest: Decimal | None = None
    highest: Decimal | None = None
    # 预警 of the region's scoring rules, "red" / "yellow" → number of forms (stored figures).
    warnings: Counter = field(default_factory=Counter)

    def add(self, total: Decimal, grade: str) -> None:
        self.totals.append(total)
        self.add_figures(1, total, total, total, {grade: 1})

    def add_figures(self, count: int, total_sum, lowest, highest, grades: dict) -> None:
        if not count:
            return
        self.count += count
        self.sum += total_sum
        self.lowest = lowest if self.lowest is None else min(self.lowest, lowest)
        self.highest = highest if self.highest is None else max(self.highest, highest)
        self.grades.update(grades)

    def merge(self, other: Scores) -> None:
        self.totals += other.totals
        self.add_figures(other.count, other.sum, other.lowest, other.highest, other.grades)
        self.warnings.update(other.warnings)

    @property
    def average(self) -> Decimal | None:
        if not self.count:
            return None
        return (self.sum / self.count).quantize(Decimal("0.01"))


@dataclass
class Row:
    """One unit, one child region, or the whole region: counts, money and scores."""

    label: str
    region_name: str = ""
    unit: Unit | None = None
    region: Region | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    overdue_open: int = 0  # 逾期未交: past the deadline, still draft or returned
    overdue_late: int = 0  # 逾期提交: handed in after the deadline
    units: int = 0
    overdue_units: int = 0
    money: Money = field(default_factory=Money)
    scores: Scores = field(default_factory=Scores)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def merge(self, other: Row) -> None:
        for status, n in other.counts.items():
            self.counts[status] += n
        self.overdue_open += other.overdue_open
        self.overdue_late += other.overdue_late
        self.units += other.units
        self.overdue_units += other.overdue_units
        self.money.merge(other.money)
        self.scores.merge(other.scores)


@dataclass
class RegionSummary:
    region: Region
    year: Year
    basis: str
    today: object
    units: list[Row]
    children: list[Row]
    total: Row
    indicators: list[Rollup]
    # 应报 / 已报 / 逾期 of the year's open tasks (seasons.selectors.task_progress).
    progress: Progress = field(default_factory=Progress)
    unit_count: int = 0  # units in the region, on every page
    page: int = 1  # `units` holds this page of UNITS_PER_PAGE units
    pages: int = 1

    @property
    def basis_label(self) -> str:
        return BASIS[self.basis][0]

    @property
    def past_deadline(self) -> bool:
        return bool(self.year.deadline and self.today > self.year.deadline)


def late_after(deadline) -> datetime:
    """The first moment that counts as handed in late: midnight after the deadline, local time
    (the same day boundary as evaluations.selectors.overdue_label)."""
    return timezone.make_aware(datetime.combine(deadline + timedelta(days=1), time.min))


def region_forms(user, region: Region, year: Year) -> QuerySet[Evaluation]:
    """The user's visible forms of the year in the region and every region below it."""
    return visible_evaluations(user).filter(year=year).filter(region.subtree_q("unit__region__"))


def _total_row_q() -> Q:
    """The 年度资金总额 row of each template (a template names its own total row; a 部门整体 form
    has no funds block and no such row)."""
    return reduce(
        or_,
        (
            Q(evaluation__template=t.code, row_key=t.total_fund_row.key)
            for t in TEMPLATES.values()
            if t.total_fund_row is not None
        ),
    )


def _scored_templates() -> list[str]:
    # The 项目支出 forms: a 部门整体 form's score rests on its 基础数据表 and is not comparable.
    return [t.code for t in TEMPLATES.values() if t.scored and t.basic_data is None]


def _status_counts(forms: QuerySet[Evaluation], year: Year, today) -> dict[int, dict]:
    aggregates = {s: Count("pk", filter=Q(status=s)) for s in STATUSES}
    if year.deadline is not None:
        aggregates["late"] = Count("pk", filter=Q(submitted_at__gte=late_after(year.deadline)))
        if today > year.deadline:
            open_ = Q(status__in=Evaluation.EDITABLE_STATUSES)
            aggregates["open_overdue"] = Count("pk", filter=open_)
    rows = forms.order_by().values("unit_id").annotate(**aggregates)
    return {r["unit_id"]: r for r in rows}


UNITS_PER_PAGE = 100


def region_summary(
    user,
    region: Region,
    year: Year,
    *,
    basis: str = DEFAULT_BASIS,
    today=None,
    page: int | None = 1,
) -> RegionSummary:
    """Everything the summary page of `region` shows, within the user's scope: one row per unit
    (`page`: the units of that page, UNITS_PER_PAGE each, in the order of the list; None: all),
    one per child region the user may open (plus the region's own 本级 units), and the total.

    Read from the units' stored figures (`UnitFigures`, a few rows per unit, however many forms
    and lines lie beneath) where the year's are kept and current: the page's units, and the
    figures summed per region in the database, so the reads grow with what the page shows, not
    with the region. Otherwise read from the forms, as before."""
    today = today or timezone.localdate()
    if figures_current(year):
        return _summary_from_figures(user, region, year, basis=basis, today=today, page=page)
    summary = _summary_from_forms(user, region, year, basis=basis, today=today)
    summary.unit_count = len(summary.units)
    summary.pages = max(1, -(-summary.unit_count // UNITS_PER_PAGE))
    if page is not None:
        summary.page = min(max(page, 1), summary.pages)
        start = (summary.page - 1) * UNITS_PER_PAGE
        summary.units = summary.units[start : start + UNITS_PER_PAGE]
    return summary


def _count_progress(summary: RegionSummary, user) -> None:
    """应报 / 已报 / 逾期 (逾期未交 and its units) as the status board and the task pages count
    them: per unit × template of the year's open tasks, units with no form yet included
    (seasons.selectors.task_progress, summed in the database per region beneath and for the
    page's units: two queries)."""
    region, year, today = summary.region, summary.year.year, summary.today
    units = summary_units_q(user, region)
    asked = tasks_asking(year=year)
    by_path = task_progress(
        user,
        year=year,
        today=today,
        region=region,
        units=units,
        by="unit__region__path",
        asked=asked,
    )
    summary.progress = Progress()
    for part in by_path.values():
        summary.progress.merge(part)
    summary.total.overdue_open = summary.progress.overdue
    summary.total.overdue_units = summary.progress.overdue_units
    for child in summary.children:
        child.overdue_open = child.overdue_units = 0
    own = summary.children[-1] if summary.children else None
    for path, part in by_path.items():
        target = next((c for c in summary.children[:-1] if path.startswith(c.region.path)), own)
        if target is not None:
            target.overdue_open += part.overdue
            target.overdue_units += part.overdue_units
    shown = [row.unit.pk for row in summary.units if row.unit is not None]
    by_unit = {}
    if shown and asked:
        by_unit = task_progress(
            user, year=year, today=today, units=Q(pk__in=shown), by="unit_id", asked=asked
        )
    for row in summary.units:
        part = by_unit.get(row.unit.pk if row.unit else None, Progress())
        row.overdue_open, row.overdue_units = part.overdue, part.overdue_units


def _summary_from_forms(user, region: Region, year: Year, *, basis: str, today) -> RegionSummary:
    forms = region_forms(user, region, year)
    counted = forms.filter(status__in=BASIS[basis][1])

    units = list(
        Unit.objects.filter(summary_units_q(user, region))
        .filter(Q(kind=Unit.Kind.BUDGET) | Q(pk__in=forms.values("unit_id")))
        .select_related("region")
        .order_by("region__path", "name")
    )
    rows = {u.pk: Row(u.name, region_name=u.region.name, unit=u, units=1) for u in units}

    for unit_id, r in _status_counts(forms, year, today).items():
        row = rows.get(unit_id)
        if row is None:  # defensive: a form's unit is always among the units in scope
            continue
        for s in STATUSES:
            row.counts[s] = r[s]
        row.overdue_late = r.get("late", 0)
        row.overdue_open = r.get("open_overdue", 0)
        row.overdue_units = 1 if row.overdue_open else 0

    funds: dict[int, Decimal | None] = {}
    money_rows = (
        FundLine.objects.filter(_total_row_q(), evaluation__in=counted)
        .values_list("evaluation_id", "evaluation__unit_id", "budget", "actual")
        .order_by()
    )
    for evaluation_id, unit_id, budget, actual in money_rows:
        funds[evaluation_id] = budget
        if unit_id in rows:
            rows[unit_id].money.add(budget, actual)

    heads = list(
        counted.filter(template__in=_scored_templates()).values_list(
            "unit_id", *SCORE_FIELDS, named=True
        )
    )
    scores = form_scores(heads)
    warnings = stored_warnings(heads)
    for head in heads:
        if head.pk in scores and head.unit_id in rows:
            rows[head.unit_id].scores.add(*scores[head.pk])
        if head.pk in warnings and head.unit_id in rows:
            rows[head.unit_id].scores.warnings[warnings[head.pk]] += 1

    lines = IndicatorLine.objects.filter(evaluation__in=counted).values_list(
        "evaluation_id", "evaluation__unit_id", "level3", "target", "actual"
    )
    indicators = roll_up(
        LineValue(name, target, actual, funds.get(ev_id), unit_id, ev_id)
        for ev_id, unit_id, name, target, actual in lines.order_by()
    )

    summary = _assemble(user, region, year, basis, today, rows, indicators)
    _count_progress(summary, user)
    return summary


def _assemble(
    user, region, year, basis, today, rows: dict[int, Row], indicators, by_region=None
) -> RegionSummary:
    """The child regions' rows and the total, from rows of the units or, `by_region`, of the
    regions beneath ((region path, row) pairs)."""
    if by_region is None:
        by_region = [(r.unit.region.path, r) for r in rows.values()]
    reachable = summary_regions(user).filter(parent=region).order_by("name")
    children = [Row(c.name, region=c) for c in reachable]
    own = Row(f"{region.name}本级", region=region)
    for path, part in by_region:
        target = next((c for c in children if path.startswith(c.region.path)), own)
        target.merge(part)
    total = Row(region.name, region=region)
    for _, part in by_region:
        total.merge(part)

    return RegionSummary(
        region=region,
        year=year,
        basis=basis,
        today=today,
        units=list(rows.values()),
        children=[*children, own] if children else [],
        total=total,
        indicators=indicators,
    )


# -- the units' stored figures ------------------------------------------------------------------

HANDED_IN = (
    Status.SUBMITTED,
    Status.APPROVED,
)  # every basis counts money, scores and lines of these


def figures_current(year: Year) -> bool:
    """The year's unit figures are kept, and were built under its deadline and today's rules
    (no query where the year was read with `select_related("summary_figures")`)."""
    try:
        kept = year.summary_figures
    except FiguresYear.DoesNotExist:
        return False
    return (kept.deadline, kept.rules) == (year.deadline, RULES)


def unit_figures(
    unit_ids: list[int], year: Year
) -> tuple[list[UnitFigures], list[UnitIndicatorFigures]]:
    """The figures of the units' forms of the year (unsaved rows), read from the forms as
    `_summary_from_forms` reads them: a fixed number of queries for any number of units."""
    forms = Evaluation.objects.filter(year=year, unit_id__in=unit_ids)
    aggregates = {"forms": Count("pk")}
    if year.deadline is not None:
        aggregates["late"] = Count("pk", filter=Q(submitted_at__gte=late_after(year.deadline)))
    figures = {
        (r["unit_id"], r["status"]): UnitFigures(
            unit_id=r["unit_id"],
            year=year,
            status=r["status"],
            forms=r["forms"],
            late=r.get("late", 0),
            grades={},
            warnings={},
        )
        for r in forms.order_by().values("unit_id", "status").annotate(**aggregates)
    }
    handed_in = forms.filter(status__in=HANDED_IN)

    funds: dict[int, Decimal | None] = {}
    money_rows = (
        FundLine.objects.filter(_total_row_q(), evaluation__in=handed_in)
        .values_list(
            "evaluation_id", "evaluation__unit_id", "evaluation__status", "budget", "actual"
        )
        .order_by()
    )
    for evaluation_id, unit_id, status, budget, actual in money_rows:
        funds[evaluation_id] = budget
        f = figures[(unit_id, status)]
        if budget is None or actual is None:
            f.money_missing += 1
        else:
            f.budget += budget
            f.actual += actual
            f.money_forms += 1

    heads = list(
        handed_in.filter(template__in=_scored_templates()).values_list(
            "unit_id", "status", *SCORE_FIELDS, named=True
        )
    )
    scores = form_scores(heads)
    warnings = stored_warnings(heads)
    for head in heads:
        if head.pk in warnings:
            f = figures[(head.unit_id, head.status)]
            f.warnings[warnings[head.pk]] = f.warnings.get(warnings[head.pk], 0) + 1
        if head.pk not in scores:
            continue
        total, grade = scores[head.pk]
        f = figures[(head.unit_id, head.status)]
        f.scored += 1
        f.score_sum += total
        f.score_min = total if f.score_min is None else min(f.score_min, total)
        f.score_max = total if f.score_max is None else max(f.score_max, total)
        f.grades[grade] = f.grades.get(grade, 0) + 1

    lines: dict[tuple[int, str], list[LineValue]] = {}
    rows = IndicatorLine.objects.filter(evaluation__in=handed_in).values_list(
        "evaluation_id", "evaluation__unit_id", "evaluation__status", "level3", "target", "actual"
    )
    for ev_id, unit_id, status, name, target, actual in rows.order_by():
        lines.setdefault((unit_id, status), []).append(
            LineValue(name, target, actual, funds.get(ev_id), unit_id, ev_id)
        )
    indicators = [
        UnitIndicatorFigures(
            unit_id=unit_id,
            year=year,
            status=status,
            key=p.key,
            name=p.name,
            measure=p.measure,
            sum_target=p.sum_target,
            sum_actual=p.sum_actual,
            weights=p.weights,
            target_exp=p.sum_target.as_tuple().exponent,
            actual_exp=p.sum_actual.as_tuple().exponent,
            weights_exp=p.weights.as_tuple().exponent,
            lines=p.lines,
            forms=p.forms,
            skipped=p.skipped,
        )
        for (unit_id, status), unit_lines in lines.items()
        for p in roll_up_parts(unit_lines)
    ]
    return list(figures.values()), indicators


def _region_sums(statuses) -> dict:
    counted = Q(status__in=statuses)
    open_ = Q(status__in=Evaluation.EDITABLE_STATUSES)
    return {
        **{f"n_{s}": Sum("forms", filter=Q(status=s)) for s in STATUSES},
        "late_": Sum("late"),
        "open_forms_": Sum("forms", filter=open_),
        "open_units_": Count("unit_id", distinct=True, filter=open_),
        "budget_": Sum("budget", filter=counted),
        "actual_": Sum("actual", filter=counted),
        "money_forms_": Sum("money_forms", filter=counted),
        "money_missing_": Sum("money_missing", filter=counted),
        "scored_": Sum("scored", filter=counted),
        "score_sum_": Sum("score_sum", filter=counted),
        "score_min_": Min("score_min", filter=counted),
        "score_max_": Max("score_max", filter=counted),
        **{
            f"grade_{i}": Sum(Cast(KT(f"grades__{g}"), IntegerField()), filter=counted)
            for i, g in enumerate(GRADES)
        },
        **{
            f"warning_{w}": Sum(Cast(KT(f"warnings__{w}"), IntegerField()), filter=counted)
            for w in WARNINGS
        },
    }


_INDICATOR_SUMS = {
    "name_": Min("name"),
    "sum_target_": Sum("sum_target"),
    "sum_actual_": Sum("sum_actual"),
    "weights_": Sum("weights"),
    "target_exp_": Min("target_exp"),
    "actual_exp_": Min("actual_exp"),
    "weights_exp_": Min("weights_exp"),
    "lines_": Sum("lines"),
    "forms_": Sum("forms"),
    "skipped_": Sum("skipped"),
}


def region_figures(
    region_ids: list[int], year: Year
) -> tuple[list[RegionFigures], list[RegionIndicatorFigures]]:
    """The figures of the units directly in each region, summed from their `UnitFigures` per
    basis (unsaved rows): a fixed number of queries for any number of regions."""
    figures, indicators = [], []
    units = UnitFigures.objects.filter(year=year, unit__region_id__in=region_ids)
    lines = UnitIndicatorFigures.objects.filter(year=year, unit__region_id__in=region_ids)
    for basis, (_, statuses) in BASIS.items():
        for r in units.order_by().values("unit__region_id").annotate(**_region_sums(statuses)):
            figures.append(
                RegionFigures(
                    region_id=r["unit__region_id"],
                    year=year,
                    basis=basis,
                    counts={s: r[f"n_{s}"] or 0 for s in STATUSES},
                    late=r["late_"] or 0,
                    open_forms=r["open_forms_"] or 0,
                    open_units=r["open_units_"] or 0,
                    budget=r["budget_"] or 0,
                    actual=r["actual_"] or 0,
                    money_forms=r["money_forms_"] or 0,
                    money_missing=r["money_missing_"] or 0,
                    scored=r["scored_"] or 0,
                    score_sum=r["score_sum_"] or 0,
                    score_min=r["score_min_"],
                    score_max=r["score_max_"],
                    grades={g: r[f"grade_{i}"] for i, g in enumerate(GRADES) if r[f"grade_{i}"]},
                    warnings={w: r[f"warning_{w}"] for w in WARNINGS if r[f"warning_{w}"]},
                )
            )
        groups = (
            lines.filter(status__in=statuses)
            .order_by()
            .values("unit__region_id", "key", "measure")
            .annotate(
                **_INDICATOR_SUMS,
                units_=Count("unit_id", distinct=True, filter=Q(lines__gt=0)),
            )
        )
        for g in groups:
            indicators.append(
                RegionIndicatorFigures(
                    region_id=g["unit__region_id"],
                    year=year,
                    basis=basis,
                    key=g["key"],
                    name=g["name_"],
                    measure=g["measure"],
                    sum_target=g["sum_target_"],
                    sum_actual=g["sum_actual_"],
                    weights=g["weights_"],
                    target_exp=g["target_exp_"],
                    actual_exp=g["actual_exp_"],
                    weights_exp=g["weights_exp_"],
                    lines=g["lines_"],
                    forms=g["forms_"],
                    units=g["units_"],
                    skipped=g["skipped_"],
                )
            )
    return figures, indicators


def _exact(value: Decimal, exponent: int) -> Decimal:
    """A sum read back with the Decimal places it had when added up in Python."""
    return value.quantize(Decimal(1).scaleb(exponent))


def _summary_from_figures(
    user, region: Region, year: Year, *, basis: str, today, page: int | None
) -> RegionSummary:
    statuses = BASIS[basis][1]
    in_scope = Unit.objects.filter(summary_units_q(user, region))
    scope = region_scope_q(user, "unit__region__")
    if scope is None:  # no reviewer's or viewer's scope: nothing (the views refuse them anyway)
        scope = Q(pk__in=[])
    kept = UnitFigures.objects.filter(scope, year=year, unit__in=in_scope.values("pk"))
    # Budget units, and the few others that have forms (asked of those others only: a subquery
    # over every unit's figures would read the whole province's rows).
    others = in_scope.exclude(kind=Unit.Kind.BUDGET).filter(
        Exists(UnitFigures.objects.filter(year=year, unit=OuterRef("pk")))
    )
    listed = in_scope.filter(Q(kind=Unit.Kind.BUDGET) | Q(pk__in=others.values("pk")))
    overdue = year.deadline is not None and today > year.deadline

    # The regions beneath: units counted, and their figures, one row per region.
    regions: dict[str, Row] = {}
    for r in listed.order_by().values("region__path").annotate(n=Count("pk")):
        regions[r["region__path"]] = Row("", units=r["n"])
    region_scope = region_scope_q(user, "region__")
    if region_scope is None:
        region_scope = Q(pk__in=[])
    kept_regions = summary_units_q(user, region) & region_scope & Q(year=year, basis=basis)
    for f in RegionFigures.objects.filter(kept_regions).select_related("region"):
        row = regions.setdefault(f.region.path, Row(""))
        for s in STATUSES:
            row.counts[s] = f.counts.get(s, 0)
        row.overdue_late = f.late
        if overdue:
            row.overdue_open, row.overdue_units = f.open_forms, f.open_units
        row.money = Money(forms=f.money_forms, missing=f.money_missing)
        if f.money_forms:  # an empty sum stays Decimal(0), as the forms' reading has it
            row.money.budget, row.money.actual = f.budget, f.actual
        row.scores.add_figures(f.scored, f.score_sum, f.score_min, f.score_max, f.grades)
        row.scores.warnings.update(f.warnings)

    # The units of the page, each with its own figures.
    unit_count = sum(r.units for r in regions.values())
    pages = max(1, -(-unit_count // UNITS_PER_PAGE))
    shown = listed.select_related("region").order_by("region__path", "name")
    if page is not None:
        page = min(max(page, 1), pages)
        shown = shown[(page - 1) * UNITS_PER_PAGE : page * UNITS_PER_PAGE]
    units = list(shown)
    rows = {u.pk: Row(u.name, region_name=u.region.name, unit=u, units=1) for u in units}
    for f in kept.filter(unit_id__in=list(rows)).order_by():
        row = rows[f.unit_id]
        if f.status not in row.counts:
            continue
        row.counts[f.status] += f.forms
        row.overdue_late += f.late
        if overdue and f.status in Evaluation.EDITABLE_STATUSES:
            row.overdue_open += f.forms
            row.overdue_units = 1
        if f.status in statuses:
            if f.money_forms:
                row.money.budget += f.budget
                row.money.actual += f.actual
            row.money.forms += f.money_forms
            row.money.missing += f.money_missing
            row.scores.add_figures(f.scored, f.score_sum, f.score_min, f.score_max, f.grades)
            row.scores.warnings.update(f.warnings)

    parts = (
        RegionIndicatorFigures.objects.filter(kept_regions)
        .values("key", "measure")
        .annotate(**_INDICATOR_SUMS, units_=Sum("units"))
        .order_by()
    )
    indicators = combine(
        Part(
            key=p["key"],
            name=p["name_"],
            measure=p["measure"],
            sum_target=_exact(p["sum_target_"], p["target_exp_"]),
            sum_actual=_exact(p["sum_actual_"], p["actual_exp_"]),
            weights=_exact(p["weights_"], p["weights_exp_"]),
            lines=p["lines_"],
            forms=p["forms_"],
            units=p["units_"],
            skipped=p["skipped_"],
        )
        for p in parts
    )
    summary = _assemble(
        user, region, year, basis, today, rows, indicators, by_region=list(regions.items())
    )
    summary.unit_count, summary.page, summary.pages = unit_count, page or 1, pages
    _count_progress(summary, user)
    return summary


def region_breadcrumb(region: Region, reachable: QuerySet[Region]) -> list[Region]:
    """The region's ancestors the user may open, top down, ending with the region itself."""
    ids = [int(i) for i in region.path.strip("/").split("/") if i]
    found = {r.pk: r for r in reachable.filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


def approved_for_export(user, region: Region, year: Year) -> QuerySet[Evaluation]:
    """The approved forms a batch export of the region takes, in print order."""
    return (
        region_forms(user, region, year)
        .filter(status=Status.APPROVED)
        .order_by("unit__region__path", "unit__name", "project_name", "pk")
    )
