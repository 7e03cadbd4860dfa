"""Issuing, extending and cancelling a 自评任务: within scope, logged, units told; outside scope
404, another role 403, bad input refused with nothing changed."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from evaluations.models import Notification
from seasons import services
from seasons.models import Task, TaskLog, TaskUnit
from tests.conftest import PASSWORD

from .helpers import issue


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("seasons.views.today", lambda: date(2021, 3, 1))


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def issue_post(cast, **changes):
    data = {
        "year": cast.year.pk,
        "title": "2020年度绩效自评",
        "notice_number": "桃财函〔2019〕13号",
        "notice_text": "请按时填报。",
        "templates": ["social_insurance_fund", "project_2020"],
        "deadline": "2021-04-30",
        "lock_after_deadline": "on",
        "reminder_days": "3,1",
        "all_units": "on",
    }
    data.update(changes)
    return data


def test_reviewer_issues_a_task_to_every_unit_of_the_region(client, cast, today):
    cast.preparer.email = "aygul@example.invalid"
    cast.preparer.save()
    login(client, cast.reviewer)
    response = client.post(reverse("seasons:task_new"), issue_post(cast))
    task = Task.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("seasons:task_detail", args=[task.pk])
    # 疏勒县's two budget units; not the finance bureau, not 英吉沙县.
    assert {tu.unit.name for tu in task.task_units.all()} == {
        "疏勒县医疗保障局",
        "疏勒县卫生健康委员会",
    }
    assert task.templates == ["social_insurance_fund", "project_2020"]
    assert task.lock_after_deadline and task.notice_number == "桃财函〔2019〕13号"
    log = TaskLog.objects.get()
    assert (log.action, log.actor) == ("issue", cast.reviewer)
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == {"preparer", "colleague", "other_preparer"}
    assert "桃财函〔2019〕13号" in Notification.objects.first().text
    page = client.get(reverse("seasons:task_detail", args=[task.pk]))
    assert "下达给2个单位" in page.content.decode()


def test_mail_goes_out_after_commit(cast, django_capture_on_commit_callbacks):
    cast.preparer.email = "aygul@example.invalid"
    cast.preparer.save()
    with django_capture_on_commit_callbacks(execute=True):
        issue(cast)
    assert [m.to for m in mail.outbox] == [["aygul@example.invalid"]]
    assert "2021-04-30" in mail.outbox[0].body


def test_reviewer_issues_to_chosen_units_only(client, cast, today):
    login(client, cast.reviewer)
    data = issue_post(cast, units=[cast.health.pk])
    del data["all_units"]
    client.post(reverse("seasons:task_new"), data)
    assert [tu.unit for tu in TaskUnit.objects.all()] == [cast.health]


def test_a_unit_outside_scope_cannot_be_chosen(client, cast, today):
    login(client, cast.reviewer)
    data = issue_post(cast, units=[cast.other_bureau.pk])
    del data["all_units"]
    response = client.post(reverse("seasons:task_new"), data)
    assert response.status_code == 200
    assert "所选单位不在您的审核范围内。" in response.content.decode()
    assert not Task.objects.exists()
    with pytest.raises(services.TaskError, match=services.UNITS_OUT_OF_SCOPE):
        issue(cast, units=[cast.other_bureau])


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"deadline": "2021-02-01"}, "截止日期不能早于今天（2021-03-01）。"),
        ({"reminder_days": "3,x"}, "请填写 1 至 60 之间的整数"),
        ({"templates": []}, "请至少选择一种表样。"),
    ],
)
def test_bad_input_is_refused_and_nothing_issued(client, cast, today, changes, message):
    login(client, cast.reviewer)
    response = client.post(reverse("seasons:task_new"), issue_post(cast, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "桃财函〔2019〕13号" in response.content.decode()  # what was typed stays
    assert not Task.objects.exists()


def test_a_preparer_may_not_issue_extend_or_cancel(client, cast, today):
    task = issue(cast)
    login(client, cast.preparer)
    assert client.get(reverse("seasons:task_new")).status_code == 403
    assert client.post(reverse("seasons:task_new"), issue_post(cast)).status_code == 403
    extend = {"deadline": "2021-05-15", "reason": "系统故障"}
    assert client.post(reverse("seasons:task_extend", args=[task.pk]), extend).status_code == 403
    cancel = {"reason": "重复下达"}
    assert client.post(reverse("seasons:task_cancel", args=[task.pk]), cancel).status_code == 403
    task.refresh_from_db()
    assert task.deadline == date(2021, 4, 30) and task.status == "open"


def test_a_reviewer_of_another_region_gets_404(client, cast, today):
    task = issue(cast)
    login(client, cast.other_reviewer)
    assert client.get(reverse("seasons:task_detail", args=[task.pk])).status_code == 404
    extend = {"deadline": "2021-05-15", "reason": "系统故障"}
    assert client.post(reverse("seasons:task_extend", args=[task.pk]), extend).status_code == 404
    cancel = {"reason": "重复下达"}
    assert client.post(reverse("seasons:task_cancel", args=[task.pk]), cancel).status_code == 404
    assert TaskLog.objects.count() == 1


def test_a_preparer_of_a_unit_not_in_the_task_gets_404(client, cast, today):
    task = issue(cast, units=[cast.health])
    login(client, cast.preparer)
    assert client.get(reverse("seasons:task_detail", args=[task.pk])).status_code == 404
    login(client, cast.other_preparer)
    assert client.get(reverse("seasons:task_detail", args=[task.pk])).status_code == 200


def test_the_viewer_above_sees_the_task_but_may_not_extend_it(client, cast, today):
    task = issue(cast)
    login(client, cast.viewer)
    assert client.get(reverse("seasons:task_detail", args=[task.pk])).status_code == 200
    extend = {"deadline": "2021-05-15", "reason": "系统故障"}
    assert client.post(reverse("seasons:task_extend", args=[task.pk]), extend).status_code == 403


def test_extend_one_unit_logs_who_what_and_why(client, cast, today):
    task = issue(cast)
    login(client, cast.reviewer)
    response = client.post(
        reverse("seasons:task_extend", args=[task.pk]),
        {"unit": cast.bureau.pk, "deadline": "2021-05-15", "reason": "单位负责人出差"},
    )
    assert response.status_code == 302
    bureau = TaskUnit.objects.get(unit=cast.bureau)
    health = TaskUnit.objects.get(unit=cast.health)
    assert bureau.effective_deadline == date(2021, 5, 15)
    assert health.effective_deadline == date(2021, 4, 30)
    log = TaskLog.objects.get(action="extend")
    assert log.actor == cast.reviewer and log.reason == "单位负责人出差"
    assert log.detail == "疏勒县医疗保障局：截止日期由2021-04-30延至2021-05-15"
    page = client.get(reverse("seasons:task_detail", args=[task.pk])).content.decode()
    assert "单位负责人出差" in page and "延期" in page
    # Told: the bureau's two preparers, not the health commission's.
    texts = Notification.objects.filter(text__contains="延至2021-05-15")
    assert {n.recipient.username for n in texts} == {"preparer", "colleague"}


def test_extend_all_moves_the_task_and_keeps_a_later_single_extension(cast):
    task = issue(cast)
    services.task_extend(
        user=cast.reviewer,
        task_id=task.pk,
        unit_id=cast.bureau.pk,
        deadline=date(2021, 6, 1),
        reason="出差",
    )
    services.task_extend(
        user=cast.reviewer, task_id=task.pk, deadline=date(2021, 5, 10), reason="系统升级"
    )
    task.refresh_from_db()
    assert task.deadline == date(2021, 5, 10)
    assert TaskUnit.objects.get(unit=cast.bureau).effective_deadline == date(2021, 6, 1)
    assert TaskUnit.objects.get(unit=cast.health).effective_deadline == date(2021, 5, 10)


@pytest.mark.parametrize(
    "deadline, reason, message",
    [
        (date(2021, 4, 30), "出差", "新的截止日期须晚于原截止日期（2021-04-30）。"),
        (date(2021, 5, 30), "  ", "请填写延期理由。"),
    ],
)
def test_a_refused_extension_changes_nothing(client, cast, today, deadline, reason, message):
    task = issue(cast)
    login(client, cast.reviewer)
    response = client.post(
        reverse("seasons:task_extend", args=[task.pk]),
        {"deadline": deadline.isoformat(), "reason": reason},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    task.refresh_from_db()
    assert task.deadline == date(2021, 4, 30)
    assert not TaskLog.objects.filter(action="extend").exists()


def test_cancel_with_a_reason_is_logged_and_closes_the_task(client, cast, today):
    task = issue(cast)
    login(client, cast.reviewer)
    response = client.post(reverse("seasons:task_cancel", args=[task.pk]), {"reason": "重复下达"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "cancelled"
    log = TaskLog.objects.get(action="cancel")
    assert (log.actor, log.reason) == (cast.reviewer, "重复下达")
    with pytest.raises(services.TaskError, match=services.TASK_CANCELLED):
        services.task_extend(
            user=cast.reviewer, task_id=task.pk, deadline=date(2021, 5, 30), reason="x"
        )
    page = client.get(reverse("seasons:task_detail", args=[task.pk])).content.decode()
    assert "已撤销" in page and "重复下达" in page


def test_cancel_needs_a_reason(client, cast, today):
    task = issue(cast)
    login(client, cast.reviewer)
    response = client.post(reverse("seasons:task_cancel", args=[task.pk]), {"reason": ""})
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.status == "open"
