"""The judgements and scores of a self-evaluation form, computed in one place.

The edit page, the read-only page, the printed grid (`selectors.form_data`) and the submission
checks all read them from `score_lines` — through `evaluation_score` for a stored form — which
applies `indicators.judgement.score_form` with the template's first-level weights, 预算执行率
weight and qualitative bands. The app only *suggests* a score; the preparer may claim another
with a reason (IndicatorLine.score / score_reason, Evaluation.budget_score / budget_score_reason),
and wherever nothing is claimed the suggestion is what is printed.

No queries here: a stored form's lines and fund rows come prefetched (`selectors.with_lines`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from indicators import formulas, judgement, taxonomy
from indicators.formulas import score_formula
from indicators.judgement import (
    BUDGET_KEY,
    STATUS_LABELS,
    Judgement,
    LineInput,
    LineScore,
    grade,
    judge,
    score_form,
    stated_target,
)
from indicators.rules import ScoringRules
from indicators.rules import Warning as RulesWarning

from . import levels, templates_def
from .exports.figures import format_points
from .levels import group_key, level1_key, level2_known
from .templates_def import TemplateDef

# Messages people see, kept here so tests can assert them.
CLAIM_NEEDS_REASON = (
    "第{number}行 {name}：自评得分{claimed}分与建议得分{suggested}分不同，请填写自评得分理由。"
)
CLAIM_WITHOUT_SUGGESTION = (
    "第{number}行 {name}：该行需人工确定得分，请选择完成比例；"
    "直接填写自评得分{claimed}分的，请填写自评得分理由。"
)
BUDGET_CLAIM_NEEDS_REASON = (
    "预算执行率：自评得分{claimed}分与建议得分{suggested}分不同，请填写自评得分理由。"
)
HEADER_MISSING = "请填写表头“{label}”。"
NO_LINES = "请至少填写一行绩效指标。"
LEVEL3_MISSING = "第{number}行：请填写三级指标。"
TARGET_MISSING = "第{number}行 {name}：请填写{label}。"
REASON_MISSING = "第{number}行 {name}：{explanation}请在“{where}”栏填写。"
SCORE_PENDING = (
    "第{number}行 {name}：该行需人工确定得分，请选择定性指标完成比例，或填写自评得分及理由。"
)
UNIT_SCORE_PENDING = "第{number}行 {name}：请按评分标准填写自评得分。"
DEDUCTION_NEEDS_REASON = "得分低于分值，请说明扣分原因。"
UNIT_SCORES = "由单位按评分标准自评。"
BASIC_DATA_MISSING = "请先在基础数据表中填写：{cells}。"
REASON_NOTE = "提交前需填写偏差原因"

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")

# The scoring rules as this code applies them: this module, the judgement (every module of the
# package) and formulas it calls, the 表样 (weights, bands) and how a line's 一级 wording maps
# onto its weights (levels, taxonomy). Figures stored or cached with another value were scored
# under other rules and are scored anew rather than shown beside today's form page.
RULES = hashlib.sha1(
    b"".join(p.read_bytes() for p in sorted(Path(judgement.__file__).parent.glob("*.py")))
    + b"".join(Path(m.__file__).read_bytes() for m in (formulas, templates_def, levels, taxonomy))
    + Path(__file__).read_bytes()
).hexdigest()[:12]


@dataclass(frozen=True)
class LineResult:
    """One indicator line: its judgement and, on templates with points, its scores.

    `suggested` is None where the line has no weight or a person must decide; `needs_person`
    says the written rules cannot score the line (qualitative targets, verdicts needing review),
    so the completion share a person chose decides it.
    """

    number: int
    name: str
    judgement: Judgement
    weight: Decimal | None = None
    suggested: Decimal | None = None
    basis: str = ""
    claimed: Decimal | None = None
    reason: str = ""
    needs_person: bool = False
    # 部门整体 lines with no rule: the unit's 自评得分 is the score, no reason needed for it.
    unit_scored: bool = False

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.judgement.status]

    @property
    def badge(self) -> tuple[str, str]:
        """(css status, label) of the line's badge. Where the line is scored, the badge says what
        the score says, so it never contradicts it: full points 达成, some 部分达成, none 未达成.
        A 部门整体 line with no rule and no score yet is the unit's to score: a neutral
        单位自评. Otherwise the judgement of target against actual."""
        if self.weight is not None and self.final is not None:
            if self.final >= self.weight:
                return "met", "达成"
            if self.final > 0:
                return "partial", "部分达成"
            return "not_met", "未达成"
        if self.unit_scored:
            return "unit", "单位自评"
        return self.judgement.status, self.status_label

    @property
    def badge_status(self) -> str:
        return self.badge[0]

    @property
    def badge_label(self) -> str:
        return self.badge[1]

    @property
    def needs_reason(self) -> bool:
        """Not met, or overshoots by more than half: a 偏差原因 is due before submission."""
        return self.judgement.needs_reason

    @property
    def final(self) -> Decimal | None:
        """What is printed in 得分: the claimed score, else the suggested one."""
        return self.claimed if self.claimed is not None else self.suggested

    @property
    def claim_differs(self) -> bool:
        return self.claimed is not None and self.claimed != self.suggested


@dataclass(frozen=True)
class ClaimProblem:
    """A claimed score that differs from the suggestion without a reason. `index` is the line's
    position in the lines scored, None for the 预算执行率 score."""

    index: int | None
    message: str


@dataclass(frozen=True)
class EvaluationScore:
    """Judgements of every line and, where the template has points, the suggested and claimed
    scores of the lines, of 预算执行率 and of the whole form."""

    scored: bool
    lines: tuple[LineResult, ...]
    budget_rate: Decimal | None = None
    budget_weight: Decimal | None = None
    budget_suggested: Decimal | None = None
    budget_basis: str = ""
    budget_claimed: Decimal | None = None
    budget_reason: str = ""
    suggested_total: Decimal | None = None
    warnings: tuple[str, ...] = ()
    # Provincial rules of the form's region and year (`evaluations.rulesets`): the rules, the cap
    # on the total by 预算执行率, what the rules did (one sentence each) and the 预警.
    rules: ScoringRules | None = None
    cap: Decimal | None = None
    rules_notes: tuple[str, ...] = ()
    warning: RulesWarning = RulesWarning("", "")

    @property
    def budget_final(self) -> Decimal | None:
        return self.budget_claimed if self.budget_claimed is not None else self.budget_suggested

    @property
    def budget_claim_differs(self) -> bool:
        return self.budget_claimed is not None and self.budget_claimed != self.budget_suggested

    @property
    def total(self) -> Decimal | None:
        """The printed 总分: final 预算执行率 score plus every line's final score."""
        if not self.scored:
            return None
        finals = (line.final for line in self.lines if line.final is not None)
        total = sum(finals, self.budget_final or Decimal(0)).quantize(_CENT)
        # The cap holds for a claimed total too: the rule limits the form, not the suggestion.
        return min(total, self.cap.quantize(_CENT)) if self.cap is not None else total

    @property
    def grade(self) -> str:
        return grade(self.total) if self.scored else ""

    @property
    def suggested_grade(self) -> str:
        return grade(self.suggested_total) if self.scored else ""

    @property
    def has_claims(self) -> bool:
        return self.budget_claim_differs or any(line.claim_differs for line in self.lines)

    def claim_problems(self) -> list[ClaimProblem]:
        """Claimed scores that differ from the suggestion and give no reason."""
        if not self.scored:
            return []
        problems = []
        if self.budget_claim_differs and not self.budget_reason.strip():
            problems.append(
                ClaimProblem(
                    None,
                    BUDGET_CLAIM_NEEDS_REASON.format(
                        claimed=format_points(self.budget_claimed),
                        suggested=format_points(self.budget_suggested),
                    ),
                )
            )
        for i, line in enumerate(self.lines):
            if not line.claim_differs or line.reason.strip():
                continue
            if line.unit_scored and line.suggested is None:
                continue
            claimed = format_points(line.claimed)
            if line.suggested is None:
                message = CLAIM_WITHOUT_SUGGESTION.format(
                    number=line.number, name=line.name, claimed=claimed
                )
            else:
                message = CLAIM_NEEDS_REASON.format(
                    number=line.number,
                    name=line.name,
                    claimed=claimed,
                    suggested=format_points(line.suggested),
                )
            problems.append(ClaimProblem(i, message))
        return problems


