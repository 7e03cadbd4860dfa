"""Overdue 整改 on the 填报进度 board: each unit's count of items not accepted by their deadline,
counted in the board's own query (its query budget is tests/seasons/test_board.py's)."""

from datetime import date

import pytest
from django.urls import reverse

from followup.models import RectificationItem
from tests.evaluations.test_scoring_on_forms import login
from tests.followup.test_rectification import issue
from tests.seasons.helpers import issue as issue_task


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_board_shows_each_units_overdue_rectification_items(
    client, cast, approved, monkeypatch
):
    monkeypatch.setattr("seasons.views.today", lambda: date(2021, 10, 10))
    issue_task(cast, templates=["project_2020"], units=[cast.bureau, cast.health])
    issue(cast, approved.training)  # one item due 30 September 2021, one in 2099
    issue(
        cast, approved.small, ("补充验收报告", date(2021, 10, 1)), ("整改台账", date(2021, 10, 1))
    )
    accepted = issue(cast, approved.health, ("补充合同", date(2021, 9, 1))).items.get()
    RectificationItem.objects.filter(pk=accepted.pk).update(
        status=RectificationItem.Status.ACCEPTED
    )

    login(client, cast.reviewer)
    response = client.get(reverse("seasons:board"), {"year": 2020})
    notes = {r.unit_name: r.unit_notes for r in response.context["rows"]}
    assert notes["疏勒县医疗保障局"] == ("整改逾期 3 项",)
    assert notes["疏勒县卫生健康委员会"] == ()  # its only item was accepted
    assert "整改逾期 3 项" in response.content.decode()
