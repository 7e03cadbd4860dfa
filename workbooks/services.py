"""A draft form from a workbook read by `xlsx_import`: the import service, the year an
imported form goes into, and the clerk's remembered column mappings."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from evaluations.exports.figures import format_points, format_rate, format_typed_points
from evaluations.levels import level1_key
from evaluations.models import Evaluation, FundLine, ImportMapping, IndicatorLine, Unit, Year
from evaluations.permissions import units_for_new_forms
from evaluations.scoring import evaluation_score
from evaluations.selectors import form_data, with_lines
from evaluations.services.edits import AMOUNT_FIELDS, _replace_basic_data, evaluation_create
from evaluations.services.errors import DUPLICATE, EvaluationError
from evaluations.templates_def import get_template

IMPORT_NOT_PREPARER = "只有填报人可以导入自评表。"


@transaction.atomic
def evaluation_import(
    *, user, year: Year, parsed, today: date | None = None, unit: Unit | None = None
) -> Evaluation:
    """A draft form of the user's unit from a workbook read by `xlsx_import` (a
    ParsedForm), or nothing (EvaluationError).

    Texts are stored as read; amounts and points as the Decimals read, with the decimals the
    cells show (15.0 stays 15.0). Scores are read against the form's own scoring
    (`scoring.evaluation_score`: its stated weights, its region's provincial rules, its
    基础数据表): a 得分 printed as the app prints its suggestion is left unclaimed (the
    suggestion stands, as on a form filled in here); a qualitative line's 得分 becomes its
    完成比例 (得分 ÷ 分值); any other 得分 is kept as the preparer's claim (one that differs
    from the suggestion only in its decimals, 15.0 for 15, needs no reason). A 部门整体 form
    gets the sheet's lines instead of the common indicators a new form starts with (a line
    naming one is that indicator, with the template's 评分标准) and its 基础数据表, from which
    the suggestions are computed.
    """
    # `unit`: an administrator's import_forms names it; on the page it is the preparer's own.
    unit = unit or units_for_new_forms(user).first()
    if unit is None:
        raise EvaluationError(IMPORT_NOT_PREPARER)
    template = get_template(parsed.template_code)
    evaluation = evaluation_create(
        user=user,
        unit=unit,
        year=year,
        template_code=template.code,
        project_name=parsed.project_name,
        today=today,
    )
    header = dict(evaluation.header)
    header.update(parsed.header)
    header.update({f"{key}__label": label for key, label in parsed.header_labels.items()})
    evaluation.header = header
    evaluation.title = parsed.title or template.title
    evaluation.goal_planned = parsed.goal_planned
    evaluation.goal_actual = parsed.goal_actual
    evaluation.deviation_reason = parsed.texts.get("deviation_reason", "")
    evaluation.remarks = parsed.texts.get("remarks", "")
    for key in ("preparer", "preparer_phone", "fill_date"):
        if key in parsed.signature:
            setattr(evaluation, key, parsed.signature[key])
    evaluation.signer_reviewer = parsed.signature.get("reviewer", "")
    evaluation.signer_reviewer_date = parsed.signature.get("reviewer_date")
    evaluation.wording = dict(parsed.wording)
    evaluation.header_extra = list(parsed.header_extra)
    evaluation.level1_weights = _imported_weights(template, parsed.level1_weights)
    evaluation.stated_figures = dict(parsed.stated_figures)
    evaluation.footnote_text = parsed.footnote_text
    evaluation.other_content = [
        *({"source": "", **item} for item in parsed.other_items),
        *(_other_item(row) for row in parsed.other),
    ]

    fund_lines = list(evaluation.fund_lines.all())
    for fund in fund_lines:
        read = parsed.funds.get(fund.row_key)
        if read is None:
            continue
        fund.label = read.label or fund.label
        for name in AMOUNT_FIELDS:
            fund.set_amount(name, getattr(read, name))
    FundLine.objects.bulk_update(fund_lines, ["label", "places", *AMOUNT_FIELDS])

    if template.basic_data is not None:
        evaluation.indicator_lines.all().delete()
        _replace_basic_data(evaluation, parsed.basic_data)

    lines = _imported_lines(evaluation, parsed)
    evaluation.save()
    IndicatorLine.objects.bulk_create(lines)
    _keep_differing_stated(evaluation)
    return evaluation


def _keep_differing_stated(evaluation: Evaluation) -> None:
    """A figure the form states that is what the app computes is not kept as stated: the form
    prints the computed one, exactly as before (so the app's own export comes back unchanged)."""
    stated = dict(evaluation.stated_figures or {})
    if not stated:
        return
    stored = with_lines(Evaluation.objects.filter(pk=evaluation.pk)).get()
    score = evaluation_score(stored)
    computed = {
        f"fund.{fund.row_key}.rate": format_rate(fund.rate) for fund in stored.fund_lines.all()
    }
    data = form_data(stored, score)
    computed["fund.total.score"] = format_points(data.budget_score, data.places.get("budget_score"))
    computed["total"] = format_points(score.total)
    kept = {key: text for key, text in stated.items() if computed.get(key) != text}
    if kept != stated:
        Evaluation.objects.filter(pk=evaluation.pk).update(stated_figures=kept)
        evaluation.stated_figures = kept


IMPORT_FIRST_YEAR = 2015
IMPORT_YEAR_IGNORED = "表中年度{found}不在 {first}–{last} 年之间，按{used}年度导入。"
IMPORT_RENAMED = "本单位该年度已有同名自评表，导入的表名为“{name}”。"


def import_year(*, stated: int | None, chosen: int | None, today: date) -> tuple[Year, list[str]]:
    """The year an imported form goes into: the one its title states (2015 to next year), else
    the one chosen, else last year (the year bureaus evaluate). Created when missing: a form of
    any year is brought in without an administrator step first."""
    last = today.year + 1
    notes = []
    number = chosen or today.year - 1
    if stated is not None and IMPORT_FIRST_YEAR <= stated <= last:
        number = stated
    elif stated is not None:
        notes.append(
            IMPORT_YEAR_IGNORED.format(
                found=stated, first=IMPORT_FIRST_YEAR, last=last, used=number
            )
        )
    year, _ = Year.objects.get_or_create(year=number)
    return year, notes


def evaluation_import_kept(*, user, unit: Unit, year: Year, parsed) -> tuple[Evaluation, bool]:
    """`evaluation_import`, where a project name the unit already has that year gets a number
    (“…（导入2）”) rather than the file being left out: an administrator bringing in a folder
    keeps every form. Returns the form and whether it was renamed."""
    from dataclasses import replace

    name = parsed.project_name
    for n in range(1, 100):
        attempt = replace(parsed, project_name=name if n == 1 else f"{name}（导入{n}）"[:200])
        try:
            with transaction.atomic():
                return evaluation_import(user=user, unit=unit, year=year, parsed=attempt), n > 1
        except EvaluationError as e:
            if not Evaluation.objects.filter(
                unit=unit, year=year, project_name=attempt.project_name.strip()
            ).exists():
                raise e from None
    raise EvaluationError(DUPLICATE.format(year=year.year, name=name, template=""))


def import_mapping_remember(*, unit: Unit, user, mapping: dict, anchors: dict) -> ImportMapping:
    """Remember a clerk's mapping for the unit, keyed by the label texts it was drawn on; a
    mapping drawn again on the same labels replaces the earlier one."""
    remembered = next(
        (m for m in ImportMapping.objects.filter(unit=unit) if m.anchors == anchors), None
    )
    if remembered is None:
        remembered = ImportMapping(unit=unit, anchors=anchors)
    remembered.mapping = mapping
    remembered.created_by = user
    remembered.updated_at = timezone.now()
    remembered.save()
    return remembered


def _imported_weights(template, stated: dict[str, str]) -> dict[str, str]:
    """The 一级 weights the form states, keyed by the 一级 they count under."""
    return {level1_key(template, name): weight for name, weight in stated.items()}


def _other_item(row) -> dict:
    """One row of cells no field took, as an item of 其他内容: a short text first in the row is
    its label, the rest its value."""
    texts = list(row.texts)
    label = ""
    if len(texts) > 1 and len(texts[0]) <= 30 and not re.fullmatch(r"[\d.,%\s]+", texts[0]):
        label = texts.pop(0).rstrip(":：").strip()
    return {"source": f"{row.sheet}!{row.cell}", "label": label, "value": "　".join(texts)}


def _imported_lines(evaluation: Evaluation, parsed) -> list[IndicatorLine]:
    """The lines to store, with 得分 read back as described above, the 预算执行率 claim set on
    `evaluation` likewise: scored by the form's own rules, once its fund rows and 基础数据表 are
    stored."""
    template = evaluation.template_def

    def criteria(p):
        indicator = template.common_indicator(p.rule_key) if p.rule_key else None
        return indicator.criteria if indicator is not None else p.criteria

    lines = []
    for i, p in enumerate(parsed.lines):
        line = IndicatorLine(
            evaluation=evaluation,
            order=i,
            level1=p.level1,
            level2=p.level2,
            level3=p.level3,
            target=p.target,
            actual=p.actual,
            deviation=p.deviation,
            criteria=criteria(p),
            rule_key=p.rule_key,
            nature=p.nature,
            measure_unit=p.measure_unit,
        )
        line.set_points("weight", p.weight)
        lines.append(line)
    if not template.scored:
        return lines

    # 部门整体 lines have no 完成比例: a line the unit scores has its 得分 as the score.
    if template.basic_data is None:
        first = evaluation_score(evaluation, lines)
        for line, p, result in zip(lines, parsed.lines, first.lines, strict=True):
            unscored = result.needs_person and result.suggested is None
            if unscored and p.score is not None and p.weight:
                share = (p.score / p.weight * 100).quantize(Decimal("0.01"))
                line.qualitative_percent = min(share, Decimal(100))
    suggested = evaluation_score(evaluation, lines)
    for line, p, result in zip(lines, parsed.lines, suggested.lines, strict=True):
        if p.score is not None and format_typed_points(p.score) != format_points(result.suggested):
            line.set_points("score", p.score)
    claim = parsed.budget_score
    if claim is not None and format_typed_points(claim) == format_points(
        suggested.budget_suggested
    ):
        claim = None
    evaluation.set_points("budget_score", claim)
    return lines