def _target(line) -> str:
    """The 指标值 a line is judged against: with its 指标性质 and 度量单位 where the form prints
    them in columns of their own (≥ | 95 | % is judged as ≥95%)."""
    return stated_target(
        getattr(line, "nature", ""), line.target, getattr(line, "measure_unit", "")
    )


def _fraction(percent: Decimal | None) -> Decimal | None:
    # Passed as a fraction, never as a percent: score_form reads 1 as 100 % but 1 % is meant.
    return None if percent is None else Decimal(percent) / _HUNDRED


def _needs_person(score: LineScore) -> bool:
    # A chosen share was used (band set) or nothing could be computed without one.
    return score.band is not None or score.suggested is None


def score_lines(
    template: TemplateDef,
    lines: Iterable[object],
    *,
    budget: Decimal | None,
    actual: Decimal | None,
    budget_claim: Decimal | None = None,
    budget_reason: str = "",
    basic_data: Mapping[tuple[str, str], Decimal | None] | None = None,
    rules: ScoringRules | None = None,
    stated: Mapping[str, Decimal] | None = None,
) -> EvaluationScore:
    """Judge and score lines as they stand (stored, or as typed on the edit page).

    `stated`: the 一级 weights (and "预算执行率") a form states where they differ from the
    template's (`stated_weights`); they replace the template's for this form.

    `lines` are objects with level1, level3, target, actual, weight, score (claimed),
    score_reason and qualitative_percent. `budget`/`actual` are the 全年预算数 and 全年执行数 of
    the 年度资金总额 row. On a 部门整体 template (one with a 基础数据表) the lines are scored by
    the template's formulas over `basic_data` ({(row, column): value}) instead. `rules`: the
    provincial rules of the form's region and year (项目支出 forms with points only).
    """
    lines = list(lines)
    if template.basic_data is not None:
        return score_department(template, lines, basic_data or {})
    if not template.scored:
        return EvaluationScore(
            scored=False,
            lines=tuple(
                LineResult(i + 1, line.level3.strip(), judge(_target(line), line.actual))
                for i, line in enumerate(lines)
            ),
        )

    weights: dict[str, object] = dict(template.level1_weights)
    if template.budget_weight is not None:
        weights[BUDGET_KEY] = template.budget_weight
    for name, value in (stated or {}).items():
        weights[BUDGET_KEY if name == BUDGET_WHERE else name] = value
    bands = template.qualitative_bands
    # Each line counts under the 一级 its wording means (产出指标（指标） under 产出指标).
    inputs = [
        LineInput(
            level1_key(template, line.level1),
            _target(line),
            line.actual,
            line.weight,
            _fraction(line.qualitative_percent),
        )
        for line in lines
    ]
    form = score_form(inputs, budget, actual, weights, bands, rules=rules)
    scores = {s.index: s for s in form.lines}
    # Lines without a weight get no score, but the page still says whether a person will have to
    # score them once a weight is typed: probe them with weight 1.
    unweighted = [i for i in range(len(lines)) if i not in scores]
    probes = {}
    if unweighted:
        probe = score_form([replace(inputs[i], weight=1) for i in unweighted], None, None)
        probes = {unweighted[s.index]: s for s in probe.lines}

    results = []
    for i, line in enumerate(lines):
        weighted = i in scores
        s = scores[i] if weighted else probes[i]
        results.append(
            LineResult(
                number=i + 1,
                name=line.level3.strip(),
                judgement=s.judgement,
                weight=s.weight if weighted else None,
                suggested=s.suggested if weighted else None,
                basis=s.basis if weighted else "",
                claimed=line.score,
                reason=line.score_reason or "",
                needs_person=_needs_person(s),
            )
        )
    return EvaluationScore(
        scored=True,
        lines=tuple(results),
        budget_rate=form.budget_rate,
        budget_weight=form.budget_weight,
        budget_suggested=form.budget_score,
        budget_basis=form.budget_explanation,
        budget_claimed=budget_claim,
        budget_reason=budget_reason or "",
        suggested_total=form.total,
        warnings=form.warnings,
        rules=rules,
        cap=form.cap,
        rules_notes=form.rules_explanation,
        warning=form.warning,
    )


