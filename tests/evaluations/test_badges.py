"""A line's badge never contradicts its score: where the template scores, full points read 达成,
some 部分达成, none 未达成; a 部门整体 line the unit scores without a rule reads 单位自评 until
scored, never a red 需人工确定."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluations.demo import DEMO_PASSWORD
from evaluations.models import Evaluation
from evaluations.scoring import evaluation_score
from evaluations.selectors import with_lines
from tests.conftest import PASSWORD
from tests.evaluations.helpers import make_project_form


@pytest.mark.parametrize(
    ("score", "badge"),
    [("20", "达成"), ("12", "部分达成"), ("0", "未达成")],
)
def test_the_badge_follows_the_score_on_a_scored_template(client, cast, score, badge):
    ev = make_project_form(
        cast, [("产出指标", "数量指标", "培训人数", "≥100人", "100人", "20", None)]
    )
    line = ev.indicator_lines.get()
    line.score, line.score_reason = Decimal(score), "按实际情况自评"
    line.save()
    result = evaluation_score(with_lines(Evaluation.objects.filter(pk=ev.pk)).get()).lines[0]
    assert result.badge_label == badge
    assert client.login(username=cast.preparer.username, password=PASSWORD)
    html = client.get(reverse("evaluation_detail", args=[ev.pk])).content.decode()
    assert f">{badge}</span>" in html


def test_department_lines_scored_by_the_unit_do_not_read_needs_a_person(client, db):
    call_command("load_demo", verbosity=0)
    ev = with_lines(Evaluation.objects.filter(template="department_wide_yueyang")).get()
    score = evaluation_score(ev)
    for r in score.lines:
        if r.weight is not None and r.final is not None:
            expected = "达成" if r.final >= r.weight else "部分达成" if r.final > 0 else "未达成"
            assert r.badge_label == expected, r.name
    assert client.login(username="taoyuan_tianbao", password=DEMO_PASSWORD)
    html = client.get(reverse("evaluation_detail", args=[ev.pk])).content.decode()
    judgements = html[html.index("指标完成判断") :]
    unscored = [r for r in score.lines if r.unit_scored and r.final is None]
    assert judgements.count("需人工确定") == 0 or not unscored
    assert "门诊人次" in judgements  # 0.7 of 1: 部分达成
    outpatient = next(r for r in score.lines if r.name == "门诊人次")
    assert outpatient.badge_label == "部分达成"
