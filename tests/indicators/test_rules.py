"""Provincial scoring rules (偏离 penalty, caps by 预算执行率, 预警), worked by hand."""

from decimal import Decimal

from indicators.judgement import LineInput, score_form
from indicators.rules import ScoringRules, execution_cap, warning

D = Decimal

MANUAL = ScoringRules(
    deviation_over_percent=D(30),
    deviation_penalty=D(2),
    execution_caps=((80, 89), (70, 79), (60, 69), (50, 59)),
    warning_ahead_percent=D(5),
    warning_unspent_percent=D(20),
)

# Every line met in full: 产出 50 + 效益 30 + 满意度 10 = 90 points besides 预算执行率.
FULL_LINES = [
    LineInput("产出指标", "≥100人", "100人", D(50)),
    LineInput("效益指标", "≥90%", "95%", D(30)),
    LineInput("满意度指标", "≥90%", "90%", D(10)),
]


def test_55_percent_spent_caps_the_total_at_69():
    # 预算执行率 55 %: 10 × 0.55 = 5.50, lines 90 → 95.50; below 60 % → at most 69
    form = score_form(FULL_LINES, 100, 55, rules=MANUAL)
    assert form.budget_score == D("5.50")
    assert form.total == D("69.00")
    assert form.cap == D(69)
    assert form.grade == "中"
    assert "预算执行率55%，低于60%，总分不得超过69分，总分由95.5分降为69分。" in (
        form.rules_explanation
    )


def test_75_percent_spent_caps_the_total_at_89():
    # 7.50 + 90 = 97.50; below 80 % → at most 89
    form = score_form(FULL_LINES, 100, 75, rules=MANUAL)
    assert form.total == D("89.00")
    assert form.grade == "良"


def test_85_percent_spent_is_not_capped():
    # 8.50 + 90 = 98.50; 85 % is below no cap's threshold
    form = score_form(FULL_LINES, 100, 85, rules=MANUAL)
    assert form.total == D("98.50")
    assert form.cap is None


def test_exactly_80_percent_is_not_below_80():
    assert execution_cap(MANUAL, D("0.80")) is None
    assert execution_cap(MANUAL, D("0.7999")).at_most == D(89)
    assert execution_cap(MANUAL, D("0.49")).at_most == D(59)


def test_without_rules_the_totals_are_as_before():
    assert score_form(FULL_LINES, 100, 55).total == D("95.50")
    assert score_form(FULL_LINES, 100, 55, rules=None).rules_explanation == ()


def test_a_40_percent_overshoot_loses_2_points_and_needs_a_reason():
    # 正向 140/100: 10 × 1 = 10, overshoot 40 % ≥ 30 % → 10 − 2 = 8
    form = score_form([LineInput("产出指标", "≥100人", "140人", D(10))], 100, 100, rules=MANUAL)
    line = form.lines[0]
    assert line.suggested == D("8.00")
    assert line.penalty == D("2.00")
    assert "按规则扣2分" in line.basis and "得8.00分" in line.basis
    assert line.judgement.needs_reason
    assert "偏离30%" in line.judgement.explanation
    assert "第1行扣2分（偏离规则）。" in form.rules_explanation
    # without rules the same line scores 10 and (under 50 %) needs no reason
    plain = score_form([LineInput("产出指标", "≥100人", "140人", D(10))], 100, 100).lines[0]
    assert plain.suggested == D("10.00") and not plain.judgement.needs_reason


def test_a_20_percent_overshoot_loses_nothing():
    form = score_form([LineInput("产出指标", "≥100人", "120人", D(10))], 100, 100, rules=MANUAL)
    assert form.lines[0].suggested == D("10.00")
    assert form.lines[0].penalty is None
    assert not form.lines[0].judgement.needs_reason


def test_the_penalty_never_goes_below_zero_and_spares_reverse_lines():
    rules = ScoringRules(deviation_over_percent=D(30), deviation_penalty=D(5))
    form = score_form(
        [
            LineInput("产出指标", "≥100人", "200人", D(3)),
            LineInput("产出指标", "≤10天", "5天", D(3)),
        ],
        100,
        100,
        rules=rules,
    )
    assert form.lines[0].suggested == D("0.00")
    assert form.lines[1].suggested == D("3.00") and form.lines[1].penalty is None


def test_red_warning_when_achievement_runs_ahead_of_spending():
    # lines 90/90 = 100 % achieved, 预算执行率 85 %: 15 points ahead > 5
    form = score_form(FULL_LINES, 100, 85, rules=MANUAL)
    assert form.warning.level == "red"
    assert "红色预警" in form.rules_explanation[-1]


def test_yellow_warning_when_much_is_unspent_or_there_is_no_budget():
    assert warning(MANUAL, D("0.70"), D("0.70")).level == "yellow"
    assert warning(MANUAL, D("0.90"), None).level == "yellow"
    assert warning(MANUAL, D("0.92"), D("0.90")).level == ""
    assert warning(None, D(1), D("0.1")).level == ""