def _judgement(status: str, explanation: str, needs_reason: bool) -> Judgement:
    return Judgement(status, None, explanation, needs_reason=needs_reason)


def score_department(
    template: TemplateDef, lines: list, cells: Mapping[tuple[str, str], Decimal | None]
) -> EvaluationScore:
    """Scores of a 部门整体 指标表: a common indicator with a formula and a rule gets its
    suggested score from the 基础数据表 (indicators.formulas); the other lines are scored by the
    unit (its 自评得分 is the score). The unit may claim another score than a suggestion, with a
    reason, as on project forms. A line scored below its weight needs its 扣分原因."""
    results = []
    weight_sums: dict[str, Decimal] = {}
    suggested_total = Decimal(0)
    for i, line in enumerate(lines):
        name = line.level3.strip()
        weight = line.weight
        indicator = template.common_indicator(getattr(line, "rule_key", "") or "")
        suggested, basis = None, UNIT_SCORES
        if indicator is not None and indicator.formula:
            computed = score_formula(
                indicator.formula, indicator.rule, weight or Decimal(0), cells, indicator.unit
            )
            basis = computed.basis
            if computed.missing:
                names = "、".join(map(template.basic_data.cell_label, computed.missing))
                basis = BASIC_DATA_MISSING.format(cells=names)
            if indicator.rule is not None and weight is not None:
                suggested = computed.score
        unit_scored = indicator is None or indicator.rule is None
        final = line.score if line.score is not None else suggested
        if weight is None or final is None:
            status = "needs_review"
        else:
            status = "met" if final >= weight else "not_met"
        short = weight is not None and final is not None and final < weight
        explanation = basis if not short else f"{basis}{DEDUCTION_NEEDS_REASON}"
        results.append(
            LineResult(
                number=i + 1,
                name=name,
                judgement=_judgement(status, explanation, short),
                weight=weight,
                suggested=suggested,
                basis=basis,
                claimed=line.score,
                reason=line.score_reason or "",
                needs_person=unit_scored,
                unit_scored=unit_scored,
            )
        )
        if weight is not None:
            key = level1_key(template, line.level1)
            weight_sums[key] = weight_sums.get(key, Decimal(0)) + weight
            suggested_total += (suggested if not unit_scored else line.score) or Decimal(0)
    warnings = []
    for level in template.levels:
        got = weight_sums.get(level.name, Decimal(0))
        if level.weight is not None and got != level.weight:
            warnings.append(
                f"{level.name}下各三级指标分值合计{format_points(got)}，"
                f"与一级指标分值{format_points(level.weight)}不一致。"
            )
    return EvaluationScore(
        scored=True,
        lines=tuple(results),
        suggested_total=suggested_total.quantize(_CENT),
        warnings=tuple(warnings),
    )


