"""截止后锁定: past the (possibly extended) deadline a draft or returned form of the task can be
neither saved nor submitted, on the server; the reviewer's extension lifts the lock."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations import services as evaluation_services
from evaluations.models import Evaluation
from seasons import services
from seasons.selectors import DEADLINE_LOCKED, deadline_lock_for
from tests.conftest import PASSWORD, make_evaluation
from tests.evaluations.helpers import edit_post

from .helpers import COMPLETE, issue, move, set_status

LOCKED = DEADLINE_LOCKED.format(deadline="2021-04-30")


@pytest.fixture
def form(cast):
    return make_evaluation(cast.preparer, cast.year, lines=COMPLETE)


def save(ev, user, **fields):
    return evaluation_services.evaluation_save(
        evaluation_id=ev.pk,
        user=user,
        expected_version=ev.version,
        fields=fields,
        funds={},
        lines=[
            evaluation_services.LineInput(
                id=line.pk,
                level1=line.level1,
                level2=line.level2,
                level3=line.level3,
                target=line.target,
                actual=line.actual,
            )
            for line in ev.indicator_lines.all()
        ],
    )


def test_the_message_names_the_deadline():
    assert LOCKED == "已过截止日期（2021-04-30），请联系审核人延期"


def test_a_locked_form_is_refused_on_save_and_submit(cast, form):
    issue(cast, lock_after_deadline=True)  # the deadline 2021-04-30 is long past
    with pytest.raises(evaluation_services.EvaluationError, match=LOCKED):
        save(form, cast.preparer, remarks="补充说明")
    with pytest.raises(evaluation_services.EvaluationError, match=LOCKED):
        move(form, cast.preparer, "submit")
    form.refresh_from_db()
    assert (form.status, form.remarks, form.version) == ("draft", "", 1)
    assert not form.submissions.exists()


def test_the_edit_page_keeps_what_was_typed_and_says_why(client, cast, form):
    issue(cast, lock_after_deadline=True)
    assert client.login(username="preparer", password=PASSWORD)
    data = edit_post(form, goal_actual="逾期补填的实际完成情况")
    response = client.post(reverse("evaluation_edit", args=[form.pk]), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert LOCKED in page and "逾期补填的实际完成情况" in page
    form.refresh_from_db()
    assert form.goal_actual == ""
    response = client.post(reverse("evaluation_transition", args=[form.pk, "submit"]), follow=True)
    assert LOCKED in response.content.decode()
    form.refresh_from_db()
    assert form.status == "draft"


def test_a_returned_form_is_locked_too(cast, form):
    issue(cast, lock_after_deadline=True)
    set_status(form, Evaluation.Status.RETURNED)
    with pytest.raises(evaluation_services.EvaluationError, match=LOCKED):
        save(form, cast.preparer, remarks="x")


def test_the_reviewers_extension_lifts_the_lock(cast, form):
    task = issue(cast, lock_after_deadline=True)
    later = timezone.localdate() + timedelta(days=10)
    services.task_extend(
        user=cast.reviewer, task_id=task.pk, unit_id=cast.bureau.pk, deadline=later, reason="补报"
    )
    saved = save(form, cast.preparer, remarks="补充说明")
    assert saved.remarks == "补充说明"
    assert move(saved, cast.preparer, "submit").status == "submitted"
    # The other unit's forms stay locked: only the bureau was extended.
    other = make_evaluation(cast.other_preparer, cast.year, lines=COMPLETE)
    assert deadline_lock_for(other, timezone.localdate()) == LOCKED


def test_no_lock_without_the_option_or_before_the_deadline(cast, form):
    issue(cast, lock_after_deadline=False)
    assert deadline_lock_for(form, date(2021, 5, 2)) is None
    form2 = make_evaluation(cast.preparer, cast.year, project_name="另一项目", lines=COMPLETE)
    issue(cast, templates=["project_2020"], lock_after_deadline=True)  # another template
    assert deadline_lock_for(form2, date(2021, 5, 2)) is None


def test_the_deadline_day_itself_is_still_open(cast, form):
    issue(cast, lock_after_deadline=True)
    assert deadline_lock_for(form, date(2021, 4, 30)) is None
    assert deadline_lock_for(form, date(2021, 5, 1)) == LOCKED


def test_a_cancelled_task_locks_nothing(cast, form):
    task = issue(cast, lock_after_deadline=True)
    services.task_cancel(user=cast.reviewer, task_id=task.pk, reason="重复下达")
    assert save(form, cast.preparer, remarks="x").remarks == "x"
