"""workbooks/xlsx_import/ and services.evaluation_import: workbooks back into draft forms."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from openpyxl.styles import Border, Side

from evaluations.demo import COMPOSED_FORMS, FUND_ROW_ALIASES, _create_form, load_forms
from evaluations.models import Evaluation, Year
from evaluations.scoring import evaluation_score, submission_problems
from evaluations.selectors import form_data, with_lines
from tests.conftest import SEED_FORMS
from tests.workbooks.import_books import (
    book_bytes,
    department_typed,
    empty_book,
    export_bytes,
    long_sheet_xml,
    project_typed,
    replace_entry,
    social_insurance_typed,
    transfer_typed,
    zip_with,
)
from workbooks import services
from workbooks import xlsx_checks as xc
from workbooks import xlsx_import as xi
from workbooks.xlsx import write_xlsx_many

SEEDS = load_forms(SEED_FORMS)
COMPOSED = load_forms(COMPOSED_FORMS)
ALL_FORMS = SEEDS + COMPOSED
DEPARTMENT = next(f for f in COMPOSED if f["template"] == "department_wide_yueyang")
INDICATOR_SHEET = "部门整体支出绩效评价指标表"
BASIC_SHEET = "部门整体支出绩效评价基础数据表"
SHEET = "xl/worksheets/sheet1.xml"


def seed_named(name: str) -> dict:
    return next(s for s in ALL_FORMS if s["project_name"] == name)


@pytest.fixture
def years(cast):
    return {2019: Year.objects.create(year=2019), 2020: cast.year}


def source_form(cast, years, seed) -> Evaluation:
    """The seed stored as the demo stores it: a draft of 疏勒县医疗保障局."""
    return _create_form(seed, cast.bureau, years[seed["year"]])


def import_as(user, year, data: bytes) -> Evaluation:
    parsed = xi.parse_workbook(data, year=year.year)
    ev = services.evaluation_import(user=user, year=year, parsed=parsed)
    return with_lines(Evaluation.objects.filter(pk=ev.pk)).get()


def cells(data: bytes) -> dict:
    """Every cell value of every sheet, and each sheet's merged ranges."""
    wb = openpyxl.load_workbook(BytesIO(data))
    out = {}
    for ws in wb.worksheets:
        out[ws.title, "merged"] = sorted(str(r) for r in ws.merged_cells.ranges)
        for row in ws.iter_rows():
            for c in row:
                out[ws.title, c.coordinate] = (c.value, c.number_format if c.value else "")
    return out


def refused(data: bytes, **kwargs) -> list[xi.CellError]:
    with pytest.raises(xi.ImportRefused) as info:
        xi.parse_workbook(data, **kwargs)
    return info.value.errors


# -- round trip: export → import → export --------------------------------------------------------


@pytest.mark.parametrize("seed", ALL_FORMS, ids=lambda s: s["project_name"])
def test_export_import_export_gives_the_same_workbook_cell_for_cell(seed, cast, years):
    source = source_form(cast, years, seed)
    first = export_bytes(source)

    # Imported by a preparer of another unit, so the copy does not collide with the original.
    copy = import_as(cast.other_preparer, years[seed["year"]], first)

    assert copy.unit == cast.health and copy.status == Evaluation.Status.DRAFT
    assert copy.template == source.template
    second = export_bytes(copy)
    before, after = cells(first), cells(second)
    assert before.keys() == after.keys()
    assert [k for k in before if before[k] != after[k]] == []


