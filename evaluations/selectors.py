"""Reads: the queries pages and exports need, each with a fixed number of SQL queries."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from indicators.formulas import evaluate
from indicators.rules import describe as describe_rules

from .exports.figures import format_points, format_rate
from .exports.layout import FormData, FundValues, LineData, full_points
from .levels import level1_key
from .models import (
    BasicDataLine,
    Evaluation,
    FundLine,
    IndicatorLine,
    Membership,
    ReviewComment,
    TransitionLog,
)
from .partial import Scope, scope_of
from .permissions import visible_evaluations
from .rulesets import rules_generation, with_rules
from .scoring import (
    RULES,
    Check,
    EvaluationScore,
    basic_cells,
    evaluation_score,
    form_checks,
    stated_weights,
)
from .templates_def import get_template


def evaluations_for_list(
    user, *, year=None, status=None, template=None, unit=None
) -> QuerySet[Evaluation]:
    qs = visible_evaluations(user).select_related("unit", "year", "updated_by")
    if year:
        qs = qs.filter(year__year=year)
    if status:
        qs = qs.filter(status=status)
    if template:
        qs = qs.filter(template=template)
    if unit:
        qs = qs.filter(unit_id=unit)
    return qs.order_by("-year__year", "unit__name", "project_name")


def overdue_label(evaluation: Evaluation, today) -> str:
    """逾期未交 (past the year's deadline and not handed in) or 逾期提交 (handed in late)."""
    deadline = evaluation.year.deadline
    if deadline is None:
        return ""
    if evaluation.status in Evaluation.EDITABLE_STATUSES and today > deadline:
        return "逾期未交"
    submitted = evaluation.submitted_at
    if submitted and timezone.localtime(submitted).date() > deadline:
        return "逾期提交"
    return ""


def with_lines(qs: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    """Everything a whole form needs, in three queries however many lines it has (its scoring
    rules come with the form's row)."""
    return (
        with_rules(qs)
        .select_related("unit__region", "year", "updated_by", "reviewed_by")
        .prefetch_related(
            Prefetch("fund_lines", queryset=FundLine.objects.order_by("order")),
            Prefetch("indicator_lines", queryset=IndicatorLine.objects.order_by("order", "pk")),
            Prefetch("basic_data", queryset=BasicDataLine.objects.order_by("pk")),
        )
    )


def forms_with_lines(pks: Collection[int]) -> list[Evaluation]:
    """The forms `pks` with what their score and their content need: fund rows and indicator
    lines, and the 基础数据表 where a 部门整体 form is among them — three or four queries."""
    forms = list(with_rules(Evaluation.objects.filter(pk__in=pks)).order_by("pk"))
    lookups = [
        Prefetch("fund_lines", queryset=FundLine.objects.order_by("order")),
        Prefetch("indicator_lines", queryset=IndicatorLine.objects.order_by("order", "pk")),
    ]
    if any(ev.template_def.basic_data is not None for ev in forms):
        lookups.append(Prefetch("basic_data", queryset=BasicDataLine.objects.order_by("pk")))
    prefetch_related_objects(forms, *lookups)
    return forms


# -- 总分 and 等级 of many forms at once (summaries, the status board) ------------------------------

# What `known_scores` reads of each form: rows of values_list(*SCORE_FIELDS, named=True), or forms.
SCORE_FIELDS = (
    "pk",
    "template",
    "version",
    "created_at",
    "stored_total",
    "stored_grade",
    "stored_rules",
    "stored_warning",
)


def _score_key(pk: int, version: int, created_at, generation: str) -> str:
    # A change to the scoring rules, a region's rule sets (`generation`) or the 表样 scores anew;
    # created_at guards against a recreated database handing an old id to a new form.
    return f"form-score:{RULES}:{generation}:{pk}:v{version}:{created_at.timestamp()}"


def known_scores(forms: Iterable) -> tuple[dict[int, tuple[Decimal, str]], list[int]]:
    """总分 and 等级 of the scored forms among `forms` that need no lines read: {pk: (total,
    grade)}, and the ids of the scored forms still to score (`score_forms`). No query.

    A handed-in form carries its figures, stored by the service when it was submitted or
    approved under today's scoring rules (Evaluation.stored_total); they are read as they are.
    The others (drafts, forms written outside the service, figures of older rules) are found in
    the cache when scored before at the same version: a form cannot change without a new
    version (every save and every transition raises it)."""
    result, keys = {}, {}
    generation = rules_generation()
    for form in forms:
        if not get_template(form.template).scored:
            continue
        if form.stored_total is not None and form.stored_rules == RULES:
            result[form.pk] = (form.stored_total, form.stored_grade)
        else:
            keys[form.pk] = _score_key(form.pk, form.version, form.created_at, generation)
    cached = caches["figures"].get_many(keys.values()) if keys else {}
    for pk, key in keys.items():
        if key in cached:
            result[pk] = cached[key]
    return result, [pk for pk in keys if pk not in result]


def score_forms(forms: Iterable[Evaluation]) -> dict[int, tuple[Decimal, str]]:
    """总分 and 等级 of forms loaded by `forms_with_lines`, as their pages show them, each cached
    by form and version for `known_scores`."""
    result, fresh = {}, {}
    generation = rules_generation()
    for evaluation in forms:
        score = evaluation_score(evaluation)
        if score.total is None:
            continue
        result[evaluation.pk] = (score.total, score.grade)
        key = _score_key(evaluation.pk, evaluation.version, evaluation.created_at, generation)
        fresh[key] = result[evaluation.pk]
    caches["figures"].set_many(fresh, timeout=None)
    return result


def stored_warnings(forms: Iterable) -> dict[int, str]:
    """预警 ("red" / "yellow") of the handed-in forms among `forms` (rows of SCORE_FIELDS, or
    forms), as stored with their figures under today's rules; forms without one are left out.
    No query."""
    return {
        form.pk: form.stored_warning
        for form in forms
        if form.stored_warning and form.stored_rules == RULES and form.stored_total is not None
    }


WARNING_LABELS = {"red": "红色预警", "yellow": "黄色预警"}


def form_scores(forms: Iterable) -> dict[int, tuple[Decimal, str]]:
    """总分 and 等级 of the scored forms among `forms` (see `known_scores`): {pk: (total, grade)}.
    No query when every score is stored or cached; three more when some are not (the forms
    still to score, loaded with their lines) — never one per form."""
    result, missing = known_scores(forms)
    if missing:
        result.update(score_forms(forms_with_lines(missing)))
    return result


def submit_checks(evaluation: Evaluation | int) -> list[Check]:
    """The form's "提交前需处理" list: every business rule not yet met, one `scoring.Check`
    each (`.message` names the line as "产出指标/数量指标 · 第2行 培训人次"; `.anchor` is the id
    of the edit page's element to jump to). Empty when the form may be submitted; 提交 and 通过
    are refused otherwise. Pass a form loaded through `with_lines`, or its id."""
    if isinstance(evaluation, int):
        evaluation = with_lines(Evaluation.objects.filter(pk=evaluation)).get()
    return form_checks(evaluation)


def line_criteria(template, line) -> str:
    """The 评分标准 printed beside a line: a common indicator's is the template's, so the rule
    shown is the rule applied; the unit's own lines print what was typed."""
    indicator = template.common_indicator(line.rule_key) if line.rule_key else None
    return indicator.criteria if indicator is not None else line.criteria


def rules_notes(score: EvaluationScore) -> tuple[str, ...]:
    """What the printed form says of its provincial scoring rules: the rules with their source,
    then what they did to this form (penalties, cap, 预警)."""
    if score.rules is None:
        return ()
    return (describe_rules(score.rules), *score.rules_notes)


def form_data(evaluation: Evaluation, score: EvaluationScore | None = None) -> FormData:
    """The printed values of a form (for the read-only page, PDF and Excel).

    On templates with points, 得分 holds each line's final score (claimed, else suggested), the
    预算执行率 score and the 总分 likewise; `score` spares recomputing what the caller has. Points
    the clerk typed (分值, a claimed 得分) print with the decimals typed, suggestions as computed.
    """
    t = evaluation.template_def
    if score is None:
        score = evaluation_score(evaluation)
    header = {f.key: evaluation.header_value(f.key) for f in t.header_fields}
    header_labels = {f.key: evaluation.header_label(f.key) for f in t.header_fields}
    funds = {
        f.row_key: FundValues(f.label, f.budget_initial, f.budget, f.actual)
        for f in evaluation.fund_lines.all()
    }
    lines = tuple(
        LineData(
            level1=line.level1,
            level2=line.level2,
            level3=line.level3,
            target=line.target,
            actual=line.actual,
            weight=line.weight,
            score=result.final if score.scored else None,
            deviation=line.deviation,
            criteria=line_criteria(t, line),
            nature=line.nature,
            measure_unit=line.measure_unit,
            places=_typed_places(line.places, "score", result.claimed),
        )
        for line, result in zip(evaluation.indicator_lines.all(), score.lines, strict=True)
    )
    texts = {"deviation_reason": evaluation.deviation_reason, "remarks": evaluation.remarks}
    return FormData(
        template=t,
        title=evaluation.title,
        year=evaluation.year.year,
        header=header,
        header_labels=header_labels,
        funds=funds,
        goal_planned=evaluation.goal_planned,
        goal_actual=evaluation.goal_actual,
        lines=lines,
        texts=texts,
        preparer=evaluation.preparer,
        preparer_phone=evaluation.preparer_phone,
        fill_date=evaluation.fill_date,
        status_label=evaluation.get_status_display(),
        is_draft=evaluation.status in Evaluation.EDITABLE_STATUSES,
        pending_review=evaluation.status == Evaluation.Status.SUBMITTED,
        reviewer=_approver(evaluation),
        approved_on=(
            timezone.localtime(evaluation.reviewed_at).date()
            if evaluation.status == Evaluation.Status.APPROVED and evaluation.reviewed_at
            else None
        ),
        budget_score=score.budget_final,
        total_score=score.total,
        places=_typed_places(evaluation.places, "budget_score", score.budget_claimed),
        notes=rules_notes(score),
        basic_data=basic_cells(evaluation) if t.basic_data is not None else {},
        wording=dict(evaluation.wording or {}),
        header_extra=tuple(
            (str(item.get("label", "")), str(item.get("value", "")))
            for item in evaluation.header_extra or ()
        ),
        level1_weights=stated_level1_weights(evaluation),
        stated_figures={k: str(v) for k, v in (evaluation.stated_figures or {}).items()},
        footnote_text=evaluation.footnote_text,
        signer_reviewer=evaluation.signer_reviewer,
        signer_reviewer_date=evaluation.signer_reviewer_date,
        other_content=tuple(
            (str(item.get("label", "")), str(item.get("value", "")))
            for item in evaluation.other_content or ()
        ),
    )


def _typed_places(places: dict, claim: str, claimed) -> dict[str, int]:
    """The typed decimals of a row's points (IndicatorLine.places, Evaluation.places) that apply
    to what prints: those of the `claim` field only where the printed score is the claim, not
    the app's suggestion."""
    return {key: n for key, n in (places or {}).items() if key != claim or claimed is not None}


def stated_level1_weights(evaluation: Evaluation) -> dict[str, Decimal]:
    """The weights a form that states its own 一级 weights (Evaluation.level1_weights) counts
    with: the template's, replaced by the stated ones (see `scoring.stated_weights`); empty for a
    form that states none, which prints the template's."""
    if not evaluation.level1_weights:
        return {}
    return stated_weights(evaluation)


@dataclass(frozen=True)
class StatedFigure:
    """A figure the app computes that the form states otherwise: printed as stated, and shown
    to the reviewer beside the app's own (表上：93　系统计算：92.5)."""

    label: str
    stated: str
    computed: str


def stated_differences(evaluation: Evaluation, score: EvaluationScore) -> list[StatedFigure]:
    """The 执行率, 得分, 总分 and 满分 the form states (Evaluation.stated_figures) that differ from
    what the app computes, in the order the form prints them. A stated figure equal to the
    computed one at the precision the form states it (0.958 for 95.83 %) is no difference."""
    stated = evaluation.stated_figures or {}
    if not stated:
        return []
    t = get_template(evaluation.template)
    computed: list[tuple[str, str, Decimal | None, str]] = []
    for fund in evaluation.fund_lines.all():
        label = fund.label or fund.row_key
        computed.append((f"fund.{fund.row_key}.rate", f"{label} 执行率", fund.rate, "rate"))
    computed.append(("fund.total.score", "预算执行率 得分", score.budget_final, "points"))
    points = full_points(t, stated_level1_weights(evaluation))
    computed.append(("total_points", "总分 分值", points, "points"))
    computed.append(("total", "总分", score.total, "points"))
    found = []
    for key, label, value, kind in computed:
        text = str(stated.get(key, "")).strip()
        if not text or value is None or _same_figure(text, value):
            continue
        shown = format_rate(value) if kind == "rate" else format_points(value)
        found.append(StatedFigure(label, text, shown))
    return found


def _same_figure(text: str, value: Decimal) -> bool:
    """Whether `text` (as the form states it: "93", "96.09%", "0.958") is `value` rounded to the
    decimals the text shows."""
    m = re.fullmatch(r"(-?\d+(?:\.(\d+))?)\s*([%％]?)", text)
    if not m:
        return False
    stated = Decimal(m[1])
    if m[3]:
        value = value * 100
    places = Decimal(1).scaleb(-len(m[2] or ""))
    return value.quantize(places, rounding=ROUND_HALF_UP) == stated


def _approver(evaluation: Evaluation) -> str:
    """The approving reviewer's name, printed once the form is approved: the 审核人 typed on the
    form where there is one (a signature names the person, not the login account)."""
    user = evaluation.reviewed_by if evaluation.status == Evaluation.Status.APPROVED else None
    if user is None:
        return ""
    return evaluation.signer_reviewer.strip() or user.get_full_name() or user.get_username()


def reviewers_of(evaluation: Evaluation) -> list:
    """The finance reviewers whose scope holds this form (their own region, or above it where
    their unit reviews the regions below)."""
    region = evaluation.unit.region
    above = [int(i) for i in region.path.strip("/").split("/") if i]
    return list(
        get_user_model()
        .objects.filter(membership__role=Membership.Role.REVIEWER, is_active=True)
        .filter(
            Q(membership__unit__region=region)
            | Q(membership__unit__reviews_subregions=True, membership__unit__region_id__in=above)
        )
    )


def preparers_of(evaluation: Evaluation) -> list:
    return list(
        get_user_model().objects.filter(
            membership__role=Membership.Role.PREPARER,
            membership__unit_id=evaluation.unit_id,
            is_active=True,
        )
    )


def latest_return(evaluation: Evaluation) -> TransitionLog | None:
    """The form's latest 退回 or 重新打开, with its marked parts prefetched."""
    return (
        evaluation.transitions.filter(action__in=("return", "reopen"))
        .prefetch_related("parts")
        .order_by("-created_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class ReturnNotice:
    """Why a returned form came back, for the top of its form and edit pages: the latest 退回 or
    重新打开 (who, when, the reason, the files sent with it) and the comments still open."""

    log: TransitionLog
    files: list
    form_comments: list[ReviewComment]
    line_comments: dict[int, list[ReviewComment]]
    gone_line_comments: list[ReviewComment]  # on lines removed since

    @property
    def verb(self) -> str:
        return "重新打开" if self.log.action == "reopen" else "退回"

    @property
    def all_line_comments(self) -> list[ReviewComment]:
        found = [c for comments in self.line_comments.values() for c in comments]
        return sorted([*found, *self.gone_line_comments], key=lambda c: (c.created_at, c.pk))


def comment_resolved(comment: ReviewComment, evaluation: Evaluation) -> bool:
    """A comment is 已处理 once the form has been submitted after it was written: the preparer
    answered it with a new submission (the reviewer sees the changes in 历史记录)."""
    return evaluation.submitted_at is not None and comment.created_at < evaluation.submitted_at


def open_comments(evaluation: Evaluation) -> list[ReviewComment]:
    qs = evaluation.comments.select_related("author")
    if evaluation.submitted_at is not None:
        qs = qs.filter(created_at__gte=evaluation.submitted_at)
    return list(qs)


def return_notice(evaluation: Evaluation) -> ReturnNotice | None:
    """The latest 退回/重新打开 of a form that is back with its unit, or None."""
    if evaluation.status != Evaluation.Status.RETURNED:
        return None
    log = (
        evaluation.transitions.filter(action__in=("return", "reopen"))
        .select_related("actor")
        .prefetch_related("attachments")
        .order_by("-created_at", "-pk")
        .first()
    )
    if log is None:
        return None
    form_comments, line_comments, gone = [], {}, []
    for comment in open_comments(evaluation):
        if comment.line_id is not None:
            line_comments.setdefault(comment.line_id, []).append(comment)
        elif comment.line_label:
            gone.append(comment)
        else:
            form_comments.append(comment)
    return ReturnNotice(
        log=log,
        files=list(log.attachments.all()),
        form_comments=form_comments,
        line_comments=line_comments,
        gone_line_comments=gone,
    )


def edit_scope(evaluation: Evaluation) -> Scope | None:
    """What the preparer may change now (部分退回): the parts of the latest 退回/重新打开 while the
    form is editable; None when everything may change (never returned, or returned whole)."""
    if evaluation.status not in Evaluation.EDITABLE_STATUSES:
        return None
    log = latest_return(evaluation)
    return scope_of(log.parts.all()) if log is not None else None


def review_started(evaluation: Evaluation) -> bool:
    """A reviewer has written an opinion on the form since it was last submitted: from then on
    the preparer can no longer withdraw it (撤回 is for a form nobody has started reviewing)."""
    if evaluation.status != Evaluation.Status.SUBMITTED or evaluation.submitted_at is None:
        return False
    return ReviewComment.objects.filter(
        evaluation=evaluation,
        author__membership__role=Membership.Role.REVIEWER,
        created_at__gte=evaluation.submitted_at,
    ).exists()


def department_figures(evaluation: Evaluation) -> dict:
    """The figures of a 部门整体支出 form, for the 自评报告 and anything else that quotes them.

    One stored set of figures, so a report drafted from it cannot contradict the tables. Load the
    form with `with_lines` for a fixed number of queries. Amounts are Decimal 万元, persons
    Decimal, rates Decimal percent (138.46 means 138.46 %); None where the 基础数据表 cell is
    empty or the rate cannot be computed; rates are rounded to 0.01 (percent). Keys (stable):

    - unit, year, status
    - staff: quota 编制数, actual 实际在职人数, control_rate 控制率
    - sangong ("三公经费", the evaluated year is 上年 on the form): budget 上年预算数, actual
      上年决算数, previous_actual 前年决算数, change (actual − previous_actual; negative is a
      fall), change_rate 变动率, control_rate 控制率 (actual / budget), items: {car, car_purchase,
      car_running, abroad, reception: {label, budget, actual, previous_actual}}
    - budget (预算执行情况): carryover, initial, addition, spent, balance, completion_rate
      预算完成率, adjustment_rate 预算调整率, carryover_rate 结转结余率
    - spending: {row key: {label, previous_actual, budget, actual}} for every 经费控制情况 row
      (sangong, project, project_business, project_operation, public, procurement, adjustment …)
    - indicators: [{level1, level2, level3, criteria, weight, suggested, score, reason, note,
      basis, group}] in print order (score is the printed one; note is 扣分原因和其他说明; group
      the 一级 the line counts under, as `levels.level1_key` reads its wording)
    - score: {suggested_total, total, grade}
    """
    t = evaluation.template_def
    if t.basic_data is None:
        raise ValueError(f"{t.code} is not a 部门整体支出 template")
    cells = basic_cells(evaluation)

    def rate(expr: str):
        value = evaluate(expr, cells).value
        return None if value is None else value.quantize(Decimal("0.01"), ROUND_HALF_UP)

    def money_row(key: str, label: str) -> dict:
        return {
            "label": label,
            "previous_actual": cells.get((key, "prev_actual")),
            "budget": cells.get((key, "last_budget")),
            "actual": cells.get((key, "last_actual")),
        }

    spending = {
        row.key: money_row(row.key, row.label.removeprefix("其中："))
        for block in t.basic_data.blocks
        if block.key == "spending"
        for row in block.rows
    }
    sangong = spending.get("sangong", money_row("sangong", "三公经费"))
    change = rate("sangong.last_actual - sangong.prev_actual")
    score = evaluation_score(evaluation)
    lines = list(evaluation.indicator_lines.all())
    return {
        "unit": evaluation.unit.name,
        "year": evaluation.year.year,
        "status": evaluation.get_status_display(),
        "staff": {
            "quota": cells.get(("staff", "quota")),
            "actual": cells.get(("staff", "actual")),
            "control_rate": rate("staff.actual / staff.quota * 100"),
        },
        "sangong": {
            "budget": sangong["budget"],
            "actual": sangong["actual"],
            "previous_actual": sangong["previous_actual"],
            "change": change,
            "change_rate": rate(
                "(sangong.last_actual - sangong.prev_actual) / sangong.prev_actual * 100"
            ),
            "control_rate": rate("sangong.last_actual / sangong.last_budget * 100"),
            "items": {
                key: spending[key]
                for key in ("car", "car_purchase", "car_running", "abroad", "reception")
                if key in spending
            },
        },
        "budget": {
            **{
                key: cells.get((key, "amount"))
                for key in ("carryover", "initial", "addition", "spent", "balance")
            },
            "completion_rate": rate(
                "(carryover.amount + initial.amount + addition.amount - balance.amount)"
                " / (carryover.amount + initial.amount + addition.amount) * 100"
            ),
            "adjustment_rate": rate("addition.amount / initial.amount * 100"),
            "carryover_rate": rate("balance.amount / spent.amount * 100"),
        },
        "spending": spending,
        "indicators": [
            {
                "level1": line.level1,
                "level2": line.level2,
                "level3": line.level3,
                "criteria": line_criteria(t, line),
                "weight": line.weight,
                "suggested": result.suggested,
                "score": result.final,
                "reason": line.score_reason,
                "note": line.deviation,
                "basis": result.basis,
                "group": level1_key(t, line.level1),
            }
            for line, result in zip(lines, score.lines, strict=True)
        ],
        "score": {
            "suggested_total": score.suggested_total,
            "total": score.total,
            "grade": score.grade,
        },
    }
