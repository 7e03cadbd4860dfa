"""A clerk types a line's 一级/二级 as the paper words them, with the keyboard: the 二级 input
offers the names of the 一级 typed, the wording is saved as typed and the line takes the place of
the 二级 it means."""

import pytest

from evaluations.models import IndicatorLine
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.evaluations.helpers import make_project_form

pytestmark = pytest.mark.browser


def rows(page):
    return page.locator("#lines-body tr[data-line]:visible")


def offered(field) -> list[str]:
    """The names the input's <datalist> offers."""
    return field.evaluate("i => Array.from(i.list ? i.list.options : [], o => o.value)")


def test_a_worded_level2_is_typed_saved_and_found_again_in_its_place(page, cast):
    ev = make_project_form(
        cast, [("产出指标", "数量指标", "培训人数", "≥100人", "100人", "20", None)]
    )
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(f"/evaluations/{ev.pk}/edit/")
    empty_rows = rows(page).count()

    page.get_by_role("button", name="＋ 添加指标行").click()
    new = rows(page).last
    level1 = new.locator('input[data-role="level1"]')
    assert level1.evaluate("i => i === document.activeElement")  # the new line's first cell
    assert offered(level1) == ["产出指标", "效益指标", "满意度指标"]
    page.keyboard.type("产出指标（指标）")
    page.keyboard.press("Tab")

    level2 = new.locator('input[data-role="level2"]')
    assert level2.evaluate("i => i === document.activeElement")
    # The worded 一级 offers the 二级 of 产出指标. Headless Chromium opens no datalist popup to
    # pick from, so the offered name is typed, then the form's own note after it.
    names = offered(level2)
    assert names == ["数量指标", "质量指标", "时效指标", "成本指标"]
    page.keyboard.type(names[2] + "（指标）")
    page.keyboard.press("Tab")
    page.keyboard.type("按时开班率")
    new.locator('input[name$="-target"]').fill("100%")
    new.locator('input[name$="-actual"]').fill("100%")
    new.locator('input[name$="-weight"]').fill("10")

    page.get_by_role("button", name="保存草稿").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("已保存。").is_visible()

    line = IndicatorLine.objects.get(evaluation=ev, level3="按时开班率")
    assert (line.level1, line.level2) == ("产出指标（指标）", "时效指标（指标）")

    # Back on the page as typed, in the place of 时效指标 (its empty row is gone).
    assert rows(page).count() == empty_rows
    levels2 = [
        rows(page).nth(i).locator('input[data-role="level2"]').input_value()
        for i in range(rows(page).count())
    ]
    assert levels2[:4] == ["数量指标", "质量指标", "时效指标（指标）", "成本指标"]
    found = rows(page).nth(2)
    assert found.locator('input[data-role="level1"]').input_value() == "产出指标（指标）"
    assert found.locator('textarea[name$="-level3"]').input_value() == "按时开班率"

    page.goto(f"/evaluations/{ev.pk}/")
    assert page.get_by_text("时效指标（指标）", exact=True).is_visible()