def test_round_trip_keeps_claimed_scores_and_qualitative_shares(cast, years):
    seed = seed_named("城乡居民基本医疗保险配套资金")
    source = source_form(cast, years, seed)
    lines = {line.level3: line for line in source.indicator_lines.all()}
    # 有效减轻 is qualitative: the preparer chose 90 % of its 15 points → 13.5.
    lines["减轻城乡居民看病负担"].qualitative_percent = Decimal(90)
    lines["减轻城乡居民看病负担"].save()
    # A claim below the suggestion (10 × 100 % = 10), with its reason.
    lines["区级配套资金到位率"].score = Decimal(9)
    lines["区级配套资金到位率"].score_reason = "到位时间晚于计划"
    lines["区级配套资金到位率"].save()
    source.budget_score, source.budget_score_reason = Decimal("9.5"), "年中调整"
    source.save()
    first = export_bytes(source)

    copy = import_as(cast.other_preparer, years[2019], first)

    imported = {line.level3: line for line in copy.indicator_lines.all()}
    assert imported["减轻城乡居民看病负担"].qualitative_percent == Decimal(90)
    assert imported["减轻城乡居民看病负担"].score is None  # the suggestion 15 × 90 % stands
    assert imported["区级配套资金到位率"].score == Decimal(9)
    assert imported["区级配套资金到位率"].score_reason == ""  # not on paper: asked for again
    assert imported["区级财政配套资金"].score is None  # 15 × 2209.83/2209.83 = 15, as suggested
    assert copy.budget_score == Decimal("9.5")
    problems = [p.message for p in evaluation_score(copy).claim_problems()]
    assert len(problems) == 2 and "区级配套资金到位率" in problems[1]
    assert cells(export_bytes(copy)) == cells(first)


# -- 部门整体: the 指标表 and its 基础数据表 --------------------------------------------------------


def department_export(cast, years) -> tuple[Evaluation, openpyxl.Workbook]:
    source = source_form(cast, years, DEPARTMENT)
    return source, openpyxl.load_workbook(BytesIO(export_bytes(source)))


def basic(ev: Evaluation) -> dict:
    return {(c.row_key, c.column_key): c.value for c in ev.basic_data.all()}


def test_a_department_wide_export_comes_back_with_its_basic_data_and_scores(cast, years):
    source = with_lines(Evaluation.objects.filter(pk=source_form(cast, years, DEPARTMENT).pk)).get()

    copy = import_as(cast.other_preparer, years[2019], export_bytes(source))

    assert basic(copy) == basic(source)
    assert len(basic(copy)) == len(DEPARTMENT["basic_data"]) == 30
    assert basic(copy)["staff", "actual"] == Decimal(36)
    assert basic(copy)["sangong", "prev_actual"] == Decimal("13.94")

    def lines(ev):
        return [
            (x.level1, x.level2, x.level3, x.weight, x.rule_key, x.criteria, x.deviation)
            for x in ev.indicator_lines.all()
        ]

    assert lines(copy) == lines(source)
    before, after = evaluation_score(source), evaluation_score(copy)
    assert (after.total, after.grade, after.suggested_total) == (Decimal(96), "优", Decimal(91))
    assert [x.final for x in after.lines] == [x.final for x in before.lines]
    # 控制率 138.46 % suggests 0; the printed 5 is the unit's claim, its reason not on paper.
    problems = [p.message for p in after.claim_problems()]
    assert problems == [
        "第1行 财政供养人员控制率：自评得分5分与建议得分0分不同，请填写自评得分理由。"
    ]


def test_a_department_wide_form_typed_by_hand_gives_the_demo_figures(cast, years):
    ev = import_as(cast.preparer, years[2019], department_typed(DEPARTMENT))

    assert ev.template == "department_wide_yueyang" and ev.unit == cast.bureau
    assert ev.project_name == DEPARTMENT["project_name"]
    assert basic(ev) == {
        tuple(name.split(".")): Decimal(value) for name, value in DEPARTMENT["basic_data"].items()
    }
    got = [(x.level1, x.level2, x.weight, x.rule_key) for x in ev.indicator_lines.all()]
    want = [
        (s["level1"], s["level2"], Decimal(s["weight"]), s.get("rule_key", ""))
        for s in DEPARTMENT["indicators"]
    ]
    assert got == want
    lines = list(ev.indicator_lines.all())
    assert lines[1].level3 == '"三公经费"变动率'  # as typed, and known as the common indicator
    assert lines[-1].criteria == DEPARTMENT["indicators"][-1]["criteria"]
    assert ev.fill_date == date(2020, 7, 15)
    score = evaluation_score(ev)
    assert (score.total, score.suggested_total) == (Decimal(96), Decimal(91))
    assert len(score.claim_problems()) == 1


