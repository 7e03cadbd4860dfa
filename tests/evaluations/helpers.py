"""Build the POST a browser sends from the edit page, from a form's stored state or a seed; and
a small 项目支出 form with scored lines."""

from __future__ import annotations

from decimal import Decimal

from evaluations.forms import EvaluationForm, FundsForm, line_initial
from evaluations.models import IndicatorLine
from tests.conftest import make_evaluation


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def lines_post(lines: list[dict]) -> dict:
    data = {
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for i, line in enumerate(lines):
        for key, value in line.items():
            if key == "DELETE":
                if value:
                    data[f"lines-{i}-DELETE"] = "on"
                continue
            data[f"lines-{i}-{key}"] = _text(value)
    return data


def edit_post(evaluation, **changes) -> dict:
    """What the edit page posts when the user changes nothing (then `changes` applied)."""
    data = {k: _text(v) for k, v in EvaluationForm.initial_for(evaluation).items()}
    data.update({k: _text(v) for k, v in FundsForm.initial_for(evaluation).items()})
    data.update(lines_post(line_initial(evaluation)))
    data.update({k: _text(v) for k, v in changes.items()})
    return data


def seed_post(evaluation, seed: dict) -> dict:
    """The edit page's POST for an empty form of the seed's template, filled with the seed."""
    from evaluations.demo import FUND_ROW_ALIASES, mask_mobile

    t = evaluation.template_def
    data = edit_post(evaluation)
    keys = {f.key for f in t.header_fields}
    header = {
        "project_name": seed["project_name"],
        "budget_unit": seed.get("budget_unit", ""),
        "implementing_unit": seed.get("budget_unit", ""),
        "principal_and_phone": seed.get("principal_and_phone", ""),
        "competent_central": seed.get("competent_central", ""),
        "competent_local": seed.get("competent_local", ""),
    }
    data.update({k: v for k, v in header.items() if k in keys})
    if "budget_unit" in keys and seed.get("budget_unit_label"):
        data["budget_unit__label"] = seed["budget_unit_label"]
    data.update(
        title=seed["title"],
        goal_planned=seed["goal_planned"],
        goal_actual=seed["goal_actual"],
        deviation_reason=seed.get("deviation_reason", ""),
        remarks=seed.get("remarks", ""),
        preparer=seed.get("preparer", ""),
        preparer_phone=mask_mobile(seed.get("preparer_phone", "")),
    )
    for fund in seed["funds"]:
        row = t.fund_row(FUND_ROW_ALIASES.get(fund["row"], fund["row"]))
        if row.label_editable:
            data[f"{row.key}__label"] = fund["label"]
        data[f"{row.key}__budget"] = fund["budget"]
        data[f"{row.key}__actual"] = fund["actual"]
    data.update(
        lines_post(
            [
                {
                    "level1": line["level1"],
                    "level2": line["level2"],
                    "level3": line["level3"],
                    "target": line["target"],
                    "actual": line["actual"],
                    "deviation": line.get("deviation_note", ""),
                    "ORDER": i + 1,
                }
                for i, line in enumerate(seed["indicators"])
            ]
        )
    )
    return data


def make_project_form(cast, lines, *, name="医保经办业务培训", budget="100", actual="90"):
    """A 项目支出 draft of `cast.preparer` with `lines`: (level1, level2, level3, target, actual,
    weight, qualitative percent[, deviation])."""
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        template="project_2020",
        project_name=name,
        funds={"total": {"budget": budget, "actual": actual}},
    )
    ev.header["competent_dept"] = "疏勒县医疗保障局"
    # The form states its own 一级 weights: those of its lines (so they add up, as on paper).
    stated: dict[str, Decimal] = {}
    for l1, _, _, _, _, weight, *_ in lines:
        if weight:
            stated[l1] = stated.get(l1, Decimal(0)) + Decimal(weight)
    ev.level1_weights = {name: str(weight) for name, weight in stated.items()}
    ev.save(update_fields=["header", "level1_weights"])
    IndicatorLine.objects.bulk_create(
        IndicatorLine(
            evaluation=ev,
            order=i,
            level1=l1,
            level2=l2,
            level3=l3,
            target=target,
            actual=actual_value,
            weight=Decimal(weight) if weight else None,
            qualitative_percent=Decimal(percent) if percent else None,
            deviation=deviation[0] if deviation else "",
        )
        for i, (l1, l2, l3, target, actual_value, weight, percent, *deviation) in enumerate(lines)
    )
    return ev