def basic_cells(evaluation) -> dict[tuple[str, str], Decimal]:
    """The 基础数据表 of a stored form as {(row, column): value} (cells prefetched)."""
    return {(c.row_key, c.column_key): c.value for c in evaluation.basic_data.all()}


def total_fund_amounts(template: TemplateDef, fund_lines) -> tuple[Decimal | None, Decimal | None]:
    """全年预算数 and 全年执行数 of the 年度资金总额 row among a form's (prefetched) fund lines."""
    if template.total_fund_row is None:
        return None, None
    key = template.total_fund_row.key
    row = next((f for f in fund_lines if f.row_key == key), None)
    return (row.budget, row.actual) if row is not None else (None, None)


def evaluation_score(evaluation, lines: Iterable[object] | None = None) -> EvaluationScore:
    """The judgements and scores of a stored form (lines and fund rows prefetched), under the
    provincial rules of its region and year and the weights it states. Reads only fields, so a
    migration's historical model of the form does as well (without rules).

    `lines`: lines not stored yet, scored as they will stand on this form (an import scores the
    lines it read by the form's own rules before storing them); the form's own by default."""
    from .rulesets import evaluation_rules  # models import scoring's neighbours

    t = templates_def.get_template(evaluation.template)
    budget, actual = total_fund_amounts(t, evaluation.fund_lines.all())
    return score_lines(
        t,
        evaluation.indicator_lines.all() if lines is None else lines,
        budget=budget,
        actual=actual,
        budget_claim=evaluation.budget_score,
        budget_reason=evaluation.budget_score_reason,
        basic_data=basic_cells(evaluation) if t.basic_data is not None else None,
        rules=evaluation_rules(evaluation) if t.scored and t.basic_data is None else None,
        stated=counted_weights(evaluation),
    )