def test_text_in_a_basic_data_amount_cell_is_noted_and_the_form_still_comes_in(cast, years):
    _, wb = department_export(cast, years)
    wb[BASIC_SHEET]["E8"] = "九点八七"  # 三公经费 上年决算数
    wb[BASIC_SHEET]["C6"] = 26.5  # 编制数
    # Shown as typed (under the export's 0 format Excel would show, and the import read, 27).
    wb[BASIC_SHEET]["C6"].number_format = "General"

    parsed = xi.parse_workbook(book_bytes(wb), year=2019)

    assert list(parsed.notes) == [
        xi.CellError(BASIC_SHEET, "C6", "应为人数（整数），实际为「26.5」。"),
        xi.CellError(BASIC_SHEET, "E8", "应为金额（数字，单位：万元），实际为「九点八七」。"),
    ]
    assert parsed.lines


def test_a_workbook_with_only_the_indicator_sheet_comes_in_with_a_note(cast, years):
    _, wb = department_export(cast, years)
    del wb[BASIC_SHEET]
    parsed = xi.parse_workbook(book_bytes(wb), year=2019)
    assert xi.CellError("", "", xi.BASIC_DATA_MISSING) in parsed.notes
    assert parsed.lines and not parsed.basic_data


def test_a_workbook_with_only_the_basic_data_sheet_keeps_it_in_other_content(cast, years):
    _, wb = department_export(cast, years)
    del wb[INDICATOR_SHEET]
    parsed = xi.parse_workbook(book_bytes(wb), year=2019)
    assert not parsed.recognised
    assert "财政供养人员情况" in parsed.other_text()


def test_a_basic_data_sheet_of_another_unit_is_noted(cast, years):
    _, wb = department_export(cast, years)
    wb[BASIC_SHEET]["B4"] = "桃源县人力资源和社会保障局"
    parsed = xi.parse_workbook(book_bytes(wb), year=2019)
    assert list(parsed.notes) == [
        xi.CellError(
            BASIC_SHEET,
            "B4",
            xi.BASIC_UNIT_MISMATCH.format(
                found="桃源县人力资源和社会保障局", name=DEPARTMENT["project_name"]
            ),
        )
    ]


def test_formulas_in_derived_cells_are_ignored_and_typed_ones_come_in_as_text(cast, years):
    source, wb = department_export(cast, years)
    wb[BASIC_SHEET]["E6"] = "=D6/C6"  # 控制率: computed by the app
    wb[INDICATOR_SHEET]["G36"] = "=SUM(G5:G35)"  # 总分
    wb[INDICATOR_SHEET]["H10"] = "=G10*2"  # 扣分原因: a text as typed

    copy = import_as(cast.other_preparer, years[2019], book_bytes(wb))

    assert basic(copy) == basic(source)
    assert copy.indicator_lines.get(level3="资金结余").deviation == "=G10*2"
    assert evaluation_score(copy).total == Decimal(96)


def with_cached_value(data: bytes, part: str, cell: str, value: str) -> bytes:
    """The workbook as Excel saves it: the formula of `cell` followed by its computed value."""
    xml = zipfile.ZipFile(BytesIO(data)).read(part).decode()
    xml, n = re.subn(
        rf'<c r="{cell}"([^>]*)><f>([^<]*)</f><v\s*/?>(?:</v>)?',
        rf'<c r="{cell}"\1><f>\2</f><v>{value}</v>',
        xml,
    )
    assert n == 1, xml[:500]
    return replace_entry(data, part, xml.encode())


