"""The edit page keeps typing and submits where the clerk works: its autosave stores the draft
(no submission version) and tells the page the new version and the ids of new lines; 保存并提交
saves, then submits, and on refusal the edit page lists what is missing."""

import pytest
from django.urls import reverse

from evaluations.models import Evaluation
from tests.conftest import PASSWORD, make_evaluation
from tests.evaluations.helpers import edit_post

COMPLETE = [
    ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
    ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
]


@pytest.fixture
def form(cast):
    ev = make_evaluation(cast.preparer, cast.year, lines=COMPLETE)
    return Evaluation.objects.get(pk=ev.pk)


def edit(client, user, ev, data):
    assert client.login(username=user.username, password=PASSWORD)
    return client.post(reverse("evaluation_edit", args=[ev.pk]), data)


def test_autosave_stores_the_draft_and_answers_the_new_version_and_line_ids(client, cast, form):
    data = edit_post(form, **{"lines-0-actual": "128300"})
    data.update(
        {
            "lines-TOTAL_FORMS": "3",
            "lines-2-level1": "项目完成指标",
            "lines-2-level2": "质量指标",
            "lines-2-level3": "基金支出合规率",
            "lines-2-target": "100%",
            "lines-2-ORDER": "3",
            "autosave": "1",
        }
    )
    response = edit(client, cast.preparer, form, data)
    assert response.status_code == 200
    body = response.json()
    form.refresh_from_db()
    assert body["saved"] is True and body["version"] == form.version == 2
    new_line = form.indicator_lines.get(level3="基金支出合规率")
    assert {"prefix": "lines-2", "id": new_line.pk} in body["lines"]
    assert form.indicator_lines.get(order=0).actual == "128300"
    assert form.status == Evaluation.Status.DRAFT and not form.submissions.exists()


def test_a_refused_autosave_answers_why_and_changes_nothing(client, cast, form):
    data = edit_post(form, version="7", autosave="1")  # someone saved in between
    response = edit(client, cast.preparer, form, data)
    assert response.status_code == 409
    assert response.json()["saved"] is False and "没有保存" in response.json()["message"]
    form.refresh_from_db()
    assert form.version == 1


def test_save_and_submit_from_the_edit_page(client, cast, form):
    page = edit(client, cast.preparer, form, {}) and client.get(
        reverse("evaluation_edit", args=[form.pk])
    )
    html = page.content.decode()
    assert "保存并提交" in html and "查看/打印自评表" in html and "查看表样" not in html

    response = client.post(
        reverse("evaluation_edit", args=[form.pk]),
        edit_post(form, then="submit", **{"lines-1-actual": "96%"}),
        follow=True,
    )
    form.refresh_from_db()
    assert form.status == Evaluation.Status.SUBMITTED
    assert form.indicator_lines.get(order=1).actual == "96%"
    assert response.redirect_chain[-1][0] == reverse("evaluation_detail", args=[form.pk])
    assert "已提交，等待财政部门审核。" in response.content.decode()


def test_save_and_submit_of_an_incomplete_form_saves_and_lists_what_is_missing(client, cast, form):
    response = edit(
        client, cast.preparer, form, edit_post(form, then="submit", **{"lines-0-actual": "60000"})
    )
    assert response.status_code == 302
    assert response.url == reverse("evaluation_edit", args=[form.pk])
    form.refresh_from_db()
    assert form.status == Evaluation.Status.DRAFT and form.version == 2
    html = client.get(response.url).content.decode()
    assert "还不能提交，请先补全" in html and "第1行 保障城镇职工基本医疗待遇享受人数：" in html
