"""抽评 and 复核: drawing a reproducible sample in scope, scoring line by line beside the
self-score with reasons, and the difference report."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from followup import services
from followup.models import Review, Sample
from followup.selectors import difference_report
from tests.evaluations.test_scoring_on_forms import login, text_of

D = Decimal
NINE = Decimal(9)


def draw(cast, method="random", **kw):
    return services.sample_draw(
        user=cast.reviewer, year=cast.year, region=cast.regions.shule, method=method, **kw
    )


def drawn(sample):
    return sorted(sample.reviews.values_list("evaluation_id", flat=True))


def test_a_random_sample_records_its_seed_and_draws_again_the_same(cast, approved):
    first = draw(cast, size=2)
    assert first.seed and len(drawn(first)) == 2
    again = draw(cast, size=2, seed=first.seed)
    assert drawn(again) == drawn(first)
    entry = AuditEvent.objects.filter(action="sample").latest("pk")
    assert entry.detail["seed"] == first.seed and entry.detail["forms"] == drawn(again)


def test_stratified_amount_and_hand_picked_samples(cast, approved):
    stratified = draw(cast, "stratified", size=1)
    units = {r.evaluation.unit_id for r in stratified.reviews.all()}
    assert units == {cast.bureau.pk, cast.health.pk}
    assert drawn(draw(cast, "amount", min_amount=D(300))) == sorted(
        [approved.system.pk, approved.health.pk]
    )
    assert drawn(draw(cast, "manual", picked=[approved.small.pk])) == [approved.small.pk]


def test_only_approved_forms_in_scope_are_drawn(cast, approved):
    with pytest.raises(services.FollowupError) as refused:
        services.sample_draw(
            user=cast.other_reviewer,
            year=cast.year,
            region=cast.regions.shule,
            method="random",
            size=3,
        )
    assert refused.value.message == services.REGION_OUTSIDE
    with pytest.raises(services.FollowupError) as refused:
        services.sample_draw(
            user=cast.preparer, year=cast.year, region=cast.regions.shule, method="random", size=1
        )
    assert refused.value.message == services.NOT_FINANCE
    assert Sample.objects.count() == 0


def rescore(
    cast, review, scores, *, reasons=None, budget=NINE, complete=True, conclusion="基本属实"
):
    lines = list(review.evaluation.indicator_lines.order_by("order"))
    return services.review_save(
        user=cast.reviewer,
        review_id=review.pk,
        lines=[
            services.LineReScore(line.pk, score, (reasons or {}).get(i, ""))
            for i, (line, score) in enumerate(zip(lines, scores, strict=True))
        ],
        budget_score=budget,
        conclusion=conclusion,
        complete=complete,
    )


def test_a_differing_line_needs_its_reason_before_the_review_is_complete(cast, approved):
    sample = draw(cast, "manual", picked=[approved.training.pk])
    review = sample.reviews.get()
    with pytest.raises(services.FollowupError) as refused:
        rescore(cast, review, [D(10), D(27), D(10)])
    assert refused.value.messages == [
        "第1行 培训人数：复核得分10分与自评得分16.00分不同，请填写差异理由。"
    ]
    # A draft always saves, reason or not.
    rescore(cast, review, [D(10), D(27), D(10)], complete=False)
    review.refresh_from_db()
    assert review.status == Review.Status.ASSIGNED and review.review_total == D(56)

    rescore(cast, review, [D(10), D(27), D(10)], reasons={0: "培训人数以签到表为准，实为50人"})
    review.refresh_from_db()
    assert review.status == Review.Status.DONE
    assert (review.self_total, review.review_total, review.gap) == (D(62), D(56), D(-6))


def test_the_difference_report_per_unit_and_region(cast, approved):
    sample = draw(cast, "manual", picked=[approved.training.pk, approved.health.pk])
    sample.gap_points = D(5)
    sample.save()
    training = sample.reviews.get(evaluation=approved.training)
    health = sample.reviews.get(evaluation=approved.health)
    rescore(cast, training, [D(10), D(27), D(10)], reasons={0: "签到表50人"})
    rescore(cast, health, [D(50), D(28), D(10)], reasons={1: "知晓率调查样本不足"}, budget=D(10))

    report = difference_report(sample)
    assert [(u.unit, u.self_total, u.review_total) for u in report.units] == [
        ("疏勒县医疗保障局", D(62), D(56)),
        ("疏勒县卫生健康委员会", D(100), D(98)),
    ]
    assert report.region_gap == D(-8)
    assert [(line.label, line.gap) for _, line in report.lines] == [
        ("培训人数", D(-6)),
        ("知晓率", D(-2)),
    ]
    assert report.wide_gaps == [training]


def test_review_pages_answer_404_outside_scope_and_403_to_units(client, cast, approved):
    sample = draw(cast, "manual", picked=[approved.training.pk])
    review = sample.reviews.get()
    login(client, cast.other_reviewer)
    assert client.get(reverse("followup:sample", args=[sample.pk])).status_code == 404
    assert client.get(reverse("followup:review", args=[review.pk])).status_code == 404
    login(client, cast.preparer)
    assert client.get(reverse("followup:review", args=[review.pk])).status_code == 404
    assert client.post(reverse("followup:sample_draw"), {}).status_code == 403
    login(client, cast.viewer)
    page = client.get(reverse("followup:review", args=[review.pk]))
    assert page.status_code == 200 and "完成复核" not in text_of(page)


def test_the_reviewer_scores_on_the_page_and_a_bad_number_changes_nothing(client, cast, approved):
    sample = draw(cast, "manual", picked=[approved.training.pk])
    review = sample.reviews.get()
    lines = list(approved.training.indicator_lines.order_by("order"))
    login(client, cast.reviewer)
    url = reverse("followup:review", args=[review.pk])
    data = {f"score_{line.pk}": v for line, v in zip(lines, ["abc", "27", "10"], strict=True)}
    page = client.post(url, {**data, "budget_score": "9", "conclusion": "x", "complete": "1"})
    assert page.status_code == 400 and "“培训人数”的复核得分不是数字。" in text_of(page)
    assert 'value="abc"' in page.content.decode()  # what was typed stays on the page
    assert not review.lines.exists()

    data[f"score_{lines[0].pk}"] = "16"
    page = client.post(url, {**data, "budget_score": "9", "conclusion": "属实", "complete": "1"})
    assert page.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.DONE and review.review_total == D(62)
