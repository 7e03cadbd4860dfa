"""Indicator roll-ups across units, as the seeds' 注 2 asks: "定量指标……财政和主管部门汇总时，
对绝对值直接累加计算，相对值按照资金额度加权平均计算" (2019 中央对地方转移支付项目支出绩效自评表,
注 2; seed 004).

Pure Python (Decimal, no Django). Lines are grouped by their 三级指标 name and unit of measure.
A line counts when both its 年度指标值 and 实际完成值 are single numbers in the same unit (a bare
actual takes the target's unit, as `indicators.judgement` reads it); bounds written as actuals
(≥95%), ranges, deadlines and words are left out and counted as skipped.

Which values are relative: percentages (%, ‰, 个百分点), per-something rates (元/人), scores (分)
and durations (分钟, 小时, 日 …, which forms use for average handling times). Everything else —
people, households, items, money — is absolute and summed. The fund amount weighting a relative
value is the form's 全年预算数 of its 年度资金总额 row (the 资金额度); a line whose form has no
such amount cannot be weighted and is skipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from indicators.judgement import ParsedValue, parse_value

RELATIVE_UNITS = frozenset({"%", "‰", "个百分点", "分", "秒", "分钟", "小时", "日", "工作日", "周"})


def is_relative(measure: str) -> bool:
    return measure in RELATIVE_UNITS or "/" in measure


@dataclass(frozen=True)
class LineValue:
    """One indicator line to roll up: its texts as typed and the fund amount of its form."""

    name: str
    target: str
    actual: str
    fund: Decimal | None
    unit_id: int
    evaluation_id: int


@dataclass(frozen=True)
class Rollup:
    """One 三级指标 (and unit of measure) summed or weighted across forms."""

    name: str
    measure: str
    relative: bool
    target: Decimal | None
    actual: Decimal | None
    lines: int
    forms: int
    units: int
    skipped: int

    @property
    def method(self) -> str:
        return "按资金额度加权平均" if self.relative else "累加"


@lru_cache(maxsize=8192)
def _parsed(text: str) -> ParsedValue:
    return parse_value(text)


def normalise_name(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


def _number(p: ParsedValue, *, exact: bool) -> Decimal | None:
    if p.kind != "quantitative" or p.value is None:
        return None
    if exact and p.comparator not in (None, "="):
        return None  # ≥95% as an actual is a bound, not a value
    return p.value


def _measured(line: LineValue) -> tuple[str, Decimal, Decimal] | None:
    t, a = _parsed(line.target.strip()), _parsed(line.actual.strip())
    target, actual = _number(t, exact=False), _number(a, exact=True)
    if target is None or actual is None:
        return None
    measure = a.unit or t.unit
    if t.unit and a.unit and t.unit != a.unit:
        return None  # 人 against 次: not one quantity
    return measure, target, actual


class _Group:
    __slots__ = ("name", "measure", "sum_t", "sum_a", "weights", "lines", "forms", "units")

    def __init__(self, name: str, measure: str):
        self.name, self.measure = name, measure
        self.sum_t = self.sum_a = self.weights = Decimal(0)
        self.lines = 0
        self.forms: set[int] = set()
        self.units: set[int] = set()


def roll_up(lines: Iterable[LineValue]) -> list[Rollup]:
    """Roll indicator lines up by name and unit; most widely reported first."""
    groups: dict[tuple[str, str], _Group] = {}
    skipped: dict[str, int] = {}
    names: dict[str, str] = {}
    for line in lines:
        key = normalise_name(line.name)
        if not key:
            continue
        names.setdefault(key, line.name.strip())
        measured = _measured(line)
        relative = measured is not None and is_relative(measured[0])
        if measured is None or (relative and not line.fund):
            skipped[key] = skipped.get(key, 0) + 1
            continue
        measure, target, actual = measured
        g = groups.get((key, measure))
        if g is None:
            g = groups[(key, measure)] = _Group(names[key], measure)
        weight = line.fund if relative else Decimal(1)
        g.sum_t += target * weight
        g.sum_a += actual * weight
        g.weights += weight
        g.lines += 1
        g.forms.add(line.evaluation_id)
        g.units.add(line.unit_id)

    result = []
    for (key, _), g in groups.items():
        relative = is_relative(g.measure)
        result.append(
            Rollup(
                name=g.name,
                measure=g.measure,
                relative=relative,
                target=g.sum_t / g.weights if relative else g.sum_t,
                actual=g.sum_a / g.weights if relative else g.sum_a,
                lines=g.lines,
                forms=len(g.forms),
                units=len(g.units),
                skipped=skipped.pop(key, 0),
            )
        )
    # Names with no line that could be counted still show, so nobody wonders where they went.
    for key, n in skipped.items():
        result.append(Rollup(names[key], "", False, None, None, 0, 0, 0, n))
    result.sort(key=lambda r: (-r.units, -r.lines, r.name, r.measure))
    return result


# -- the same roll-up in parts: one unit's lines stored, then many units' parts combined ----------


@dataclass
class Part:
    """One unit's lines of one 三级指标 name (normalised: `key`) and unit of measure, as
    `roll_up` would count them; `skipped` are the unit's lines of that name left out (kept on
    the part whose measure is "" when the name has no such group). Sums are exact Decimals, so
    parts added together give the sums `roll_up` gives over all their lines."""

    key: str
    name: str
    measure: str
    sum_target: Decimal = Decimal(0)
    sum_actual: Decimal = Decimal(0)
    weights: Decimal = Decimal(0)
    lines: int = 0
    forms: int = 0
    units: int = 0
    skipped: int = 0


def roll_up_parts(lines: Iterable[LineValue]) -> list[Part]:
    """The parts of one unit's lines (every line of one unit: `units` is 1 where lines count)."""
    parts: dict[tuple[str, str], Part] = {}
    forms: dict[tuple[str, str], set[int]] = {}
    names: dict[str, str] = {}
    for line in lines:
        key = normalise_name(line.name)
        if not key:
            continue
        name = line.name.strip()
        names[key] = min(names.get(key, name), name)
        measured = _measured(line)
        relative = measured is not None and is_relative(measured[0])
        if measured is None or (relative and not line.fund):
            part = parts.setdefault((key, ""), Part(key, name, ""))
            part.skipped += 1
            continue
        measure, target, actual = measured
        part = parts.setdefault((key, measure), Part(key, name, measure))
        weight = line.fund if relative else Decimal(1)
        part.sum_target += target * weight
        part.sum_actual += actual * weight
        part.weights += weight
        part.lines += 1
        forms.setdefault((key, measure), set()).add(line.evaluation_id)
    for (key, measure), part in parts.items():
        part.name = names[key]  # one name for every part of a key, as roll_up shows it
        part.forms = len(forms.get((key, measure), ()))
        part.units = 1 if part.lines else 0
    return list(parts.values())


def combine(parts: Iterable[Part]) -> list[Rollup]:
    """Rollups from parts already added up per key and measure (each `units` counting the units
    with lines in it): what `roll_up` gives over the lines beneath them. A name's skipped lines
    are shown on its first measure in order, or on a row of their own."""
    by_key: dict[str, list[Part]] = {}
    for part in parts:
        by_key.setdefault(part.key, []).append(part)
    result = []
    for key_parts in by_key.values():
        skipped = sum(p.skipped for p in key_parts)
        name = min(p.name for p in key_parts)
        counted = sorted((p for p in key_parts if p.lines), key=lambda p: p.measure)
        for p in counted:
            relative = is_relative(p.measure)
            result.append(
                Rollup(
                    name=name,
                    measure=p.measure,
                    relative=relative,
                    target=p.sum_target / p.weights if relative else p.sum_target,
                    actual=p.sum_actual / p.weights if relative else p.sum_actual,
                    lines=p.lines,
                    forms=p.forms,
                    units=p.units,
                    skipped=skipped,
                )
            )
            skipped = 0
        if skipped:
            result.append(Rollup(name, "", False, None, None, 0, 0, 0, skipped))
    result.sort(key=lambda r: (-r.units, -r.lines, r.name, r.measure))
    return result
