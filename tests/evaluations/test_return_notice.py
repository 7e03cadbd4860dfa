"""A returned form says why where the clerk works: the latest 退回/重新打开 reason (who, when,
text, files) on top of the form page and the edit page, every open line comment under its line
on the edit page, and the comments marked 已处理 once the form is resubmitted."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluations import services
from tests.conftest import PASSWORD, make_evaluation

COMPLETE = [
    ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
    ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def returned(cast):
    ev = make_evaluation(cast.preparer, cast.year, lines=COMPLETE)
    services.evaluation_transition(evaluation_id=ev.pk, user=cast.preparer, action="submit")
    first = ev.indicator_lines.get(order=0)
    services.comment_add(
        evaluation_id=ev.pk, user=cast.reviewer, text="人数与年报不一致", line_id=first.pk
    )
    services.comment_add(evaluation_id=ev.pk, user=cast.reviewer, text="请附满意度调查报告")
    services.evaluation_transition(
        evaluation_id=ev.pk,
        user=cast.reviewer,
        action="return",
        reason="第1行人数有误，请核实",
        files=[SimpleUploadedFile("年报摘录.pdf", PDF, content_type="application/pdf")],
    )
    return ev


def page(client, user, name, ev) -> str:
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse(name, args=[ev.pk]))
    assert response.status_code == 200
    return response.content.decode()


def notice(html: str) -> str:
    found = re.search(
        r'<section class="alert alert-warning return-notice".*?</section>', html, re.S
    )
    assert found, "no 退回理由 on the page"
    return found.group(0)


@pytest.mark.parametrize("name", ["evaluation_detail", "evaluation_edit"])
def test_the_return_reason_who_when_and_files_head_both_pages(client, cast, returned, name):
    box = notice(page(client, cast.preparer, name, returned))
    assert "退回理由" in box and "第1行人数有误，请核实" in box
    assert "张审核" in box
    assert "年报摘录.pdf" in box
    assert "请附满意度调查报告" in box  # the whole-form comment


def test_line_comments_sit_under_their_line_on_the_edit_page(client, cast, returned):
    html = page(client, cast.preparer, "evaluation_edit", returned)
    rows = re.findall(r"<tr[^>]*class=\"line-row.*?</tr>", html, re.S)
    assert "人数与年报不一致" in rows[0]
    assert "人数与年报不一致" not in rows[1]


def test_the_form_page_names_the_line_of_each_comment(client, cast, returned):
    box = notice(page(client, cast.preparer, "evaluation_detail", returned))
    assert "保障城镇职工基本医疗待遇享受人数" in box and "人数与年报不一致" in box


def test_resubmitting_marks_the_comments_handled_and_drops_the_notice(client, cast, returned):
    services.evaluation_transition(evaluation_id=returned.pk, user=cast.preparer, action="submit")
    html = page(client, cast.reviewer, "evaluation_detail", returned)
    assert "return-notice" not in html
    assert html.count("已处理</span>") == 2
