"""A form with many indicator lines saves: the request's field limit is sized from the line limit,
and the page states that limit."""

import pytest
from django.conf import settings
from django.urls import reverse

from evaluations.forms import MAX_LINES, LineFormSet
from evaluations.templates_def import TEMPLATES
from tests.conftest import PASSWORD, make_evaluation
from tests.evaluations.helpers import edit_post


def lines(n):
    return [("产出指标", "数量指标", f"第{i}项指标", "≥100人", "120人") for i in range(n)]


def test_a_form_of_150_lines_saves(client, cast):
    ev = make_evaluation(cast.preparer, cast.year, lines=lines(150))
    assert client.login(username="preparer", password=PASSWORD)
    data = edit_post(ev, goal_actual="全部完成")
    data["lines-149-actual"] = "130人"
    response = client.post(reverse("evaluation_edit", args=[ev.pk]), data)
    assert response.status_code == 302
    ev.refresh_from_db()
    assert ev.goal_actual == "全部完成" and ev.version == 2
    assert ev.indicator_lines.get(level3="第149项指标").actual == "130人"


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_a_form_at_the_line_limit_fits_in_one_request(cast, template):
    ev = make_evaluation(cast.preparer, cast.year, template=template)
    head = [key for key in edit_post(ev) if not key.startswith("lines-")]
    per_line = len(LineFormSet(prefix="lines").empty_form.fields)  # with ORDER and DELETE
    fields = len(head) + 4 + MAX_LINES * per_line + 1  # management form, CSRF token
    assert fields <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


def test_the_edit_page_states_the_line_limit(client, cast):
    ev = make_evaluation(cast.preparer, cast.year, lines=lines(3))
    assert client.login(username="preparer", password=PASSWORD)
    page = client.get(reverse("evaluation_edit", args=[ev.pk])).content.decode()
    assert "（最多 500 行）" in page