def test_a_formula_in_an_amount_cell_is_read_as_the_result_excel_saved(cast, years):
    _, wb = department_export(cast, years)
    wb[BASIC_SHEET]["E8"] = "=E9+E12+E13"
    data = with_cached_value(book_bytes(wb), "xl/worksheets/sheet2.xml", "E8", "9.87")

    parsed = xi.parse_workbook(data, year=2019)

    assert list(parsed.notes) == []
    assert parsed.basic_data[("sangong", "last_actual")] == Decimal("9.87")


def test_a_formula_saved_without_its_result_is_noted_not_evaluated(cast, years):
    _, wb = department_export(cast, years)
    wb[BASIC_SHEET]["E8"] = "=E9+E12+E13"  # openpyxl saves no result, as such programs do

    parsed = xi.parse_workbook(book_bytes(wb), year=2019)

    assert list(parsed.notes) == [
        xi.CellError(
            BASIC_SHEET,
            "E8",
            xi.FORMULA_NOT_NUMBER.format(kind="金额（数字，单位：万元）", text="=E9+E12+E13"),
        )
    ]
    assert parsed.basic_data.get(("sangong", "last_actual")) is None


# -- the paper layouts typed by hand -------------------------------------------------------------


def assert_lines_as_seed(ev: Evaluation, seed: dict, *, deviation=False) -> None:
    got = [
        (line.level1, line.level2, line.level3, line.target, line.actual)
        + ((line.deviation,) if deviation else ())
        for line in ev.indicator_lines.all()
    ]
    want = [
        (s["level1"], s["level2"], s["level3"], s["target"], s["actual"])
        + ((s.get("deviation_note", ""),) if deviation else ())
        for s in seed["indicators"]
    ]
    assert got == want


def amounts(ev: Evaluation) -> dict:
    return {
        f.row_key: (f.label, f.budget, f.actual)
        for f in ev.fund_lines.all()
        if f.budget or f.actual
    }


@pytest.mark.parametrize("titles", [True, False], ids=["with-title", "without-title"])
@pytest.mark.parametrize(
    "name", [s["project_name"] for s in SEEDS if s["template"] == "social_insurance_fund"]
)
def test_a_typed_social_insurance_form_gives_the_seed_values(name, titles, cast, years):
    seed = seed_named(name)
    ev = import_as(cast.preparer, years[seed["year"]], social_insurance_typed(seed, titles=titles))

    assert ev.template == "social_insurance_fund" and ev.unit == cast.bureau
    assert ev.project_name == seed["project_name"]
    assert ev.title == (seed["title"] if titles else "社会保险基金支出绩效自评表")
    assert ev.header["budget_unit"] == seed["budget_unit"]
    assert ev.header_label("budget_unit") == (seed.get("budget_unit_label") or "预算单位")
    sub = next(f for f in seed["funds"] if FUND_ROW_ALIASES.get(f["row"], f["row"]) != "total")
    total = seed["funds"][0]
    assert amounts(ev) == {
        "total": ("合计", Decimal(total["budget"]), Decimal(total["actual"])),
        "social_insurance_fund": (sub["label"], Decimal(sub["budget"]), Decimal(sub["actual"])),
    }
    assert (ev.goal_planned, ev.goal_actual) == (seed["goal_planned"], seed["goal_actual"])
    # 266% typed into Excel is the number 2.66 shown as a percentage: it comes back as typed.
    assert_lines_as_seed(ev, seed)
    assert ev.deviation_reason == seed["deviation_reason"]
    if seed["preparer"]:
        assert (ev.preparer, ev.preparer_phone) == (seed["preparer"], seed["preparer_phone"])


