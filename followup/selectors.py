"""The reads of the pages and exports after the self-evaluation: difference reports, overdue 整改,
the 结果应用建议表 and the 公开 summary, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch

from evaluations.models import Evaluation, Region, Unit, Year
from evaluations.permissions import membership_of
from evaluations.scoring import total_fund_amounts
from evaluations.selectors import form_scores, with_lines
from indicators.judgement import grade as grade_of

from .models import (
    RectificationItem,
    ResultDecision,
    ResultRule,
    Review,
    ReviewLine,
    Sample,
)
from .permissions import approved_forms, visible_rectifications, visible_reviews

# -- 复核 difference report ---------------------------------------------------------------------


@dataclass(frozen=True)
class UnitDifference:
    unit: str
    forms: int
    self_total: Decimal
    review_total: Decimal

    @property
    def gap(self) -> Decimal:
        return self.review_total - self.self_total


@dataclass(frozen=True)
class DifferenceReport:
    sample: Sample
    units: list[UnitDifference]
    region_self: Decimal
    region_review: Decimal
    lines: list[tuple[Review, ReviewLine]]  # the lines that differ most, largest gap first
    wide_gaps: list[Review]  # forms whose total gap exceeds the sample's set points

    @property
    def region_gap(self) -> Decimal:
        return self.region_review - self.region_self


def sample_reviews(sample: Sample):
    return (
        sample.reviews.select_related("evaluation__unit", "reviewer")
        .prefetch_related(Prefetch("lines", queryset=ReviewLine.objects.order_by("number")))
        .order_by("evaluation__unit__name", "evaluation__project_name")
    )


def difference_report(sample: Sample, *, most: int = 10) -> DifferenceReport:
    """Self vs 复核 totals per unit and for the region, over the finished 复核 of a sample."""
    done = [
        r for r in sample_reviews(sample) if r.status == Review.Status.DONE and r.gap is not None
    ]
    by_unit: dict[str, list[Review]] = {}
    for r in done:
        by_unit.setdefault(r.evaluation.unit.name, []).append(r)
    units = [
        UnitDifference(
            unit=name,
            forms=len(reviews),
            self_total=sum((r.self_total for r in reviews), Decimal(0)),
            review_total=sum((r.review_total for r in reviews), Decimal(0)),
        )
        for name, reviews in sorted(by_unit.items())
    ]
    lines = [(r, line) for r in done for line in r.lines.all() if line.gap]
    lines.sort(key=lambda pair: (-abs(pair[1].gap), pair[0].pk, pair[1].number))
    return DifferenceReport(
        sample=sample,
        units=units,
        region_self=sum((u.self_total for u in units), Decimal(0)),
        region_review=sum((u.review_total for u in units), Decimal(0)),
        lines=lines[:most],
        wide_gaps=[r for r in done if abs(r.gap) > sample.gap_points],
    )


# -- 整改 --------------------------------------------------------------------------------------


def rectification_items(user):
    """Every 整改 item the user may see, with its form, oldest deadline first."""
    return (
        RectificationItem.objects.filter(rectification__in=visible_rectifications(user))
        .select_related("rectification__evaluation__unit", "rectification__evaluation__year")
        .order_by("deadline", "pk")
    )


def overdue_items(user, today: date):
    """Items not yet accepted whose deadline has passed (the board and reminders show them)."""
    return (
        rectification_items(user)
        .filter(deadline__lt=today)
        .exclude(status=RectificationItem.Status.ACCEPTED)
    )


# -- 结果应用 ----------------------------------------------------------------------------------


def result_rules_for(region: Region) -> dict[str, ResultRule]:
    """{grade: rule} for a region: for each grade the nearest region's rule (own, then up)."""
    ids = [int(i) for i in region.path.strip("/").split("/") if i]
    depth = {pk: n for n, pk in enumerate(ids)}
    rules: dict[str, ResultRule] = {}
    for rule in ResultRule.objects.filter(region_id__in=ids).select_related("region"):
        best = rules.get(rule.grade)
        if best is None or depth[rule.region_id] > depth[best.region_id]:
            rules[rule.grade] = rule
    return rules


def describe_change(rule: ResultRule) -> str:
    if rule.change_from is None and rule.change_to is None:
        return rule.action

    def pct(d):
        return f"{d.normalize():f}%"

    if rule.change_to is None or rule.change_from == rule.change_to:
        change = pct(rule.change_from)
    else:
        change = f"{pct(rule.change_from)}至{pct(rule.change_to)}"
    return f"{rule.action}（预算调整{change}）"


@dataclass(frozen=True)
class ResultRow:
    evaluation: Evaluation
    amount: Decimal | None
    total: Decimal | None
    grade: str
    scored_by: str  # 自评 or 复核
    suggestion: str
    basis: str
    decision: str


