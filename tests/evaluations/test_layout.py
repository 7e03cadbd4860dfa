"""exports/layout.py: the printed grid that the page, the PDF and the workbook share."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from demo.loaders import load_demo
from evaluations.exports.layout import (
    TABLE_WIDTH_PT,
    FormData,
    FundValues,
    LineData,
    build_grid,
    build_grids,
    spread,
)
from evaluations.models import Evaluation
from evaluations.selectors import form_data, with_lines
from evaluations.templates_def import PROJECT_2020, SOCIAL_INSURANCE, TRANSFER_2019
from tests.conftest import SEED_FORMS, close_fixture_connection

# The module's demo forms are loaded by a module-scoped fixture; pytest-django sets up the test
# database only for a session with a test that asks for it, so run on its own this module must.
pytestmark = pytest.mark.django_db


def make_form(template=SOCIAL_INSURANCE, lines=(), **overrides) -> FormData:
    values = {
        "template": template,
        "title": template.title,
        "year": 2020,
        "header": {"project_name": "城镇职工医疗保险基金支出"},
        "header_labels": {},
        "funds": {},
        "goal_planned": "保障待遇",
        "goal_actual": "按时足额发放",
        "lines": tuple(LineData(*line) for line in lines),
        "is_draft": True,
    }
    return FormData(**{**values, **overrides})


def occupancy(grid):
    """Per row, the columns taken: by its own cells (colspans) and by rowspans from above."""
    taken = [0] * len(grid.rows)
    for r, row in enumerate(grid.rows):
        for cell in row.cells:
            for below in range(r, r + cell.rowspan):
                taken[below] += cell.colspan
    return taken


def spans(grid, section="indicators"):
    """(text, rowspan) of the 一级 and 二级 cells of the indicator rows, top to bottom."""
    rows = [r for r in grid.rows if r.section == section]
    return [[(c.text, c.rowspan) for c in r.cells if c.kind == "label"] for r in rows]


@pytest.fixture(scope="module")
def seed_grids(django_db_setup, django_db_blocker):
    # Loaded once for the module (load_demo hashes passwords) and rolled back afterwards.
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(SEED_FORMS)
        grids = {
            f"{ev.project_name} {grid.title}": grid
            for ev in with_lines(Evaluation.objects.all())
            for grid in build_grids(form_data(ev))
        }
        transaction.set_rollback(True)
    close_fixture_connection(django_db_blocker)
    return grids


def test_every_row_of_every_seed_form_spans_the_full_width(seed_grids):
    # Seven forms, the 部门整体 one with its 基础数据表 as a second grid.
    assert len(seed_grids) == 9
    for name, grid in seed_grids.items():
        assert occupancy(grid) == [grid.column_count] * len(grid.rows), name


def test_every_row_spans_the_full_width_with_placeholders_and_odd_lines():
    lines = [
        ("产出指标", "质量指标", "合格率", "≥95%", "98%"),
        ("效益指标", "社会效益指标", "负担减轻", "有效减轻", "有效减轻"),
        ("其他", "自定义", "不在表样中的一级指标", "1", "1"),
    ]
    for template in (PROJECT_2020, TRANSFER_2019, SOCIAL_INSURANCE):
        grid = build_grid(make_form(template, lines))
        assert occupancy(grid) == [grid.column_count] * len(grid.rows), template.code


def test_level1_and_level2_cells_merge_over_runs_of_lines():
    lines = [
        ("项目完成指标", "数量指标", "参保人数", "≥6253人", "9595人"),
        ("项目完成指标", "数量指标", "待遇享受人数", "≥355990人", "360800人"),
        ("项目完成指标", "时效指标", "及时拨款", "90日内完成审核拨付", "按时拨付"),
        ("满意度指标", "满意度指标", "满意度", ">90%", ">95%"),
    ]
    grid = build_grid(make_form(SOCIAL_INSURANCE, lines))
    assert spans(grid) == [
        [("项目完成指标", 3), ("数量指标", 2)],
        [],
        [("时效指标", 1)],
        [("满意度指标", 1), ("满意度指标", 1)],
    ]
    assert [c.text for c in grid.rows[grid.row_index("indicators")].cells[-3:]] == [
        "参保人数",
        "≥6253人",
        "9595人",
    ]


def test_a_level2_run_is_cut_where_level1_changes():
    lines = [
        ("产出指标", "数量指标", "甲", "1", "1"),
        ("效益指标", "数量指标", "乙", "1", "1"),
    ]
    grid = build_grid(make_form(TRANSFER_2019, lines))
    assert spans(grid)[:2] == [
        [("产出指标", 1), ("数量指标", 1)],
        [("效益指标", 1), ("数量指标", 1)],
    ]


def test_scored_template_prints_every_unused_level2_as_an_empty_row():
    lines = [("产出指标", "质量指标", "合格率", "≥95%", "98%", Decimal(20))]
    grid = build_grid(make_form(PROJECT_2020, lines))
    indicator_rows = [r for r in grid.rows if r.section == "indicators"]
    expected_level2 = [name for level in PROJECT_2020.levels for name in level.level2]
    assert len(indicator_rows) == len(expected_level2)
    assert [row[-1][0] for row in spans(grid)] == expected_level2
    assert spans(grid)[0] == [("产出指标（50分）", 4), ("数量指标", 1)]
    placeholder = indicator_rows[0].cells
    assert [c.text for c in placeholder if c.kind == "text"] == ["", "", "", ""]


def test_unscored_template_prints_only_the_lines_given():
    lines = [("产出指标", "数量指标", "甲", "1", "1")]
    grid = build_grid(make_form(TRANSFER_2019, lines))
    assert len([r for r in grid.rows if r.section == "indicators"]) == 1


def test_indicator_caption_spans_the_heading_and_every_line():
    lines = [("产出指标", "数量指标", f"指标{i}", "1", "1") for i in range(5)]
    grid = build_grid(make_form(TRANSFER_2019, lines))
    heading = grid.rows[grid.row_index("indicators_head")]
    assert heading.cells[0].text == "绩效指标"
    assert heading.cells[0].rowspan == 6


def test_funds_carry_decimal_values_and_execution_rate_as_a_fraction():
    funds = {"total": FundValues("年度资金总额", None, Decimal("6699"), Decimal("661.11"))}
    grid = build_grid(make_form(TRANSFER_2019, funds=funds))
    total = grid.rows[grid.row_index("funds") + 1]
    numbers = [c for c in total.cells if c.kind == "number"]
    assert [c.text for c in numbers] == ["6699", "661.11", "9.87%"]
    assert numbers[0].value == Decimal("6699") and numbers[0].number_format == "0"
    assert numbers[2].value == Decimal("661.11") / Decimal("6699")
    assert numbers[2].number_format == "0.00%"


def test_points_use_a_format_that_excel_prints_without_a_trailing_point():
    lines = [("产出指标", "数量指标", "甲", "1", "1", Decimal(15))]
    grid = build_grid(make_form(PROJECT_2020, lines))
    weights = [c for r in grid.rows for c in r.cells if c.kind == "number" and c.text == "15"]
    assert weights and all(c.number_format == "0" for c in weights)


def test_draft_forms_carry_the_draft_watermark_and_approved_ones_the_approval():
    assert build_grid(make_form()).watermark == "草稿"
    approved = build_grid(
        make_form(is_draft=False, reviewer="张审核", approved_on=date(2021, 4, 20))
    )
    assert approved.watermark == ""
    assert approved.approval == (("审核人", "张审核"), ("审核日期", "2021年4月20日"))


def test_caption_column_fits_a_four_character_caption():
    grid = build_grid(make_form())
    share = grid.widths[0] / sum(grid.widths)
    # 4 characters at 10.5pt plus padding, on A4 portrait's 182 mm of table width.
    assert share * 182 / 25.4 * 72 >= 4 * 10.5 + 6.5


def test_spread_always_fills_the_width():
    for total in range(4, 12):
        for weights in ([3, 1, 4], [2, 3, 2, 3], [1, 1]):
            if total >= len(weights):
                assert sum(spread(total, weights)) == total
    with pytest.raises(ValueError):
        spread(2, [1, 1, 1])


def test_columns_are_as_wide_as_their_longest_heading_and_figure():
    """执行率 and its "96.09%" fit their column at full size (PDF and Excel share the widths);
    the room comes from wider columns, so the table keeps its width."""
    funds = {
        row.key: FundValues(row.label, Decimal("1200"), Decimal("1200"), Decimal("1153.0912"))
        for row in PROJECT_2020.fund_rows
    }
    grid = build_grid(make_form(template=PROJECT_2020, funds=funds))
    base = (11, *(c.width for c in PROJECT_2020.indicator_columns))
    assert sum(grid.widths) == sum(base)
    rate_column = [c.key for c in PROJECT_2020.indicator_columns].index("score") + 1
    room = grid.widths[rate_column] / sum(grid.widths) * TABLE_WIDTH_PT
    # "96.09%" at 10.5pt (digits about half an em) plus the cell's padding.
    assert room >= 6 * 0.5 * 10.5 + 6.5
    assert grid.widths[0] == base[0]  # the caption column still holds 项目名称
