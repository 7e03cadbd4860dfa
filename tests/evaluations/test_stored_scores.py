"""A handed-in form's stored 总分 and 等级 — what the region summaries read instead of scoring
every form — are after every move what the form's page and PDF show: written on 提交 and 通过,
cleared on 退回 (whole or in part), 重新打开 and 撤回, written anew when the edited form is
submitted again; filled for existing forms by the data migration; rewritten by `manage.py
store_scores` after an upgrade changed the scoring rules (the admin site cannot change a form)."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from importlib import import_module
from io import BytesIO, StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from demo.loaders import load_demo
from evaluations import services
from evaluations.exports.layout import format_points
from evaluations.models import Evaluation
from evaluations.scoring import RULES, evaluation_score
from evaluations.selectors import with_lines
from tests.conftest import PASSWORD, make_evaluation
from tests.evaluations.helpers import edit_post, make_project_form

D = Decimal
S = Evaluation.Status

# (level1, level2, level3, target, actual, weight, qualitative percent, deviation)
LINES = [
    # 20 × 80/100 = 16; not met, so it carries its 偏差原因
    ("产出指标", "数量指标", "培训人数", "≥100人", "80人", "20", None, "部分学员延期"),
    # 定性, 90 % chosen: 30 × 0.9 = 27
    ("效益指标", "社会效益指标", "窗口服务水平", "得到提升", "得到提升", "30", "90", ""),
    # above the target: 10
    ("满意度指标", "服务对象满意度指标", "参保群众满意度", "≥90%", "95%", "10", None, ""),
]
# 预算执行率 10 × 90/100 = 9; 总分 9 + 16 + 27 + 10 = 62 → 中.


def make_form(cast, name="医保经办业务培训"):
    return make_project_form(cast, LINES, name=name)


@pytest.fixture
def form(cast):
    return make_form(cast)


def shown(ev) -> tuple[Decimal | None, str]:
    """总分 and 等级 as the form page, the PDF and the workbook compute them today."""
    score = evaluation_score(with_lines(Evaluation.objects.filter(pk=ev.pk)).get())
    return score.total, score.grade


def stored(ev) -> tuple[Decimal | None, str]:
    ev.refresh_from_db()
    return ev.stored_total, ev.stored_grade


def move(ev, user, action, **kwargs):
    return services.evaluation_transition(evaluation_id=ev.pk, user=user, action=action, **kwargs)


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


def post_move(client, user, ev, action, **data):
    login(client, user)
    ev.refresh_from_db()
    url = reverse("evaluation_transition", args=[ev.pk, action])
    response = client.post(url, {"version": ev.version, **data}, follow=True)
    assert response.status_code == 200
    ev.refresh_from_db()
    return response


def page_total(client, ev) -> str:
    """The 打印的总分 and its grade on the form's read-only page, as text."""
    page = client.get(reverse("evaluation_detail", args=[ev.pk])).content.decode()
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    return re.search(r"打印的总分 (\S+) （(\S)）", text).groups()


def pdf_total(client, ev) -> str:
    """The 总分 printed in the PDF: the cell after its 满分 (70: the weights the form states)."""
    response = client.get(reverse("evaluation_pdf", args=[ev.pk]))
    reader = PdfReader(BytesIO(b"".join(response.streaming_content)))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    return re.search(r"总分70([\d.]+)", text).group(1)


def test_a_draft_carries_no_stored_score(cast, form):
    assert shown(form) == (D("62.00"), "中")
    assert stored(form) == (None, "")


def test_submit_and_approve_store_the_score_the_page_and_the_pdf_show(client, cast, form):
    post_move(client, cast.preparer, form, "submit")
    assert form.status == S.SUBMITTED
    assert stored(form) == shown(form) == (D("62.00"), "中")
    assert form.stored_rules == RULES

    post_move(client, cast.reviewer, form, "approve")
    assert form.status == S.APPROVED
    assert stored(form) == shown(form) == (D("62.00"), "中")
    assert page_total(client, form) == (format_points(form.stored_total), form.stored_grade)
    assert pdf_total(client, form) == format_points(form.stored_total) == "62"


def test_a_return_clears_the_score_and_the_edited_resubmission_stores_the_new_one(
    client, cast, form
):
    post_move(client, cast.preparer, form, "submit")
    post_move(client, cast.reviewer, form, "return", reason="培训人数请核实")
    assert form.status == S.RETURNED
    assert stored(form) == (None, "")

    # The preparer claims 18 for 培训人数, with a reason: the printed total becomes 64.
    login(client, cast.preparer)
    changes = {"lines-0-score": "18", "lines-0-score_reason": "另培训乡镇经办人员20人"}
    data = edit_post(with_lines(Evaluation.objects.filter(pk=form.pk)).get(), **changes)
    assert client.post(reverse("evaluation_edit", args=[form.pk]), data).status_code == 302
    assert shown(form) == (D("64.00"), "中")
    assert stored(form) == (None, "")  # edited, not handed in: nothing stored

    post_move(client, cast.preparer, form, "submit")
    assert form.status == S.SUBMITTED
    assert stored(form) == shown(form) == (D("64.00"), "中")
    assert page_total(client, form) == ("64", "中")