def result_table(user, year: Year, region: Region) -> list[ResultRow]:
    """The 结果应用建议表: every approved project form of the region and year with the suggested
    next-year action for its grade (the 复核 total where the form was re-scored), with its basis."""
    forms = list(
        with_lines(
            approved_forms(user).filter(region.subtree_q("unit__region__"), year=year)
        ).order_by("unit__name", "project_name")
    )
    scores = form_scores(forms)
    reviews = {
        r.evaluation_id: r
        for r in Review.objects.filter(
            evaluation__in=[f.pk for f in forms], status=Review.Status.DONE
        ).order_by("completed_at")
    }
    decisions = dict(
        ResultDecision.objects.filter(evaluation__in=[f.pk for f in forms]).values_list(
            "evaluation_id", "decision"
        )
    )
    rules_by_region: dict[int, dict[str, ResultRule]] = {}
    rows = []
    for form in forms:
        if form.pk not in scores:
            continue  # a template without points has no grade to apply
        total, grade = scores[form.pk]
        scored_by = "自评"
        review = reviews.get(form.pk)
        if review is not None and review.review_total is not None:
            total, grade, scored_by = review.review_total, grade_of(review.review_total), "复核"
        region_id = form.unit.region_id
        if region_id not in rules_by_region:
            rules_by_region[region_id] = result_rules_for(form.unit.region)
        rule = rules_by_region[region_id].get(grade)
        budget, _ = total_fund_amounts(form.template_def, form.fund_lines.all())
        basis = f"{scored_by}得分{total.normalize():f}分，等级“{grade}”"
        if rule is not None:
            basis += f"；{rule.region.name}结果应用规则：{grade} → {describe_change(rule)}"
            if rule.source:
                basis += f"（{rule.source}）"
        rows.append(
            ResultRow(
                evaluation=form,
                amount=budget,
                total=total,
                grade=grade,
                scored_by=scored_by,
                suggestion=describe_change(rule) if rule is not None else "未设置规则",
                basis=basis,
                decision=decisions.get(form.pk, ""),
            )
        )
    return rows


def previous_decision(evaluation: Evaluation) -> ResultDecision | None:
    """The decision taken on the same project (unit, project name) from last year's form."""
    return (
        ResultDecision.objects.filter(
            evaluation__unit_id=evaluation.unit_id,
            evaluation__project_name=evaluation.project_name,
            evaluation__year__year__lt=evaluation.year.year,
        )
        .select_related("evaluation__year")
        .order_by("-evaluation__year__year")
        .first()
    )


# -- 公开 --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisclosureRow:
    project: str
    amount: Decimal | None
    total: Decimal | None
    grade: str


def disclosure_forms(user, unit: Unit, year: Year) -> list[Evaluation]:
    """A unit's approved forms of a year, as published (lines loaded)."""
    return list(
        with_lines(approved_forms(user).filter(unit=unit, year=year)).order_by("project_name")
    )


def disclosure_rows(forms: list[Evaluation]) -> list[DisclosureRow]:
    """The 自评结果公开汇总表: 项目名称, 金额, 自评得分, 等级."""
    scores = form_scores(forms)
    rows = []
    for form in forms:
        budget, _ = total_fund_amounts(form.template_def, form.fund_lines.all())
        total, grade = scores.get(form.pk, (None, ""))
        rows.append(DisclosureRow(form.project_name, budget, total, grade))
    return rows


def previous_decision_notes(evaluation: Evaluation) -> list[str]:
    """The sentence a form's page shows when its project had a 结果应用 decision in an earlier year
    (registered with evaluations.extensions.form_notes)."""
    decision = previous_decision(evaluation)
    if decision is None:
        return []
    year = decision.evaluation.year.year
    return [
        f"上年度结果应用：{year}年度自评后的决定为“{decision.decision}”（建议：{decision.suggestion}）。"
    ]


# -- the 复核 print variant ----------------------------------------------------------------------


def review_print_variant(evaluation: Evaluation, user):
    """The printed form with its 复核 (registered with evaluations.extensions as the "review" print
    variant): for finance and viewers who see a finished 复核 of the form, a function adding the
    复核得分 of each line beside 得分, the 复核 total and the 复核结论; None otherwise (units never
    print it: the 复核 is finance's). Where a form was re-scored in more than one sample, the
    latest finished 复核 is printed."""
    from dataclasses import replace

    from evaluations.exports.layout import ReviewPrint

    m = membership_of(user)
    if not user.is_superuser and (m is None or m.role == m.Role.PREPARER):
        return None
    review = (
        visible_reviews(user)
        .filter(evaluation_id=evaluation.pk, status=Review.Status.DONE)
        .order_by("-completed_at", "-pk")
        .prefetch_related("lines")
        .first()
    )
    if review is None:
        return None

    def transform(data):
        by_line = {line.line_id: line.review_score for line in review.lines.all()}
        line_ids = [line.pk for line in evaluation.indicator_lines.all()]
        lines = tuple(
            replace(line, review_score=by_line.get(pk))
            for line, pk in zip(data.lines, line_ids, strict=True)
        )
        return replace(
            data,
            lines=lines,
            review=ReviewPrint(total=review.review_total, conclusion=review.conclusion),
        )

    return transform


def overdue_count_per_unit(today: date):
    """The number of overdue 整改 items of the unit of an outer row's `unit_id` (an item not
    accepted by its deadline, as `overdue_items`), as a subquery: registered with
    seasons.extensions so the 填报进度 board counts them in the query it reads anyway."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    items = (
        RectificationItem.objects.filter(
            rectification__evaluation__unit_id=OuterRef("unit_id"), deadline__lt=today
        )
        .exclude(status=RectificationItem.Status.ACCEPTED)
        .order_by()
        .values("rectification__evaluation__unit_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(items, output_field=IntegerField()), 0)
