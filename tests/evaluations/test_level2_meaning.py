"""A 二级 worded as on the paper (数量指标（指标）) is kept as typed and carries its canonical
meaning (evaluations/levels.py), on import and whenever the edit page saves it (a changed or added line too)."""

from __future__ import annotations

from django.urls import reverse

from evaluations.levels import group_key
from evaluations.models import IndicatorLine
from tests.conftest import PASSWORD, make_evaluation
from tests.evaluations.helpers import edit_post, page_post
from tests.workbooks.test_real_forms import squash, xlsx_of, xlsx_text

LINES = [("产出指标", "数量指标（指标）", "受益人口", "≥95%", "97%")]


def test_the_edit_page_keeps_the_wording_and_maps_it_to_its_meaning(client, cast):
    ev = make_evaluation(cast.preparer, cast.year, template="project_2020", lines=LINES)
    data = edit_post(ev)
    data.update(
        {
            "lines-0-level2": "质量指标（指标）",
            "lines-TOTAL_FORMS": "2",
            "lines-1-level1": "产出指标",
            "lines-1-level2": "时效指标(指标)",
            "lines-1-level3": "按时完工",
            "lines-1-target": "12月底前",
            "lines-1-ORDER": "2",
        }
    )
    assert client.login(username=cast.preparer.username, password=PASSWORD)
    response = client.post(reverse("evaluation_edit", args=[ev.pk]), data)
    assert response.status_code == 302
    lines = IndicatorLine.objects.filter(evaluation=ev).order_by("order")
    t = ev.template_def
    assert [(line.level2, group_key(t, line.level1, line.level2)[1]) for line in lines] == [
        ("质量指标（指标）", "质量指标"),
        ("时效指标(指标)", "时效指标"),
    ]


def test_a_line_worded_otherwise_stands_in_its_canonical_place_on_paper_and_on_the_page(
    client, cast
):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        template="project_2020",
        lines=[*LINES, ("产出指标", "质量指标", "工程合格率", "100%", "100%")],
    )

    printed = squash(xlsx_text(xlsx_of(ev)))
    # In 数量指标's place, before 质量指标, and no empty 数量指标 row besides it.
    assert printed.index("数量指标（指标）|受益人口") < printed.index("质量指标|工程合格率")
    assert "|数量指标|" not in printed

    assert client.login(username=cast.preparer.username, password=PASSWORD)
    page = client.get(reverse("evaluation_edit", args=[ev.pk]))
    shown = [row["level3"] for row in page.context["lines"].initial if row.get("level3")]
    assert shown == ["受益人口", "工程合格率"]
    response = client.post(reverse("evaluation_edit", args=[ev.pk]), page_post(client, ev))
    assert response.status_code == 302
    lines = IndicatorLine.objects.filter(evaluation=ev).order_by("order")
    assert [line.level3 for line in lines] == ["受益人口", "工程合格率"]
