"""应报 / 已报 / 逾期 counted once (per unit × template asked by an open task, units with no form
yet included) and shown alike on the status board, the task page and the region summary; the
unit's 我的自评任务 lists every form it has for a template."""

from datetime import date

import pytest
from django.urls import reverse

from evaluations.models import Evaluation
from seasons.models import Task
from tests.conftest import PASSWORD, make_evaluation

from .helpers import COMPLETE, issue, move

TODAY = date(2021, 5, 2)  # two days past the deadline of 30 April


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("seasons.views.today", lambda: TODAY)


@pytest.fixture
def season(cast):
    """Two templates asked of both units of 疏勒县: the bureau handed in its 社保基金 form and has
    two 项目支出 drafts; the health commission has no form at all."""
    task = issue(cast, templates=["social_insurance_fund", "project_2020"])
    ev = make_evaluation(cast.preparer, cast.year, lines=COMPLETE)
    move(ev, cast.preparer, "submit")
    make_evaluation(cast.preparer, cast.year, template="project_2020", project_name="项目甲")
    make_evaluation(cast.preparer, cast.year, template="project_2020", project_name="项目乙")
    return task


def counts(page: str, key: str) -> str:
    start = page.index(f'data-total="{key}">') + len(f'data-total="{key}">')
    return page[start : page.index("<", start)].replace("份", "").replace("个", "").strip()


def test_board_task_page_and_summary_count_alike(client, cast, season):
    # 应报 4 (2 units × 2 templates), 已报 1, 逾期 3 (the bureau's 项目支出, both of the health
    # commission's, which has no form yet); two 项目支出 drafts are still one 应报.
    client.force_login(cast.reviewer)
    board = client.get(reverse("seasons:board"), {"year": 2020}).content.decode()
    task = client.get(reverse("seasons:task_detail", args=[season.pk])).content.decode()
    summary = client.get(
        reverse("summary_region", args=[2020, cast.regions.shule.pk])
    ).content.decode()
    for page in (board, task, summary):
        assert (counts(page, "due"), counts(page, "handed_in"), counts(page, "overdue")) == (
            "4",
            "1",
            "3",
        )
    assert counts(summary, "overdue_units") == "2"


def test_a_cancelled_task_asks_nothing(client, cast, season):
    Task.objects.filter(pk=season.pk).update(status=Task.Status.CANCELLED)
    client.force_login(cast.reviewer)
    summary = client.get(
        reverse("summary_region", args=[2020, cast.regions.shule.pk])
    ).content.decode()
    assert counts(summary, "due") == "0" and counts(summary, "overdue_units") == "0"


def test_my_tasks_list_every_form_of_a_template(client, cast, season):
    assert client.login(username=cast.preparer.username, password=PASSWORD)
    page = client.get(reverse("seasons:mine")).content.decode()
    assert "项目甲" in page and "项目乙" in page
    assert Evaluation.objects.filter(unit=cast.bureau).count() == 3
