"""With the Content-Security-Policy on, the pages work and Chromium reports no blocked script
or style; the printed grid keeps its column widths (set from the nonce-bearing style element)."""

import pytest

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, make_evaluation

pytestmark = pytest.mark.browser


def test_no_page_trips_the_content_security_policy(page, cast):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        lines=[("项目完成指标", "数量指标", "<script>alert(1)</script>", "≥10万人", "1")],
    )
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    dialogs = []

    def on_dialog(dialog):
        if dialog.type == "beforeunload":  # the added line is unsaved: leaving asks first
            dialog.accept()
        else:
            dialogs.append(dialog.message)
            dialog.dismiss()

    page.on("dialog", on_dialog)

    log_in(page, cast.preparer.username, PASSWORD)
    page.goto(f"/evaluations/{ev.pk}/")
    widths = page.eval_on_selector_all(
        "table.sheet col", "cols => cols.map(c => getComputedStyle(c).width)"
    )
    assert widths and all(w not in ("", "auto", "0px") for w in widths)
    assert len(set(widths)) > 1  # the caption column is wider than the value columns
    page.goto(f"/evaluations/{ev.pk}/edit/")
    rows = page.locator('textarea[name$="-level3"]:visible, input[name$="-level3"]:visible')
    before = rows.count()
    page.get_by_role("button", name="添加指标行").click()  # the page's script runs
    assert rows.count() == before + 1
    page.goto(f"/evaluations/{ev.pk}/history/")
    page.goto("/evaluations/")

    assert violations == []
    assert dialogs == []  # the indicator typed as a script stayed text
