"""The reviewer's form page opens with the form: a compact action bar on top (通过 first, 退回…
folded), the status written for the reviewer, and for a resubmission what changed since."""

import re

import pytest
from django.urls import reverse

from evaluations import services
from tests.conftest import PASSWORD, make_evaluation

COMPLETE = [
    ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
    ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
]


@pytest.fixture
def form(cast):
    ev = make_evaluation(cast.preparer, cast.year, lines=COMPLETE)
    services.evaluation_transition(evaluation_id=ev.pk, user=cast.preparer, action="submit")
    return ev


def page(client, user, ev) -> str:
    assert client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("evaluation_detail", args=[ev.pk])).content.decode()


def test_the_action_bar_comes_before_the_form_with_approve_first(client, cast, form):
    html = page(client, cast.reviewer, form)
    bar = html.index('class="card mb-3 action-bar"')
    sheet = html.index('class="form-sheet')
    comments = html.index('class="card mb-3 workflow-panel"')
    assert bar < sheet < comments
    approve = html.index(f"/evaluations/{form.pk}/transition/approve/")
    ret = html.index(f"/evaluations/{form.pk}/transition/return/")
    assert approve < ret
    # 退回 is folded: its reason only shows after 退回… is opened.
    folded = re.search(r"<details[^>]*>\s*<summary[^>]*>退回…</summary>.*?退回理由", html, re.S)
    assert folded
    assert "待您审核：疏勒县医疗保障局于" in html


def test_a_resubmission_says_how_many_places_changed(client, cast, form):
    services.evaluation_transition(
        evaluation_id=form.pk, user=cast.reviewer, action="return", reason="请核实人数"
    )
    line = form.indicator_lines.get(order=0)
    line.actual = "128300"
    line.save()
    services.evaluation_transition(evaluation_id=form.pk, user=cast.preparer, action="submit")
    html = page(client, cast.reviewer, form)
    assert "与上次提交相比修改了 1 处" in html
    assert "128300" in html[html.index("diff-summary") :]
    assert "第2次提交" in html


def test_a_first_submission_shows_no_comparison(client, cast, form):
    assert "与上次提交相比" not in page(client, cast.reviewer, form)
