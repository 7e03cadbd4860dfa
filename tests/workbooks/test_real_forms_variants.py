"""The real forms kept in Excel the ways clerks keep workbooks (tests/fixtures/real_forms_variants,
made by its make_variants.py): formulas with and without their cached results, full-width
digits, thousands separators, amounts as text, date cells under several formats, merges over
other spans, blank rows and columns, extra sheets, hidden columns, 指标性质/度量单位 columns, 注 and
signature lines in one cell or several, a second table, floats with binary noise. Each goes in
through `import_forms` as typed, every value comes back verbatim in the PDF and the Excel of the
form, export → import → export gives the same workbook, and the draft saved unchanged from its
edit page prints the same."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest

from tests.evaluations.helpers import page_post
from tests.workbooks.test_real_forms import (
    cells,
    import_file,
    pdf_text,
    squash,
    xlsx_of,
    xlsx_text,
)
from workbooks import services
from workbooks import xlsx_import as xi

VARIANTS = Path(__file__).resolve().parents[1] / "fixtures" / "real_forms_variants"
ENTRIES = json.loads((VARIANTS / "manifest.json").read_text())["files"]


def parsed(name: str, year: int | None = None) -> xi.ParsedForm:
    return xi.parse_workbook((VARIANTS / name).read_bytes(), year=year)


def values_lost(ev, values: list[str], tmp_path) -> dict[str, list[str]]:
    """The values the form's PDF and Excel do not show verbatim (whitespace aside), by file."""
    shown = {"PDF": squash(pdf_text(ev, tmp_path)), "Excel": squash(xlsx_text(xlsx_of(ev)))}
    return {
        kind: [v for v in values if squash(v) and squash(v) not in text]
        for kind, text in shown.items()
    }


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_a_variant_imports_as_typed_and_every_value_comes_back(entry, cast, tmp_path):
    line, ev = import_file(VARIANTS / entry["file"], cast.bureau.name)

    assert ev is not None, line
    assert "已导入" in line and "0 项丢弃" in line
    assert values_lost(ev, entry["values"], tmp_path) == {"PDF": [], "Excel": []}


def export_and_reexport(ev, user) -> tuple[bytes, bytes]:
    """The form's Excel, and the Excel of a draft imported from it in the form's place."""
    first, year = xlsx_of(ev), ev.year
    ev.delete()  # the copy takes its name
    copy = services.evaluation_import(user=user, year=year, parsed=xi.parse_workbook(first))
    return first, xlsx_of(copy)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_export_import_export_of_a_variant_is_identical(entry, cast):
    _, ev = import_file(VARIANTS / entry["file"], cast.bureau.name)

    first, again = export_and_reexport(ev, cast.preparer)

    assert cells(again) == cells(first)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["file"])
def test_a_variant_saved_unchanged_from_its_edit_page_prints_the_same(entry, cast, client):
    _, ev = import_file(VARIANTS / entry["file"], cast.bureau.name)
    before = xlsx_of(ev)
    client.force_login(cast.preparer)

    response = client.post(f"/evaluations/{ev.pk}/edit/", page_post(client, ev))

    assert response.status_code == 302
    ev.refresh_from_db()
    assert ev.version == 2  # saved, not turned away
    assert cells(xlsx_of(ev)) == cells(before)


# What the variants vary, read one by one.


def test_formulas_are_read_as_the_results_excel_saved_with_them():
    form = parsed("formulas_funds.xlsx")

    total = form.funds["total"]
    assert (total.budget_initial, total.budget, total.actual) == (100, 100, 100)
    assert form.stated_figures["fund.total.rate"] == "100%"
    assert form.notes == ()
    scores = parsed("formulas_scores.xlsx")
    assert scores.budget_score == Decimal("8.62")
    assert scores.stated_figures["total"] == "98.62"
    text = parsed("formulas_text.xlsx")
    assert text.goal_planned == "43.2"
    assert text.lines[0].level3 == "指标1工程资金金额"


def test_a_formula_saved_without_its_result_is_kept_as_its_text_and_named():
    form = parsed("formulas_uncached.xlsx")

    assert form.funds["total"].budget is None
    assert "=SUM(F8:F10)" in form.other_text()
    assert any(note.cell == "F7" and "公式" in note.message for note in form.notes)


