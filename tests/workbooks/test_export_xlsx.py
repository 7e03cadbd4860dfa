"""workbooks/xlsx.py: the printed form as a workbook, reopened with openpyxl."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from decimal import Decimal
from io import BytesIO
from xml.etree import ElementTree

import openpyxl
import pytest
from django.db import transaction
from openpyxl.utils import get_column_letter

from demo.loaders import load_demo
from evaluations.exports.layout import FormData, FundValues, LineData, build_grid
from evaluations.models import Evaluation
from evaluations.selectors import form_data, with_lines
from evaluations.templates_def import PROJECT_2020, SOCIAL_INSURANCE, TRANSFER_2019
from tests.conftest import SEED_FORMS, close_fixture_connection, seed_forms
from workbooks.xlsx import sheet_name, write_xlsx, write_xlsx_many

# The module's demo forms are loaded by a module-scoped fixture; pytest-django sets up the test
# database only for a session with a test that asks for it, so run on its own this module must.
pytestmark = pytest.mark.django_db

INJECTIONS = ["=1+1", "+1", "-1", "@SUM(A1)", '=HYPERLINK("http://x")']


def norm(text) -> str:
    return re.sub(r"\s+", "", str(text or ""))


def form(template=TRANSFER_2019, lines=(), **overrides) -> FormData:
    values = {
        "template": template,
        "title": template.title,
        "year": 2019,
        "header": {"project_name": "医疗救助业务经费"},
        "header_labels": {},
        "funds": {},
        "goal_planned": "保障医疗救助业务正常开展。",
        "goal_actual": "全年医疗救助业务正常开展。",
        "lines": tuple(LineData(*line) for line in lines),
        "fill_date": date(2020, 4, 15),
        "is_draft": True,
    }
    return FormData(**{**values, **overrides})


def workbook(grid_or_data):
    buffer = BytesIO()
    write_xlsx(grid_or_data, buffer)
    return openpyxl.load_workbook(BytesIO(buffer.getvalue()))


def first_grid_row(ws, grid) -> int:
    """The sheet row holding the grid's first row (the title lines come before it)."""
    first = grid.rows[0].cells[0].text
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == first)


def grid_merges(grid, first_row: int) -> set[str]:
    """The merged ranges the grid asks for, placed as a table would place them."""
    held: dict[int, set[int]] = {}
    ranges = set()
    for r, row in enumerate(grid.rows):
        col = 0
        for cell in row.cells:
            while col in held.get(r, set()):
                col += 1
            if cell.colspan > 1 or cell.rowspan > 1:
                top_left = f"{get_column_letter(col + 1)}{first_row + r}"
                end = f"{get_column_letter(col + cell.colspan)}{first_row + r + cell.rowspan - 1}"
                ranges.add(f"{top_left}:{end}")
            for below in range(r + 1, r + cell.rowspan):
                held.setdefault(below, set()).update(range(col, col + cell.colspan))
            col += cell.colspan
    return ranges


def indicator_table(ws, template) -> tuple[int, dict[str, int]]:
    """The indicator heading row and the column of each indicator key, found by its label."""
    labels = {c.label: c.key for c in template.indicator_columns}
    for r in range(1, ws.max_row + 1):
        row = {ws.cell(r, c).value: c for c in range(1, ws.max_column + 1)}
        if "三级指标" in row:
            return r, {labels[v]: c for v, c in row.items() if v in labels}
    raise AssertionError("no indicator heading row")


