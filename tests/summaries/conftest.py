"""A small region with hand-worked figures, on top of the shared cast.

疏勒县 (our reviewer's county):
  疏勒县医疗保障局  A 项目支出 已审核   全年预算数 100 执行数 80   总分 93.00 优
                   B 项目支出 已提交   全年预算数 50  执行数 50   总分 86.11 良
                   C 社保基金 草稿（截止后仍未提交：逾期未交）
  疏勒县卫生健康委员会 D 社保基金 已提交（2021-05-03，截止后：逾期提交） 预算数 200 执行数 150
英吉沙县 (another county, outside our reviewer's region):
  英吉沙县医疗保障局  E 项目支出 已审核   全年预算数 1000 执行数 1000 总分 100.00 优
The year's deadline is 2021-04-30.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from evaluations.models import Evaluation
from tests.conftest import make_evaluation
from tests.seasons.helpers import issue

S = Evaluation.Status


def project_form(preparer, year, name, *, budget, actual, lines, status):
    """A 项目支出 form; `lines` are (level1, level3, target, actual, weight)."""
    ev = make_evaluation(
        preparer,
        year,
        template="project_2020",
        project_name=name,
        lines=[(l1, "", l3, t, a) for l1, l3, t, a, _ in lines],
        funds={"total": {"budget": budget, "actual": actual}},
    )
    for line, (*_, weight) in zip(ev.indicator_lines.order_by("order"), lines, strict=True):
        line.weight = Decimal(weight)
        line.save(update_fields=["weight"])
    return set_status(ev, status)


def set_status(ev, status, submitted_on=None):
    fields = {"status": status}
    if status != S.DRAFT:
        when = submitted_on or datetime(2021, 4, 20, 10, 0)
        fields["submitted_at"] = timezone.make_aware(when)
    if status == S.APPROVED:
        fields["reviewed_at"] = timezone.make_aware(datetime(2021, 4, 28, 9, 0))
    Evaluation.objects.filter(pk=ev.pk).update(**fields)
    ev.refresh_from_db()
    return ev


@pytest.fixture
def region_forms(cast):
    # 社保基金 asked of 疏勒县's units by 30 April: what 逾期 counts (seasons.selectors.task_progress).
    issue(cast)
    y = cast.year
    a = project_form(
        cast.preparer,
        y,
        "项目A",
        budget="100",
        actual="80",
        status=S.APPROVED,
        lines=[
            ("产出指标", "参保人数", "≥1000人", "900", 50),  # 50 × 900/1000 = 45
            ("效益指标", "群众知晓率", "≥90%", "90%", 30),  # 30 × 1 = 30
            ("满意度指标", "满意度", "≥90%", "95%", 10),  # capped at 10
        ],  # + 预算执行率 10 × 80/100 = 8 → 93.00 优
    )
    b = project_form(
        cast.preparer,
        y,
        "项目B",
        budget="50",
        actual="50",
        status=S.SUBMITTED,
        lines=[
            ("产出指标", "参保人数", "≥500人", "400", 50),  # 50 × 400/500 = 40
            ("效益指标", "群众知晓率", "≥90%", "80%", 30),  # 30 × 80/90 = 26.67
            ("满意度指标", "满意度", "≥90%", "85%", 10),  # 10 × 85/90 = 9.44
        ],  # + 10 × 50/50 = 10 → 86.11 良
    )
    c = make_evaluation(cast.preparer, y, project_name="社保C")  # draft, past the deadline
    d = make_evaluation(
        cast.other_preparer,
        y,
        project_name="社保D",
        lines=[
            ("项目完成指标", "数量指标", "参保人数", "≥2000人", "1800"),
            ("项目完成指标", "质量指标", "群众知晓率", "≥90%", "85%"),
        ],
        funds={"total": {"budget": "200", "actual": "150"}},
    )
    d = set_status(d, S.SUBMITTED, submitted_on=datetime(2021, 5, 3, 11, 0))
    e = project_form(
        cast.far_preparer,
        y,
        "项目E",
        budget="1000",
        actual="1000",
        status=S.APPROVED,
        lines=[
            ("产出指标", "参保人数", "≥100人", "100", 50),
            ("效益指标", "群众知晓率", "≥90%", "100%", 30),
            ("满意度指标", "满意度", "≥90%", "90%", 10),
        ],  # 10 + 50 + 30 + 10 = 100.00 优
    )
    return SimpleNamespace(a=a, b=b, c=c, d=d, e=e)
