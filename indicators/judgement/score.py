"""Scoring a 项目支出绩效自评表: the suggested score of each line and of the form, and its grade.

Pure Python (Decimal arithmetic, no float, no Django). `score_form(...)` computes the *suggested*
score; the preparer may claim another score with a reason, and the app shows both to the
reviewer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from types import MappingProxyType

from indicators import rules as provincial
from indicators.rules import ScoringRules
from indicators.taxonomy import canonical_level1

from .decimals import _CENT, _HUNDRED, _fmt, _pct, _round
from .judge import Judgement, judge
from .parse import _NUMBER, REVERSE_COMPARATORS, ParsedValue, _normalise, _safe_str

# Rule sources (see official-forms.md §2). The national rule is 财政部 财预〔2020〕10号
# 《项目支出绩效评价管理办法》 and its 附件 项目支出绩效自评表. Its exact wording was NOT read for
# this project (no MoF copy was found): everything attributed to it below is the rule as
# summarised from memory and from forms that follow it — verify against the original.
#
# * First-level weights 产出 50 / 效益 30 / 满意度 10 / 预算执行率 10: printed on 10号-style forms
#   and stated in the 中江县 2022 form footnote; 10号 says the weights may be adjusted, so they are
#   a parameter here.
# * 预算执行率 = 全年执行数 / 全年预算数 (执行率 B/A on the 2019/2021 转移支付 forms); score =
#   weight × rate, capped at the weight. Linear scoring of the rate is LOCAL PRACTICE (Hubei-style
#   "得分(20分*执行率)", Chongqing 76% × 10 = 7.6); whether 10号 uses tiers is not verified.
# * Quantitative lines: 正向 (≥) weight × actual/target, 反向 (≤) weight × target/actual, never
#   above the weight — from the Hubei-style form footnote ("正向指标…得分=权重*B/A，反向指标…
#   得分=权重*A/B，得分不得突破权重总额") and the biz.doczj.com template note (SECONDARY sources).
#   10号 additionally asks to reduce the score when a target was set clearly too low; a plain cap
#   is the local simplification, and such lines are flagged `overshoot` for a person instead.
# * Qualitative lines: bands 100–80 %（含80）, 80–60 %（含60）, 60–0 % of the weight, chosen by a
#   person — 2019 中央对地方转移支付 绩效目标自评表 注3 (seed 004, verified) and the 中江 footnote.
#   Hubei uses 100–80 / 80–50 / 50–0, hence `bands` is a parameter.
# * Grades 优 ≥90, 良 80–<90, 中 60–<80, 差 <60: secondary (预算司 unified grading as reported by
#   dz-gczx.com); the 10号 wording is from memory.

BUDGET_KEY = "预算执行率"
DEFAULT_BUDGET_WEIGHT = Decimal(10)
DEFAULT_WEIGHTS: Mapping[str, Decimal] = MappingProxyType(
    {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
)
DEFAULT_BANDS: tuple[tuple[int, int], ...] = ((100, 80), (80, 60), (60, 0))


@dataclass(frozen=True)
class LineInput:
    """One 三级指标 line to score. `qualitative_fraction` is the share of the weight a person
    chose for a qualitative line (0.9 = 90 %; a number above 1 up to 100 is read as a percent)."""

    level1: str
    target: str | ParsedValue | None
    actual: str | ParsedValue | None
    weight: Decimal | int | str | None
    qualitative_fraction: Decimal | int | str | None = None


@dataclass(frozen=True)
class LineScore:
    """The suggested score of one weighted line.

    `index` is the line's position in the input. `method` is one of "positive", "reverse",
    "range", "equal", "deadline", "qualitative", "unscorable". `suggested` is None when a person
    must decide. `basis` is one Chinese sentence showing the computation. `band` is the
    qualitative band of the chosen fraction; `suggested_band` is a hint (0) when the words show
    the target was achieved.
    """

    index: int
    level1: str
    level1_canonical: str | None
    weight: Decimal
    method: str
    suggested: Decimal | None
    basis: str
    judgement: Judgement
    band: int | None = None
    suggested_band: int | None = None
    penalty: Decimal | None = None  # points taken off by a provincial 偏离 rule


@dataclass(frozen=True)
class FormScore:
    """The suggested score of a whole form.

    `subtotals` maps each first-level name (canonical where recognised, else as printed) to the
    sum of its lines' suggested scores, plus "预算执行率" for the budget score. `pending` holds the
    input indices of lines whose score a person must decide (counted as 0 in `total`).
    """

    budget_rate: Decimal | None
    budget_score: Decimal
    lines: tuple[LineScore, ...]
    subtotals: dict[str, Decimal]
    total: Decimal
    grade: str
    warnings: tuple[str, ...]
    pending: tuple[int, ...]
    budget_weight: Decimal = DEFAULT_BUDGET_WEIGHT
    budget_explanation: str = ""
    # Provincial rules (`indicators.rules`): the cap applied to the total, every rule's effect
    # as one Chinese sentence, and the form's 预警.
    cap: Decimal | None = None
    rules_explanation: tuple[str, ...] = ()
    warning: provincial.Warning = provincial.Warning("", "")


def grade(total: object) -> str:
    """优 ≥90, 良 80–<90, 中 60–<80, 差 <60 (预算司 unified bands; 10号 wording unverified)."""
    value = _decimal(total)
    if value is None:
        raise ValueError(f"not a score: {total!r}")
    if value >= 90:
        return "优"
    if value >= 80:
        return "良"
    if value >= 60:
        return "中"
    return "差"


def _decimal(value: object) -> Decimal | None:
    """A number typed or stored anywhere (Decimal, int, float, "1,200", "10分") or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal | int | float):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        return number if number.is_finite() else None  # NaN and infinities are not scores
    text = _normalise(_safe_str(value))
    m = _NUMBER.search(text)
    if m is None:
        return None
    number = Decimal(m.group(0))
    return -number if text[: m.start()].endswith("-") else number


