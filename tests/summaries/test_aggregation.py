"""The summary's figures against hand-worked numbers (see conftest.py for the region)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.cache import caches

from evaluations import services
from evaluations.models import Evaluation
from summaries.selectors import region_summary

S = Evaluation.Status
TODAY = date(2021, 6, 1)  # after the 2021-04-30 deadline


def rows_by_name(summary):
    return {r.label: r for r in summary.units}


def test_reviewer_sees_status_counts_and_overdue_per_unit(cast, region_forms):
    summary = region_summary(cast.reviewer, cast.regions.shule, cast.year, today=TODAY)
    rows = rows_by_name(summary)
    # Budget units of 疏勒县 only: the finance bureau fills no forms; 英吉沙县 is not ours.
    assert list(rows) == ["疏勒县医疗保障局", "疏勒县卫生健康委员会"]
    bureau, health = rows["疏勒县医疗保障局"], rows["疏勒县卫生健康委员会"]
    assert bureau.counts == {S.DRAFT: 1, S.SUBMITTED: 1, S.RETURNED: 0, S.APPROVED: 1}
    assert health.counts == {S.DRAFT: 0, S.SUBMITTED: 1, S.RETURNED: 0, S.APPROVED: 0}
    assert (bureau.overdue_open, bureau.overdue_late) == (1, 0)  # C is still a draft
    assert (health.overdue_open, health.overdue_late) == (0, 1)  # D came on 2021-05-03
    assert summary.total.total == 4 and summary.total.overdue_units == 1


def test_nothing_is_overdue_before_the_deadline(cast, region_forms):
    summary = region_summary(cast.reviewer, cast.regions.shule, cast.year, today=date(2021, 4, 1))
    assert summary.total.overdue_open == 0
    # Handed in late is a fact about the past, counted whatever today is.
    assert summary.total.overdue_late == 1


def test_budget_and_execution_per_unit_and_in_total(cast, region_forms):
    summary = region_summary(cast.reviewer, cast.regions.shule, cast.year, today=TODAY)
    rows = rows_by_name(summary)
    bureau, health = rows["疏勒县医疗保障局"].money, rows["疏勒县卫生健康委员会"].money
    # Handed in: A (100 / 80) and B (50 / 50); the draft C does not count.
    assert (bureau.budget, bureau.actual, bureau.forms) == (Decimal(150), Decimal(130), 2)
    assert bureau.rate.quantize(Decimal("0.0001")) == Decimal("0.8667")  # 130 / 150
    assert (health.budget, health.actual, health.rate) == (
        Decimal(200),
        Decimal(150),
        Decimal("0.75"),
    )
    total = summary.total.money
    assert (total.budget, total.actual) == (Decimal(350), Decimal(280))
    assert total.rate == Decimal("0.8")  # 280 / 350


def test_approved_basis_counts_only_approved_forms(cast, region_forms):
    summary = region_summary(
        cast.reviewer, cast.regions.shule, cast.year, basis="approved", today=TODAY
    )
    total = summary.total.money
    assert (total.budget, total.actual, total.rate) == (Decimal(100), Decimal(80), Decimal("0.8"))
    assert summary.total.scores.totals == [Decimal("93.00")]


def test_scores_and_grades_of_project_forms(cast, region_forms):
    summary = region_summary(cast.reviewer, cast.regions.shule, cast.year, today=TODAY)
    scores = summary.total.scores
    # A: 8 + 45 + 30 + 10 = 93.00 (优); B: 10 + 40 + 26.67 + 9.44 = 86.11 (良).
    assert sorted(scores.totals) == [Decimal("86.11"), Decimal("93.00")]
    assert dict(scores.grades) == {"优": 1, "良": 1}
    assert scores.average == Decimal("89.56")  # (93.00 + 86.11) / 2 = 89.555
    # Social-insurance forms carry no points and are not in the score figures.
    assert rows_by_name(summary)["疏勒县卫生健康委员会"].scores.count == 0


def test_indicators_roll_up_absolute_summed_relative_weighted_by_funds(cast, region_forms):
    summary = region_summary(cast.reviewer, cast.regions.shule, cast.year, today=TODAY)
    by_name = {r.name: r for r in summary.indicators}
    people = by_name["参保人数"]
    assert (people.measure, people.relative) == ("人", False)
    assert people.target == Decimal(3500)  # 1000 + 500 + 2000
    assert people.actual == Decimal(3100)  # 900 + 400 + 1800
    assert (people.lines, people.forms, people.units) == (3, 3, 2)
    aware = by_name["群众知晓率"]
    assert (aware.measure, aware.relative) == ("%", True)
    # Weighted by 全年预算数: (90×100 + 80×50 + 85×200) / (100 + 50 + 200) = 30000 / 350
    assert aware.actual.quantize(Decimal("0.01")) == Decimal("85.71")
    assert aware.target == Decimal(90)
    assert aware.method == "按资金额度加权平均"


def test_viewer_sees_the_prefecture_with_its_counties(cast, region_forms):
    summary = region_summary(cast.viewer, cast.regions.kashi, cast.year, today=TODAY)
    children = {r.label: r for r in summary.children}
    assert list(children) == ["疏勒县", "英吉沙县", "喀什地区本级"]
    assert children["疏勒县"].total == 4 and children["疏勒县"].units == 2
    assert children["英吉沙县"].counts[S.APPROVED] == 1
    assert children["喀什地区本级"].total == 0
    total = summary.total.money
    assert (total.budget, total.actual) == (Decimal(1350), Decimal(1280))  # + E's 1000 / 1000
    people = {r.name: r for r in summary.indicators}["参保人数"]
    assert people.actual == Decimal(3200)  # 900 + 400 + 1800 + 100
    aware = {r.name: r for r in summary.indicators}["群众知晓率"]
    # (9000 + 4000 + 17000 + 100×1000) / 1350 = 130000 / 1350 = 96.296…
    assert aware.actual.quantize(Decimal("0.01")) == Decimal("96.30")
    assert summary.total.scores.average == Decimal("93.04")  # (93 + 86.11 + 100) / 3 = 93.036…


def test_a_new_version_of_a_form_is_scored_anew(cast, region_forms):
    before = region_summary(cast.reviewer, cast.regions.shule, cast.year, today=TODAY)
    assert sorted(before.total.scores.totals) == [Decimal("86.11"), Decimal("93.00")]
    # B is returned, its 满意度 corrected to 90% and handed in again: a new version.
    b = region_forms.b
    b.indicator_lines.filter(level3="满意度").update(actual="90%")
    Evaluation.objects.filter(pk=b.pk).update(version=b.version + 2)
    after = region_summary(cast.reviewer, cast.regions.shule, cast.year, today=TODAY)
    # 10 + 40 + 26.67 + 10 = 86.67
    assert sorted(after.total.scores.totals) == [Decimal("86.67"), Decimal("93.00")]


def score_figures(summary):
    """Every score figure of the page: per unit, per child region and in total."""
    return [
        (
            row.label,
            sorted(row.scores.totals),
            dict(row.scores.grades),
            row.scores.average,
            row.scores.lowest,
            row.scores.highest,
        )
        for row in [*summary.units, *summary.children, summary.total]
    ]


def test_stored_scores_give_the_same_figures_as_scoring_every_form(cast, region_forms):
    # The fixture's forms were handed in without the service: nothing stored, all scored.
    computed = {
        basis: region_summary(cast.viewer, cast.regions.kashi, cast.year, basis=basis, today=TODAY)
        for basis in ("handed_in", "approved")
    }
    handed_in = Evaluation.objects.exclude(status__in=Evaluation.EDITABLE_STATUSES)
    for ev in handed_in:
        services.evaluation_figures_store(evaluation_id=ev.pk)
    assert handed_in.filter(stored_total__isnull=False).count() == 3  # A, B and E
    caches["figures"].clear()

    for basis, before in computed.items():
        after = region_summary(cast.viewer, cast.regions.kashi, cast.year, basis=basis, today=TODAY)
        assert score_figures(after) == score_figures(before)
    assert after.total.scores.totals == [Decimal("93.00"), Decimal("100.00")]  # approved: A, E


def test_scores_stored_under_other_scoring_rules_are_not_read(cast, region_forms):
    # A's figures as stored before the scoring rules changed: its page shows 93.00 today.
    Evaluation.objects.filter(pk=region_forms.a.pk).update(
        stored_total=Decimal("50.00"), stored_grade="差", stored_rules="0123456789ab"
    )
    summary = region_summary(cast.reviewer, cast.regions.shule, cast.year, today=TODAY)
    assert sorted(summary.total.scores.totals) == [Decimal("86.11"), Decimal("93.00")]
    assert dict(summary.total.scores.grades) == {"优": 1, "良": 1}
