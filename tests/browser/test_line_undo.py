"""The edit page: a removed line can be brought back (撤销) until the page is saved, and the
"提交前需填写偏差原因" note leaves a line as soon as its reason is typed."""

import pytest

from evaluations.models import Evaluation
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, make_evaluation

pytestmark = pytest.mark.browser

LINES = [
    ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267"),
    ("项目完成指标", "时效指标", "按时报送季报数据", "每季度结束后15日内", "按时报送"),
    ("满意度指标", "满意度指标", "城镇职工医疗保险待遇享受人员满意度", "≥90%", "95%"),
]


def visible_level3(page):
    rows = page.locator("#lines-body tr[data-line]:visible")
    return [
        rows.nth(i).locator('textarea[name$="-level3"]').input_value() for i in range(rows.count())
    ]


def test_a_removed_line_comes_back_with_undo_and_goes_on_save_otherwise(page, cast):
    ev = make_evaluation(cast.preparer, cast.year, lines=LINES)
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(f"/evaluations/{ev.pk}/edit/")
    rows = page.locator("#lines-body tr[data-line]")
    rows.nth(1).get_by_role("button", name="删除此行").click()
    notice = page.locator("tr.line-removed")
    assert "已删除第2行“按时报送季报数据”" in notice.inner_text()
    assert visible_level3(page) == [LINES[0][2], LINES[2][2]]
    # The focus is on 撤销: Enter brings the line back in its place.
    page.keyboard.press("Enter")
    assert page.locator("tr.line-removed").count() == 0
    assert visible_level3(page) == [line[2] for line in LINES]

    rows.nth(0).get_by_role("button", name="删除此行").click()
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(f"**/evaluations/{ev.pk}/edit/")
    stored = Evaluation.objects.get(pk=ev.pk).indicator_lines.order_by("order")
    assert [line.level3 for line in stored] == [LINES[1][2], LINES[2][2]]


def test_the_reason_note_goes_once_the_reason_is_typed(page, cast):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        lines=[("项目完成指标", "数量指标", "参保人数", "≥10万人", "5万人")],
    )
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(f"/evaluations/{ev.pk}/edit/")
    row = page.locator("#lines-body tr[data-line]").first
    note = row.locator(".reason-note")
    assert note.is_visible()
    reason = row.locator('[name$="-deviation"]')
    if reason.count() and reason.first.get_attribute("type") != "hidden":
        reason.first.fill("参保人员外出务工较多")
    else:
        page.locator('[name="deviation_reason"]').fill("参保人员外出务工较多")
    assert note.is_hidden()
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url(f"**/evaluations/{ev.pk}/edit/")
    assert page.locator("#lines-body tr[data-line]").first.locator(".reason-note").is_hidden()
