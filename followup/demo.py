"""Demo data after the self-evaluation, on the approved 项目支出 form of 巴中市巴州区 (2019): the
province's scoring rules, a sample drawn with its seed, the form re-scored, 整改 issued and one item
answered, the 结果应用 rules with a decision recorded. The 公开 package is made on demand from the
approved forms (巴州区医保局填报员 → 复核与整改 → 公开). Idempotent: run after `load_demo`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from evaluations import services as form_services
from evaluations.models import Evaluation, Region, ScoringRuleSet, Year
from evaluations.scoring import evaluation_score
from evaluations.selectors import with_lines

from . import services
from .models import Rectification, ResultRule, Sample

PROJECT = "城乡居民基本医疗保险配套资金"
SEED = "bazhou2019"
# The published manuals' figures (docs/scoring-rules.md).
PROVINCE_RULES = {
    "deviation_over_percent": Decimal(30),
    "deviation_penalty": Decimal(2),
    "execution_caps": [[80, 89], [70, 79], [60, 69], [50, 59]],
    "warning_ahead_percent": Decimal(5),
    "warning_unspent_percent": Decimal(20),
}
RULES_SOURCE = "省级预算管理一体化系统绩效自评操作手册（演示）"
# grade, action, change from %, to % (docs/result-use.md)
RESULT_RULES = [
    ("优", "保持或优先保障", None, None),
    ("良", "原则上保持", None, None),
    ("中", "压减预算", Decimal(-10), Decimal(-5)),
    ("差", "压减预算或取消", Decimal(-50), Decimal(-50)),
]


@transaction.atomic
def load_followup_demo() -> bool:
    """Write the demo's 复核, 整改 and 结果应用; False when they are there already (or the base
    demo is missing)."""
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="bazhou")}
    form = Evaluation.objects.filter(project_name=PROJECT, status="approved").first()
    if form is None or {"bazhou_shenhe", "bazhou_tianbao"} - set(users):
        return False
    if Sample.objects.filter(region=form.unit.region, year=form.year).exists():
        return False
    finance, unit_user = users["bazhou_shenhe"], users["bazhou_tianbao"]
    province = Region.objects.get(name="四川省")
    year = Year.objects.get(pk=form.year_id)

    if not ScoringRuleSet.objects.filter(region=province, year=year).exists():
        # Set as the province's finance would; the demo's county reviewer has no province scope.
        form_services.scoring_rules_set(
            user=None, region=province, year=year, figures=PROVINCE_RULES, source=RULES_SOURCE
        )

    sample = services.sample_draw(
        user=finance, year=year, region=form.unit.region, method="random", size=1, seed=SEED
    )
    review = sample.reviews.get()
    services.review_assign(user=finance, review_id=review.pk, reviewer=finance)
    loaded = with_lines(Evaluation.objects.filter(pk=form.pk)).get()
    score = evaluation_score(loaded)
    lines = []
    for i, (line, result) in enumerate(zip(loaded.indicator_lines.all(), score.lines, strict=True)):
        value, reason = result.final, ""
        if i == 0 and value is not None:
            value -= 3
            reason = "配套资金到位时间晚于计划，按到位进度扣分。"
        elif value is None and result.weight is not None:
            value = (result.weight * Decimal("0.9")).quantize(Decimal("0.01"))
            reason = "自评未定档；按佐证材料评定为该档90%。"
        lines.append(services.LineReScore(line.pk, value, reason))
    services.review_save(
        user=finance,
        review_id=review.pk,
        lines=lines,
        budget_score=score.budget_final,
        conclusion="自评基本属实；资金到位进度评价偏高。",
        complete=True,
    )
    rectification = services.rectification_issue(
        user=finance,
        evaluation_id=form.pk,
        review_id=review.pk,
        items=[
            ("补充配套资金到位时间的拨付凭证。", date(year.year + 1, 9, 30)),
            ("修订满意度调查方案，扩大样本。", date(year.year + 1, 10, 31)),
        ],
    )
    first = rectification.items.order_by("order").first()
    services.rectification_answer(
        user=unit_user, item_id=first.pk, answer="已补充2019年各季度拨付凭证扫描件。"
    )
    for grade, action, low, high in RESULT_RULES:
        if not ResultRule.objects.filter(region=province, grade=grade).exists():
            ResultRule.objects.create(
                region=province,
                grade=grade,
                action=action,
                change_from=low,
                change_to=high,
                source="省级财政绩效评价结果应用办法（演示）",
            )
    services.decision_record(
        user=finance,
        evaluation_id=form.pk,
        suggestion="保持或优先保障",
        decision=f"{year.year + 1}年度预算维持原规模。",
    )
    assert Rectification.objects.filter(evaluation=form).exists()
    return True
