"""The whole story in a browser: the preparer fills and submits, the reviewer returns a line with
a comment, the preparer fixes it and resubmits, the reviewer approves, both download the PDF."""

import pytest

from evaluations.models import Evaluation
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, make_evaluation

pytestmark = pytest.mark.browser


def log_out(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login/**")


def download_pdf(page):
    """Fetch the 打印（PDF） link with the browser's own session (the PDF opens inline)."""
    href = page.get_by_role("link", name="打印（PDF）").get_attribute("href")
    response = page.context.request.get(href)
    assert response.headers["content-type"] == "application/pdf"
    return response.body()


def test_submit_return_fix_resubmit_approve_and_print(page, cast):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        lines=[
            ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", ""),
            ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
        ],
    )
    detail = f"/evaluations/{ev.pk}/"

    # The preparer types the missing actual value and submits.
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(detail + "edit/")
    page.locator('input[name="lines-0-actual"]').fill("120000")
    page.get_by_role("button", name="保存草稿").click()
    page.goto(detail)
    page.get_by_role("button", name="提交", exact=True).click()
    assert page.get_by_text("已提交，等待财政部门审核。").is_visible()
    log_out(page)

    # The reviewer comments on the first line and returns the form.
    log_in(page, cast.reviewer.username, PASSWORD)
    page.goto(detail)
    page.get_by_label("针对").select_option(label="第1行 保障城镇职工基本医疗待遇享受人数")
    page.get_by_label("意见", exact=True).fill("人数与年报不一致，请核实（年报为128267人）")
    page.get_by_role("button", name="添加意见").click()
    page.get_by_text("退回…").click()  # the action bar opens the return form
    page.get_by_label("退回理由（必填）").fill("第1行人数有误")
    page.get_by_role("button", name="退回", exact=True).click()
    assert page.get_by_text("已退回填报单位修改。").is_visible()
    log_out(page)

    # The preparer sees why, fixes the line and resubmits.
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(detail)
    assert page.locator(".return-notice").get_by_text("人数与年报不一致").is_visible()
    page.get_by_role("link", name="填写 / 修改").click()
    page.locator('input[name="lines-0-actual"]').fill("128267")
    page.get_by_role("button", name="保存草稿").click()
    page.goto(detail)
    page.get_by_role("button", name="提交", exact=True).click()
    assert page.get_by_text("已提交，等待财政部门审核。").is_visible()
    log_out(page)

    # The reviewer sees what changed, approves and prints.
    log_in(page, cast.reviewer.username, PASSWORD)
    page.goto(detail + "history/")
    assert page.get_by_role("cell", name="128267").is_visible()
    page.goto(detail)
    page.get_by_role("button", name="通过").click()
    assert page.get_by_text("已审核通过。").is_visible()
    assert download_pdf(page).startswith(b"%PDF")
    log_out(page)

    # The preparer prints the approved form too; it can no longer be edited.
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(detail)
    assert page.get_by_text("请联系审核人重新打开").is_visible()
    assert page.get_by_role("link", name="填写 / 修改").count() == 0
    assert download_pdf(page).startswith(b"%PDF")

    ev.refresh_from_db()
    assert ev.status == Evaluation.Status.APPROVED
    assert ev.indicator_lines.get(order=0).actual == "128267"
    assert list(ev.transitions.values_list("action", flat=True)) == [
        "submit",
        "return",
        "submit",
        "approve",
    ]