def counted_weights(evaluation) -> dict[str, Decimal] | None:
    """The weights `score_lines` takes as `stated` for this form: its stated 一级 weights over the
    template's, or None where it states none (the template's weights, as they are). The edit page
    and the stored form score with the same ones."""
    # Read with getattr: migration 0006 scores forms through a model without the field.
    return stated_weights(evaluation) if getattr(evaluation, "level1_weights", None) else None


def deviation_place(template: TemplateDef) -> tuple[str, str] | None:
    """Where a line's 偏差原因 is written: ("line", column label) where the template has a
    deviation column, ("form", block label) where it has one 偏差原因 block, else None."""
    for column in template.indicator_columns:
        if column.key == "deviation":
            return "line", column.label
    for block in template.text_blocks:
        if block.key == "deviation_reason":
            return "form", block.label
    return None


def reason_given(evaluation, line) -> bool:
    """Whether a 偏差原因 is written where the template keeps it for this line."""
    place = deviation_place(evaluation.template_def)
    if place is None:
        return False
    text = line.deviation if place[0] == "line" else evaluation.deviation_reason
    return bool(text.strip())


@dataclass(frozen=True)
class Check:
    """One thing to settle before 提交 (and 通过): where it is, what is missing, and the id of
    the edit page's element to jump to ("line-12", "id_title")."""

    where: str
    problem: str
    anchor: str

    @property
    def message(self) -> str:
        return f"{self.where}：{self.problem}"


TITLE_MISSING = "请填写表名。"
PLACEHOLDER_ROW = "占位行（“{text}”），请填写该指标或删除本行。"
LINE_LEVEL3_MISSING = "请填写三级指标。"
LINE_LEVEL2_UNKNOWN = (
    "二级指标“{text}”对应不到标准的二级指标（如数量指标、社会效益指标），请核对或从列表中选择。"
)
LINE_TARGET_MISSING = "请填写{label}。"
LINE_SCORE_PENDING = "该行需人工确定得分，请选择定性指标完成比例，或填写自评得分及理由。"
LINE_UNIT_SCORE_PENDING = "请按评分标准填写自评得分。"
LINE_SCORE_WITHOUT_WEIGHT = "有自评得分但没有分值，请填写本行分值。"
LINE_SCORE_OVER_WEIGHT = "自评得分{score}分超过分值{weight}分。"
LINE_CLAIM_NEEDS_REASON = "自评得分{claimed}分与建议得分{suggested}分不同，请填写自评得分理由。"
LINE_CLAIM_WITHOUT_SUGGESTION = (
    "该行需人工确定得分，请选择完成比例；直接填写自评得分{claimed}分的，请填写自评得分理由。"
)
LINE_REASON_MISSING = "{explanation}请在“{where}”栏填写。"
BUDGET_WHERE = "预算执行率"
BUDGET_OVER_WEIGHT = "自评得分{score}分超过分值{weight}分。"
BUDGET_CLAIM_REASON = "自评得分{claimed}分与建议得分{suggested}分不同，请填写自评得分理由。"
LEVEL_WEIGHTS_DIFFER = "各三级指标分值合计{got}分，与一级指标分值{weight}分不一致。"
WEIGHTS_WHERE = "分值"

