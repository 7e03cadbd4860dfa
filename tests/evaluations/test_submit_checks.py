"""A draft always saves; every business rule is an item of the 提交前需处理 list, linked to its
row, and holds at 提交 and at 通过."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations import services
from evaluations.models import Evaluation
from evaluations.selectors import submit_checks, with_lines
from tests.conftest import PASSWORD
from tests.evaluations.helpers import edit_post, lines_post, make_project_form

LINES = [
    ("产出指标", "数量指标", "培训人数", "≥100人", "120人", "50", None),
    ("效益指标", "社会效益指标", "群众知晓率", "≥90%", "95%", "30", None),
    ("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90%", "96%", "10", None),
]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def project(cast):
    return make_project_form(cast, LINES, budget="100", actual="100")


def post_with_lines(ev, lines):
    data = {k: v for k, v in edit_post(ev).items() if not k.startswith("lines-")}
    data.update(lines_post([{**line, "ORDER": i + 1} for i, line in enumerate(lines)]))
    return data


def stored_lines(ev):
    return list(ev.indicator_lines.order_by("order"))


def test_a_placeholder_row_and_a_hand_score_save_at_once_and_are_listed(client, cast, project):
    login(client, cast.preparer)
    lines = [
        {
            "id": line.pk,
            "level1": line.level1,
            "level2": line.level2,
            "level3": line.level3,
            "target": line.target,
            "actual": line.actual,
            "weight": line.weight,
        }
        for line in stored_lines(project)
    ]
    lines[0]["score"] = "45"  # the form's own 得分, no reason typed
    lines.insert(1, {"level1": "产出指标", "level2": "数量指标", "level3": "……"})
    response = client.post(
        reverse("evaluation_edit", args=[project.pk]), post_with_lines(project, lines), follow=True
    )
    page = html.unescape(response.content.decode())
    assert "已保存。" in page

    saved = stored_lines(project)
    assert [line.level3 for line in saved][:2] == ["培训人数", "……"]
    assert saved[0].score == Decimal(45) and saved[1].target == ""
    assert "提交前需处理（2 项）" in page
    assert "产出指标/数量指标 · 第2行 ……：占位行（“……”），请填写该指标或删除本行。" in page
    assert "产出指标/数量指标 · 第1行 培训人数：自评得分45分与建议得分50分不同" in page
    assert f'href="#line-{saved[1].pk}"' in page

    # The placeholder is printed as the form has it.
    pdf = client.get(reverse("evaluation_pdf", args=[project.pk]))
    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(
        p.extract_text() for p in PdfReader(BytesIO(b"".join(pdf.streaming_content))).pages
    )
    assert "……" in text


def test_submit_is_refused_until_the_list_is_empty(cast, project):
    project.indicator_lines.filter(order=0).update(target="")
    with pytest.raises(services.SubmissionIncomplete) as refused:
        services.evaluation_transition(
            evaluation_id=project.pk, user=cast.preparer, action="submit"
        )
    assert refused.value.problems == ["产出指标/数量指标 · 第1行 培训人数：请填写年度指标值。"]
    project.indicator_lines.filter(order=0).update(target="≥100人")
    assert submit_checks(project.pk) == []
    services.evaluation_transition(evaluation_id=project.pk, user=cast.preparer, action="submit")
    assert Evaluation.objects.get(pk=project.pk).status == Evaluation.Status.SUBMITTED


def test_approve_is_refused_while_a_rule_is_unsettled(cast, project):
    services.evaluation_transition(evaluation_id=project.pk, user=cast.preparer, action="submit")
    # Changed outside the edit page (the admin, a script): 通过 checks again.
    project.indicator_lines.filter(order=2).update(score=Decimal(5))
    with pytest.raises(services.SubmissionIncomplete) as refused:
        services.evaluation_transition(
            evaluation_id=project.pk, user=cast.reviewer, action="approve"
        )
    assert refused.value.message.startswith("还不能通过")
    assert Evaluation.objects.get(pk=project.pk).status == Evaluation.Status.SUBMITTED


def test_weights_that_do_not_add_up_are_listed_against_the_forms_own_weights(cast, project):
    # The form states 70/20/10 (no 预算执行率 score): its lines are checked against those.
    Evaluation.objects.filter(pk=project.pk).update(
        level1_weights={"产出指标": "70", "效益指标": "20", "满意度指标": "10"}
    )
    ev = with_lines(Evaluation.objects.filter(pk=project.pk)).get()
    messages = [c.message for c in submit_checks(ev)]
    assert messages == [
        "产出指标分值：各三级指标分值合计50分，与一级指标分值70分不一致。",
        "效益指标分值：各三级指标分值合计30分，与一级指标分值20分不一致。",
    ]
    first = stored_lines(project)[0]
    assert submit_checks(ev)[0].anchor == f"line-{first.pk}"
