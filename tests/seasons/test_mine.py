"""A unit's 我的自评任务: what to fill, how many days are left, and one click to the draft."""

from datetime import date

import pytest
from django.urls import reverse

from evaluations.models import Evaluation, IndicatorLine, Year
from seasons import board, services
from tests.conftest import PASSWORD, make_evaluation

from .helpers import issue, set_status


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def on(monkeypatch):
    def set_today(day):
        monkeypatch.setattr("seasons.views.today", lambda: day)

    return set_today


@pytest.mark.parametrize(
    "day, text",
    [
        (date(2021, 4, 27), "还剩 3 天"),  # 30 − 27
        (date(2021, 4, 30), "今天截止"),
        (date(2021, 5, 2), "已逾期 2 天"),  # 2 May is the 2nd day after 30 April
    ],
)
def test_home_counts_the_days_to_the_deadline(client, cast, on, day, text):
    issue(cast, templates=["social_insurance_fund", "project_2020"])
    on(day)
    login(client, cast.preparer)
    page = client.get(reverse("seasons:mine")).content.decode()
    assert "2020年度项目支出绩效自评" in page
    assert "社会保险基金支出绩效自评表" in page and "项目支出绩效自评表" in page
    assert page.count(text) == 2
    assert "疏财函〔2021〕13号" in page


def test_a_handed_in_form_shows_its_status_not_a_countdown(client, cast, on):
    issue(cast)
    ev = make_evaluation(cast.preparer, cast.year)
    set_status(ev, Evaluation.Status.SUBMITTED)
    on(date(2021, 5, 2))
    login(client, cast.preparer)
    page = client.get(reverse("seasons:mine")).content.decode()
    assert "已逾期" not in page
    assert "已提交" in page


def test_an_extension_for_the_unit_moves_its_countdown(client, cast, on):
    task = issue(cast)
    services.task_extend(
        user=cast.reviewer,
        task_id=task.pk,
        unit_id=cast.bureau.pk,
        deadline=date(2021, 5, 10),
        reason="出差",
    )
    on(date(2021, 5, 2))
    login(client, cast.preparer)
    assert "还剩 8 天" in client.get(reverse("seasons:mine")).content.decode()  # 10 − 2
    login(client, cast.other_preparer)
    assert "已逾期 2 天" in client.get(reverse("seasons:mine")).content.decode()


def test_one_click_creates_the_draft_from_last_years_form(client, cast, on):
    last_year = Year.objects.create(year=2019)
    old = make_evaluation(
        cast.preparer,
        last_year,
        project_name="城镇职工医疗保险基金支出",
        lines=[("产出指标", "数量指标", "参保人数", "≥10万人", "128267")],
    )
    old.goal_planned = "保障参保职工待遇"
    old.save()
    task = issue(cast)
    on(date(2021, 4, 1))
    login(client, cast.preparer)
    url = reverse("seasons:task_form_open", args=[task.pk, "social_insurance_fund"])
    response = client.post(url)
    ev = Evaluation.objects.get(year=cast.year)
    assert response["Location"] == reverse("evaluation_edit", args=[ev.pk])
    assert (ev.project_name, ev.goal_planned, ev.status) == (
        "城镇职工医疗保险基金支出",
        "保障参保职工待遇",
        "draft",
    )
    line = IndicatorLine.objects.get(evaluation=ev)
    assert (line.level3, line.target, line.actual) == ("参保人数", "≥10万人", "")
    assert ev.fill_date == date(2021, 4, 1)
    # The second click opens the same draft.
    assert client.post(url)["Location"] == reverse("evaluation_edit", args=[ev.pk])
    assert Evaluation.objects.filter(year=cast.year).count() == 1


def test_without_last_years_form_a_blank_draft_is_created(client, cast, on):
    task = issue(cast, templates=["project_2020"])
    on(date(2021, 4, 1))
    login(client, cast.preparer)
    client.post(reverse("seasons:task_form_open", args=[task.pk, "project_2020"]))
    ev = Evaluation.objects.get()
    assert ev.template == "project_2020" and ev.project_name == "项目支出绩效自评表"
    assert ev.header["implementing_unit"] == "疏勒县医疗保障局"


def test_an_approved_form_opens_read_only(client, cast, on):
    task = issue(cast)
    ev = make_evaluation(cast.preparer, cast.year)
    set_status(ev, Evaluation.Status.APPROVED)
    login(client, cast.preparer)
    url = reverse("seasons:task_form_open", args=[task.pk, "social_insurance_fund"])
    assert client.post(url)["Location"] == reverse("evaluation_detail", args=[ev.pk])


def test_a_template_the_task_does_not_ask_for_is_refused(client, cast, on):
    task = issue(cast)
    login(client, cast.preparer)
    url = reverse("seasons:task_form_open", args=[task.pk, "project_2020"])
    response = client.post(url, follow=True)
    assert "此任务不要求填报这种表样。" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_outsiders_cannot_open_a_tasks_form(client, cast, on):
    task = issue(cast, units=[cast.health])
    url = reverse("seasons:task_form_open", args=[task.pk, "social_insurance_fund"])
    login(client, cast.preparer)  # their unit was not given the task
    assert client.post(url).status_code == 404
    login(client, cast.reviewer)
    assert client.post(url).status_code == 403
    assert client.get(reverse("seasons:mine")).status_code == 403
    assert not Evaluation.objects.exists()


def test_countdown_core():
    deadline = date(2021, 4, 30)
    assert board.countdown(deadline, date(2021, 4, 1), "missing") == "还剩 29 天"
    assert board.countdown(deadline, date(2021, 5, 30), "returned") == "已逾期 30 天"
    assert board.countdown(deadline, date(2021, 5, 30), "approved") == "已审核"
    assert board.overdue_days(deadline, date(2021, 5, 30), "draft") == 30
    assert board.overdue_days(deadline, date(2021, 5, 30), "submitted") == 0


def test_a_locked_task_says_so_on_the_home_page(client, cast, on):
    issue(cast, lock_after_deadline=True)
    on(date(2021, 5, 2))
    login(client, cast.preparer)
    page = client.get(reverse("seasons:mine")).content.decode()
    assert "已过截止日期（2021-04-30），请联系审核人延期" in page
    on(date(2021, 4, 30))
    page = client.get(reverse("seasons:mine")).content.decode()
    assert "请联系审核人延期" not in page


def test_the_home_page_shows_the_lock_a_save_would_meet(client, cast, on):
    """Two open tasks ask for the same form and only one locks after its deadline: saving still
    works (seasons.selectors.deadline_lock_for), so neither task says the form is locked."""
    issue(cast, lock_after_deadline=True)
    issue(cast, title="2020年度补充自评", deadline=date(2021, 5, 31))
    on(date(2021, 5, 2))
    login(client, cast.preparer)
    page = client.get(reverse("seasons:mine")).content.decode()
    assert "2020年度补充自评" in page
    assert "请联系审核人延期" not in page
