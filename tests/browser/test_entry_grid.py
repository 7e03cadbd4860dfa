"""The entry grid has room for real content: 一级/二级 show their whole name, text areas grow
with their text, the reason column takes at least a quarter of the width, values are not cut."""

import pytest

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, make_evaluation

pytestmark = pytest.mark.browser

LONG = "城乡居民基本医疗保险参保人员政策知晓率及经办服务满意度（抽样调查，样本不少于300户）"


def test_the_grid_fits_real_content_at_desktop_width(page, cast):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        template="transfer_payment_2019",
        lines=[("满意度指标", "服务对象满意度指标", LONG, "2000-5000册（折页）", "")],
    )
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(f"/evaluations/{ev.pk}/edit/")
    row = page.locator("#lines-body tr[data-line]").first

    for level in (
        row.locator('input[data-role="level1"]'),
        row.locator('input[data-role="level2"]'),
    ):
        # The name as typed fits: the input is at least as wide as its text needs.
        assert level.evaluate("i => i.scrollWidth <= i.clientWidth + 1"), level.input_value()

    level3 = row.locator('textarea[name$="-level3"]')
    assert level3.evaluate("t => t.scrollHeight <= t.clientHeight + 2")  # grown: nothing clipped
    assert level3.evaluate("t => t.clientHeight") > 40

    target = row.locator('input[name$="-target"]')
    assert target.evaluate("i => i.scrollWidth <= i.clientWidth + 1")

    table = page.locator(".lines-table").bounding_box()["width"]
    reason = page.locator("th.col-reason").bounding_box()["width"]
    assert reason >= table / 4 - 1