@pytest.fixture(scope="module")
def seed_books(django_db_setup, django_db_blocker):
    """{project name: (workbook, grid, template)} of every demo form, written once."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(SEED_FORMS)
        out = {}
        for ev in with_lines(Evaluation.objects.all()):
            grid = build_grid(form_data(ev))
            out[ev.project_name] = (workbook(grid), grid, ev.template_def)
        transaction.set_rollback(True)
    close_fixture_connection(django_db_blocker)
    return out


# -- seed forms ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", seed_forms(), ids=lambda s: s["project_name"])
def test_every_seed_indicator_value_is_in_its_column(seed, seed_books):
    wb, _, template = seed_books[seed["project_name"]]
    ws = wb.active
    heading, columns = indicator_table(ws, template)
    printed = [
        tuple(ws.cell(r, columns[key]).value or "" for key in ("level3", "target", "actual"))
        for r in range(heading + 1, heading + 1 + len(seed["indicators"]))
    ]
    assert printed == [(s["level3"], s["target"], s["actual"]) for s in seed["indicators"]]


@pytest.mark.parametrize("seed", seed_forms(), ids=lambda s: s["project_name"])
def test_every_seed_fund_amount_is_a_number_cell(seed, seed_books):
    wb, _, _ = seed_books[seed["project_name"]]
    numbers = [
        Decimal(str(c.value))
        for row in wb.active.iter_rows()
        for c in row
        if c.data_type == "n" and c.value is not None
    ]
    for fund in seed["funds"]:
        for key in ("budget", "actual"):
            if fund.get(key):
                assert Decimal(fund[key]) in numbers, (fund["row"], key)


def test_merged_ranges_are_exactly_the_grids(seed_books):
    for name, (wb, grid, _) in seed_books.items():
        ws = wb.active
        first = first_grid_row(ws, grid)
        last = first + len(grid.rows) - 1
        in_grid = {
            str(m) for m in ws.merged_cells.ranges if first <= m.min_row and m.max_row <= last
        }
        assert in_grid == grid_merges(grid, first), name


def test_level1_cell_is_merged_over_its_lines(seed_books):
    wb, _, template = seed_books["自治区本级医疗生育保险基金支出"]
    ws = wb.active
    heading, columns = indicator_table(ws, template)
    col = get_column_letter(columns["level1"])
    merged = {str(m) for m in ws.merged_cells.ranges}
    # 6 lines of 项目完成指标, then 3 of 满意度.
    assert f"{col}{heading + 1}:{col}{heading + 6}" in merged
    assert f"{col}{heading + 7}:{col}{heading + 9}" in merged
    assert ws[f"{col}{heading + 1}"].value == "项目完成指标"


def cell_borders(data: bytes) -> dict[str, set[str]]:
    """{coordinate: styles of its four sides} as written in the file.

    Read from the XML because openpyxl, when it loads a merged range, replaces the cells inside
    it with blank ones and so would hide what Excel and LibreOffice see.
    """
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(BytesIO(data)) as z:
        styles = ElementTree.fromstring(z.read("xl/styles.xml"))
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    borders = [
        {
            (b.find(f"m:{side}", ns).get("style") or "")
            for side in ("left", "right", "top", "bottom")
        }
        for b in styles.find("m:borders", ns)
    ]
    xfs = [int(xf.get("borderId", 0)) for xf in styles.find("m:cellXfs", ns)]
    return {c.get("r"): borders[xfs[int(c.get("s", 0))]] for c in sheet.iter(f"{{{ns['m']}}}c")}


def test_every_cell_of_the_grid_has_thin_borders_even_inside_merges(seed_books):
    for name, (wb, grid, _) in seed_books.items():
        ws = wb.active
        first = first_grid_row(ws, grid)
        buffer = BytesIO()
        write_xlsx(grid, buffer)
        written = cell_borders(buffer.getvalue())
        for r in range(first, first + len(grid.rows)):
            for c in range(1, grid.column_count + 1):
                coordinate = f"{get_column_letter(c)}{r}"
                assert written.get(coordinate) == {"thin"}, (name, coordinate)


def test_seed_workbooks_have_no_formula_cells(seed_books):
    for name, (wb, _, _) in seed_books.items():
        formulas = [
            c.coordinate for row in wb.active.iter_rows() for c in row if c.data_type == "f"
        ]
        assert formulas == [], name


def test_title_year_and_unit_lines_are_merged_across_the_width(seed_books):
    wb, grid, _ = seed_books["医疗救助业务经费"]
    ws = wb.active
    last = get_column_letter(grid.column_count)
    assert [ws.cell(r, 1).value for r in (1, 2, 3)] == [
        "项目支出绩效自评表",
        "（2019年度）",
        "单位：万元",
    ]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {f"A1:{last}1", f"A2:{last}2", f"A3:{last}3"} <= merged
    values = [norm(c.value) for row in ws.iter_rows() for c in row if c.value]
    # The 注 in one cell, a line per paragraph; the signature line in one cell.
    assert norm("\n".join(grid.footnotes)) in values
    assert any(v.startswith("填表人：") and "填报日期：" in v for v in values)


def test_sheet_prints_on_a4_portrait_at_page_width_with_the_heading_repeated(seed_books):
    wb, _, template = seed_books["社会保险业务专项经费"]
    ws = wb.active
    heading, _ = indicator_table(ws, template)
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == f"${heading}:${heading}"


def test_cells_use_a_cjk_font_wrap_and_centre_vertically(seed_books):
    wb, grid, _ = seed_books["医疗救助业务经费"]
    ws = wb.active
    cell = ws.cell(first_grid_row(ws, grid), 2)
    assert cell.font.name == "宋体"
    assert cell.alignment.wrap_text and cell.alignment.vertical == "center"


def test_column_widths_follow_the_grid():
    grid = build_grid(form())
    ws = workbook(grid).active
    widths = [ws.column_dimensions[get_column_letter(i + 1)].width for i in range(len(grid.widths))]
    ratios = [w / g for w, g in zip(widths, grid.widths, strict=True)]
    assert max(ratios) - min(ratios) < 0.02


# -- values -------------------------------------------------------------------------------------


def test_amounts_are_numbers_and_execution_rate_a_percentage():
    funds = {"total": FundValues("年度资金总额：", None, Decimal("6699"), Decimal("661.11"))}
    ws = workbook(form(funds=funds)).active
    cells = {c.coordinate: c for row in ws.iter_rows() for c in row if c.data_type == "n"}
    values = {c.value: c for c in cells.values()}
    # As typed: 6699 shows "6699" (as in the PDF), 661.11 two decimals.
    assert values[6699].number_format == "0"
    assert values[661.11].number_format == "0.00"
    [rate] = [c for c in cells.values() if c.number_format == "0.00%"]
    assert rate.value == pytest.approx(661.11 / 6699)


def test_points_are_numbers_printed_without_a_trailing_point():
    lines = [("产出指标", "数量指标", "参保人数", "≥1人", "2人", Decimal(15), Decimal("12.5"))]
    ws = workbook(form(template=PROJECT_2020, lines=lines)).active
    numbers = {
        c.value: c.number_format for row in ws.iter_rows() for c in row if c.data_type == "n"
    }
    assert numbers[15] == "0" and numbers[12.5] == "0.0"


@pytest.mark.parametrize("typed", INJECTIONS)
def test_text_that_looks_like_a_formula_stays_text(typed):
    lines = [("产出指标", "数量指标", typed, typed, typed)]
    ws = workbook(form(lines=lines, goal_planned=typed)).active
    heading, columns = indicator_table(ws, TRANSFER_2019)
    for key in ("level3", "target", "actual"):
        cell = ws.cell(heading + 1, columns[key])
        assert cell.value == typed
        assert cell.data_type != "f"
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_every_text_is_written_as_a_string():
    lines = [("产出指标", "数量指标", "1998", "0012", "1e5")]
    ws = workbook(form(lines=lines)).active
    heading, columns = indicator_table(ws, TRANSFER_2019)
    assert [ws.cell(heading + 1, columns[k]).value for k in ("level3", "target", "actual")] == [
        "1998",
        "0012",
        "1e5",
    ]


def test_control_characters_are_dropped_rather_than_failing():
    lines = [("产出指标", "数量指标", "参保\x07人数", "≥1人", "2人")]
    ws = workbook(form(lines=lines)).active
    heading, columns = indicator_table(ws, TRANSFER_2019)
    assert ws.cell(heading + 1, columns["level3"]).value == "参保人数"


def test_draft_is_marked_in_the_page_header_and_approved_is_not():
    assert workbook(form()).active.oddHeader.right.text == "草稿"
    approved = workbook(form(is_draft=False, reviewer="张审核", approved_on=date(2020, 5, 6)))
    assert not approved.active.oddHeader.right.text
    values = [c.value for row in approved.active.iter_rows() for c in row if c.value]
    assert "审核人：张审核　　审核日期：2020年5月6日" in values


# -- many forms ---------------------------------------------------------------------------------


def test_write_xlsx_many_writes_one_sheet_per_form_with_valid_unique_names():
    names = ["医疗救助[2019]:*?/\\经费", "医疗救助[2019]:*?/\\经费", "x" * 40, "'引号'", ""]
    grids = [build_grid(form(header={"project_name": n})) for n in names]
    buffer = BytesIO()
    write_xlsx_many(grids, buffer)
    sheets = openpyxl.load_workbook(BytesIO(buffer.getvalue())).sheetnames
    assert len(sheets) == len(grids) == len({s.casefold() for s in sheets})
    for sheet in sheets:
        assert sheet and len(sheet) <= 31
        assert not set("[]:*?/\\") & set(sheet)
        assert not sheet.startswith("'") and not sheet.endswith("'")
    assert sheets[0] == "医疗救助2019经费" and sheets[1] == "医疗救助2019经费(2)"


def test_write_xlsx_many_takes_form_data_and_explicit_names():
    buffer = BytesIO()
    write_xlsx_many([form(), form(template=SOCIAL_INSURANCE)], buffer, names=["甲", "乙"])
    wb = openpyxl.load_workbook(BytesIO(buffer.getvalue()))
    assert wb.sheetnames == ["甲", "乙"]
    assert wb["乙"]["A1"].value == "社会保险基金支出绩效自评表"


def test_sheet_name_is_case_insensitively_unique():
    used: set[str] = set()
    assert sheet_name("Sheet", used) == "Sheet"
    assert sheet_name("SHEET", used) == "SHEET(2)"


def test_a_cut_sheet_name_keeps_its_table_and_never_ends_with_an_apostrophe():
    used: set[str] = set()
    long = "某某县" + "医疗保障" * 10
    first = sheet_name(long, used, suffix="·基础数据表")
    again = sheet_name(long, used, suffix="·基础数据表")
    assert len(first) == len(again) == 31
    assert first.endswith("·基础数据表") and again.endswith("(2)·基础数据表")
    assert sheet_name("x" * 30 + "'y", used) == "x" * 30