@pytest.mark.parametrize(
    "name", [s["project_name"] for s in SEEDS if s["template"] == "transfer_payment_2019"]
)
def test_a_typed_transfer_payment_form_gives_the_seed_values(name, cast, years):
    seed = seed_named(name)
    ev = import_as(cast.preparer, years[2019], transfer_typed(seed))

    assert ev.template == "transfer_payment_2019"
    assert ev.project_name == seed["project_name"]
    assert ev.header["principal_and_phone"] == seed["principal_and_phone"]
    assert ev.header["competent_central"] == ""
    assert ev.header["competent_local"] == seed["competent_local"]
    assert ev.header["implementing_unit"] == seed["budget_unit"]
    want = {
        f["row"]: (f["label"], Decimal(f["budget"]) if f["budget"] else None, Decimal(f["actual"]))
        for f in seed["funds"]
        if f["budget"] or f["actual"]
    }
    assert amounts(ev) == want
    # 5月10日 typed into Excel becomes a date shown as m月d日: it comes back as typed.
    assert_lines_as_seed(ev, seed, deviation=True)
    assert ev.remarks == seed["remarks"]
    # No signature line on the sheet: the form starts with the importing preparer's name.
    assert ev.preparer == "阿依古丽"


def test_a_typed_project_form_reads_weights_and_scores(cast, years):
    seed = seed_named("城乡居民基本医疗保险配套资金")
    scores = {
        "区级财政配套资金": "15",  # 15 × 2209.83/2209.83 = 15: as the app suggests
        "区级配套资金到位率": "9",  # suggested 10 × 100%/100% = 10: a claim
        "参保人员满意度": "8",  # qualitative (逐步提高): 8 / 10 = 80 % chosen
    }
    ev = import_as(cast.preparer, years[2019], project_typed(seed, scores))

    assert ev.template == "project_2020"
    assert ev.header["competent_dept"] == seed["header"]["competent_dept"]
    assert ev.fund_lines.get(row_key="total").budget_initial == Decimal("2209.83")
    lines = {line.level3: line for line in ev.indicator_lines.all()}
    assert [line.level1 for line in ev.indicator_lines.all()][:2] == ["产出指标", "产出指标"]
    assert [line.weight for line in ev.indicator_lines.all()] == [
        Decimal(s["weight"]) for s in seed["indicators"]
    ]
    assert lines["区级财政配套资金"].score is None
    assert lines["区级配套资金到位率"].score == Decimal(9)
    assert lines["参保人员满意度"].qualitative_percent == Decimal(80)
    assert lines["参保人员满意度"].score is None
    assert ev.budget_score is None  # 10 × 2209.83/2209.83 = 10, as typed
    assert (ev.preparer, ev.preparer_phone, ev.fill_date) == (
        "王会计",
        "0827-5267890",
        date(2020, 3, 2),
    )
    score = evaluation_score(ev)
    assert score.lines[2].final == Decimal(9)
    assert score.lines[-1].final == Decimal(8)


def test_points_typed_with_decimals_come_in_and_print_as_typed(cast, years):
    """15.00 typed as text, 10.0 and 10.00 as numbers shown with their decimals: each equals the
    app's suggestion, and is kept as typed without asking for a reason."""
    seed = seed_named("城乡居民基本医疗保险配套资金")
    scores = {"区级财政配套资金": "15.00", "区级配套资金到位率": "10"}
    ws = (wb := openpyxl.load_workbook(BytesIO(project_typed(seed, scores)))).active
    typed = next(c for row in ws.iter_rows() for c in row if c.value == "10")
    typed.value, typed.number_format = 10, "0.0"
    ws["H6"].number_format = "0.00"  # the 预算执行率 得分, 10

    ev = import_as(cast.preparer, years[2019], book_bytes(wb))

    lines = {line.level3: line for line in ev.indicator_lines.all()}
    assert str(lines["区级财政配套资金"].score) == "15.00"
    assert str(lines["区级配套资金到位率"].score) == "10.0"
    assert str(ev.budget_score) == "10.00"
    named = ("区级财政配套资金", "区级配套资金到位率", "预算执行率")
    assert not [p for p in submission_problems(ev) if any(name in p for name in named)]
    exported = openpyxl.load_workbook(BytesIO(export_bytes(ev))).active
    numbers = {(c.value, c.number_format) for row in exported.iter_rows() for c in row}
    assert {(15, "0.00"), (10, "0.0"), (10, "0.00")} <= numbers


