"""The season's demo: a 2019 task from each demo finance reviewer, so the status board has rows in
every state and units past the deadline. Idempotent: a task already there is left as it is."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from evaluations.models import Region, Unit, Year

from . import services
from .models import Task

# Budget units of the autonomous region that have not started their forms: overdue on the board.
EXTRA_UNITS = [
    ("自治区人力资源和社会保障厅", "新疆维吾尔自治区"),
    ("自治区卫生健康委员会", "新疆维吾尔自治区"),
]
ISSUED_ON = date(2020, 3, 2)
TASKS = [
    {
        "reviewer": "xj_shenhe",
        "title": "2019年度项目支出绩效自评",
        "notice_number": "新财绩〔2020〕5号",
        "notice_text": (
            "各有关单位：\n根据预算绩效管理有关规定，请对2019年度项目支出开展绩效自评，"
            "于2020年4月30日前通过本系统报送自评表。"
        ),
        "templates": ["social_insurance_fund", "transfer_payment_2019"],
        "deadline": date(2020, 4, 30),
        "extend": ("自治区卫生健康委员会", date(2020, 5, 15), "单位机构改革，人员调整，申请延期。"),
    },
    {
        "reviewer": "bazhou_shenhe",
        "title": "2019年度项目支出绩效自评",
        "notice_number": "巴州财函〔2020〕13号",
        "notice_text": "请区级各预算单位于2020年4月30日前完成2019年度项目支出绩效自评。",
        "templates": ["project_2020"],
        "deadline": date(2020, 4, 30),
        "extend": None,
    },
]


def load_season_demo() -> int:
    """Create what is missing; returns how many tasks were issued."""
    for name, region in EXTRA_UNITS:
        Unit.objects.get_or_create(name=name, region=Region.objects.get(name=region, parent=None))
    year = Year.objects.get(year=2019)
    users = {
        u.username: u
        for u in get_user_model()
        .objects.filter(username__in=[t["reviewer"] for t in TASKS])
        .select_related("membership__unit")
    }
    created = 0
    for spec in TASKS:
        reviewer = users[spec["reviewer"]]
        if Task.objects.filter(
            year=year, issuer_unit=reviewer.membership.unit, title=spec["title"]
        ).exists():
            continue
        task = services.task_issue(
            user=reviewer,
            year=year,
            units=None,
            templates=spec["templates"],
            deadline=spec["deadline"],
            title=spec["title"],
            notice_number=spec["notice_number"],
            notice_text=spec["notice_text"],
            today=ISSUED_ON,
        )
        if spec["extend"]:
            unit, deadline, reason = spec["extend"]
            services.task_extend(
                user=reviewer,
                task_id=task.pk,
                unit_id=Unit.objects.get(name=unit).pk,
                deadline=deadline,
                reason=reason,
            )
        created += 1
    return created
