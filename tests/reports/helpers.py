"""A 项目支出 form with distinct figures, so each can be found once in the report."""

from __future__ import annotations

from decimal import Decimal

from evaluations.models import Evaluation, IndicatorLine
from evaluations.selectors import with_lines
from tests.conftest import make_evaluation

LINES = [
    # level1, level2, level3, target, actual, weight, score, deviation
    ("产出指标", "数量指标", "参保人数", "≥355990人", "360800人", "30", None, ""),
    (
        "产出指标",
        "时效指标",
        "审核拨付",
        "90日内完成审核拨付",
        "正在招标",
        "20",
        "0",
        "系统招标延期，明年一季度完成。",
    ),
    ("效益指标", "社会效益指标", "基金运行", "基金运行平稳", "运行平稳", "30", "24", ""),
    ("满意度指标", "服务对象满意度指标", "参保人员满意度", "≥90%", "95%", "10", None, ""),
]
FUNDS = {
    "total": {"budget_initial": "130.00", "budget": "120.50", "actual": "96.40"},
    "current": {"budget_initial": "109.00", "budget": "110.00", "actual": "90.00"},
    "carryover": {"budget_initial": None, "budget": "10.50", "actual": "6.40"},
}


def project_form(cast, **kwargs):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        template="project_2020",
        project_name="城乡居民医保补助资金",
        funds=FUNDS,
        **kwargs,
    )
    ev.header = {"competent_dept": "疏勒县医疗保障局", "implementing_unit": "疏勒县医疗保障局"}
    ev.goal_planned = "按时足额拨付补助资金"
    ev.goal_actual = "全年足额拨付"
    ev.save()
    IndicatorLine.objects.bulk_create(
        IndicatorLine(
            evaluation=ev,
            order=i,
            level1=l1,
            level2=l2,
            level3=l3,
            target=target,
            actual=actual,
            weight=Decimal(weight),
            score=Decimal(score) if score is not None else None,
            deviation=deviation,
        )
        for i, (l1, l2, l3, target, actual, weight, score, deviation) in enumerate(LINES)
    )
    return fresh(ev)


def fresh(ev) -> Evaluation:
    return with_lines(Evaluation.objects.all()).get(pk=ev.pk)