def test_a_partial_return_clears_the_score_and_the_resubmission_stores_the_edited_one(
    client, cast, form
):
    move(form, cast.preparer, "submit")
    first = form.indicator_lines.order_by("order")[0]
    move(
        form,
        cast.reviewer,
        "return",
        reason="请核实培训人数",
        parts=[services.PartInput(line_id=first.pk, comment="实际培训人数有误")],
    )
    assert stored(form) == (None, "")

    # Only the marked line is open: 90 of 100 trained scores 18, total 64.
    login(client, cast.preparer)
    data = edit_post(
        with_lines(Evaluation.objects.filter(pk=form.pk)).get(), **{"lines-0-actual": "90人"}
    )
    assert client.post(reverse("evaluation_edit", args=[form.pk]), data).status_code == 302
    assert stored(form) == (None, "")

    move(form, cast.preparer, "submit")
    assert stored(form) == shown(form) == (D("64.00"), "中")
    move(form, cast.reviewer, "approve")
    assert stored(form) == shown(form) == (D("64.00"), "中")


def test_reopen_and_withdraw_clear_the_score(cast, form):
    move(form, cast.preparer, "submit")
    move(form, cast.reviewer, "approve")
    move(form, cast.reviewer, "reopen", reason="预算执行数有调整")
    assert stored(form) == (None, "") and form.status == S.RETURNED

    move(form, cast.preparer, "submit")
    assert stored(form) == shown(form)
    move(form, cast.preparer, "withdraw")
    assert stored(form) == (None, "") and form.status == S.DRAFT


def test_a_form_without_points_stores_no_score(cast):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        lines=[("项目完成指标", "数量指标", "参保人数", "≥10万人", "128267")],
    )
    move(ev, cast.preparer, "submit")
    assert shown(ev) == (None, "")
    assert stored(ev) == (None, "") and ev.stored_rules == ""


def test_the_demo_forms_handed_in_carry_the_scores_their_pages_show(db):
    load_demo()
    handed_in = Evaluation.objects.exclude(status__in=Evaluation.EDITABLE_STATUSES)
    scored = [ev for ev in handed_in if ev.template_def.scored]
    # The bazhou 项目支出 form (approved) and the taoyuan 部门整体 form (submitted).
    assert {ev.template for ev in scored} == {"project_2020", "department_wide_yueyang"}
    for ev in handed_in:
        assert stored(ev) == shown(ev)
        assert ev.stored_rules == (RULES if ev.template_def.scored else "")


def test_the_data_migration_fills_the_forms_handed_in_before_it(cast, form):
    # As a database holds them before the migration: handed in, nothing stored.
    draft = make_evaluation(cast.preparer, cast.year, template="project_2020", project_name="草稿")
    Evaluation.objects.filter(pk=form.pk).update(status=S.APPROVED)
    migration = import_module("evaluations.migrations.0006_stored_figures")

    migration.store_figures(apps, None)

    assert stored(form) == shown(form) == (D("62.00"), "中")
    assert form.stored_rules == RULES
    assert stored(draft) == (None, "")


def test_store_scores_rewrites_the_scores_of_other_rules_and_nothing_else(cast, form):
    move(form, cast.preparer, "submit")
    move(form, cast.reviewer, "approve")
    # As after an upgrade that changed the scoring rules: A's figures are of the old ones.
    Evaluation.objects.filter(pk=form.pk).update(
        stored_total=D("50.00"), stored_grade="差", stored_rules="0123456789ab"
    )
    current = make_form(cast, "另一培训项目")
    move(current, cast.preparer, "submit")
    returned = make_form(cast, "退回的项目")
    move(returned, cast.preparer, "submit")
    move(returned, cast.reviewer, "return", reason="请核实")

    out = StringIO()
    call_command("store_scores", stdout=out)

    assert out.getvalue() == "重新计算了 1 张自评表的总分和等级。\n"
    assert stored(form) == shown(form) == (D("62.00"), "中")
    assert form.stored_rules == RULES
    assert stored(current) == shown(current) and stored(returned) == (None, "")
    out = StringIO()
    call_command("store_scores", stdout=out)
    assert out.getvalue() == "重新计算了 0 张自评表的总分和等级。\n"
