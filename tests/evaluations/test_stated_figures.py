"""A figure the app computes (执行率, 得分, 总分, 满分) that the form states otherwise is printed as
stated; the form page shows the reviewer both, and nothing where they agree."""

from __future__ import annotations

import re

from django.urls import reverse

from evaluations.models import Evaluation
from tests.conftest import PASSWORD
from tests.evaluations.helpers import make_project_form
from tests.evaluations.test_scoring_on_forms import PROJECT_LINES, text_of


def form_page_text(client, cast, ev) -> str:
    assert client.login(username=cast.preparer.username, password=PASSWORD)
    return text_of(client.get(reverse("evaluation_detail", args=[ev.pk])))


def test_the_form_page_shows_what_the_form_states_beside_what_the_app_computes(client, cast):
    # Computed: 执行率 90 %, 预算执行率 得分 9, 总分 62 of 满分 70 (10 + 20 + 30 + 10).
    ev = make_project_form(cast, PROJECT_LINES)
    Evaluation.objects.filter(pk=ev.pk).update(
        stated_figures={
            "fund.total.rate": "90%",  # as computed: no difference
            "fund.total.score": "9.0",  # as computed, with a decimal shown
            "total": "93",
            "total_points": "100",
        }
    )
    text = form_page_text(client, cast, ev)
    assert "表上填写的计算值与系统计算不一致" in text
    assert re.search(r"总分\s+表上：93\s+系统计算：62", text)
    assert re.search(r"总分 分值\s+表上：100\s+系统计算：70", text)
    assert "表上：90%" not in text and "表上：9.0" not in text


def test_a_form_stating_the_computed_figures_shows_no_difference(client, cast):
    ev = make_project_form(cast, PROJECT_LINES)
    Evaluation.objects.filter(pk=ev.pk).update(
        stated_figures={"fund.total.rate": "90.00%", "total": "62"}
    )
    assert "系统计算" not in form_page_text(client, cast, ev)
