"""A 项目支出 form on the edit page: the total follows the typing without a save, and a picked
indicator lands in its 一级/二级 group, as the form prints."""

import pytest
from playwright.sync_api import expect

from indicators.models import IndicatorDefinition
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.evaluations.helpers import make_project_form

pytestmark = pytest.mark.browser


def rows(page):
    return page.locator("#lines-body tr[data-line]:visible")


def test_the_total_follows_the_typing(page, cast):
    ev = make_project_form(
        cast,
        [("产出指标", "数量指标", "培训人数", "≥100人", "80人", "20", None)],
        budget="100",
        actual="90",
    )
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(f"/evaluations/{ev.pk}/edit/")
    assert page.locator("#suggested-total").inner_text() == "25"  # 9 + 16
    assert page.locator("#suggested-grade").inner_text() == "差"

    page.locator('input[name="total__actual"]').fill("100")  # 执行率 100 %: 10 points
    expect(page.locator("#suggested-total")).to_have_text("26")
    first = rows(page).first
    first.locator('input[name$="-actual"]').fill("100人")  # now met: 20 points
    expect(page.locator("#suggested-total")).to_have_text("30")

    satisfaction = rows(page).last  # the empty 满意度 row of the skeleton
    satisfaction.locator('textarea[name$="-level3"]').fill("学员满意度")
    satisfaction.locator('input[name$="-weight"]').fill("70")
    satisfaction.locator('input[name$="-target"]').fill("≥90%")
    satisfaction.locator('input[name$="-actual"]').fill("95%")
    expect(page.locator("#suggested-total")).to_have_text("100")
    assert page.locator("#suggested-grade").inner_text() == "优"
    # A typed 自评得分 replaces the suggestion in the printed total.
    first.locator('input[name$="-score"]').fill("15")
    expect(page.locator("#final-total")).to_have_text("95")


def test_a_picked_indicator_goes_into_its_group(page, cast):
    IndicatorDefinition.objects.create(
        name="培训班次", level1="产出指标", level2="数量指标", typical_target="≥6期"
    )
    ev = make_project_form(
        cast, [("产出指标", "数量指标", "培训人数", "≥100人", "100人", "20", None)]
    )
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(f"/evaluations/{ev.pk}/edit/")
    assert rows(page).count() == 9  # one line, eight empty 二级 rows

    page.locator("#picker-input").fill("培训班次")
    page.get_by_role("option", name="培训班次").click()
    levels3 = [
        rows(page).nth(i).locator('textarea[name$="-level3"]').input_value()
        for i in range(rows(page).count())
    ]
    assert levels3[:3] == ["培训人数", "培训班次", ""]  # right after its group, not at the end
    assert rows(page).nth(1).locator('input[data-role="level2"]').input_value() == "数量指标"
