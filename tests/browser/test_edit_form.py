"""A preparer fills a form in the browser: lines added, removed and reordered without a reload,
执行率 following the typed amounts, everything found again after saving and reloading."""

import pytest

from evaluations.models import Evaluation
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, make_evaluation

pytestmark = pytest.mark.browser

LINES = [
    ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
    ("项目完成指标", "时效指标", "按时报送季报数据", "每季度结束后的, 15日内", "按时报送"),
    ("满意度指标", "满意度指标", "城镇职工医疗保险待遇享受人员满意度", "≥90%", "95%"),
]


def level3_values(page):
    rows = page.locator("#lines-body tr[data-line]:visible")
    return [
        rows.nth(i).locator('textarea[name$="-level3"]').input_value() for i in range(rows.count())
    ]


def test_preparer_edits_lines_and_amounts_and_finds_them_after_reload(page, cast):
    ev = make_evaluation(cast.preparer, cast.year, lines=LINES)
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(f"/evaluations/{ev.pk}/edit/")

    # 执行率 updates as the amounts are typed: 30405.81 / 11431.62 = 265.98%.
    total = page.locator("tr[data-fund-row]").first
    total.locator('input[name="total__budget"]').fill("11431.62")
    total.locator('input[name="total__actual"]').fill("30405.81")
    assert total.locator("output.rate").inner_text() == "265.98%"
    total.locator('input[name="total__actual"]').fill("5715.81")
    assert total.locator("output.rate").inner_text() == "50%"

    # Remove the middle line, move the last one up to the top, add a new one.
    rows = page.locator("#lines-body tr[data-line]")
    rows.nth(1).get_by_role("button", name="删除此行").click()
    rows.nth(2).get_by_role("button", name="上移").click()
    assert level3_values(page) == [LINES[2][2], LINES[0][2]]

    page.get_by_role("button", name="＋ 添加指标行").click()
    new = page.locator("#lines-body tr[data-line]").last
    new.locator('input[data-role="level1"]').fill("项目完成指标")
    new.locator('input[data-role="level2"]').fill("成本指标")
    new.locator('textarea[name$="-level3"]').fill("城镇职工单位缴费费率")
    new.locator('input[name$="-target"]').fill("≥6.8%")
    new.locator('input[name$="-actual"]').fill("6.80%")
    # Keyboard: Alt+↑ moves the focused line up.
    new.locator('input[name$="-actual"]').press("Alt+ArrowUp")
    assert level3_values(page) == [LINES[2][2], "城镇职工单位缴费费率", LINES[0][2]]

    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(f"**/evaluations/{ev.pk}/edit/")
    assert page.get_by_text("已保存。").is_visible()

    page.reload()
    assert level3_values(page) == [LINES[2][2], "城镇职工单位缴费费率", LINES[0][2]]
    added = page.locator("#lines-body tr[data-line]").nth(1)
    assert added.locator('input[data-role="level2"]').input_value() == "成本指标"
    assert added.locator('input[name$="-target"]').input_value() == "≥6.8%"
    assert page.locator('input[name="total__actual"]').input_value() == "5715.81"
    assert page.locator("tr[data-fund-row] output.rate").first.inner_text() == "50%"

    stored = Evaluation.objects.get(pk=ev.pk)
    assert [line.level3 for line in stored.indicator_lines.order_by("order")] == [
        LINES[2][2],
        "城镇职工单位缴费费率",
        LINES[0][2],
    ]


def test_invalid_amount_keeps_the_new_lines_on_the_page(page, cast):
    ev = make_evaluation(cast.preparer, cast.year, lines=LINES[:1])
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(f"/evaluations/{ev.pk}/edit/")
    page.get_by_role("button", name="＋ 添加指标行").click()
    page.locator('#lines-body tr[data-line] textarea[name$="-level3"]').last.fill("新加的指标")
    page.locator('#lines-body tr[data-line] input[name$="-target"]').last.fill("≥1次")
    page.locator('input[name="total__budget"]').fill("1.23456")
    page.get_by_role("button", name="保存草稿").click()

    assert page.get_by_text("金额最多保留四位小数。").is_visible()
    assert level3_values(page) == [LINES[0][2], "新加的指标"]
    assert Evaluation.objects.get(pk=ev.pk).indicator_lines.count() == 1


def test_preparer_adds_head_rows_and_removes_other_content_in_the_browser(page, cast):
    ev = make_evaluation(cast.preparer, cast.year, lines=LINES)
    Evaluation.objects.filter(pk=ev.pk).update(
        other_content=[
            {"source": "Sheet1!H3", "label": "绩效等级", "value": "优"},
            {"source": "Sheet1!A30", "label": "单位负责人", "value": "张三"},
        ]
    )
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(f"/evaluations/{ev.pk}/edit/")

    rows = page.locator("#head-extra-body tr[data-head-extra]")
    assert rows.count() == 1  # one empty row to fill in
    rows.nth(0).get_by_label("栏目名称").fill("项目负责人及电话")
    rows.nth(0).get_by_label("内容").fill("王工 0998-6621234")
    page.get_by_role("button", name="＋ 添加一栏").click()
    assert rows.count() == 2
    assert page.evaluate("document.activeElement.name") == "head_extra-1-label"
    rows.nth(1).get_by_label("栏目名称").fill("主管部门（盖章）")
    rows.nth(1).get_by_label("内容").fill("疏勒县卫生健康委员会")
    page.get_by_label("审核人", exact=True).fill("赵审核")
    page.get_by_label("删除“单位负责人”").check()
    # Leaving the field autosaves the draft; the save after it posts the same page again and
    # removes nothing more (the page posts 其他内容 as it shows it).
    page.get_by_label("删除“单位负责人”").press("Tab")
    page.get_by_text("已自动保存").wait_for()

    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(f"**/evaluations/{ev.pk}/edit/")
    assert page.get_by_text("已保存。").is_visible()

    ev.refresh_from_db()
    assert ev.header_extra == [
        {"label": "项目负责人及电话", "value": "王工 0998-6621234"},
        {"label": "主管部门（盖章）", "value": "疏勒县卫生健康委员会"},
    ]
    assert ev.signer_reviewer == "赵审核"
    assert ev.other_content == [{"source": "Sheet1!H3", "label": "绩效等级", "value": "优"}]