def _field(line: object, *names: str) -> object:
    for name in names:
        if isinstance(line, Mapping):
            if name in line:
                return line[name]
        elif hasattr(line, name):
            return getattr(line, name)
    return None


def _band_of(percent: Decimal, bands: tuple[tuple[int, int], ...]) -> int | None:
    """Index of the band holding `percent`: each band includes its lower edge (100–80 含80)."""
    for i, (_, lower) in enumerate(bands):
        if percent >= lower:
            return i
    return None


def _chosen_fraction(
    line: object, bands: tuple[tuple[int, int], ...], warnings: list[str], label: str
) -> Decimal | None:
    """The fraction a person chose: `qualitative_fraction`, or a mapping's `band`.

    An int `band` is a band index and counts as the band's lower edge (the least that band
    guarantees); any other `band` value is a fraction. Fractions above 1 (up to 100) are percents.
    """
    raw = _field(line, "qualitative_fraction")
    if raw is None:
        band = _field(line, "band")
        if isinstance(band, int) and not isinstance(band, bool):
            if 0 <= band < len(bands):
                return Decimal(bands[band][1]) / _HUNDRED
            warnings.append(f"{label}所选档次{band}不存在，未计分。")
            return None
        raw = band
    fraction = _decimal(raw)
    if fraction is None:
        return None
    if 1 < fraction <= 100:
        fraction /= _HUNDRED
    if not 0 <= fraction <= 1:
        warnings.append(f"{label}完成比例{_fmt(fraction)}超出0–100%，已按边界计。")
        fraction = min(max(fraction, Decimal(0)), Decimal(1))
    return fraction


_FORMULAS = {
    "positive": "正向指标，得分=分值×实际值/目标值，不超过分值",
    "reverse": "反向指标，得分=分值×目标值/实际值，不超过分值",
    "range": "区间指标，达到下限即得满分，低于下限得分=分值×实际值/下限",
    "equal": "等于型指标，与目标值相等得满分，不相等由人工确定",
    "deadline": "时效指标，按时完成得满分，未按时完成得0分",
    "qualitative": "定性指标，由填报人在档次内选择完成比例后计分",
    "unscorable": "未填写年度指标值，无法按公式计分",
}


def _method(t: ParsedValue) -> str:
    if t.kind == "quantitative":
        if t.comparator in REVERSE_COMPARATORS:
            return "reverse"
        return "equal" if t.comparator == "=" else "positive"
    return {"range": "range", "deadline": "deadline", "qualitative": "qualitative"}.get(
        t.kind, "unscorable"
    )


