"""A finance reviewer above county level: 喀什地区财政局 reviews only the prefecture's own units,
unless the unit `reviews_subregions` — then the counties' forms and summaries too. Forms
(evaluations.permissions) and summaries (summaries.permissions) follow the same flag."""

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import Evaluation
from tests.conftest import make_evaluation
from tests.summaries.conftest import project_form

S = Evaluation.Status
LINES = [("产出指标", "参保人数", "≥10万人", "12万人", "50")]


@pytest.fixture
def county_form(cast):
    return project_form(
        cast.preparer, cast.year, "项目A", budget="100", actual="80", lines=LINES, status=S.DRAFT
    )


def reviews_subregions(cast, flag: bool):
    cast.prefecture.reviews_subregions = flag
    cast.prefecture.save()


def test_without_the_flag_the_prefecture_reviewer_sees_no_county_form(client, cast, county_form):
    reviews_subregions(cast, False)
    client.force_login(cast.prefecture_reviewer)
    assert client.get(reverse("evaluation_detail", args=[county_form.pk])).status_code == 404
    listing = client.get(reverse("evaluation_list")).content.decode()
    assert "项目A" not in listing


def test_with_the_flag_the_prefecture_reviewer_reviews_the_county_forms(client, cast, county_form):
    reviews_subregions(cast, True)
    client.force_login(cast.prefecture_reviewer)
    assert client.get(reverse("evaluation_detail", args=[county_form.pk])).status_code == 200
    assert "项目A" in client.get(reverse("evaluation_list")).content.decode()


def test_the_flag_decides_who_may_approve(cast):
    ev = make_evaluation(cast.preparer, cast.year, lines=[("产出", "数量", "人数", "≥1", "1")])
    Evaluation.objects.filter(pk=ev.pk).update(status=S.SUBMITTED)
    reviews_subregions(cast, False)
    with pytest.raises(services.EvaluationError):
        services.evaluation_transition(
            evaluation_id=ev.pk, user=cast.prefecture_reviewer, action="approve"
        )
    reviews_subregions(cast, True)
    services.evaluation_transition(
        evaluation_id=ev.pk, user=cast.prefecture_reviewer, action="approve"
    )
    ev.refresh_from_db()
    assert ev.status == S.APPROVED and ev.reviewed_by == cast.prefecture_reviewer


def summary(client, user, cast, region):
    client.force_login(user)
    return client.get(reverse("summary_region", args=[cast.year.year, region.pk]))


def test_without_the_flag_the_county_summaries_are_not_the_prefecture_reviewers(
    client, cast, county_form
):
    reviews_subregions(cast, False)
    assert summary(client, cast.prefecture_reviewer, cast, cast.regions.shule).status_code == 404
    own = summary(client, cast.prefecture_reviewer, cast, cast.regions.kashi)
    assert own.status_code == 200
    html = own.content.decode()
    assert "疏勒县医疗保障局" not in html
    assert reverse("summary_region", args=[2020, cast.regions.shule.pk]) not in html


def test_with_the_flag_the_prefecture_reviewer_drills_down_to_the_county(client, cast, county_form):
    reviews_subregions(cast, True)
    kashi = summary(client, cast.prefecture_reviewer, cast, cast.regions.kashi).content.decode()
    assert reverse("summary_region", args=[2020, cast.regions.shule.pk]) in kashi
    county = summary(client, cast.prefecture_reviewer, cast, cast.regions.shule)
    assert county.status_code == 200
    assert "疏勒县医疗保障局" in county.content.decode()
