"""The summary page answers with the same number of queries however many units and forms."""

from __future__ import annotations

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations import services
from evaluations.models import Evaluation, Unit
from tests.conftest import make_user

from .conftest import project_form, set_status


def add_units(cast, n, forms_per_unit):
    for i in range(n):
        unit = Unit.objects.create(name=f"疏勒县测试单位{i}", region=cast.regions.shule)
        preparer = make_user(f"p{i}", unit, "preparer")
        for j in range(forms_per_unit):
            status = [Evaluation.Status.APPROVED, Evaluation.Status.SUBMITTED][j % 2]
            project_form(
                preparer,
                cast.year,
                f"项目{j}",
                budget="100",
                actual="90",
                status=status,
                lines=[
                    ("产出指标", "参保人数", "≥1000人", "900", 50),
                    ("效益指标", "群众知晓率", "≥90%", "90%", 30),
                    ("满意度指标", "满意度", "≥90%", "95%", 10),
                ],
            )
        set_status(
            project_form(
                preparer,
                cast.year,
                "草稿",
                budget="1",
                actual="1",
                status=Evaluation.Status.DRAFT,
                lines=[],
            ),
            Evaluation.Status.DRAFT,
        )


def test_summary_page_queries_do_not_grow_with_units_and_forms(
    client, cast, region_forms, django_assert_max_num_queries
):
    client.force_login(cast.viewer)
    url = reverse("summary_region", args=[2020, cast.regions.kashi.pk])
    client.get(url)  # warm the session
    caches["figures"].clear()  # scores not cached yet: the most queries the page makes
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200

    add_units(cast, 8, 4)  # 8 more units, 40 more forms, 96 more lines

    caches["figures"].clear()
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert response.status_code == 200
    assert "疏勒县测试单位7" in response.content.decode()
    # Once every score is cached, the three queries loading forms to score are not needed.
    with django_assert_max_num_queries(len(small) - 3):
        assert client.get(url).status_code == 200
    # session, user, scope, the summary's fixed reads, nav badge; and 应报 / 已报 / 逾期 as the
    # board counts them: the year's tasks, the counts per region beneath and per unit shown.
    assert len(small) <= 23


def test_stored_scores_spare_the_first_view_scoring_any_form(
    client, cast, region_forms, django_assert_max_num_queries
):
    client.force_login(cast.viewer)
    url = reverse("summary_region", args=[2020, cast.regions.kashi.pk])
    client.get(url)  # warm the session
    caches["figures"].clear()
    with CaptureQueriesContext(connection) as scored:  # nothing stored: every form scored
        assert client.get(url).status_code == 200

    add_units(cast, 8, 4)
    # As the service stores them when forms are submitted or approved.
    for ev in Evaluation.objects.exclude(status__in=Evaluation.EDITABLE_STATUSES):
        services.evaluation_figures_store(evaluation_id=ev.pk)

    caches["figures"].clear()
    with django_assert_max_num_queries(len(scored) - 3):  # no form loaded to be scored
        response = client.get(url)
    assert "疏勒县测试单位7" in response.content.decode()