# -- files that are refused ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\xef\xbb\xbf\xe9\xa1\xb9\xe7\x9b\xae\xe5\x90\x8d\xe7\xa7\xb0,x\n", xc.NOT_XLSX),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096), xc.OLD_XLS),
        (b"MZ\x90\x00" + bytes(1024), xc.NOT_XLSX),
        (b"PK\x03\x04 not really a zip", xc.NOT_XLSX),
        (zip_with({"readme.txt": b"hello"}), xc.NOT_XLSX),
    ],
    ids=["csv", "xls", "exe", "broken-zip", "zip-of-text"],
)
def test_a_file_that_is_not_an_xlsx_is_refused_with_its_reason(data, message):
    assert [e.message for e in refused(data)] == [message]


def test_a_word_document_renamed_to_xlsx_is_named_as_such():
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    errors = refused(zip_with({"[Content_Types].xml": types.encode()}))
    assert [e.message for e in errors] == [xc.OTHER_OFFICE.format(kind="Word")]


def test_an_oversized_file_is_refused_before_it_is_opened():
    errors = refused(empty_book(), limits=xi.Limits(max_bytes=1024))
    assert errors[0].message.startswith("文件大小为 ") and "超过上限 1 KB" in errors[0].message


def test_a_zip_bomb_is_refused_from_its_directory():
    # 200 MB of zeros deflate to about 200 KB: refused from the declared size alone.
    bomb = replace_entry(empty_book(), SHEET, zeros=200 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    errors = refused(bomb)
    assert "可能是恶意构造的文件" in errors[0].message and "上限为 50.0 MB" in errors[0].message


def test_an_entry_compressed_a_thousand_to_one_is_refused_even_under_the_total():
    bomb = replace_entry(empty_book(), SHEET, zeros=20 * 1024 * 1024)
    errors = refused(bomb)
    assert "xl/worksheets/sheet1.xml" in errors[0].message and "压缩比约" in errors[0].message


@pytest.mark.parametrize("dimension", [True, False], ids=["declared", "undeclared"])
def test_a_sheet_of_100000_rows_is_refused(dimension):
    long = replace_entry(empty_book(), SHEET, long_sheet_xml(100_000, dimension=dimension))
    errors = refused(long)
    assert errors[0].sheet == "Sheet"
    assert "超过上限 500 行" in errors[0].message
    if dimension:
        assert errors[0].message.startswith("工作表有 100000 行")


def test_cells_only_formatted_beyond_the_limits_are_no_content():
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    wb.active.append(["张三", "123"])
    for r in range(3, 1201):  # borders set over A1:AH1200, rows sized down to 3000
        wb.active.cell(row=r, column=34).border = Border(bottom=Side(style="thin"))
    for r in range(1201, 3001):
        wb.active.row_dimensions[r].height = 18

    parsed = xi.parse_workbook(book_bytes(wb))

    assert [row.texts for row in parsed.other] == [("姓名", "电话"), ("张三", "123")]


def test_a_sheet_wider_than_30_columns_is_refused():
    wb = openpyxl.Workbook()
    wb.active["AH3"] = "x"
    assert "超过上限 30 列" in refused(book_bytes(wb))[0].message


def test_a_workbook_without_a_form_comes_in_whole_as_other_content():
    wb = openpyxl.Workbook()
    wb.active.title = "人员名单"
    wb.active.append(["姓名", "电话"])
    wb.active.append(["张三", "123"])
    parsed = xi.parse_workbook(book_bytes(wb))
    assert not parsed.recognised
    assert list(parsed.notes) == [xi.CellError("", "", xi.NOT_RECOGNISED)]
    assert [row.texts for row in parsed.other] == [("姓名", "电话"), ("张三", "123")]
    assert parsed.counts()[1] == 4


def test_two_forms_in_one_workbook_import_the_first_and_keep_the_second(cast, years):
    forms = [source_form(cast, years, s) for s in SEEDS[1:3]]
    buffer = BytesIO()
    write_xlsx_many(
        [form_data(with_lines(Evaluation.objects.all()).get(pk=f.pk)) for f in forms], buffer
    )
    parsed = xi.parse_workbook(buffer.getvalue())
    assert parsed.notes[0].message.startswith("工作簿中有 2 张自评表，导入了第一张")
    assert parsed.project_name == forms[0].project_name
    assert forms[1].project_name in parsed.other_text()


def test_text_in_an_amount_cell_goes_to_other_content_with_a_note(db):
    seed = seed_named("2020年城镇职工医疗保险基金支出项目")
    wb = openpyxl.load_workbook(BytesIO(social_insurance_typed(seed)))
    wb.active["C7"] = "十万"  # 预算数 of the 合计 row
    wb.active["D21"] = None  # the 三级指标 of a line: a rule listed before 提交, not a problem

    parsed = xi.parse_workbook(book_bytes(wb), year=2020)

    assert list(parsed.notes) == [
        xi.CellError("社保基金", "C7", "应为金额（数字，单位：万元），实际为「十万」。")
    ]
    assert (
        str(parsed.notes[0])
        == "工作表「社保基金」C7：应为金额（数字，单位：万元），实际为「十万」。"
    )
    assert "十万" in parsed.other_text()
    assert parsed.funds["total"].budget is None
    assert len(parsed.lines) == len(seed["indicators"])


@pytest.mark.parametrize(
    "value, message",
    [
        (-5, "金额不能为负数，实际为「-5」。"),
        (1.234, None),
        (1.23456, "金额最多保留四位小数，实际为「1.23456」。"),
        ("3,180.50", None),
        ("１２.５", None),
        # What Python's Decimal would read but a clerk did not type as one number: refused,
        # as on the edit page.
        *(
            (text, f"应为金额（数字，单位：万元），实际为「{text}」。")
            for text in ("12 34", "1_000", "1e2", "١٢٣", "1,2,3")
        ),
        (
            "=C8",
            "应为金额（数字，单位：万元），实际为公式「=C8」。文件中没有保存它的计算结果，"
            "导入时不计算公式。请在 Excel 中打开文件并保存后再导入，或把它改为数值"
            "（复制后“选择性粘贴 → 数值”）。",
        ),
    ],
)
def test_amounts_are_checked_like_the_edit_page(value, message):
    seed = seed_named("2020年城镇职工医疗保险基金支出项目")
    wb = openpyxl.load_workbook(BytesIO(social_insurance_typed(seed)))
    wb.active["E8"] = value
    parsed = xi.parse_workbook(book_bytes(wb))
    if message is None:
        assert parsed.funds["social_insurance_fund"].actual in (
            Decimal("3180.50"),
            Decimal("12.5"),
            Decimal("1.234"),
        )
        assert not parsed.notes
    else:
        assert list(parsed.notes) == [xi.CellError("社保基金", "E8", message)]
        assert parsed.funds["social_insurance_fund"].actual is None
        assert str(value) in parsed.other_text()


def test_an_amount_typed_with_thousands_separators_is_also_kept_as_typed():
    # “215,457.6” pasted from a published PDF: the form prints amounts without separators, so the
    # figure as typed stays in 其他内容 beside the stored amount.
    seed = seed_named("2020年城镇职工医疗保险基金支出项目")
    wb = openpyxl.load_workbook(BytesIO(social_insurance_typed(seed)))
    wb.active["E8"] = "3,180.50"
    parsed = xi.parse_workbook(book_bytes(wb))
    assert parsed.funds["social_insurance_fund"].actual == Decimal("3180.50")
    assert not parsed.notes
    assert "3,180.50" in parsed.other_text()


def test_a_score_above_its_weight_comes_in_as_typed():
    seed = seed_named("城乡居民基本医疗保险配套资金")
    parsed = xi.parse_workbook(project_typed(seed, {"区级财政配套资金": "16"}))
    line = next(line for line in parsed.lines if line.level3 == "区级财政配套资金")
    assert (line.score, line.weight) == (Decimal(16), Decimal(15))
    assert not parsed.notes


def test_the_year_of_the_sheet_wins_and_the_difference_is_said():
    seed = seed_named("2020年城镇职工医疗保险基金支出项目")
    parsed = xi.parse_workbook(social_insurance_typed(seed), year=2019)
    assert parsed.year == 2020
    assert list(parsed.notes) == [
        xi.CellError("社保基金", "A3", xi.YEAR_DIFFERS.format(found=2020, chosen=2019))
    ]


def test_importing_a_project_name_the_unit_already_has_creates_nothing(cast, years):
    seed = seed_named("2020年城镇职工医疗保险基金支出项目")
    source_form(cast, years, seed)
    parsed = xi.parse_workbook(social_insurance_typed(seed))
    with pytest.raises(services.EvaluationError) as info:
        services.evaluation_import(user=cast.preparer, year=years[2020], parsed=parsed)
    assert "已有名为“2020年城镇职工医疗保险基金支出项目”" in info.value.message
    assert Evaluation.objects.filter(project_name=seed["project_name"]).count() == 1


def test_only_a_preparer_can_import(cast, years):
    parsed = xi.parse_workbook(social_insurance_typed(SEEDS[1]))
    with pytest.raises(services.EvaluationError, match="只有填报人"):
        services.evaluation_import(user=cast.reviewer, year=years[2020], parsed=parsed)
    assert not Evaluation.objects.exists()


# -- reading cells as people see them -------------------------------------------------------------


@pytest.mark.parametrize(
    "value, fmt, text",
    [
        (2.66, "0%", "266%"),
        (0.068, "0.00%", "6.80%"),
        (128267, "General", "128267"),
        (0.95, "General", "0.95"),
        (6.8, "0.00", "6.80"),
        (date(2019, 5, 10), 'm"月"d"日"', "5月10日"),
        (date(2020, 4, 15), 'yyyy"年"m"月"d"日"', "2020年4月15日"),
        ("≥99%", "General", "≥99%"),
    ],
)
def test_cells_read_as_they_are_shown(value, fmt, text):
    assert xi.display_text(value, fmt) == text


def test_labels_match_whatever_the_spacing_and_punctuation():
    assert xi.norm("项 目 名 称：") == xi.norm("项目名称")
    assert xi.norm("专项（项目）名称") == xi.norm("专项(项目)名称")
    assert xi.norm("其中: 社会保险基金") == xi.norm("其中：社会保险基金")


def test_a_merged_range_over_the_whole_sheet_is_refused_before_openpyxl_expands_it():
    wb = openpyxl.Workbook()
    wb.active["A1"] = "项目名称"
    wb.active.merged_cells.add("A1:XFD1048576")  # written as is; loading it would make 17 G cells
    errors = refused(book_bytes(wb))
    assert [e.message for e in errors] == [
        xc.MERGE_TOO_LARGE.format(cells="A1:XFD1048576", rows=500, columns=30)
    ]


def test_blocks_that_cannot_be_found_keep_their_cells_in_other_content():
    seed = seed_named("2020年城镇职工医疗保险基金支出项目")
    wb = openpyxl.load_workbook(BytesIO(social_insurance_typed(seed)))
    wb.active["B7"] = "预算"  # instead of 预算数：
    wb.active["D10"] = "完成目标"  # instead of 实际完成目标
    parsed = xi.parse_workbook(book_bytes(wb))
    assert parsed.notes[0].message.startswith("没有找到资金栏")
    other = parsed.other_text()
    assert "预算" in other and seed["goal_actual"][:20] in other
