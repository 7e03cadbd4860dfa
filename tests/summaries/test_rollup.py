"""注 2 roll-ups: absolute values summed, relative values weighted by fund amount."""

from __future__ import annotations

from decimal import Decimal

from summaries.rollup import LineValue, is_relative, roll_up


def line(name, target, actual, fund="100", unit=1, form=1):
    return LineValue(name, target, actual, Decimal(fund) if fund else None, unit, form)


def test_absolute_values_are_summed_with_wan_applied():
    [r] = roll_up(
        [
            line("参保人数", "≥10万人", "128267", unit=1, form=1),
            line("参保人数", "≥5万人", "6万人", unit=2, form=2),
        ]
    )
    # 100000 + 50000 targets; 128267 + 60000 actuals; counts, not weighted.
    assert (r.target, r.actual, r.relative) == (Decimal(150000), Decimal(188267), False)
    assert (r.lines, r.forms, r.units, r.method) == (2, 2, 2, "累加")


def test_relative_values_are_weighted_by_fund_amount():
    [r] = roll_up(
        [
            line("资金到位率", "≥95%", "100%", fund="300", form=1),
            line("资金到位率", "≥95%", "90%", fund="100", form=2),
        ]
    )
    # (100 × 300 + 90 × 100) / (300 + 100) = 39000 / 400 = 97.5; target stays 95.
    assert (r.actual, r.target) == (Decimal("97.5"), Decimal(95))
    assert r.method == "按资金额度加权平均"


def test_relative_line_without_fund_amount_is_skipped_not_guessed():
    [r] = roll_up(
        [line("满意度", "≥90%", "95%", fund="300"), line("满意度", "≥90%", "50%", fund=None)]
    )
    assert (r.actual, r.lines, r.skipped) == (Decimal(95), 1, 1)


def test_bounds_words_and_mismatched_units_are_skipped():
    rows = roll_up(
        [
            line("知晓率", "≥90%", "≥95%"),  # a bound, not a value
            line("运行情况", "基金运行平稳", "平稳"),  # words
            line("办理次数", "≥10人", "12次"),  # 人 against 次
        ]
    )
    assert {r.name: (r.lines, r.skipped) for r in rows} == {
        "知晓率": (0, 1),
        "运行情况": (0, 1),
        "办理次数": (0, 1),
    }
    assert all(r.target is None and r.actual is None for r in rows)


def test_names_differing_in_spaces_roll_up_together_and_units_split_them():
    rows = roll_up(
        [
            line("参保 人数", "≥10人", "10", unit=1, form=1),
            line("参保人数", "≥10人", "12", unit=2, form=2),
            line("参保人数", "≥10户", "5", unit=3, form=3),
        ]
    )
    assert [(r.measure, r.actual, r.units) for r in rows] == [
        ("人", Decimal(22), 2),
        ("户", Decimal(5), 1),
    ]


def test_which_units_are_relative():
    assert all(is_relative(u) for u in ("%", "‰", "个百分点", "元/人", "分钟", "分"))
    assert not any(is_relative(u) for u in ("人", "万元", "户", "次", ""))
