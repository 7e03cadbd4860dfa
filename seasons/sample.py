"""Many units and forms in every state under one region, for the board's query-count tests and
its benchmark (`benchmarks/board.py`). Bulk inserts, so thousands of rows take seconds."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from evaluations.history import snapshot
from evaluations.models import (
    Evaluation,
    FundLine,
    IndicatorLine,
    Region,
    Submission,
    TransitionLog,
    Unit,
    Year,
)
from evaluations.services import evaluation_figures_refresh
from evaluations.templates_def import get_template

from .models import Task, TaskLog, TaskUnit

TEMPLATES = ("project_2020", "social_insurance_fund")
# Per unit, cycling: what happened to its forms (None: not started).
STATES = (None, "draft", "submitted", "returned", "approved", "reopened")
LINES = (
    ("产出指标", "数量指标", "参保人数", "≥355990人", "360800人", Decimal(20)),
    ("产出指标", "质量指标", "社会保险待遇发放准确率", "≥99%", "100%", Decimal(15)),
    ("产出指标", "时效指标", "及时拨款", "90日内完成审核拨付", "按时拨付", Decimal(15)),
    ("效益指标", "社会效益指标", "医保基金收支平衡", "收支平衡、略有节余", "略有节余", Decimal(30)),
    ("满意度指标", "服务对象满意度指标", "参保人员满意度", ">90%", ">95%", Decimal(10)),
)


def populate(*, region: Region, reviewer, year: Year, units: int, deadline: date) -> Task:
    """`units` budget units under `region`, a task asking each for TEMPLATES, and their forms in
    the states of STATES in turn: units × 2 board rows."""
    made = Unit.objects.bulk_create(
        Unit(name=f"样例单位{i:05d}", region=region) for i in range(units)
    )
    task = Task.objects.create(
        year=year,
        region=reviewer.membership.unit.region,
        issuer_unit=reviewer.membership.unit,
        issued_by=reviewer,
        title=f"{year.year}年度绩效自评（样例）",
        templates=list(TEMPLATES),
        deadline=deadline,
    )
    TaskUnit.objects.bulk_create(TaskUnit(task=task, unit=u) for u in made)
    TaskLog.objects.create(task=task, actor=reviewer, action=TaskLog.Action.ISSUE, detail="样例")

    now = timezone.now()
    forms, states = [], []
    for i, unit in enumerate(made):
        state = STATES[i % len(STATES)]
        if state is None:
            continue
        for code in TEMPLATES:
            t = get_template(code)
            status = {"reopened": "returned"}.get(state, state)
            forms.append(
                Evaluation(
                    unit=unit,
                    year=year,
                    template=code,
                    title=t.title,
                    project_name=f"{unit.name}{t.title}",
                    # Complete, as a handed-in form is (提交 and 通过 check the head cells).
                    header={f.key: unit.name for f in t.header_fields if f.key != "project_name"},
                    status=status,
                    version=3 if state == "reopened" else 1,
                    submitted_at=now - timedelta(days=2) if state != "draft" else None,
                    reviewed_at=now - timedelta(days=1) if state == "approved" else None,
                )
            )
            states.append(state)
    Evaluation.objects.bulk_create(forms)
    FundLine.objects.bulk_create(
        FundLine(
            evaluation=ev,
            row_key=row.key,
            label=row.label,
            order=order,
            budget=Decimal("100.00") if row.is_total else None,
            actual=Decimal("95.50") if row.is_total else None,
        )
        for ev in forms
        for order, row in enumerate(ev.template_def.fund_rows)
    )
    IndicatorLine.objects.bulk_create(
        IndicatorLine(
            evaluation=ev,
            order=order,
            level1=l1,
            level2=l2,
            level3=l3,
            target=target,
            actual=actual,
            weight=weight if ev.template_def.scored else None,
            # The qualitative line's completion share, chosen as a preparer would.
            qualitative_percent=Decimal(90) if ev.template_def.scored and order == 3 else None,
        )
        for ev in forms
        for order, (l1, l2, l3, target, actual, weight) in enumerate(LINES)
    )
    # Approved, then reopened and changed: the approved content differs from today's in one cell.
    reopened = [ev for ev, state in zip(forms, states, strict=True) if state == "reopened"]
    approved = [ev for ev, state in zip(forms, states, strict=True) if state == "approved"]
    content = {}
    for ev in Evaluation.objects.filter(pk__in=[e.pk for e in reopened]).prefetch_related(
        "fund_lines", "indicator_lines"
    ):
        data = snapshot(ev)
        data["lines"][0]["actual"] = "350000人"
        content[ev.pk] = data
    Submission.objects.bulk_create(
        Submission(
            evaluation=ev, version=1, content=content[ev.pk], created_at=now - timedelta(days=3)
        )
        for ev in reopened
    )
    TransitionLog.objects.bulk_create(
        TransitionLog(
            evaluation=ev,
            actor=reviewer,
            action="approve",
            from_status="submitted",
            to_status="approved",
            version=2,
            created_at=now - timedelta(days=1),
        )
        for ev in [*reopened, *approved]
    )
    # Written in bulk, not moved through the service: store the handed-in forms' 总分 and 等级 as
    # submitting and approving them would have.
    evaluation_figures_refresh()
    return task
