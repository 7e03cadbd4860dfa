"""Bulk 通过 / 退回 / 催报 on board rows: each row through the single action's checks in its own
transaction; refused rows stay as they were and the report says exactly what happened."""

import re
from datetime import date

import pytest
from django.core import mail
from django.http import QueryDict
from django.urls import reverse

from evaluations.models import Evaluation, Notification, TransitionLog
from evaluations.templates_def import get_template
from seasons import sample, services
from seasons.selectors import board_rows
from tests.conftest import PASSWORD, make_evaluation

from .helpers import COMPLETE, hidden, issue, link, move

SI = get_template("social_insurance_fund").name
PROJECT = get_template("project_2020").name
WRONG_STATE = "这张表现在是“草稿”，不能通过（可能已被他人处理，请刷新页面查看最新状态）。"


@pytest.fixture
def season(cast):
    """疏勒县: the bureau's form submitted, the health commission's a draft; nobody has started
    the 项目支出 form yet."""
    issue(cast, templates=["social_insurance_fund", "project_2020"])
    submitted = make_evaluation(cast.preparer, cast.year, lines=COMPLETE)
    move(submitted, cast.preparer, "submit")
    draft = make_evaluation(cast.other_preparer, cast.year, lines=COMPLETE)
    rows = {
        (r.unit_name, r.template): r
        for r in board_rows(cast.reviewer, year=2020, today=date(2021, 5, 2))
    }
    return submitted, draft, rows


def keys(rows, *which):
    return [rows[w].key for w in which]


def test_bulk_approve_over_allowed_and_refused_rows_reports_each(client, cast, season):
    submitted, draft, rows = season
    chosen = keys(
        rows,
        ("疏勒县医疗保障局", "social_insurance_fund"),
        ("疏勒县卫生健康委员会", "social_insurance_fund"),
        ("疏勒县卫生健康委员会", "project_2020"),
    )
    assert client.login(username="reviewer", password=PASSWORD)
    response = client.post(reverse("seasons:board_bulk"), {"action": "approve", "rows": chosen})
    assert response.status_code == 200
    done = [(r.label, r.message) for r in response.context["done"]]
    refused = [(r.label, r.message) for r in response.context["refused"]]
    assert done == [(f"疏勒县医疗保障局 · {SI} · 城镇职工医疗保险基金支出", "已审核通过。")]
    assert refused == [
        (f"疏勒县卫生健康委员会 · {SI} · 城镇职工医疗保险基金支出", WRONG_STATE),
        (f"疏勒县卫生健康委员会 · {PROJECT}", "该单位尚未填报，没有可通过的自评表。"),
    ]
    page = response.content.decode()
    assert "完成 1 项，未执行 2 项" in page and WRONG_STATE in page
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert (submitted.status, submitted.reviewed_by) == ("approved", cast.reviewer)
    assert (draft.status, draft.version) == ("draft", 1)
    assert TransitionLog.objects.filter(action="approve").count() == 1


def test_bulk_return_gives_every_form_the_same_reason(cast, season):
    submitted, draft, rows = season
    other = make_evaluation(cast.other_preparer, cast.year, project_name="另一项目", lines=COMPLETE)
    move(other, cast.other_preparer, "submit")
    rows = {
        (r.unit_name, r.project_name): r
        for r in board_rows(cast.reviewer, year=2020, today=date(2021, 5, 2))
    }
    chosen = keys(
        rows,
        ("疏勒县医疗保障局", "城镇职工医疗保险基金支出"),
        ("疏勒县卫生健康委员会", "另一项目"),
        ("疏勒县卫生健康委员会", "城镇职工医疗保险基金支出"),
    )
    results = services.bulk_action(
        user=cast.reviewer, action="return", keys=chosen, reason="请补充满意度调查依据"
    )
    assert [r.ok for r in results] == [True, True, False]
    assert results[2].message == WRONG_STATE.replace("通过", "退回")
    logs = TransitionLog.objects.filter(action="return")
    assert {log.reason for log in logs} == {"请补充满意度调查依据"}
    assert logs.count() == 2


