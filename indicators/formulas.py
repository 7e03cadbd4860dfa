"""Formulas and scoring rules of the 部门整体支出 common indicators, as data, evaluated with Decimal.

A formula is a small arithmetic expression over named cells of the 基础数据表, written
`row.column` (`staff.actual / staff.quota * 100`): numbers, + − × ÷ and parentheses, nothing
else — it is parsed here, never handed to `eval`. A scoring rule is one of two shapes the
published rules take:

* `Deduct`: full marks while the value stays on the right side of a limit, then `points` off for
  every `per` units beyond it, never below 0 ("≤100%得满分，每超过1个百分点扣0.5分").
* `Steps`: the first step whose condition holds gives the points ("0得3分，0–10%得2分…").

A bound in a step may itself be an expression (资金结余: "结余不超过上年结转得2分").
`no_data="full"` gives full marks when the value cannot be computed because there is nothing to
measure (no 楼堂馆所 project: nothing approved, nothing built).

Plain Python: nothing here imports Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")
Cells = Mapping[tuple[str, str], "Decimal | None"]


class FormulaError(ValueError):
    """A formula that cannot be read (a defect of the template definition, not of input)."""


# -- expressions --------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_]\w*\.[A-Za-z_]\w*)|([-+*/()×÷]))")


def _tokens(expr: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    expr = expr.strip()
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m:
            raise FormulaError(f"cannot read {expr[pos:]!r} in formula {expr!r}")
        number, cell, op = m.groups()
        if number:
            out.append(("num", number))
        elif cell:
            out.append(("cell", cell))
        else:
            out.append(("op", {"×": "*", "÷": "/"}.get(op, op)))
        pos = m.end()
    return out


@dataclass(frozen=True)
class Value:
    """A computed value, or None with the reason it could not be computed."""

    value: Decimal | None
    missing: tuple[str, ...] = ()  # cells left empty
    zero_division: bool = False


class _Parser:
    def __init__(self, expr: str, cells: Cells):
        self.expr, self.cells, self.tokens, self.i = expr, cells, _tokens(expr), 0
        self.missing: list[str] = []
        self.zero_division = False

    def parse(self) -> Decimal | None:
        value = self._sum()
        if self.i != len(self.tokens):
            raise FormulaError(f"unexpected {self.tokens[self.i][1]!r} in formula {self.expr!r}")
        return value

    def _peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def _sum(self):
        value = self._product()
        while self._peek() in (("op", "+"), ("op", "-")):
            op = self.tokens[self.i][1]
            self.i += 1
            right = self._product()
            if value is None or right is None:
                value = None
            else:
                value = value + right if op == "+" else value - right
        return value

    def _product(self):
        value = self._atom()
        while self._peek() in (("op", "*"), ("op", "/")):
            op = self.tokens[self.i][1]
            self.i += 1
            right = self._atom()
            if value is None or right is None:
                value = None
            elif op == "*":
                value = value * right
            elif right == 0:
                self.zero_division, value = True, None
            else:
                value = value / right
        return value

    def _atom(self):
        kind, text = self._peek()
        self.i += 1
        if kind == "num":
            return Decimal(text)
        if kind == "cell":
            row, column = text.split(".")
            value = self.cells.get((row, column))
            if value is None:
                self.missing.append(text)
            return value
        if (kind, text) == ("op", "-"):
            inner = self._atom()
            return None if inner is None else -inner
        if (kind, text) == ("op", "("):
            value = self._sum()
            if self._peek() != ("op", ")"):
                raise FormulaError(f"missing ) in formula {self.expr!r}")
            self.i += 1
            return value
        raise FormulaError(f"unexpected {text!r} in formula {self.expr!r}")


def evaluate(expr: str, cells: Cells) -> Value:
    """The value of `expr` over `cells` ({(row, column): Decimal or None}).

    An empty cell makes the result None (and is named in `missing`); so does a division by zero.
    """
    parser = _Parser(expr, cells)
    value = parser.parse()
    return Value(value, tuple(dict.fromkeys(parser.missing)), parser.zero_division)


def cell_names(expr: str) -> tuple[tuple[str, str], ...]:
    """The cells a formula reads, in order of appearance (to check a template's definitions)."""
    names = [tuple(text.split(".")) for kind, text in _tokens(expr) if kind == "cell"]
    return tuple(dict.fromkeys(names))


# -- scoring rules --------------------------------------------------------------------------------

_OPS = {
    "=": lambda a, b: a == b,
    "≤": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "≥": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
}


@dataclass(frozen=True)
class Deduct:
    """Full marks while `value keep limit` holds (keep "≤" or "≥"); beyond the limit, `points`
    off for every `per` units of distance, in proportion, never below 0."""

    keep: str
    limit: Decimal
    points: Decimal
    per: Decimal = Decimal(1)
    no_data: str = ""


@dataclass(frozen=True)
class Steps:
    """(comparator, bound, points) tried in order; `bound` a number or an expression over cells.
    No step holding gives `otherwise`."""

    steps: tuple[tuple[str, Decimal | str, Decimal], ...]
    otherwise: Decimal = Decimal(0)
    no_data: str = ""


Rule = Deduct | Steps


@dataclass(frozen=True)
class RuleScore:
    """A suggested score and the one-line Chinese explanation of how it came about."""

    value: Decimal | None
    score: Decimal | None
    basis: str
    missing: tuple[str, ...] = ()  # the empty cells, "row.column"


def fmt(value: Decimal | None) -> str:
    """2 decimals at most, trailing zeros dropped: 138.4615… → 138.46, 20.00 → 20."""
    if value is None:
        return "—"
    text = f"{value.quantize(_CENT, rounding=ROUND_HALF_UP)}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _round(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _bound(bound: Decimal | str, cells: Cells) -> Decimal | None:
    return bound if isinstance(bound, Decimal) else evaluate(bound, cells).value


def apply_rule(
    rule: Rule | None, value: Value, weight: Decimal, cells: Cells, unit: str = "%"
) -> RuleScore:
    """Score `value` by `rule` for a line worth `weight` points.

    Without a rule the value is only shown (the unit scores the line). A value that could not be
    computed scores nothing (the basis says which cells are empty), except under `no_data="full"`.
    """
    shown = f"{fmt(value.value)}{unit}" if value.value is not None else ""
    if value.value is None:
        if rule is not None and rule.no_data == "full":
            return RuleScore(None, _round(weight), "无此类项目（基础数据为空或为0），得满分。")
        if value.missing:
            why = "请先填写基础数据：" + "、".join(value.missing) + "。"
        elif value.zero_division:
            why = "基础数据中的除数为0，无法计算。"
        else:
            why = "无法计算。"
        return RuleScore(None, None, why, value.missing)
    if rule is None:
        return RuleScore(value.value, None, f"计算值{shown}；由单位按评分标准自评。")
    x = value.value
    step = "个百分点" if unit == "%" else unit

    def bound(limit: Decimal) -> str:
        return f"{fmt(limit)}{unit}"

    if isinstance(rule, Deduct):
        if _OPS[rule.keep](x, rule.limit):
            return RuleScore(
                x, _round(weight), f"计算值{shown}，{rule.keep}{bound(rule.limit)}，得满分。"
            )
        distance = abs(x - rule.limit)
        off = rule.points * distance / rule.per
        score = max(Decimal(0), weight - off)
        side = "高于" if rule.keep == "≤" else "低于"
        return RuleScore(
            x,
            _round(score),
            f"计算值{shown}，{side}{bound(rule.limit)}共{fmt(distance)}{step}，"
            f"每{fmt(rule.per)}{step}扣{fmt(rule.points)}分，扣{fmt(off)}分，得{fmt(score)}分。",
        )
    for op, limit_expr, points in rule.steps:
        limit = _bound(limit_expr, cells)
        if limit is not None and _OPS[op](x, limit):
            score = min(points, weight)
            return RuleScore(
                x, _round(score), f"计算值{shown}，{op}{bound(limit)}，得{fmt(score)}分。"
            )
    return RuleScore(x, _round(rule.otherwise), f"计算值{shown}，得{fmt(rule.otherwise)}分。")


def score_formula(
    formula: str, rule: Rule | None, weight: Decimal, cells: Cells, unit: str = "%"
) -> RuleScore:
    """Evaluate `formula` over `cells` and score it by `rule` (see apply_rule)."""
    return apply_rule(rule, evaluate(formula, cells), weight, cells, unit)