# A row kept as the form prints it, standing for "more of the same": only dots or ellipses.
_PLACEHOLDER = re.compile(r"[.．。…·⋯]+")


def is_placeholder(line) -> bool:
    """A "……" row: its 三级 is dots only and it has no 指标值 (kept and printed as typed)."""
    return bool(_PLACEHOLDER.fullmatch(line.level3.strip())) and not line.target.strip()


def line_names(template: TemplateDef, lines) -> list[str]:
    """How the list of checks names each line: "产出指标/数量指标 · 第2行 培训人次", the
    一级/二级 as printed and the line's number within the group they mean, in the order
    printed."""
    seen: dict[tuple[str, str], int] = {}
    names = []
    for line in lines:
        group = group_key(template, line.level1, line.level2)
        seen[group] = seen.get(group, 0) + 1
        path = "/".join(part for part in (line.level1.strip(), line.level2.strip()) if part)
        name = line.level3.strip()
        text = f"第{seen[group]}行" + (f" {name}" if name else "")
        names.append(f"{path} · {text}" if path else text)
    return names


def stated_weights(evaluation) -> dict[str, Decimal]:
    """The 一级 weights that count for this form: the template's, replaced by those the form
    states (Evaluation.level1_weights; "预算执行率" for the funds block's 分值)."""
    t = templates_def.get_template(evaluation.template)
    stated = {}
    for name, value in (getattr(evaluation, "level1_weights", None) or {}).items():
        try:
            stated[name] = Decimal(str(value))
        except ArithmeticError:
            continue
    return t.stated_weights(stated)


def _weight_checks(evaluation, lines, first_anchor: dict[str, str]) -> list[Check]:
    t = templates_def.get_template(evaluation.template)
    if not t.scored:
        return []
    weights = stated_weights(evaluation)
    sums: dict[str, Decimal] = {}
    for line in lines:
        if line.weight is None:
            continue
        key = level1_key(t, line.level1)
        sums[key] = sums.get(key, Decimal(0)) + line.weight
    checks = []
    for name, weight in weights.items():
        if name == BUDGET_WHERE:
            continue
        got = sums.get(name, Decimal(0))
        if got != weight:
            checks.append(
                Check(
                    f"{name}{WEIGHTS_WHERE}",
                    LEVEL_WEIGHTS_DIFFER.format(
                        got=format_points(got), weight=format_points(weight)
                    ),
                    first_anchor.get(name, "sec-lines"),
                )
            )
    return checks


