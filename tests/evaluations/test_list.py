"""我的自评表 and the read-only page: each user sees exactly the forms in their scope."""

import pytest
from django.urls import reverse

from evaluations.models import Evaluation
from tests.conftest import PASSWORD, make_evaluation


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def forms(cast):
    return {
        "own": make_evaluation(cast.preparer, cast.year, project_name="本单位的表"),
        "same_county": make_evaluation(cast.other_preparer, cast.year, project_name="卫健委的表"),
        "other_county": make_evaluation(cast.far_preparer, cast.year, project_name="英吉沙的表"),
    }


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("preparer", {"本单位的表"}),
        ("other_preparer", {"卫健委的表"}),
        ("reviewer", {"本单位的表", "卫健委的表"}),
        ("other_reviewer", {"英吉沙的表"}),
        ("viewer", {"本单位的表", "卫健委的表", "英吉沙的表"}),
    ],
)
def test_the_list_shows_only_forms_in_scope(client, cast, forms, who, visible):
    login(client, getattr(cast, who))
    page = client.get(reverse("evaluation_list")).content.decode()
    for ev in forms.values():
        assert (ev.project_name in page) == (ev.project_name in visible), ev.project_name


@pytest.mark.parametrize(
    ("who", "form", "status"),
    [
        ("preparer", "own", 200),
        ("preparer", "same_county", 404),
        ("reviewer", "same_county", 200),
        ("reviewer", "other_county", 404),
        ("other_reviewer", "own", 404),
        ("viewer", "other_county", 200),
    ],
)
def test_the_read_only_page_answers_404_outside_scope(client, cast, forms, who, form, status):
    login(client, getattr(cast, who))
    response = client.get(reverse("evaluation_detail", args=[forms[form].pk]))
    assert response.status_code == status
    if status == 200:
        assert forms[form].project_name in response.content.decode()


def test_the_list_filters_by_status(client, cast, forms):
    Evaluation.objects.filter(pk=forms["own"].pk).update(status=Evaluation.Status.SUBMITTED)
    make_evaluation(cast.preparer, cast.year, project_name="还在草稿的表")
    login(client, cast.preparer)
    page = client.get(reverse("evaluation_list"), {"status": "submitted"}).content.decode()
    assert "本单位的表" in page and "还在草稿的表" not in page


def test_an_unknown_year_or_status_filter_is_ignored_not_an_error(client, cast, forms):
    login(client, cast.preparer)
    response = client.get(reverse("evaluation_list"), {"year": "abc", "status": "<script>"})
    assert response.status_code == 200
    assert "本单位的表" in response.content.decode()


def test_the_read_only_page_shows_the_printed_grid(client, cast):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        lines=[("项目完成指标", "数量指标", "享受待遇人数", "≥10万人", "128267")],
        funds={"total": {"budget": "11431.62", "actual": "30405.81"}},
    )
    login(client, cast.reviewer)
    page = client.get(reverse("evaluation_detail", args=[ev.pk])).content.decode()
    for text in (
        "社会保险基金支出绩效自评表",
        "（2020年度）",
        "享受待遇人数",
        "≥10万人",
        "128267",
        "11431.62",
        "30405.81",
        "年度绩效指标完成情况",
    ):
        assert text in page


def test_reviewers_filter_by_unit_and_template_and_see_overdue_forms(client, cast, forms):
    from datetime import date

    Evaluation.objects.filter(pk=forms["same_county"].pk).update(template="project_2020")
    cast.year.deadline = date(2021, 4, 30)  # long past: drafts are overdue
    cast.year.save()
    login(client, cast.reviewer)
    url = reverse("evaluation_list")

    page = client.get(url, {"unit": cast.health.pk}).content.decode()
    assert "卫健委的表" in page and "本单位的表" not in page
    page = client.get(url, {"template": "social_insurance_fund"}).content.decode()
    assert "本单位的表" in page and "卫健委的表" not in page
    assert "逾期未交" in client.get(url).content.decode()
