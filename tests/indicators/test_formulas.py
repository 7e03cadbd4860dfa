"""indicators/formulas.py and the 部门整体 common indicators of templates_def, worked by hand.

Every expected number is worked out in the comment beside it, from the rule as the template
states it (see the sources in templates_def).
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from evaluations.templates_def import (
    BUDGET_CONTROL,
    BUILDING_AREA_CONTROL,
    DEPARTMENT_YUEYANG,
)
from indicators.formulas import FormulaError, cell_names, evaluate, score_formula


def indicator(key):
    found = DEPARTMENT_YUEYANG.common_indicator(key)
    assert found is not None, key
    return found


def score(ind, cells, weight):
    return score_formula(ind.formula, ind.rule, D(weight), cells, ind.unit)


# -- the expression language ----------------------------------------------------------------


def test_expressions_follow_arithmetic_precedence():
    cells = {("a", "x"): D(2), ("b", "y"): D(8)}
    # 2 + 8 × 3 = 26; (2 + 8) × 3 = 30; 8 ÷ 2 − 1 = 3; −2 + 8 = 6
    assert evaluate("a.x + b.y * 3", cells).value == 26
    assert evaluate("(a.x + b.y) * 3", cells).value == 30
    assert evaluate("b.y / a.x - 1", cells).value == 3
    assert evaluate("-a.x + b.y", cells).value == 6
    assert evaluate("b.y ÷ a.x × 100", cells).value == 400


def test_an_empty_cell_or_a_zero_divisor_gives_no_value_and_says_why():
    result = evaluate("a.x / b.y", {("a", "x"): D(1)})
    assert result.value is None and result.missing == ("b.y",)
    result = evaluate("a.x / b.y", {("a", "x"): D(1), ("b", "y"): D(0)})
    assert result.value is None and result.zero_division


def test_a_formula_that_is_not_arithmetic_is_refused():
    with pytest.raises(FormulaError):
        evaluate("__import__('os')", {})
    with pytest.raises(FormulaError):
        evaluate("(a.x + 1", {("a", "x"): D(1)})
    assert cell_names("(a.x - b.y) / a.x") == (("a", "x"), ("b", "y"))


# -- 财政供养人员控制率: 实际在职 / 编制 × 100, ≤100 % full, −0.5 per point above ----------------


def test_staff_above_quota_as_in_the_demo_loses_every_point():
    # 36 ÷ 26 = 138.4615…%; 38.46 points above 100 × 0.5 = 19.23 off a weight of 5 → 0.
    result = score(
        indicator("staff_control"), {("staff", "actual"): D(36), ("staff", "quota"): D(26)}, 5
    )
    assert result.value.quantize(D("0.01")) == D("138.46")
    assert result.score == 0
    assert "扣19.23分" in result.basis


def test_staff_one_above_quota_loses_part_of_the_points():
    # 27 ÷ 26 = 103.846…%; 3.846 points × 0.5 = 1.923 off 5 → 3.077 → 3.08.
    result = score(
        indicator("staff_control"), {("staff", "actual"): D(27), ("staff", "quota"): D(26)}, 5
    )
    assert result.score == D("3.08")


def test_staff_within_quota_earns_full_marks():
    # 25 ÷ 26 = 96.15 % ≤ 100 % → 5.
    result = score(
        indicator("staff_control"), {("staff", "actual"): D(25), ("staff", "quota"): D(26)}, 5
    )
    assert result.score == 5 and "得满分" in result.basis


# -- "三公经费"变动率: (上年决算 − 前年决算) / 前年决算, ≤0 full, −0.5 per point above ------------


def test_sangong_falling_as_in_seed_002_earns_full_marks():
    # (9.87 − 13.94) ÷ 13.94 = −4.07 ÷ 13.94 = −29.20 % ≤ 0 → 5.
    cells = {("sangong", "last_actual"): D("9.87"), ("sangong", "prev_actual"): D("13.94")}
    result = score(indicator("sangong_change"), cells, 5)
    assert result.value.quantize(D("0.01")) == D("-29.20")
    assert result.score == 5


def test_sangong_rising_loses_half_a_point_per_percentage_point():
    # (10.6 − 10) ÷ 10 = +6 %; 6 × 0.5 = 3 off 5 → 2.
    cells = {("sangong", "last_actual"): D("10.6"), ("sangong", "prev_actual"): D(10)}
    assert score(indicator("sangong_change"), cells, 5).score == 2
    # +20 %: 10 off 5 → never below 0.
    cells[("sangong", "last_actual")] = D(12)
    assert score(indicator("sangong_change"), cells, 5).score == 0


# -- "三公经费"控制率 (岳阳): 决算 / 预算, ≤100 % → 6, −1 per point above -------------------------


def test_sangong_control_within_budget_and_over_it():
    # 9.87 ÷ 20 = 49.35 % → 6.
    cells = {("sangong", "last_actual"): D("9.87"), ("sangong", "last_budget"): D(20)}
    result = score(indicator("sangong_control"), cells, 6)
    assert result.value == D("49.35") and result.score == 6
    # 20.6 ÷ 20 = 103 %: 3 points above × 1 = 3 off 6 → 3.
    cells[("sangong", "last_actual")] = D("20.6")
    assert score(indicator("sangong_control"), cells, 6).score == 3


# -- 预算完成率: (结转 + 年初 + 追加 − 结余) / (结转 + 年初 + 追加), −2 per 5 points below --------


def test_budget_completion_full_and_short():
    cells = {
        ("carryover", "amount"): D("41.42"),
        ("initial", "amount"): D("2344.31"),
        ("addition", "amount"): D(0),
        ("balance", "amount"): D(0),
    }
    # (41.42 + 2344.31 + 0 − 0) ÷ 2385.73 = 100 % → 5.
    assert score(indicator("budget_completion"), cells, 5).score == 5
    # 结余 238.573 (10 % of 2385.73): 90 %, 10 points below → 2 × 10 ÷ 5 = 4 off → 1.
    cells[("balance", "amount")] = D("238.573")
    result = score(indicator("budget_completion"), cells, 5)
    assert result.value == D(90) and result.score == 1


# -- 预算调整率 (岳阳 steps) and 预算控制率 (K365 steps) ------------------------------------------


@pytest.mark.parametrize(
    ("addition", "points"),
    [
        ("0", "3"),  # not adjusted → 3
        ("50", "2"),  # 50 ÷ 1000 = 5 % (0–10 %) → 2
        ("100", "2"),  # 10 % exactly, still the 0–10 % step → 2
        ("150", "1"),  # 15 % → 1
        ("250", "0.5"),  # 25 % → 0.5
        ("400", "0"),  # 40 % (> 30 %) → 0
    ],
)
def test_budget_adjustment_steps(addition, points):
    cells = {("addition", "amount"): D(addition), ("initial", "amount"): D(1000)}
    assert score(indicator("budget_adjust"), cells, 3).score == D(points)


def test_budget_control_steps_of_k365():
    # 0 → 5; 120 ÷ 1000 = 12 % → 3; 35 % → 0.
    cells = {("addition", "amount"): D(0), ("initial", "amount"): D(1000)}
    assert score(BUDGET_CONTROL, cells, 5).score == 5
    cells[("addition", "amount")] = D(120)
    assert score(BUDGET_CONTROL, cells, 5).score == 3
    cells[("addition", "amount")] = D(350)
    assert score(BUDGET_CONTROL, cells, 5).score == 0


# -- 资金结余 (岳阳): none → 3; ≤ 上年结转 → 2; else 0 -----------------------------------------


def test_balance_steps_compare_with_the_carryover():
    cells = {("balance", "amount"): D(0), ("carryover", "amount"): D("41.42")}
    assert score(indicator("balance"), cells, 3).score == 3
    cells[("balance", "amount")] = D("41.42")  # equal to 上年结转 → 2
    assert score(indicator("balance"), cells, 3).score == 2
    cells[("balance", "amount")] = D("41.98")  # more than 上年结转 → 0
    result = score(indicator("balance"), cells, 3)
    assert result.score == 0 and "41.98万元" in result.basis


# -- 重点支出安排率: ≥90 % → 5 … <60 % → 0 ----------------------------------------------------


def test_key_spending_steps():
    # 1938.95 ÷ 1984.95 = 97.68 % → 5; 75 ÷ 100 = 75 % → 3; 55 % → 0.
    cells = {
        ("project_business", "last_actual"): D("1938.95"),
        ("project", "last_actual"): D("1984.95"),
    }
    assert score(indicator("key_spending"), cells, 5).score == 5
    cells = {("project_business", "last_actual"): D(75), ("project", "last_actual"): D(100)}
    assert score(indicator("key_spending"), cells, 5).score == 3
    cells[("project_business", "last_actual")] = D(55)
    assert score(indicator("key_spending"), cells, 5).score == 0


# -- 结转结余率: value only, the unit scores ---------------------------------------------------


def test_carryover_rate_is_shown_and_left_to_the_unit():
    # 41.98 ÷ 2385.73 = 1.76 %.
    cells = {("balance", "amount"): D("41.98"), ("spent", "amount"): D("2385.73")}
    result = score(indicator("carryover_rate"), cells, 5)
    assert result.value.quantize(D("0.01")) == D("1.76")
    assert result.score is None and "由单位" in result.basis


# -- 楼堂馆所: no project → full marks; over the approved area → −2 per 5 points ----------------


def test_no_building_project_earns_full_marks():
    assert score(BUILDING_AREA_CONTROL, {}, 5).score == 5
    zero = {("building", "approved_area"): D(0), ("building", "actual_area"): D(0)}
    assert score(BUILDING_AREA_CONTROL, zero, 5).score == 5


def test_building_over_the_approved_area_loses_points():
    # 1100 ÷ 1000 = 110 %: 10 points over, 2 per 5 → 4 off 5 → 1.
    cells = {("building", "approved_area"): D(1000), ("building", "actual_area"): D(1100)}
    assert score(BUILDING_AREA_CONTROL, cells, 5).score == 1


def test_a_missing_figure_scores_nothing_and_names_the_cell():
    result = score(indicator("staff_control"), {("staff", "quota"): D(26)}, 5)
    assert result.score is None and result.missing == ("staff.actual",)


# -- the 岳阳 template itself ------------------------------------------------------------------


def test_yueyang_weights_add_up_to_100_with_the_sourced_lines():
    t = DEPARTMENT_YUEYANG
    assert sum(level.weight for level in t.levels) == 100
    weights = {line.indicator.name: line.weight for line in t.fixed_lines}
    assert weights["财政供养人员控制率"] == 5
    assert weights["“三公经费”变动率"] == 5
    assert weights["重点支出安排率"] == 5
    assert weights["预算调整率"] == 3 and weights["支付进度"] == 3 and weights["资金结余"] == 3
    assert weights["“三公经费”控制率"] == 6
    # 投入 15 and 过程 40 come entirely from common lines; 产出 25 and 效果 20 are the unit's own.
    assert sum(line.weight for line in t.fixed_lines if line.level1 == "投入") == 15
    assert sum(line.weight for line in t.fixed_lines if line.level1 == "过程") == 40