def form_checks(evaluation) -> list[Check]:
    """Everything to settle before the form may be submitted or approved, in the order of the
    page: head, funds, then each line (as `line_names` names it), then the weights. A draft is
    saved whatever this says; 提交 and 通过 are refused until it is empty. `evaluation` with its
    lines and fund rows prefetched.

    Checks: the title and required head cells; at least one line; "……" placeholder rows; every
    line has its 三级指标 and target; a line not met or overshooting by more than half has its
    偏差原因 (in the line's column where the template has one, else in the form's 偏差原因
    block); on templates with points, no score without a weight or above it, every weighted line
    has a score, every claim differing from the suggestion has a reason, and the weights of each
    一级 add up to its weight (as the form states it, else the template's).
    """
    t = evaluation.template_def
    checks: list[Check] = []
    if not evaluation.title.strip():
        checks.append(Check("表名", TITLE_MISSING, "id_title"))
    for f in t.header_fields:
        if f.required and not evaluation.header_value(f.key).strip():
            label = evaluation.header_label(f.key)
            checks.append(Check(label, HEADER_MISSING.format(label=label), f"id_{f.key}"))

    lines = list(evaluation.indicator_lines.all())
    result = evaluation_score(evaluation)
    if result.scored:
        weight = stated_weights(evaluation).get(BUDGET_WHERE)
        claimed = evaluation.budget_score
        if claimed is not None and weight is not None and claimed > weight:
            checks.append(
                Check(
                    BUDGET_WHERE,
                    BUDGET_OVER_WEIGHT.format(
                        score=format_points(claimed), weight=format_points(weight)
                    ),
                    "id_budget_score",
                )
            )
        elif result.budget_claim_differs and not result.budget_reason.strip():
            checks.append(
                Check(
                    BUDGET_WHERE,
                    BUDGET_CLAIM_REASON.format(
                        claimed=format_points(result.budget_claimed),
                        suggested=format_points(result.budget_suggested),
                    ),
                    "id_budget_score_reason",
                )
            )
    if not lines:
        checks.append(Check("绩效指标", NO_LINES, "sec-lines"))
    place = deviation_place(t)
    target_label = next((c.label for c in t.indicator_columns if c.key == "target"), None)
    first_anchor: dict[str, str] = {}
    for line, r, where in zip(lines, result.lines, line_names(t, lines), strict=True):
        anchor = f"line-{line.pk}"
        first_anchor.setdefault(level1_key(t, line.level1), anchor)
        if not level2_known(t, line.level2):
            checks.append(
                Check(where, LINE_LEVEL2_UNKNOWN.format(text=line.level2.strip()), anchor)
            )
        if is_placeholder(line):
            checks.append(Check(where, PLACEHOLDER_ROW.format(text=line.level3.strip()), anchor))
            continue
        if not r.name:
            checks.append(Check(where, LINE_LEVEL3_MISSING, anchor))
        if target_label is not None and not line.target.strip():
            checks.append(Check(where, LINE_TARGET_MISSING.format(label=target_label), anchor))
            continue  # nothing to judge against
        if r.needs_reason and place is not None and not reason_given(evaluation, line):
            explanation = r.judgement.explanation
            problem = LINE_REASON_MISSING.format(explanation=explanation, where=place[1])
            checks.append(
                Check(where, problem, anchor if place[0] == "line" else "id_deviation_reason")
            )
        if not result.scored:
            continue
        if line.score is not None and line.weight is None:
            checks.append(Check(where, LINE_SCORE_WITHOUT_WEIGHT, anchor))
        elif line.score is not None and line.score > line.weight:
            problem = LINE_SCORE_OVER_WEIGHT.format(
                score=format_points(line.score), weight=format_points(line.weight)
            )
            checks.append(Check(where, problem, anchor))
        elif r.weight is not None and r.final is None:
            if t.basic_data is not None and not r.unit_scored:
                checks.append(Check(where, r.basis, anchor))
            else:
                pending = LINE_UNIT_SCORE_PENDING if r.unit_scored else LINE_SCORE_PENDING
                checks.append(Check(where, pending, anchor))
        elif (
            r.claim_differs and not r.reason.strip() and not (r.unit_scored and r.suggested is None)
        ):
            claimed = format_points(r.claimed)
            if r.suggested is None:
                problem = LINE_CLAIM_WITHOUT_SUGGESTION.format(claimed=claimed)
            else:
                problem = LINE_CLAIM_NEEDS_REASON.format(
                    claimed=claimed, suggested=format_points(r.suggested)
                )
            checks.append(Check(where, problem, anchor))
    checks += _weight_checks(evaluation, lines, first_anchor)
    return checks


def submission_problems(evaluation) -> list[str]:
    """The sentences of `form_checks`: what must be completed before submission."""
    return [check.message for check in form_checks(evaluation)]
