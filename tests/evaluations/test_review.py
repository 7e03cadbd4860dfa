"""The review workflow through its service and its pages: every allowed and refused move, the
log written or nothing changed, notices to the people concerned."""

import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from evaluations import services
from evaluations.models import Evaluation, Notification, ReviewComment, TransitionLog
from tests.conftest import PASSWORD, make_evaluation

Status = Evaluation.Status
COMPLETE = [
    ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
    ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
]


@pytest.fixture
def form(cast):
    return make_evaluation(cast.preparer, cast.year, lines=COMPLETE)


def move(ev, user, action, reason="", **kwargs):
    return services.evaluation_transition(
        evaluation_id=ev.pk, user=user, action=action, reason=reason, **kwargs
    )


def set_status(ev, status):
    Evaluation.objects.filter(pk=ev.pk).update(status=status)
    ev.refresh_from_db()


def test_submit_return_resubmit_approve_writes_one_log_row_per_move(cast, form):
    move(form, cast.preparer, "submit")
    move(form, cast.reviewer, "return", reason="第2行满意度请附调查依据")
    move(form, cast.preparer, "submit")
    ev = move(form, cast.reviewer, "approve")

    assert ev.status == Status.APPROVED
    assert ev.reviewed_by == cast.reviewer and ev.reviewed_at is not None
    log = list(
        TransitionLog.objects.filter(evaluation=form).values_list(
            "actor__username", "from_status", "to_status", "reason"
        )
    )
    assert log == [
        ("preparer", "draft", "submitted", ""),
        ("reviewer", "submitted", "returned", "第2行满意度请附调查依据"),
        ("preparer", "returned", "submitted", ""),
        ("reviewer", "submitted", "approved", ""),
    ]
    assert form.submissions.count() == 2


@pytest.mark.parametrize(
    ("status", "who", "action", "message"),
    [
        (Status.DRAFT, "reviewer", "approve", "现在是“草稿”，不能通过"),
        (Status.SUBMITTED, "preparer", "approve", "只有财政部门的审核人可以通过"),
        (Status.APPROVED, "reviewer", "approve", "现在是“已审核”，不能通过"),
        (Status.APPROVED, "preparer", "withdraw", "现在是“已审核”，不能撤回"),
        (Status.SUBMITTED, "reviewer", "return", "请填写退回的理由"),
        (Status.APPROVED, "reviewer", "reopen", "请填写重新打开的理由"),
        (Status.SUBMITTED, "preparer", "submit", "现在是“已提交”，不能提交"),
        (Status.SUBMITTED, "viewer", "approve", "只有财政部门的审核人可以通过"),
        (Status.SUBMITTED, "other_reviewer", "approve", "没有找到该自评表"),
        (Status.SUBMITTED, "other_preparer", "withdraw", "没有找到该自评表"),
    ],
)
def test_refused_moves_change_nothing_and_say_why(cast, form, status, who, action, message):
    set_status(form, status)
    with pytest.raises(services.EvaluationError, match=message):
        move(form, getattr(cast, who), action)
    form.refresh_from_db()
    assert form.status == status and form.version == 1
    assert not TransitionLog.objects.exists()
    assert not Notification.objects.exists()


def test_withdraw_returns_a_submitted_form_to_draft(cast, form):
    move(form, cast.preparer, "submit")
    assert move(form, cast.preparer, "withdraw").status == Status.DRAFT


def test_reopen_an_approved_form_needs_a_reason_and_returns_it(cast, form):
    set_status(form, Status.APPROVED)
    ev = move(form, cast.reviewer, "reopen", reason="执行数有误")
    assert ev.status == Status.RETURNED and ev.reviewed_by is None


def test_submit_refuses_an_incomplete_form_and_lists_what_is_missing(cast):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        lines=[
            ("项目完成指标", "数量指标", "基金支出预算完成", "≥95%", "60%"),  # not met, no reason
        ],
    )
    with pytest.raises(services.SubmissionIncomplete) as refused:
        move(ev, cast.preparer, "submit")
    assert any("偏差原因" in p for p in refused.value.problems)
    ev.refresh_from_db()
    assert ev.status == Status.DRAFT and not ev.submissions.exists()


def test_a_stale_page_is_refused(cast, form):
    move(form, cast.preparer, "submit")
    with pytest.raises(services.EvaluationError, match="页面已过期"):
        move(form, cast.reviewer, "approve", expected_version=1)
    form.refresh_from_db()
    assert form.status == Status.SUBMITTED


def test_a_closed_year_refuses_every_move(cast, form):
    cast.year.closed = True
    cast.year.save()
    with pytest.raises(services.EvaluationError, match="已关闭"):
        move(form, cast.preparer, "submit")


def test_notices_reach_the_reviewers_on_submit_and_the_preparers_on_return(cast, form):
    cast.reviewer.email = "reviewer@example.invalid"
    cast.reviewer.save()
    move(form, cast.preparer, "submit")
    # The county's reviewer and the prefecture viewer's unit? Only reviewers are notified.
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"reviewer"}
    move(form, cast.reviewer, "return", reason="请补充依据")
    to_preparers = Notification.objects.filter(text__contains="被退回修改：请补充依据")
    assert set(to_preparers.values_list("recipient__username", flat=True)) == {
        "preparer",
        "colleague",
    }


