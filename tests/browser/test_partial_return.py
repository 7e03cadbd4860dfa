"""部分退回 in a browser, by keyboard: the reviewer ticks one line and writes why, the preparer
finds only that line open to typing, fixes it and resubmits."""

import pytest

from evaluations import services
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, make_evaluation

pytestmark = pytest.mark.browser


def test_reviewer_sends_back_one_line_and_only_that_line_can_be_typed_in(page, cast):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        lines=[
            ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
            ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
        ],
    )
    services.evaluation_transition(evaluation_id=ev.pk, user=cast.preparer, action="submit")
    detail = f"/evaluations/{ev.pk}/"
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    log_in(page, cast.reviewer.username, PASSWORD)
    page.goto(detail)
    page.get_by_text("退回…").click()  # the action bar opens the return form
    page.get_by_label("退回理由（必填）").fill("满意度依据不足")
    # Typing a part's comment ticks it (static/js/review.js); the tick is a plain checkbox.
    page.get_by_label("第2行的修改意见").focus()
    page.keyboard.type("请附满意度调查报告")
    assert page.get_by_label("第2行 参保人员满意度").is_checked()
    page.get_by_label("第2行 参保人员满意度").focus()
    page.keyboard.press("Space")
    assert not page.get_by_label("第2行 参保人员满意度").is_checked()
    page.keyboard.press("Space")
    page.get_by_role("button", name="退回", exact=True).click()
    assert page.get_by_text("已退回填报单位修改。").is_visible()
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login/**")

    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(detail + "edit/")
    assert page.get_by_text("审核意见：请附满意度调查报告").is_visible()
    assert page.locator('input[name="lines-0-actual"]').get_attribute("type") == "hidden"
    assert page.locator('input[name="project_name"]').get_attribute("readonly") is not None
    assert page.locator("#line-add").count() == 0
    page.locator('input[name="lines-1-actual"]').fill("93.5%")
    page.get_by_role("button", name="保存草稿").click()
    assert page.get_by_text("已保存。").is_visible()
    page.goto(detail)
    page.get_by_role("button", name="提交", exact=True).click()
    assert page.get_by_text("已提交，等待财政部门审核。").is_visible()
    page.goto(detail + "history/")
    assert page.get_by_role("cell", name="第2行（参保人员满意度）·实际完成值").is_visible()
    assert errors == []
