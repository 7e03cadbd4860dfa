"""The "提交前需处理（N 项）" list follows the draft as it is autosaved: a rule met while typing
leaves the list without a reload."""

import re

import pytest

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, make_evaluation

pytestmark = pytest.mark.browser

LINES = [
    ("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "", "128267"),
    ("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%"),
]


def count(page) -> int:
    heading = page.locator("#submit-checks-title").inner_text()
    return int(re.search(r"（(\d+) 项）", heading).group(1))


def test_the_checks_list_updates_after_an_autosave(page, cast):
    form = make_evaluation(cast.preparer, cast.year, lines=LINES)
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(f"/evaluations/{form.pk}/edit/")
    before = count(page)
    items = page.locator("#submit-checks li")
    assert any("指标值" in t for t in items.all_inner_texts())

    target = page.locator('input[name="lines-0-target"]')
    target.fill("≥10万人")
    target.press("Tab")  # leaving the field autosaves shortly after
    page.get_by_text("已自动保存").wait_for()
    page.wait_for_function(
        "n => !document.querySelector('#submit-checks-title').textContent.includes('（' + n + ' 项）')",
        arg=before,
    )
    assert count(page) == before - 1
    assert not any("指标值" in t for t in page.locator("#submit-checks li").all_inner_texts())
