"""send_reminders: N days before the deadline and the day after it, to units whose required forms
are not yet handed in; never the same reminder twice."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from evaluations.models import Evaluation, Notification
from seasons import services
from seasons.models import Reminder
from seasons.services import reminder_kind
from seasons.tasks import send_reminders_task
from tests.conftest import make_evaluation

from .helpers import issue, set_status


@pytest.fixture
def emails(cast):
    for user, address in (
        (cast.preparer, "a@example.invalid"),
        (cast.other_preparer, "l@example.invalid"),
    ):
        user.email = address
        user.save()


def run(day):
    out = StringIO()
    call_command("send_reminders", "--today", day, stdout=out)
    return out.getvalue()


def test_running_twice_sends_once(cast, emails, django_capture_on_commit_callbacks):
    issue(cast)  # deadline 2021-04-30, reminders 3 and 1 days before
    with django_capture_on_commit_callbacks(execute=True):
        first = run("2021-04-27")
    with django_capture_on_commit_callbacks(execute=True):
        second = run("2021-04-27")
    assert "发送提醒 2 条" in first and "发送提醒 0 条" in second
    # Two units: the bureau has two preparers, the health commission one.
    assert Notification.objects.filter(text__startswith="【催报】").count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.invalid", "l@example.invalid"]
    assert set(Reminder.objects.values_list("kind", flat=True)) == {"before-3:2021-04-30"}


def test_the_schedule_before_and_after_the_deadline(cast):
    issue(cast, units=[cast.bureau])
    sent = {}
    for day in range(25, 31):
        sent[f"04-{day}"] = [r.kind for r in services.send_reminders(today=date(2021, 4, day))]
    for day in (1, 2, 3):
        sent[f"05-0{day}"] = [r.kind for r in services.send_reminders(today=date(2021, 5, day))]
    assert sent == {
        "04-25": [],
        "04-26": [],
        "04-27": ["before-3:2021-04-30"],  # 30 − 3
        "04-28": [],
        "04-29": ["before-1:2021-04-30"],  # 30 − 1
        "04-30": [],
        "05-01": ["after:2021-04-30"],  # the day after
        "05-02": [],
        "05-03": [],
    }
    texts = list(
        Notification.objects.filter(recipient=cast.preparer).values_list("text", flat=True)
    )
    assert any("还剩 3 天" in t for t in texts)
    assert any("已于2021-04-30截止" in t for t in texts)


def test_handed_in_units_get_no_reminder(cast):
    issue(cast)
    ev = make_evaluation(cast.preparer, cast.year)
    set_status(ev, Evaluation.Status.SUBMITTED)
    sent = services.send_reminders(today=date(2021, 4, 29))
    assert [r.unit for r in sent] == [cast.health]


def test_an_extension_earns_fresh_reminders_for_the_new_date(cast):
    task = issue(cast, units=[cast.bureau])
    services.send_reminders(today=date(2021, 5, 1))
    services.task_extend(
        user=cast.reviewer, task_id=task.pk, deadline=date(2021, 5, 10), reason="补报"
    )
    kinds = [r.kind for r in services.send_reminders(today=date(2021, 5, 9))]
    assert kinds == ["before-1:2021-05-10"]


def test_cancelled_tasks_remind_nobody(cast):
    task = issue(cast)
    services.task_cancel(user=cast.reviewer, task_id=task.pk, reason="重复")
    assert services.send_reminders(today=date(2021, 4, 29)) == []


def test_reminder_kind_core():
    deadline = date(2021, 4, 30)
    assert reminder_kind(deadline, date(2021, 4, 20), [3, 1]) is None
    assert reminder_kind(deadline, date(2021, 4, 28), [3, 1]) == ("before-3:2021-04-30", 2)
    assert reminder_kind(deadline, date(2021, 5, 9), [3, 1]) == ("after:2021-04-30", 0)


def test_a_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", "2021-13-01", stdout=StringIO())


# The worker manages its own database connections, as in production: the test cannot hold them in
# one rolled-back transaction.
@pytest.mark.django_db(transaction=True)
def test_the_worker_task_runs_the_same_reminders(cast):
    issue(cast)
    result = send_reminders_task.enqueue("2021-04-27")
    call_command("db_worker", "--batch", stdout=StringIO(), stderr=StringIO())
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 2
    assert Reminder.objects.count() == 2
