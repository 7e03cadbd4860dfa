"""Provincial scoring rules on top of the 10号 scoring: a 偏离 penalty, caps by 预算执行率 and 预警.

Pure Python (Decimal, no Django). `judgement.score_form(..., rules=ScoringRules(...))` applies
them; a region's figures are data (`evaluations.models.ScoringRuleSet`), chosen per year.

Where the figures come from: the provinces' 预算管理一体化 manuals for 项目支出绩效自评 (the
published examples: 偏离 ≥30 % → −2 points on the line; 预算执行率 below 80/70/60/50 % → total at
most 89/79/69/59; 预警 red when indicator achievement runs more than 5 % ahead of budget execution,
yellow when more than 20 % is unspent or there is no budget). No 文号 for these figures was verified
here; the region's rule set records the source it was taken from, and the form cites it.

Documented choices:
* The 偏离 penalty applies to positive quantitative lines scored by formula (≥, >, a bare target)
  whose actual exceeds the target by at least the set share: actual/target − 1 ≥ share. The line's
  score never goes below 0. Reverse and range lines are not touched: an actual over a ≤ target is
  already scored down by target/actual.
* A cap applies to the form's total; "below X %" is strict (exactly 80 % is not below 80 %), and
  the lowest X the rate is below wins (55 % is below 80, 70 and 60: at most 69).
* 预警 compares the share of indicator points achieved with the 预算执行率, in percentage points.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ScoringRules:
    """One region's rules for one year. Percentages are whole-number percents (30 = 30 %).

    `execution_caps`: ((X, Y), …) read "below X % 预算执行率 the total is at most Y".
    `source`: where the figures were taken from, cited on the form.
    """

    deviation_over_percent: Decimal | None = None
    deviation_penalty: Decimal = Decimal(0)
    execution_caps: tuple[tuple[Decimal | int, Decimal | int], ...] = ()
    warning_ahead_percent: Decimal | None = None
    warning_unspent_percent: Decimal | None = None
    source: str = ""


@dataclass(frozen=True)
class Penalty:
    points: Decimal
    text: str


@dataclass(frozen=True)
class Cap:
    below_percent: Decimal
    at_most: Decimal
    text: str


@dataclass(frozen=True)
class Warning:
    """预警 of a form: level "red", "yellow" or "" (none), with the reason in Chinese."""

    level: str
    text: str

    @property
    def label(self) -> str:
        return {"red": "红色预警", "yellow": "黄色预警"}.get(self.level, "")


def _fmt(d: Decimal) -> str:
    text = format(Decimal(d).normalize(), "f")
    return text


def deviation_penalty(rules: ScoringRules | None, ratio: Decimal | None) -> Penalty | None:
    """The points a positive line loses for exceeding its target by at least the set share.
    `ratio` is actual/target."""
    if rules is None or rules.deviation_over_percent is None or ratio is None:
        return None
    if not rules.deviation_penalty:
        return None
    over = (ratio - 1) * _HUNDRED
    if over < Decimal(rules.deviation_over_percent):
        return None
    points = Decimal(rules.deviation_penalty)
    text = (
        f"实际完成值超出目标{_fmt(over.quantize(Decimal('0.01')))}%，"
        f"达到偏离{_fmt(rules.deviation_over_percent)}%，按规则扣{_fmt(points)}分，需说明偏差原因"
    )
    return Penalty(points, text)


def execution_cap(rules: ScoringRules | None, rate: Decimal | None) -> Cap | None:
    """The cap on the total for a 预算执行率 `rate` (a fraction: 0.55 = 55 %), or None."""
    if rules is None or rate is None or not rules.execution_caps:
        return None
    percent = rate * _HUNDRED
    matching = [
        (Decimal(below), Decimal(at_most))
        for below, at_most in rules.execution_caps
        if percent < Decimal(below)
    ]
    if not matching:
        return None
    below, at_most = min(matching)
    text = (
        f"预算执行率{_fmt(percent.quantize(Decimal('0.01')))}%，低于{_fmt(below)}%，"
        f"总分不得超过{_fmt(at_most)}分"
    )
    return Cap(below, at_most, text)


def warning(
    rules: ScoringRules | None, achievement: Decimal | None, rate: Decimal | None
) -> Warning:
    """预警 from the share of indicator points achieved and the 预算执行率 (fractions).

    Red first: achievement more than the set margin ahead of execution says the money and the
    results do not agree. Yellow: more than the set share unspent, or no budget to measure.
    """
    none = Warning("", "")
    if rules is None:
        return none
    ahead = rules.warning_ahead_percent
    if ahead is not None and achievement is not None and rate is not None:
        gap = (achievement - rate) * _HUNDRED
        if gap > Decimal(ahead):
            return Warning(
                "red",
                f"指标完成率{_fmt((achievement * _HUNDRED).quantize(Decimal('0.01')))}%"
                f"高于预算执行率{_fmt((rate * _HUNDRED).quantize(Decimal('0.01')))}%"
                f"超过{_fmt(ahead)}个百分点",
            )
    unspent = rules.warning_unspent_percent
    if unspent is not None:
        if rate is None:
            return Warning("yellow", "没有预算数，无法计算预算执行率")
        if (1 - rate) * _HUNDRED > Decimal(unspent):
            return Warning(
                "yellow",
                f"预算执行率{_fmt((rate * _HUNDRED).quantize(Decimal('0.01')))}%，"
                f"未执行超过{_fmt(unspent)}%",
            )
    return none


def describe(rules: ScoringRules) -> str:
    """The rules in one Chinese sentence, with their source, as printed under the form."""
    parts = []
    if rules.deviation_over_percent is not None and rules.deviation_penalty:
        parts.append(
            f"实际完成值超出目标{_fmt(rules.deviation_over_percent)}%及以上的指标扣"
            f"{_fmt(rules.deviation_penalty)}分并说明偏差原因"
        )
    caps = "，".join(
        f"低于{_fmt(Decimal(below))}%不超过{_fmt(Decimal(most))}分"
        for below, most in rules.execution_caps
    )
    if caps:
        parts.append(f"预算执行率{caps}")
    if rules.warning_ahead_percent is not None or rules.warning_unspent_percent is not None:
        alerts = []
        if rules.warning_ahead_percent is not None:
            alerts.append(
                f"指标完成率高于预算执行率{_fmt(rules.warning_ahead_percent)}个百分点以上为红色"
            )
        if rules.warning_unspent_percent is not None:
            alerts.append(f"未执行超过{_fmt(rules.warning_unspent_percent)}%或无预算为黄色")
        parts.append("预警：" + "，".join(alerts))
    lead = f"评分规则（{rules.source}）" if rules.source else "评分规则"
    return f"{lead}：{'；'.join(parts) or '无'}。"
