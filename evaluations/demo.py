"""Demo data: the seeds' regions, units and forms, and one demo login per role.

The forms come from `settings.SEED_FORMS` (the real filled-in forms transcribed cell by cell) and
`evaluations/demo/composed_forms.json` (a 项目支出 form composed from a seed report's stated figures); every
distinct 三级指标 of them also goes into the indicator library. Loading is idempotent: what exists
already is left as it is. `demo.loaders` loads this part first, then the apps built on it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from indicators.library import library_add_from_lines

from .history import snapshot
from .models import (
    AMOUNT_FIELDS,
    BasicDataLine,
    Evaluation,
    FundLine,
    IndicatorLine,
    Membership,
    Region,
    ReviewComment,
    Unit,
    Year,
    typed_places,
)
from .services import record_transition
from .templates_def import get_template

COMPOSED_FORMS = Path(__file__).resolve().parent / "demo" / "composed_forms.json"
DEMO_PASSWORD = "jixiao2026"

# name, level, parent
REGIONS = [
    ("新疆维吾尔自治区", Region.Level.PROVINCE, None),
    ("喀什地区", Region.Level.PREFECTURE, "新疆维吾尔自治区"),
    ("疏勒县", Region.Level.COUNTY, "喀什地区"),
    ("湖南省", Region.Level.PROVINCE, None),
    ("常德市", Region.Level.PREFECTURE, "湖南省"),
    ("桃源县", Region.Level.COUNTY, "常德市"),
    ("四川省", Region.Level.PROVINCE, None),
    ("巴中市", Region.Level.PREFECTURE, "四川省"),
    ("巴州区", Region.Level.COUNTY, "巴中市"),
]
# name, region, kind, reviews_subregions
UNITS = [
    ("自治区医疗保障局", "新疆维吾尔自治区", Unit.Kind.BUDGET, False),
    ("自治区财政厅", "新疆维吾尔自治区", Unit.Kind.FINANCE, False),
    ("喀什地区财政局", "喀什地区", Unit.Kind.FINANCE, True),
    ("疏勒县医疗保障局", "疏勒县", Unit.Kind.BUDGET, False),
    ("疏勒县财政局", "疏勒县", Unit.Kind.FINANCE, False),
    ("桃源县城镇职工医疗保险管理服务中心", "桃源县", Unit.Kind.BUDGET, False),
    ("桃源县财政局", "桃源县", Unit.Kind.FINANCE, False),
    ("巴中市巴州区医疗保障局", "巴州区", Unit.Kind.BUDGET, False),
    ("巴中市巴州区财政局", "巴州区", Unit.Kind.FINANCE, False),
]
# username, full name, unit, role
USERS = [
    ("shule_tianbao", "疏勒县医保局填报员", "疏勒县医疗保障局", Membership.Role.PREPARER),
    ("shule_shenhe", "疏勒县财政局审核员", "疏勒县财政局", Membership.Role.REVIEWER),
    ("kashi_chakan", "喀什地区财政局查看员", "喀什地区财政局", Membership.Role.VIEWER),
    ("xj_tianbao", "自治区医保局填报员", "自治区医疗保障局", Membership.Role.PREPARER),
    ("xj_shenhe", "自治区财政厅审核员", "自治区财政厅", Membership.Role.REVIEWER),
    ("bazhou_tianbao", "巴州区医保局填报员", "巴中市巴州区医疗保障局", Membership.Role.PREPARER),
    ("bazhou_shenhe", "巴州区财政局审核员", "巴中市巴州区财政局", Membership.Role.REVIEWER),
    (
        "taoyuan_tianbao",
        "桃源县职工医保中心填报员",
        "桃源县城镇职工医疗保险管理服务中心",
        Membership.Role.PREPARER,
    ),
    ("taoyuan_shenhe", "桃源县财政局审核员", "桃源县财政局", Membership.Role.REVIEWER),
]
# year, deadline
YEARS = [(2019, date(2020, 4, 30)), (2020, date(2021, 4, 30)), (2026, date(2027, 3, 31))]

# A seed's unit as printed → the demo unit (the printed name is kept on the form itself).
REGION_UNIT = {
    "新疆维吾尔自治区 / 自治区本级": "自治区医疗保障局",
    "新疆维吾尔自治区 / 喀什地区 / 疏勒县": "疏勒县医疗保障局",
    "四川省 / 巴中市 / 巴州区": "巴中市巴州区医疗保障局",
    "湖南省 / 常德市 / 桃源县": "桃源县城镇职工医疗保险管理服务中心",
}
# Seed fund rows named differently from the template's row keys.
FUND_ROW_ALIASES = {"medical_insurance_fund": "social_insurance_fund"}

MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_mobile(text: str) -> str:
    """Personal mobile numbers are masked in demo data: 15276113376 → 152****3376."""
    return MOBILE.sub(r"\1****\3", text or "")


def parse_cn_date(text: str) -> date | None:
    m = re.fullmatch(r"\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*", text or "")
    return date(int(m[1]), int(m[2]), int(m[3])) if m else None


def _decimal(text) -> Decimal | None:
    text = (text or "").strip()
    return Decimal(text) if text else None


@dataclass
class LoadReport:
    created: list[str]
    existing: list[str]
    library_added: int = 0


def load_forms(path: Path) -> list[dict]:
    return [f for f in json.loads(Path(path).read_text(encoding="utf-8")) if f.get("indicators")]


@transaction.atomic
def load_evaluations_demo(seed_path: Path | None = None) -> LoadReport:
    seed_path = Path(seed_path or settings.SEED_FORMS)
    regions = {}
    for name, level, parent in REGIONS:
        regions[name], _ = Region.objects.get_or_create(
            name=name, parent=regions.get(parent), defaults={"level": level}
        )
    units = {}
    for name, region, kind, below in UNITS:
        units[name], _ = Unit.objects.get_or_create(
            name=name,
            region=regions[region],
            defaults={"kind": kind, "reviews_subregions": below},
        )
    years = {}
    for year, deadline in YEARS:
        years[year], _ = Year.objects.get_or_create(year=year, defaults={"deadline": deadline})
    _demo_users(units)

    report = LoadReport([], [])
    forms = load_forms(seed_path) + load_forms(COMPOSED_FORMS)
    for data in forms:
        unit = units[REGION_UNIT[data["region"]]]
        year = years.get(data["year"]) or Year.objects.get_or_create(year=data["year"])[0]
        template = get_template(data["template"])
        exists = Evaluation.objects.filter(
            unit=unit, year=year, template=template.code, project_name=data["project_name"]
        ).exists()
        if exists:
            report.existing.append(data["project_name"])
            continue
        evaluation = _create_form(data, unit, year)
        _play_history(evaluation, DEMO_HISTORY.get(data["project_name"], ()))
        report.created.append(data["project_name"])
    report.library_added = library_add_from_lines(
        (
            line.get("level1", ""),
            line.get("level2", ""),
            line.get("level3", ""),
            line.get("target", ""),
        )
        for data in forms
        # 部门整体 lines (投入/过程 common indicators, the unit's own 评分标准) are not library items.
        if get_template(data["template"]).basic_data is None
        for line in data["indicators"]
    )
    return report


# What happened to each demo form, so the reviewer's queue and the history pages have something
# to show: (action, who, reason). Forms not named here stay drafts.
DEMO_HISTORY = {
    "自治区本级医疗生育保险基金支出": [("submit", "xj_tianbao", ""), ("approve", "xj_shenhe", "")],
    "医疗救助业务经费": [("submit", "xj_tianbao", "")],
    "社会保险业务专项经费": [
        ("submit", "xj_tianbao", ""),
        # A line comment ("comment:" and the start of the line's 三级指标) written before the
        # return, so the returned form shows it under its line on the form and edit pages.
        ("comment:购置办公设备", "xj_shenhe", "请填写实际购置的套数（如“35套”），不要照抄指标值。"),
        ("comment:", "xj_shenhe", "退回修改后请一并核对其他数量指标的实际完成值。"),
        ("return", "xj_shenhe", "“购置办公设备”的实际完成值写成了“≥33套”，请填写实际购置套数。"),
    ],
    "2020年城镇职工医疗保险基金支出项目": [("submit", "shule_tianbao", "")],
    "城乡居民基本医疗保险配套资金": [
        ("submit", "bazhou_tianbao", ""),
        ("approve", "bazhou_shenhe", ""),
    ],
    "桃源县城镇职工医疗保险管理服务中心": [("submit", "taoyuan_tianbao", "")],
}


# The demo approves published forms; one of them leaves out a 偏差原因 today's 提交 asks for (a
# line over its target by more than half). The demo fills it in, saying so, so that every form
# the demo shows as submitted or approved passes the app's own submission checks.
DEMO_FILLS = {
    "自治区本级医疗生育保险基金支出": {
        "deviation_reason": "生育保险待遇享受人数超出年初预计：年初按上年享受人数测算，"
        "全年生育人数增加较多。（演示数据补填，原表未填写偏差原因）"
    },
}


def _play_history(evaluation: Evaluation, steps) -> None:
    """Write a demo form's past moves as they would have been logged. The seeds are published
    forms, so this records their history rather than re-running today's submission checks."""
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=[s[1] for s in steps])
    }
    for action, username, reason in steps:
        if action.startswith("comment:"):
            start = action.removeprefix("comment:")
            line = (
                evaluation.indicator_lines.filter(level3__startswith=start).first()
                if start
                else None
            )
            ReviewComment.objects.create(
                evaluation=evaluation,
                line=line,
                line_label=line.level3 if line else "",
                author=users[username],
                text=reason,
            )
            continue
        content = snapshot(evaluation) if action == "submit" else None
        record_transition(
            evaluation,
            user=users[username],
            action=action,
            reason=reason,
            now=timezone.now(),
            content=content,
        )


