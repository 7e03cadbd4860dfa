"""Approved 项目支出 forms of the cast's units, to sample, re-score, rectify, apply and publish."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from evaluations import services
from evaluations.models import Evaluation
from tests.evaluations.helpers import make_project_form

# 预算执行率 10 × 90/100 = 9; 16 + 27 + 10 → 62 (中).
LINES = [
    ("产出指标", "数量指标", "培训人数", "≥100人", "80人", "20", None, "场地受限"),
    ("效益指标", "社会效益指标", "窗口服务水平", "得到提升", "得到提升", "30", "90"),
    ("满意度指标", "服务对象满意度指标", "参保群众满意度", "≥90%", "95%", "10", None),
]
# All met in full: 10 + 20 + 30 + 10 = 70 (中) — with the remaining weights left out.
FULL = [
    ("产出指标", "数量指标", "培训人数", "≥100人", "100人", "50", None),
    ("效益指标", "社会效益指标", "知晓率", "≥90%", "95%", "30", None),
    ("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", "10", None),
]


def approve(cast, ev, *, phone="13912345678"):
    ev.preparer, ev.preparer_phone = "阿依古丽", phone
    ev.save(update_fields=["preparer", "preparer_phone"])
    services.evaluation_transition(evaluation_id=ev.pk, user=ev_preparer(cast, ev), action="submit")
    services.evaluation_transition(evaluation_id=ev.pk, user=cast.reviewer, action="approve")
    return Evaluation.objects.get(pk=ev.pk)


def ev_preparer(cast, ev):
    return cast.preparer if ev.unit_id == cast.bureau.pk else cast.other_preparer


@pytest.fixture
def approved(cast):
    """Three approved forms of 疏勒县医疗保障局 (62, 100, 62 points; 100, 500, 20 万元) and one of
    疏勒县卫生健康委员会 (100 points, 300 万元)."""
    forms = SimpleNamespace(
        training=approve(cast, make_project_form(cast, LINES, name="医保经办业务培训")),
        system=approve(
            cast,
            make_project_form(cast, FULL, name="医保信息系统运维", budget="500", actual="500"),
        ),
        small=approve(
            cast, make_project_form(cast, LINES, name="宣传资料印制", budget="20", actual="18")
        ),
    )
    health = make_project_form(cast, FULL, name="公共卫生服务补助", budget="300", actual="300")
    health.unit = cast.health
    health.save(update_fields=["unit"])
    forms.health = approve(cast, health)
    return forms


D = Decimal