def test_bulk_return_without_a_reason_does_nothing(client, cast, season):
    submitted, draft, rows = season
    assert client.login(username="reviewer", password=PASSWORD)
    chosen = keys(rows, ("疏勒县医疗保障局", "social_insurance_fund"))
    response = client.post(
        reverse("seasons:board_bulk"), {"action": "return", "rows": chosen}, follow=True
    )
    assert "批量退回请填写退回理由" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_bulk_remind_tells_the_units_still_to_hand_in(
    cast, season, django_capture_on_commit_callbacks
):
    submitted, draft, rows = season
    cast.other_preparer.email = "li@example.invalid"
    cast.other_preparer.save()
    chosen = keys(
        rows,
        ("疏勒县医疗保障局", "social_insurance_fund"),
        ("疏勒县卫生健康委员会", "project_2020"),
    )
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        results = services.bulk_action(user=cast.reviewer, action="remind", keys=chosen)
    assert [(r.ok, r.message) for r in results] == [
        (False, "该表已提交，无需催报。"),
        (True, "已催报。"),
    ]
    new = Notification.objects.order_by("pk")[before:]
    assert [(n.recipient.username, n.text) for n in new] == [
        (
            "other_preparer",
            f"【催报】2020年度“{PROJECT}”尚未提交（截止日期2021-04-30），请尽快填报提交。",
        )
    ]
    assert [m.to for m in mail.outbox] == [["li@example.invalid"]]


def test_rows_outside_the_reviewers_scope_are_refused_unchanged(cast, season):
    submitted, draft, rows = season
    results = services.bulk_action(
        user=cast.other_reviewer,
        action="approve",
        keys=keys(rows, ("疏勒县医疗保障局", "social_insurance_fund")) + ["garbage"],
    )
    assert [(r.label, r.ok, r.message) for r in results] == [
        ("第1项", False, services.ROW_NOT_FOUND),
        ("第2项", False, services.ROW_NOT_FOUND),
    ]
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_only_reviewers_may_post_bulk_actions(client, cast, season):
    submitted, draft, rows = season
    chosen = keys(rows, ("疏勒县医疗保障局", "social_insurance_fund"))
    for user in ("preparer", "viewer"):
        assert client.login(username=user, password=PASSWORD)
        response = client.post(reverse("seasons:board_bulk"), {"action": "approve", "rows": chosen})
        assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Evaluation.Status.SUBMITTED


def test_a_bulk_action_on_page_two_acts_on_its_rows_and_returns_to_page_two(client, cast):
    # 150 units, one 项目支出 row each: page 2 of the board sorted by unit, descending, holds
    # 样例单位00049 … 样例单位00000; 8 of them (every sixth from 00002) have submitted.
    sample.populate(
        region=cast.regions.shule,
        reviewer=cast.reviewer,
        year=cast.year,
        units=150,
        deadline=date(2021, 4, 30),
    )
    assert client.login(username="reviewer", password=PASSWORD)
    filters = {"year": "2020", "template": "project_2020", "sort": "unit", "dir": "desc"}
    response = client.get(reverse("seasons:board"), {**filters, "page": "2"})
    page = response.content.decode()
    shown = response.context["rows"]
    assert [r.unit_name for r in shown] == [f"样例单位{i:05d}" for i in range(49, -1, -1)]
    ticks = re.findall(r'name="rows" value="([^"]*)"', page)
    assert ticks == [r.key for r in shown]  # only this page's rows can be ticked
    back = hidden(page, "back")
    assert QueryDict(back).dict() == {**filters, "page": "2"}

    # Nothing ticked, or 退回 without a reason: back to page 2 with the filters, nothing done.
    for action in ("approve", "return"):
        rows = [] if action == "approve" else ticks
        data = {"action": action, "rows": rows, "back": back}
        response = client.post(reverse("seasons:board_bulk"), data)
        assert response.status_code == 302
        location = response["Location"]
        assert location.startswith(reverse("seasons:board") + "?")
        assert QueryDict(location.split("?", 1)[1]).dict() == {**filters, "page": "2"}

    response = client.post(
        reverse("seasons:board_bulk"), {"action": "approve", "rows": ticks, "back": back}
    )
    assert (len(response.context["done"]), len(response.context["refused"])) == (8, 42)
    submitted = Evaluation.objects.filter(template="project_2020", status="submitted")
    assert submitted.count() == 25 - 8  # those of page 1 stay as they were
    assert not submitted.filter(unit__name__lt="样例单位00050").exists()

    again = link(response.content.decode(), "返回填报进度（第 2 页）")
    assert again.startswith(reverse("seasons:board") + "?")
    response = client.get(again)
    assert response.context["page_obj"].number == 2
    assert (response.context["template"], response.context["sort"]) == ("project_2020", "unit")
    assert response.context["descending"] is True
    assert [r.unit_name for r in response.context["rows"]][0] == "样例单位00049"
