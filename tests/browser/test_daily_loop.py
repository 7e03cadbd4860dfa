"""The daily loop as a clerk lives it, in the browser: nothing typed is lost (the page asks
before leaving, autosaves, and puts typing back after a forced re-login)."""

import pytest

from evaluations.models import Evaluation
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, make_evaluation

pytestmark = pytest.mark.browser

LINES = [
    ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
    ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
]


@pytest.fixture
def form(cast):
    return make_evaluation(cast.preparer, cast.year, lines=LINES)


def test_typing_then_leaving_asks_first(page, cast, form):
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(f"/evaluations/{form.pk}/edit/")
    actual = page.locator('input[name="lines-0-actual"]')
    actual.click()
    actual.press("End")
    actual.press_sequentially("9")
    assert page.locator("#save-state").inner_text() == "有未保存的修改"

    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.get_by_role("link", name="返回列表").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith(f"/evaluations/{form.pk}/edit/")
    assert actual.input_value() == "1282679"


def test_autosave_keeps_typing_across_a_reload(page, cast, form):
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(f"/evaluations/{form.pk}/edit/")
    page.get_by_role("button", name="＋ 添加指标行").click()
    new = page.locator("#lines-body tr[data-line]").last
    new.locator('input[data-role="level1"]').fill("项目完成指标")
    new.locator('textarea[name$="-level3"]').fill("基金支出合规率")
    new.locator('input[name$="-target"]').fill("100%")
    new.locator('input[name$="-target"]').press("Tab")  # leaving the field saves shortly after
    page.get_by_text("已自动保存").wait_for()

    page.reload()  # nothing unsaved: no question asked
    assert page.locator('textarea[name="lines-2-level3"]').input_value() == "基金支出合规率"
    form.refresh_from_db()
    assert form.status == Evaluation.Status.DRAFT and not form.submissions.exists()
    # The autosaved line was not added a second time by the next save.
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("已保存。").wait_for()
    assert form.indicator_lines.filter(level3="基金支出合规率").count() == 1


def test_typing_is_put_back_after_the_session_ended(page, cast, form):
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(f"/evaluations/{form.pk}/edit/")
    page.context.clear_cookies(name="sessionid")  # the 8-hour session ends while typing
    page.locator('input[name="lines-1-actual"]').fill("97.5%")
    page.get_by_role("button", name="保存草稿").click()

    page.wait_for_url("**/login/**")
    page.get_by_label("用户名").fill(cast.preparer.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**/evaluations/{form.pk}/edit/")
    assert page.locator('input[name="lines-1-actual"]').input_value() == "97.5%"
    assert "已恢复" in page.locator("#save-state").inner_text()
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("已保存。").wait_for()
    assert form.indicator_lines.get(order=1).actual == "97.5%"


def test_save_and_submit_from_the_edit_page(page, cast, form):
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(f"/evaluations/{form.pk}/edit/")
    page.locator('input[name="lines-1-actual"]').fill("96%")
    page.get_by_role("button", name="保存并提交").click()
    page.wait_for_url(f"**/evaluations/{form.pk}/")
    assert page.get_by_text("已提交，等待财政部门审核。").is_visible()
    form.refresh_from_db()
    assert form.status == Evaluation.Status.SUBMITTED
    assert form.indicator_lines.get(order=1).actual == "96%"


def test_the_reviewer_approves_from_the_action_bar_at_the_top(page, cast, form):
    from evaluations import services

    services.evaluation_transition(evaluation_id=form.pk, user=cast.preparer, action="submit")
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, cast.reviewer.username, PASSWORD)
    page.goto(f"/evaluations/{form.pk}/")
    approve = page.locator(".action-bar").get_by_role("button", name="通过", exact=True)
    box = approve.bounding_box()
    assert box is not None and box["y"] + box["height"] < 768  # seen without scrolling
    # The form itself comes right after the bar, before the comments.
    assert (
        page.locator(".action-bar").bounding_box()["y"]
        < page.locator(".form-sheet").first.bounding_box()["y"]
    )
    # 退回… is folded until asked for.
    assert not page.get_by_label("退回理由（必填）").is_visible()
    approve.click()
    assert page.get_by_text("已审核通过。").is_visible()
    form.refresh_from_db()
    assert form.status == Evaluation.Status.APPROVED


@pytest.mark.parametrize("path", ["/evaluations/", "/evaluations/{pk}/edit/", "/evaluations/{pk}/"])
def test_phone_width_pages_do_not_overflow_sideways(page, cast, form, path):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(path.format(pk=form.pk))
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    # The navbar collapses behind a button that opens it.
    toggler = page.get_by_role("button", name="菜单")
    assert toggler.is_visible()
    assert not page.locator("nav").get_by_role("link", name="我的自评任务").is_visible()
    toggler.click()
    page.locator("nav").get_by_role("link", name="我的自评任务").wait_for()