def _demo_users(units):
    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.invalid", DEMO_PASSWORD)
    for username, full_name, unit, role in USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": full_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, defaults={"unit": units[unit], "role": role})


def _header(data: dict, template) -> dict:
    header = dict(data.get("header", {}))
    keys = {f.key for f in template.header_fields}
    printed = {
        "budget_unit": data.get("budget_unit", ""),
        "implementing_unit": data.get("budget_unit", ""),
        "principal_and_phone": mask_mobile(data.get("principal_and_phone", "")),
        "competent_central": data.get("competent_central", ""),
        "competent_local": data.get("competent_local", ""),
    }
    for key, value in printed.items():
        if key in keys and key not in header:
            header[key] = value
    label = data.get("budget_unit_label")
    for f in template.header_fields:
        if f.label_choices and label in f.label_choices:
            header[f"{f.key}__label"] = label
    return header


def _create_form(data: dict, unit: Unit, year: Year) -> Evaluation:
    template = get_template(data["template"])
    evaluation = Evaluation.objects.create(
        unit=unit,
        year=year,
        template=template.code,
        title=data.get("title") or template.title,
        project_name=data["project_name"],
        header=_header(data, template),
        goal_planned=data.get("goal_planned", ""),
        goal_actual=data.get("goal_actual", ""),
        deviation_reason=data.get("deviation_reason", "")
        or DEMO_FILLS.get(data["project_name"], {}).get("deviation_reason", ""),
        remarks=data.get("remarks", ""),
        preparer=data.get("preparer", ""),
        preparer_phone=mask_mobile(data.get("preparer_phone", "")),
        fill_date=parse_cn_date(data.get("fill_date", "")),
    )
    seed_funds = {FUND_ROW_ALIASES.get(f["row"], f["row"]): f for f in data.get("funds", [])}
    fund_lines = []
    for order, row in enumerate(template.fund_rows):
        seed = seed_funds.get(row.key, {})
        # A paired layout's total row is labelled by the pair (预算数：/执行数：), not by the seed.
        keep_label = seed.get("label") and not (template.fund_layout == "paired" and row.is_total)
        fund_lines.append(
            FundLine(
                evaluation=evaluation,
                row_key=row.key,
                label=seed["label"] if keep_label else row.label,
                order=order,
            )
        )
        for name in AMOUNT_FIELDS:  # as the seed has them typed: 4000 stays 4000
            fund_lines[-1].set_amount(name, _decimal(seed.get(name)))
    FundLine.objects.bulk_create(fund_lines)
    IndicatorLine.objects.bulk_create(
        IndicatorLine(
            evaluation=evaluation,
            order=order,
            level1=line.get("level1", ""),
            level2=line.get("level2", ""),
            level3=line.get("level3", ""),
            target=line.get("target", ""),
            actual=line.get("actual", ""),
            weight=_decimal(line.get("weight")),
            score=_decimal(line.get("score")),
            score_reason=line.get("score_reason", ""),
            qualitative_percent=_decimal(line.get("qualitative_percent")),
            deviation=line.get("deviation_note", ""),
            rule_key=line.get("rule_key", ""),
            criteria=_criteria(template, line),
        )
        for order, line in enumerate(data["indicators"])
    )
    BasicDataLine.objects.bulk_create(
        BasicDataLine(
            evaluation=evaluation,
            row_key=row,
            column_key=column,
            value=Decimal(value),
            places=typed_places(Decimal(value)),
        )
        for row, column, value in (
            (*name.split("."), value) for name, value in data.get("basic_data", {}).items()
        )
        if value != ""
    )
    return evaluation


def _criteria(template, line: dict) -> str:
    """A common indicator's 评分标准 is the template's (as `evaluation_create` stores it)."""
    indicator = template.common_indicator(line.get("rule_key", ""))
    return indicator.criteria if indicator is not None else line.get("criteria", "")


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, who, role) for the README and `make run`'s banner."""
    rows = [("admin", "系统管理员", "管理员（/admin/）")]
    rows += [(u, unit, role.label) for u, _, unit, role in USERS]
    return rows