@pytest.mark.django_db(transaction=True)
def test_submit_sends_mail_after_commit(cast, form):
    cast.reviewer.email = "reviewer@example.invalid"
    cast.reviewer.save()
    move(form, cast.preparer, "submit")
    assert [m.to for m in mail.outbox] == [["reviewer@example.invalid"]]
    assert "请审核" in mail.outbox[0].body


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_log_exactly_one_approval(cast, form):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL: SQLite serialises whole transactions instead")
    colleague_reviewer = type(cast.reviewer).objects.create_user("reviewer2", password=PASSWORD)
    from evaluations.models import Membership

    Membership.objects.create(user=colleague_reviewer, unit=cast.finance, role="reviewer")
    move(form, cast.preparer, "submit")
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(user):
        from django.db import connections

        barrier.wait()
        try:
            move(form, user, "approve")
            outcomes.append("approved")
        except services.EvaluationError as e:
            outcomes.append(e.message)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve, args=(u,)) for u in (cast.reviewer, colleague_reviewer)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes)[0] == "approved"
    assert "现在是“已审核”，不能通过" in sorted(outcomes)[1]
    assert TransitionLog.objects.filter(action="approve").count() == 1


# -- the pages ---------------------------------------------------------------------------------


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_reviewer_returns_a_form_from_its_page_with_a_reason(client, cast, form):
    move(form, cast.preparer, "submit")
    login(client, cast.reviewer)
    page = client.get(reverse("evaluation_detail", args=[form.pk])).content.decode()
    assert "退回" in page and "通过" in page
    url = reverse("evaluation_transition", args=[form.pk, "return"])
    response = client.post(url, {"reason": "请补充满意度调查依据", "version": 2}, follow=True)
    assert "已退回填报单位修改。" in response.content.decode()
    form.refresh_from_db()
    assert form.status == Status.RETURNED


def test_a_crafted_approve_by_the_preparer_answers_403(client, cast, form):
    move(form, cast.preparer, "submit")
    login(client, cast.preparer)
    url = reverse("evaluation_transition", args=[form.pk, "approve"])
    assert client.post(url).status_code == 403
    form.refresh_from_db()
    assert form.status == Status.SUBMITTED


def test_a_reviewer_of_another_region_gets_404(client, cast, form):
    move(form, cast.preparer, "submit")
    login(client, cast.other_reviewer)
    assert (
        client.post(reverse("evaluation_transition", args=[form.pk, "approve"])).status_code == 404
    )
    assert client.get(reverse("evaluation_history", args=[form.pk])).status_code == 404


def test_comments_on_a_line_are_kept_with_the_lines_name(client, cast, form):
    line = form.indicator_lines.first()
    login(client, cast.reviewer)
    client.post(reverse("comment_add", args=[form.pk]), {"text": "请核实人数", "line": line.pk})
    comment = ReviewComment.objects.get()
    assert (comment.line, comment.line_label, comment.author) == (line, line.level3, cast.reviewer)
    page = client.get(reverse("evaluation_detail", args=[form.pk])).content.decode()
    assert "请核实人数" in page


def test_a_viewer_may_not_comment(client, cast, form):
    login(client, cast.viewer)
    response = client.post(reverse("comment_add", args=[form.pk]), {"text": "x"})
    assert response.status_code == 403
    assert not ReviewComment.objects.exists()


def test_history_shows_what_changed_between_two_submissions(client, cast, form):
    move(form, cast.preparer, "submit")
    move(form, cast.reviewer, "return", reason="人数有误")
    form.indicator_lines.filter(level3__startswith="保障").update(actual="130000")
    move(form, cast.preparer, "submit")
    login(client, cast.reviewer)
    page = client.get(reverse("evaluation_history", args=[form.pk])).content.decode()
    assert "第1行（保障城镇职工基本医疗待遇享受人数）·实际完成值" in page
    assert "128267" in page and "130000" in page
    assert "人数有误" in page


def test_the_notification_badge_counts_unread_notices(client, cast, form):
    move(form, cast.preparer, "submit")
    login(client, cast.reviewer)
    page = client.get(reverse("evaluation_list")).content.decode()
    assert "1 条未读" in page
    client.post(reverse("notification_list"))
    assert "条未读" not in client.get(reverse("evaluation_list")).content.decode()


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (Status.DRAFT, "草稿"),
        (Status.SUBMITTED, "已提交，等待审核"),
        (Status.RETURNED, "已退回"),
        (Status.APPROVED, "请联系审核人重新打开"),
    ],
)
def test_the_form_page_says_why_it_is_locked(client, cast, form, status, reason):
    set_status(form, status)
    login(client, cast.preparer)
    page = client.get(reverse("evaluation_detail", args=[form.pk])).content.decode()
    assert reason in page