def _rule_score(method: str, j: Judgement, weight: Decimal) -> Decimal | None:
    """The score the written rules give, or None where a person must decide."""
    if j.status == "needs_review" or method in ("qualitative", "unscorable"):
        return None
    if method == "equal":
        return weight if j.status == "met" else None
    if method == "deadline" or j.ratio is None:
        # No ratio: deadlines, actual 0 on a reverse indicator (full marks), words such as
        # 正在建设 against a number (0): the verdict decides.
        return weight if j.status == "met" else Decimal(0)
    return weight * min(j.ratio, Decimal(1))


def _score_line(
    index: int,
    line: object,
    weight: Decimal,
    bands: tuple[tuple[int, int], ...],
    warnings: list[str],
    rules: ScoringRules | None = None,
) -> LineScore:
    level1 = _safe_str(_field(line, "level1") or "")
    j = judge(_field(line, "target"), _field(line, "actual"))
    method = _method(j.target)
    suggested = _rule_score(method, j, weight)
    formula = _FORMULAS[method]
    w = _fmt(weight)

    band = None
    if suggested is not None:
        if j.ratio is not None and method in ("positive", "reverse", "range"):
            ratio = _fmt(_round(min(j.ratio, Decimal(1)), Decimal("0.0001")))
            basis = f"{formula}：{w}×{ratio}={_round(suggested, _CENT)}。"
        else:
            basis = f"{formula}：{'达到目标' if j.status == 'met' else '未达到目标'}，"
            basis += f"得{_round(suggested, _CENT)}分。"
    penalty = None
    if suggested is not None and method == "positive":
        found = provincial.deviation_penalty(rules, j.ratio)
        if found is not None:
            penalty = min(found.points, suggested)
            suggested -= penalty
            basis += f"{found.text}：得{_round(suggested, _CENT)}分。"
            j = replace(
                j,
                overshoot=True,
                needs_reason=True,
                explanation=f"{j.explanation.rstrip('。')}；{found.text}。",
            )
    if suggested is None:
        # A person's fraction decides what the rules cannot (qualitative lines above all).
        fraction = _chosen_fraction(line, bands, warnings, f"第{index + 1}行")
        if fraction is not None:
            suggested = weight * fraction
            band = _band_of(fraction * _HUNDRED, bands)
            basis = f"按填报人选择的完成比例计分：{w}×{_fmt(fraction)}={_round(suggested, _CENT)}。"
        else:
            basis = f"{formula}；需人工确定得分。"

    return LineScore(
        index=index,
        level1=level1,
        level1_canonical=canonical_level1(level1),
        weight=weight,
        method=method,
        suggested=_round(suggested, _CENT) if suggested is not None else None,
        basis=basis,
        judgement=j,
        band=band,
        suggested_band=0 if method == "qualitative" and j.status == "met" else None,
        penalty=_round(penalty, _CENT) if penalty is not None else None,
    )


def _budget(
    budget: object, actual_spend: object, weight: Decimal, warnings: list[str]
) -> tuple[Decimal | None, Decimal, str]:
    """预算执行率 = 全年执行数 / 全年预算数; score = weight × rate, capped at the weight."""
    a, b = _decimal(budget), _decimal(actual_spend)
    if a is None or a == 0:
        text = "未填写全年预算数（或为0），预算执行率无法计算，得0分。"
        warnings.append(text)
        return None, Decimal(0), text
    if b is None:
        text = "未填写全年执行数，预算执行率无法计算，得0分。"
        warnings.append(text)
        return None, Decimal(0), text
    rate = b / a
    # Scored from the exact rate; the rate itself is reported to 4 places (9.87 %).
    score = _round(weight * min(max(rate, Decimal(0)), Decimal(1)), _CENT)
    text = f"预算执行率={_fmt(b)}/{_fmt(a)}={_pct(rate)}，得分={_fmt(weight)}×执行率={score}。"
    if rate > 1:
        warnings.append(f"预算执行率{_pct(rate)}超过100%，得分按分值上限{_fmt(weight)}计。")
    return _round(rate, Decimal("0.0001")), score, text


