"""Every form page says why the form can or cannot be changed and what to do: per state, after a
partial return, in a closed year, and for reasons other parts of the app add (the deadline hook).
撤回 is offered, and allowed, only while nobody has started reviewing."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from evaluations import locks, services
from evaluations.models import Evaluation, TransitionLog
from seasons.selectors import DEADLINE_LOCKED
from tests.conftest import PASSWORD, make_evaluation
from tests.seasons.helpers import issue

Status = Evaluation.Status
TODAY = date(2021, 4, 1)
COMPLETE = [
    ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
    ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
]


@pytest.fixture
def form(cast):
    return make_evaluation(cast.preparer, cast.year, lines=COMPLETE)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def move(ev, user, action, reason="", **kwargs):
    return services.evaluation_transition(
        evaluation_id=ev.pk, user=user, action=action, reason=reason, **kwargs
    )


def detail(client, ev) -> str:
    return client.get(reverse("evaluation_detail", args=[ev.pk])).content.decode()


def transition_buttons(page: str) -> list[str]:
    return [a for a in ("submit", "withdraw", "return", "approve", "reopen") if f"/{a}/" in page]


# -- the reason itself, state by state ---------------------------------------------------------


def test_a_draft_is_open_and_says_to_submit(cast, form):
    lock = locks.lock_reason(form, today=TODAY)
    assert not lock.locked
    assert str(lock) == "草稿：填报单位可以修改。填好后请提交财政部门审核。"


def test_a_submitted_form_waits_for_review_and_may_be_withdrawn(cast, form):
    form = move(form, cast.preparer, "submit")
    lock = locks.lock_reason(form, today=TODAY)
    assert lock.locked
    assert str(lock) == "已提交，等待审核。审核开始之前，填报单位可以撤回后修改。"


def test_a_submitted_form_under_review_says_ask_the_reviewer(cast, form):
    form = move(form, cast.preparer, "submit")
    lock = locks.lock_reason(form, today=TODAY, review_started=True)
    assert lock.locked
    assert str(lock) == "已提交，审核人已开始审核，不能再撤回。如需修改，请联系审核人退回。"


def test_an_approved_form_names_the_reviewer_and_the_time(cast, form):
    move(form, cast.preparer, "submit")
    form = move(form, cast.reviewer, "approve")
    Evaluation.objects.filter(pk=form.pk).update(
        reviewed_at=datetime(2021, 3, 5, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    )
    form.refresh_from_db()
    lock = locks.lock_reason(form, today=TODAY)
    assert lock.locked
    assert str(lock) == (
        "已审核（审核人：张审核，2021-03-05 10:30），不能再修改。如需修改请联系审核人重新打开。"
    )


def test_a_returned_form_is_open_whole(cast, form):
    move(form, cast.preparer, "submit")
    form = move(form, cast.reviewer, "return", reason="人数有误")
    lock = locks.lock_reason(form, today=TODAY)
    assert not lock.locked
    assert str(lock) == "已退回：整张表可以修改。请根据审核意见修改后重新提交。"


def test_a_closed_year_locks_every_state(cast, form):
    cast.year.closed = True
    cast.year.save()
    form.refresh_from_db()
    lock = locks.lock_reason(form, today=TODAY)
    assert lock.locked
    assert lock.reason == "2020年度已关闭，只能查看。"


def test_a_partial_return_names_the_parts_open(cast, form):
    from evaluations.selectors import edit_scope

    move(form, cast.preparer, "submit")
    line = form.indicator_lines.get(level3="参保人员满意度")
    form = move(
        form,
        cast.reviewer,
        "return",
        reason="满意度依据不足",
        parts=[
            services.PartInput(section="goals", comment="补充实际完成情况"),
            services.PartInput(line_id=line.pk, comment="附调查报告"),
        ],
    )
    lock = locks.lock_reason(form, today=TODAY, scope=edit_scope(form))
    assert not lock.locked
    assert lock.reason == (
        "已部分退回：只有审核人标出的部分可以修改（“绩效目标”、第2行“参保人员满意度”），其余部分只读。"
    )


# -- the pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "who", "says", "buttons"),
    [
        ("draft", "preparer", "草稿：填报单位可以修改。", ["submit"]),
        ("submitted", "preparer", "已提交，等待审核。", ["withdraw"]),
        ("submitted", "reviewer", "待您审核：疏勒县医疗保障局于", ["return", "approve"]),
        ("returned", "reviewer", "已退回填报单位修改，等待重新提交。", []),
        ("approved", "preparer", "如需修改请联系审核人重新打开。", []),
        ("approved", "reviewer", "已审核（审核人：张审核，", ["reopen"]),
        ("returned", "preparer", "已退回：整张表可以修改。", ["submit"]),
        ("closed", "preparer", "2020年度已关闭，只能查看。", []),
        ("closed", "viewer", "2020年度已关闭，只能查看。", []),
    ],
)
def test_the_form_page_says_why_and_offers_what_can_be_done(
    client, cast, form, state, who, says, buttons
):
    if state in ("submitted", "approved", "returned"):
        move(form, cast.preparer, "submit")
    if state == "approved":
        move(form, cast.reviewer, "approve")
    if state == "returned":
        move(form, cast.reviewer, "return", reason="请核实")
    if state == "closed":
        cast.year.closed = True
        cast.year.save()
    login(client, getattr(cast, who))
    page = detail(client, form)
    assert says in page
    assert transition_buttons(page) == buttons


def test_withdraw_before_review_returns_the_form_to_draft(client, cast, form):
    move(form, cast.preparer, "submit")
    login(client, cast.preparer)
    url = reverse("evaluation_transition", args=[form.pk, "withdraw"])
    response = client.post(url, {"version": 2}, follow=True)
    assert "已撤回，可以继续修改。" in response.content.decode()
    form.refresh_from_db()
    assert form.status == Status.DRAFT
    assert TransitionLog.objects.filter(action="withdraw", actor=cast.preparer).count() == 1


def test_once_a_reviewer_has_commented_withdraw_is_gone_and_refused(client, cast, form):
    move(form, cast.preparer, "submit")
    services.comment_add(evaluation_id=form.pk, user=cast.reviewer, text="正在核对人数")
    login(client, cast.preparer)
    page = detail(client, form)
    assert "审核人已开始审核，不能再撤回。" in page
    assert "withdraw" not in transition_buttons(page)
    url = reverse("evaluation_transition", args=[form.pk, "withdraw"])
    response = client.post(url, {"version": 2}, follow=True)
    assert services.REVIEW_STARTED in response.content.decode()
    form.refresh_from_db()
    assert form.status == Status.SUBMITTED
    assert not TransitionLog.objects.filter(action="withdraw").exists()


def test_a_preparers_own_comment_does_not_stop_withdraw(cast, form):
    move(form, cast.preparer, "submit")
    services.comment_add(evaluation_id=form.pk, user=cast.preparer, text="第1行人数已核对")
    assert move(form, cast.preparer, "withdraw").status == Status.DRAFT


def test_a_reason_from_elsewhere_locks_the_form_everywhere(client, cast, form):
    """The hook the season's deadlines plug into (a task locked after its deadline, long past):
    its reason is shown, the edit page and the service refuse, and evidence can no longer be
    attached."""
    issue(cast, lock_after_deadline=True)
    closed = DEADLINE_LOCKED.format(deadline="2021-04-30")
    login(client, cast.preparer)
    page = detail(client, form)
    assert closed in page and "填写 / 修改" not in page
    assert '<option value="evidence">' not in page
    response = client.get(reverse("evaluation_edit", args=[form.pk]), follow=True)
    assert closed in response.content.decode()
    with pytest.raises(services.EvaluationError, match=re.escape(closed)):
        services.evaluation_save(
            evaluation_id=form.pk,
            user=cast.preparer,
            expected_version=form.version,
            fields={"goal_actual": "改动"},
            funds={},
            lines=[],
        )
    form.refresh_from_db()
    assert form.goal_actual == "" and form.indicator_lines.count() == 2