def test_full_width_digits_are_amounts_and_kept_as_typed_too():
    form = parsed("fullwidth_digits.xlsx")

    assert form.funds["total"].budget == Decimal("387664.62")
    assert "３８７６６４．６２" in form.other_text()
    assert form.lines[0].target == "７３５"


def test_thousands_separators_of_a_number_format_are_read_and_kept_as_shown():
    form = parsed("thousands.xlsx")

    assert form.funds["total"].budget == Decimal("20000.00")
    assert "20,000.00" in form.other_text()


def test_date_cells_read_as_their_number_format_shows_them():
    chinese = parsed("dates_chinese.xlsx")
    assert chinese.signature["fill_date"] == date(2024, 2, 28)
    assert [line.target for line in chinese.lines if line.level3 == "项目完工时限"] == [
        "2023年12月"
    ]
    month = parsed("dates_month.xlsx")
    actual = {line.level3: line.actual for line in month.lines}
    assert actual["指标3:修缮级别"] == "2022-12"
    assert actual["指标3:文明施工"] == "2022年11月"
    slash = parsed("dates_slash.xlsx")
    assert slash.signature["fill_date"] == date(2024, 1, 15)
    assert slash.signature["reviewer_date"] == date(2024, 1, 16)


def test_a_signature_line_in_one_cell_or_split_reads_every_name():
    one = parsed("signature_one_cell.xlsx").signature
    assert (one["preparer"], one["reviewer"], one["preparer_phone"]) == (
        "陈明",
        "张华",
        "027-86921234",
    )
    assert one["fill_date"] == date(2021, 1, 18)
    split = parsed("signature_split.xlsx").signature
    assert (split["preparer"], split["reviewer"], split["fill_date"]) == (
        "王芳",
        "刘强",
        date(2020, 1, 20),
    )
    blank = parsed("signature_blank.xlsx")
    assert blank.signature.get("fill_date") is None
    assert blank.notes == ()


def test_an_imported_signature_line_prints_as_the_form_words_it_in_one_cell(cast):
    _, ev = import_file(VARIANTS / "dates_slash.xlsx", cast.bureau.name)

    def signature_cells():
        ws = openpyxl.load_workbook(BytesIO(xlsx_of(ev))).active
        return [c.value for row in ws.iter_rows() for c in row if "审核人" in str(c.value or "")]

    assert signature_cells() == [
        "填报人：张伟　　审核人：李静　　填报日期：2024/1/15　　审核日期：2024/1/16"
    ]
    ev.fill_date, ev.preparer_phone = date(2024, 2, 1), "0557-5788003"
    ev.save()
    # A date changed later is written the form's way; an item filled in later comes last.
    assert signature_cells() == [
        "填报人：张伟　　审核人：李静　　填报日期：2024/2/1　　审核日期：2024/1/16"
        "　　联系电话：0557-5788003"
    ]


def test_a_second_form_under_the_first_ends_its_lines_and_goes_to_other_content():
    form = parsed("second_form_below.xlsx")

    assert [line.row for line in form.lines] == [13, 14, 15]
    assert [(n.cell, n.message) for n in form.notes] == [("A18", xi.ANOTHER_FORM)]
    assert "项目名称　公共文化服务体系经费" in form.other_text()


def test_a_head_label_typed_with_its_value_is_read_and_kept_as_typed():
    form = parsed("labels_with_values.xlsx")

    assert form.project_name == "普陀体育中心与委托运营方结算费用"
    assert form.header["competent_dept"] == "上海市普陀区体育局"
    assert "项目名称：普陀体育中心与委托运营方结算费用" in form.other_text()


def test_import_says_how_many_values_went_where(cast):
    line, ev = import_file(VARIANTS / "sheets_before.xlsx", cast.bureau.name)

    placed, other = xi.parse_workbook((VARIANTS / "sheets_before.xlsx").read_bytes()).counts()
    assert xi.IMPORT_SUMMARY.format(placed=placed, other=other) in line
    assert other >= 5  # the three sheets before the form
    assert any(item["source"].startswith("填报说明!") for item in ev.other_content)
