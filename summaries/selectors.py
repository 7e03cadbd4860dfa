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

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from evaluations.models import Evaluation, FundLine, IndicatorLine, Region, Unit, Year
from evaluations.permissions import visible_evaluations
from evaluations.selectors import SCORE_FIELDS, form_scores, stored_warnings
from evaluations.templates_def import TEMPLATES

from .permissions import summary_regions, summary_units_q
from .rollup import LineValue, Rollup, roll_up

Status = Evaluation.Status
STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED)
GRADES = ("优", "良", "中", "差")

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
    """Totals and grades of scored (项目支出) forms."""

    totals: list[Decimal] = field(default_factory=list)
    grades: Counter = field(default_factory=Counter)
    # 预警 of the region's scoring rules, "red" / "yellow" → number of forms (stored figures).
    warnings: Counter = field(default_factory=Counter)

    def add(self, total: Decimal, grade: str) -> None:
        self.totals.append(total)
        self.grades[grade] += 1

    def merge(self, other: Scores) -> None:
        self.totals += other.totals
        self.grades.update(other.grades)
        self.warnings.update(other.warnings)

    @property
    def count(self) -> int:
        return len(self.totals)

    @property
    def average(self) -> Decimal | None:
        if not self.totals:
            return None
        return (sum(self.totals, Decimal(0)) / len(self.totals)).quantize(Decimal("0.01"))

    @property
    def lowest(self) -> Decimal | None:
        return min(self.totals) if self.totals else None

    @property
    def highest(self) -> Decimal | None:
        return max(self.totals) if self.totals else None


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


def region_summary(
    user, region: Region, year: Year, *, basis: str = DEFAULT_BASIS, today=None
) -> RegionSummary:
    """Everything the summary page of `region` shows, within the user's scope: one row per unit,
    one per child region the user may open (plus the region's own 本级 units), and the total."""
    today = today or timezone.localdate()
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

    reachable = summary_regions(user).filter(parent=region).order_by("name")
    children = [Row(c.name, region=c) for c in reachable]
    own = Row(f"{region.name}本级", region=region)
    for unit_row in rows.values():
        path = unit_row.unit.region.path
        target = next((c for c in children if path.startswith(c.region.path)), own)
        target.merge(unit_row)
    total = Row(region.name, region=region)
    for unit_row in rows.values():
        total.merge(unit_row)

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
