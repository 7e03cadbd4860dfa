"""Suggested scores of a 项目支出绩效自评表 (财预〔2020〕10号 family), worked by hand."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.judgement import FormScore, LineInput, grade, score_form

D = Decimal


def one_line(target, actual, weight, fraction=None, level1="产出指标"):
    """Score a single line on a form with a full budget (10 points) and return its LineScore."""
    form = score_form([LineInput(level1, target, actual, weight, fraction)], 100, 100)
    assert len(form.lines) == 1
    return form.lines[0]


# -- lines ------------------------------------------------------------------------------------


def test_positive_line_scores_in_proportion():
    # 正向: 10 × 80/100 = 8.00
    line = one_line("≥100人", "80人", D(10))
    assert line.method == "positive"
    assert line.suggested == D("8.00")


def test_positive_line_with_bare_actual():
    # 正向: 15 × 128267/100000 = 19.24 → capped at 15
    assert one_line("≥10万人", "128267", D(15)).suggested == D("15.00")


def test_positive_line_rounds_half_up():
    # 正向: 5 × 99/99.5 = 4.974874… → 4.97;  3 × 2.5/4 = 1.875 → 1.88 (half up)
    assert one_line("≥99.5%", "99%", D(5)).suggested == D("4.97")
    assert one_line("≥4次", "2.5次", D(3)).suggested == D("1.88")


def test_reverse_line_scores_target_over_actual():
    # 反向: 5 × 60/75 = 4.00
    line = one_line("≤60分钟", "75分钟", D(5))
    assert line.method == "reverse"
    assert line.suggested == D("4.00")


def test_reverse_line_met_is_capped():
    # 反向: 5 × 60/30 = 10 → capped at 5.00
    assert one_line("≤60分钟", "30分钟", D(5)).suggested == D("5.00")


def test_reverse_line_with_zero_actual_gets_full_marks():
    # 反向 with actual 0: target/actual is undefined; the target is met → full marks
    assert one_line("≤1%", "0", D(5)).suggested == D("5.00")
    assert one_line("≤0", "未发生", D(4)).suggested == D("4.00")


def test_reverse_zero_target_exceeded_scores_zero():
    # 反向: 5 × 0/3 = 0.00
    assert one_line("≤0", "3件", D(5)).suggested == D("0.00")


def test_overshoot_is_capped_at_the_weight():
    # 正向: 10 × 266/95 = 28.0 → capped at 10.00 (the line is also flagged overshoot)
    line = one_line("≥95%", "266%", D(10))
    assert line.suggested == D("10.00")
    assert line.judgement.overshoot is True


def test_range_line_below_lower_bound_scores_against_the_lower_bound():
    # 区间: 6 × 1000/2000 = 3.00
    line = one_line("2000-5000册", "1000册", D(6))
    assert line.method == "range"
    assert line.suggested == D("3.00")


def test_range_line_within_or_above_range_gets_full_marks():
    assert one_line("2000-5000册", "3000册", D(6)).suggested == D("6.00")
    assert one_line("2000-5000册", "8000册", D(6)).suggested == D("6.00")


def test_deadline_line_met_full_not_met_zero_unclear_pending():
    assert one_line("30日内完成审核拨付", "按时拨付", D(5)).suggested == D("5.00")
    assert one_line("不晚于12月底", "正在招标", D(5)).suggested == D("0.00")
    assert one_line("30日内", "见附件", D(5)).suggested is None


def test_quantitative_line_under_way_scores_zero():
    # ≥90% vs 正在建设 is judged not met (documented) → 0
    assert one_line("≥90%", "正在建设", D(5)).suggested == D("0.00")


def test_quantitative_line_that_needs_review_is_pending():
    assert one_line("≥90%", "原系统运行正常", D(5)).suggested is None
    assert one_line("≥100人", "100次", D(5)).suggested is None


def test_pending_numeric_line_can_be_decided_by_a_chosen_fraction():
    # A person picked 80 % for a line the rules cannot score: 5 × 0.8 = 4.00
    assert one_line("≥90%", "原系统运行正常", D(5), D("0.8")).suggested == D("4.00")


def test_equality_line_met_full_missed_pending():
    assert one_line("=8个", "8个", D(4)).suggested == D("4.00")
    assert one_line("=8个", "9个", D(4)).suggested is None


def test_qualitative_line_uses_the_chosen_fraction():
    # 定性: 10 × 0.9 = 9.00, in the first band (100–80 %)
    line = one_line("得到提升", "得到提升", D(10), D("0.9"), level1="效益指标")
    assert line.method == "qualitative"
    assert line.suggested == D("9.00")
    assert line.band == 0


def test_qualitative_line_without_a_fraction_is_pending_with_a_band_hint():
    line = one_line("得到提升", "得到提升", D(10), level1="效益指标")
    assert line.suggested is None
    assert line.suggested_band == 0


@pytest.mark.parametrize(
    ("fraction", "band"),
    [(D("1"), 0), (D("0.8"), 0), (D("0.79"), 1), (D("0.6"), 1), (D("0.59"), 2), (D("0"), 2)],
)
def test_qualitative_band_edges_include_their_lower_bound(fraction, band):
    # Bands 100–80 %（含80）, 80–60 %（含60）, 60–0 % (2019 转移支付 自评表 注3)
    assert one_line("得到提升", "得到提升", D(10), fraction).band == band


def test_fraction_given_as_percent():
    # 90 is read as 90 %: 10 × 0.90 = 9.00
    assert one_line("得到提升", "得到提升", D(10), 90).suggested == D("9.00")


def test_fraction_out_of_range_is_clamped_with_warning():
    form = score_form([LineInput("效益指标", "得到提升", "得到提升", D(10), D(-1))], 1, 1)
    assert form.lines[0].suggested == D("0.00")
    assert any("超出0–100%" in w for w in form.warnings)


def test_band_index_in_a_mapping_counts_as_the_band_lower_edge():
    # Hubei-style bands 100–80 / 80–50 / 50–0; band 1 → 50 %: 10 × 0.5 = 5.00
    hubei = ((100, 80), (80, 50), (50, 0))
    lines = [
        {"level1": "效益指标", "target": "得到提升", "actual": "有所提升", "weight": 10, "band": 1}
    ]
    form = score_form(lines, 1, 1, bands=hubei)
    assert form.lines[0].suggested == D("5.00")
    assert form.lines[0].band == 1


# -- budget execution -------------------------------------------------------------------------


def test_budget_rate_scores_weight_times_rate():
    # 执行率 = 661.11/6699 = 9.87 %; 10 × 0.098688 = 0.99
    form = score_form([], D("6699"), D("661.11"))
    assert form.budget_rate == D("0.0987")
    assert form.budget_score == D("0.99")
    assert "9.87%" in form.budget_explanation


def test_budget_rate_above_100_percent_is_capped():
    # 疏勒县: 30405.81/11431.62 = 265.98 % → 10 × 1 = 10.00
    form = score_form([], "11431.62", "30405.81")
    assert form.budget_rate == D("2.6598")
    assert form.budget_score == D("10.00")
    assert any("超过100%" in w for w in form.warnings)


@pytest.mark.parametrize("budget", [None, 0, "", "0"])
def test_missing_budget_scores_zero_with_warning(budget):
    form = score_form([], budget, 50)
    assert form.budget_rate is None
    assert form.budget_score == D(0)
    assert any("全年预算数" in w for w in form.warnings)


def test_budget_weight_can_be_overridden():
    # Hubei-style: 预算执行情况 20 分: 20 × 0.9 = 18.00
    form = score_form([], 100, 90, weights={"预算执行率": 20, "年度绩效目标": 80})
    assert form.budget_score == D("18.00")


# -- grades -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (D("100"), "优"),
        (D("90"), "优"),
        (D("89.99"), "良"),
        (D("80"), "良"),
        (D("79.99"), "中"),
        (D("60"), "中"),
        (D("59.99"), "差"),
        (D("0"), "差"),
        (90, "优"),
        ("80.00", "良"),
    ],
)
def test_grade_boundaries(total, expected):
    assert grade(total) == expected


def test_grade_rejects_non_numbers():
    with pytest.raises(ValueError):
        grade(None)


# -- whole forms ------------------------------------------------------------------------------


def seed_005_form():
    """The 6699/661.11 form of seed 005 with weights and chosen fractions added by hand."""
    return [
        LineInput("产出指标", "≥2次", "2", D(5)),  # 5 × 2/2 = 5
        LineInput("产出指标", "≥2次", "5次", D(5)),  # 5 × 2.5 → capped 5
        LineInput("产出指标", "≥90%", "正在建设", D(10)),  # not met → 0
        LineInput("产出指标", "≥90%", "原系统运行正常", D(5)),  # needs a person → pending
        LineInput("产出指标", "≤60分钟", "60分钟", D(5)),  # 5 × 60/60 = 5
        LineInput("产出指标", "100%", "100%", D(5)),  # 5
        LineInput("产出指标", "≥90%", "100%", D(5)),  # 5 × 1.11 → capped 5
        LineInput("产出指标", "逐步推开", "正在招标", D(5), D("0.5")),  # 定性 5 × 0.5 = 2.5
        LineInput("产出指标", "不晚于12月底", "正在招标", D(5)),  # deadline missed → 0
        LineInput("效益指标", "普遍知晓", "普遍知晓", D(15), D(1)),  # 15 × 1 = 15
        LineInput("效益指标", "有所提高", "有所提高", D(15), D("0.85")),  # 15 × 0.85 = 12.75
        LineInput("满意度指标", "≥90%", "100%", D(10)),  # 10
        LineInput("满意度指标", "……", "", None),  # placeholder row: ignored
    ]


def test_full_form_total():
    form = score_form(seed_005_form(), D("6699"), D("661.11"))
    assert isinstance(form, FormScore)
    # 预算 0.99 + 产出 (5+5+0+0+5+5+5+2.5+0 = 27.5) + 效益 (15+12.75 = 27.75) + 满意度 10
    assert form.subtotals == {
        "预算执行率": D("0.99"),
        "产出指标": D("27.50"),
        "效益指标": D("27.75"),
        "满意度指标": D("10.00"),
    }
    assert form.total == D("66.24")
    assert form.grade == "中"
    assert form.pending == (3,)
    assert len(form.lines) == 12  # the placeholder row is not scored
    assert [w for w in form.warnings if "不一致" in w] == []
    assert any("第4行需人工确定得分" in w for w in form.warnings)


def test_full_marks_form_is_100_and_excellent():
    lines = [
        LineInput("产出指标", "≥100人", "120人", D(50)),
        LineInput("效益指标", "得到提升", "得到提升", D(30), D(1)),
        LineInput("满意度指标", "≥90%", "95%", D(10)),
    ]
    form = score_form(lines, 100, 100)
    assert form.total == D("100.00")
    assert form.grade == "优"
    assert form.warnings == ()
    assert form.pending == ()


def test_weights_not_adding_up_are_warned():
    lines = [
        LineInput("产出指标", "≥100人", "100人", D(40)),
        LineInput("效益指标", "得到提升", "得到提升", D(30), D(1)),
        LineInput("满意度指标", "≥90%", "95%", D(10)),
    ]
    form = score_form(lines, 100, 100)
    assert "产出指标下各三级指标分值合计40，与一级指标分值50不一致。" in form.warnings
    assert form.total == D("90.00")


def test_legacy_level1_names_group_under_canonical_ones():
    lines = [
        LineInput("项目完成指标", "≥100人", "100人", D(50)),
        LineInput("效益指标", "得到提升", "得到提升", D(30), D(1)),
        LineInput("满意度", "≥90%", "95%", D(10)),
    ]
    form = score_form(lines, 1, 1)
    assert form.subtotals["产出指标"] == D("50.00")
    assert form.subtotals["满意度指标"] == D("10.00")
    assert form.warnings == ()


def test_custom_weights_and_unknown_level1():
    weights = {"预算执行率": 10, "产出指标": 70, "效益指标": 20, "满意度指标": 10}
    lines = [
        LineInput("产出指标", "≥1次", "1次", D(70)),
        LineInput("效益指标", "得到提升", "得到提升", D(20), D(1)),
        LineInput("满意度指标", "≥90%", "90%", D(10)),
        LineInput("其他指标", "≥1次", "1次", D(5)),
    ]
    form = score_form(lines, 1, 1, weights=weights)
    assert form.total == D("115.00")
    assert "一级指标“其他指标”未设置分值，其三级指标得分仍计入总分。" in form.warnings
    assert "预算执行率与各一级指标分值合计110，不等于100。" in form.warnings


def test_lines_as_mappings_and_objects():
    lines = [
        {"level1": "产出指标", "target": "≥100人", "actual": "80人", "weight": "10"},
        SimpleNamespace(level1="产出指标", target="≤60分钟", actual="75分钟", weight=D(5)),
        {"level1": "产出指标", "target": "≥1次", "actual": "1次", "weight": ""},  # placeholder
    ]
    form = score_form(lines, 10, 10)
    assert [s.suggested for s in form.lines] == [D("8.00"), D("4.00")]
    assert [s.index for s in form.lines] == [0, 1]


@settings(max_examples=150, database=None, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["产出指标", "效益指标", "满意度指标", "项目完成指标", "", "x"]),
            st.one_of(st.text(max_size=8), st.sampled_from(["≥90%", "≤1%", "2000-5000册"])),
            st.one_of(st.text(max_size=8), st.sampled_from(["95%", "0", "按时拨付"])),
            st.one_of(st.none(), st.decimals(min_value=0, max_value=50, places=1)),
            st.one_of(st.none(), st.decimals(min_value=-1, max_value=2, places=2)),
        ),
        max_size=8,
    ),
    st.one_of(st.none(), st.decimals(min_value=0, max_value=10**6, places=2)),
    st.one_of(st.none(), st.decimals(min_value=0, max_value=10**6, places=2)),
)
def test_line_scores_never_exceed_their_weight(rows, budget, spend):
    form = score_form([LineInput(*row) for row in rows], budget, spend)
    assert D(0) <= form.budget_score <= D(10)
    for line in form.lines:
        assert line.suggested is None or D(0) <= line.suggested <= line.weight
    assert form.total == sum((s.suggested or D(0) for s in form.lines), form.budget_score)
    assert form.grade == grade(form.total)