def score_form(
    lines: Iterable[object],
    budget: object,
    actual_spend: object,
    weights: Mapping[str, object] | None = None,
    bands: tuple[tuple[int, int], ...] | None = None,
    rules: ScoringRules | None = None,
) -> FormScore:
    """Suggested score of a 项目支出绩效自评表 (财预〔2020〕10号 family; see the rule notes above).

    `lines`: LineInput objects, mappings or any objects with level1/target/actual/weight (and
    optionally qualitative_fraction or band). Lines without a weight are placeholder rows and are
    ignored. `budget`/`actual_spend`: 全年预算数 and 全年执行数. `weights`: first-level weights by
    name, plus "预算执行率" for the budget (default 10); None uses 产出 50 / 效益 30 / 满意度 10.
    `bands`: qualitative bands as (upper %, lower %), best first. `rules`: a region's provincial
    rules (`indicators.rules`: 偏离 penalty, caps by 预算执行率, 预警); None scores by 10号 alone.
    """
    warnings: list[str] = []
    bands = tuple(bands) if bands else DEFAULT_BANDS
    if weights is None:
        level_weights = dict(DEFAULT_WEIGHTS)
        budget_weight = DEFAULT_BUDGET_WEIGHT
    else:
        level_weights = {}
        for name, raw in weights.items():
            if name == BUDGET_KEY:
                continue
            parsed = _decimal(raw)
            if parsed is not None:
                level_weights[canonical_level1(name) or name] = parsed
        budget_weight = _decimal(weights.get(BUDGET_KEY))
        if budget_weight is None:
            budget_weight = DEFAULT_BUDGET_WEIGHT

    budget_rate, budget_score, budget_text = _budget(budget, actual_spend, budget_weight, warnings)

    scored: list[LineScore] = []
    for index, line in enumerate(lines):
        weight = _decimal(_field(line, "weight"))
        if weight is None:
            continue  # placeholder rows (……, unused 二级 labels) carry no weight
        scored.append(_score_line(index, line, weight, bands, warnings, rules))

    subtotals: dict[str, Decimal] = {BUDGET_KEY: budget_score}
    weight_sums: dict[str, Decimal] = {}
    for s in scored:
        key = s.level1_canonical or s.level1
        subtotals[key] = subtotals.get(key, Decimal(0)) + (s.suggested or Decimal(0))
        weight_sums[key] = weight_sums.get(key, Decimal(0)) + s.weight

    for name, expected in level_weights.items():
        got = weight_sums.get(name, Decimal(0))
        if got != expected:
            warnings.append(
                f"{name}下各三级指标分值合计{_fmt(got)}，与一级指标分值{_fmt(expected)}不一致。"
            )
    for name in weight_sums:
        if name not in level_weights:
            warnings.append(f"一级指标“{name}”未设置分值，其三级指标得分仍计入总分。")
    configured = budget_weight + sum(level_weights.values(), Decimal(0))
    if configured != _HUNDRED:
        warnings.append(f"预算执行率与各一级指标分值合计{_fmt(configured)}，不等于100。")

    pending = tuple(s.index for s in scored if s.suggested is None)
    if pending:
        rows = "、".join(str(i + 1) for i in pending)
        warnings.append(f"第{rows}行需人工确定得分，暂按0分计入总分。")

    total = _round(
        budget_score + sum((s.suggested or Decimal(0) for s in scored), Decimal(0)), _CENT
    )
    explanation = [
        f"第{s.index + 1}行扣{_fmt(s.penalty)}分（偏离规则）。" for s in scored if s.penalty
    ]
    cap = provincial.execution_cap(rules, budget_rate)
    if cap is not None:
        if total > cap.at_most:
            explanation.append(f"{cap.text}，总分由{_fmt(total)}分降为{_fmt(cap.at_most)}分。")
            total = _round(cap.at_most, _CENT)
        else:
            explanation.append(f"{cap.text}；总分{_fmt(total)}分未超过。")
    weight_total = sum((s.weight for s in scored), Decimal(0))
    achieved = sum((s.suggested or Decimal(0) for s in scored), Decimal(0))
    achievement = achieved / weight_total if weight_total else None
    alert = provincial.warning(rules, achievement, budget_rate)
    if alert.level:
        explanation.append(f"{alert.label}：{alert.text}。")
    return FormScore(
        budget_rate=budget_rate,
        budget_score=budget_score,
        lines=tuple(scored),
        subtotals=subtotals,
        total=total,
        grade=grade(total),
        warnings=tuple(warnings),
        pending=pending,
        budget_weight=budget_weight,
        budget_explanation=budget_text,
        cap=cap.at_most if cap is not None else None,
        rules_explanation=tuple(explanation),
        warning=alert,
    )
