"""部门整体支出绩效自评: the 基础数据表 entered, stored, scored, shown, printed and exported.

The demo form (桃源县城镇职工医疗保险管理服务中心 2019, composed from seed 002) is the worked
example: 编制 26, 实有 36 → 控制率 36 ÷ 26 = 138.46 %, suggested 0 of 5, claimed 5 with a reason;
“三公经费” 前年决算 13.94, 预算 20, 决算 9.87 → 变动率 −29.20 % (5 of 5), 控制率 49.35 % (6 of 6);
printed total 96 (优), suggested total 91 (the 5 claimed points of 控制率 not suggested).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from demo.loaders import load_demo
from evaluations import scoring, services
from evaluations.demo import COMPOSED_FORMS, DEMO_PASSWORD
from evaluations.exports import pdf
from evaluations.exports.layout import build_grids
from evaluations.exports.pdf import pdf_bytes
from evaluations.models import BasicDataLine, Evaluation, Unit, Year
from evaluations.selectors import department_figures, form_data, with_lines
from tests.evaluations.helpers import lines_post
from workbooks.xlsx import write_xlsx, write_xlsx_many

UNIT = "桃源县城镇职工医疗保险管理服务中心"
TEMPLATE = "department_wide_yueyang"


def norm(text) -> str:
    return re.sub(r"\s+", "", str(text or ""))


def demo_seed() -> dict:
    forms = json.loads(COMPOSED_FORMS.read_text(encoding="utf-8"))
    return next(f for f in forms if f["template"] == TEMPLATE)


@pytest.fixture
def demo(db):
    load_demo()
    return with_lines(Evaluation.objects.filter(template=TEMPLATE)).get()


def login(client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


@pytest.fixture
def blank(demo):
    """A new draft 部门整体 form of the demo unit for 2020, as 新建 makes it."""
    preparer = demo.unit.members.get(role="preparer").user
    year, _ = Year.objects.get_or_create(year=2020)
    return services.evaluation_create(
        user=preparer,
        unit=demo.unit,
        year=year,
        template_code=TEMPLATE,
        project_name=UNIT,
    )


def demo_post(evaluation, seed: dict, **changes) -> dict:
    """What the edit page posts once the demo's figures and lines are typed into `evaluation`."""
    data = {
        "version": str(evaluation.version),
        "title": seed["title"],
        "project_name": seed["project_name"],
        "preparer": "",
        "preparer_phone": "",
        "fill_date": "2020-07-15",
    }
    data.update({name.replace(".", "__"): value for name, value in seed["basic_data"].items()})
    t = evaluation.template_def
    data.update(
        lines_post(
            [
                {
                    "level1": line["level1"],
                    "level2": line["level2"],
                    "level3": line["level3"],
                    "weight": line["weight"],
                    "score": line.get("score", ""),
                    "score_reason": line.get("score_reason", ""),
                    "deviation": line.get("deviation_note", ""),
                    "rule_key": line.get("rule_key", ""),
                    "criteria": (
                        t.common_indicator(line["rule_key"]).criteria
                        if line.get("rule_key")
                        else line.get("criteria", "")
                    ),
                    "ORDER": i + 1,
                }
                for i, line in enumerate(seed["indicators"])
            ]
        )
    )
    data.update(changes)
    return data


# -- a new form --------------------------------------------------------------------------------


def test_a_new_form_starts_with_the_common_indicators_and_their_weights(blank):
    lines = list(blank.indicator_lines.order_by("order"))
    assert [line.level3 for line in lines[:3]] == [
        "财政供养人员控制率",
        "“三公经费”变动率",
        "重点支出安排率",
    ]
    assert sum(line.weight for line in lines) == 55  # 投入 15 + 过程 40
    assert all(line.rule_key for line in lines)
    # Nothing typed yet: every formula names the 基础数据 it waits for.
    result = scoring.evaluation_score(with_lines(Evaluation.objects.filter(pk=blank.pk)).get())
    assert result.lines[0].suggested is None
    assert (
        result.lines[0].basis
        == "请先在基础数据表中填写：财政供养人员·上年实际在职人数、财政供养人员·编制数。"
    )


def test_submitting_without_the_basic_data_says_what_is_missing(blank):
    full = with_lines(Evaluation.objects.filter(pk=blank.pk)).get()
    problems = scoring.submission_problems(full)
    assert (
        "投入/预算配置 · 第1行 财政供养人员控制率：请先在基础数据表中填写："
        "财政供养人员·上年实际在职人数、财政供养人员·编制数。" in problems
    )
    assert "过程/预算执行 · 第2行 支付进度：请按评分标准填写自评得分。" in problems


# -- the entry page ----------------------------------------------------------------------------


def test_the_demo_figures_typed_on_the_edit_page_read_back(client, blank):
    login(client, "taoyuan_tianbao")
    seed = demo_seed()
    response = client.post(reverse("evaluation_edit", args=[blank.pk]), demo_post(blank, seed))
    assert response.status_code == 302, response.content.decode()[:3000]

    stored = {
        f"{c.row_key}.{c.column_key}": c.value
        for c in BasicDataLine.objects.filter(evaluation=blank)
    }
    assert stored == {name: Decimal(value) for name, value in seed["basic_data"].items()}
    ev = with_lines(Evaluation.objects.filter(pk=blank.pk)).get()
    lines = list(ev.indicator_lines.all())
    assert [line.level3 for line in lines] == [line["level3"] for line in seed["indicators"]]
    assert lines[0].score == 5 and lines[0].score_reason.startswith("年末实有36人")
    assert lines[18].deviation.startswith("全年门诊人次为8.28万人次")

    result = scoring.evaluation_score(ev)
    assert result.lines[0].suggested == 0  # 36 ÷ 26 = 138.46 %: 19.23 off 5 → 0
    assert result.total == Decimal("96.00") and result.grade == "优"

    page = client.get(reverse("evaluation_edit", args=[blank.pk])).content.decode()
    assert 'name="staff__actual"' in page and 'value="36"' in page  # persons: whole numbers
    assert "138.46%" in page  # 控制率, derived
    assert "计算值138.46%，高于100%共38.46个百分点" in page


def test_bad_figures_are_refused_in_chinese_and_nothing_is_saved(client, blank):
    login(client, "taoyuan_tianbao")
    url = reverse("evaluation_edit", args=[blank.pk])
    seed = demo_seed()
    response = client.post(
        url, demo_post(blank, seed, staff__quota="26.5", sangong__last_actual="九")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "人数应为整数。" in page
    assert "请输入数字（单位：万元），例如 11431.62。" in page
    assert 'value="九"' in page  # what was typed stays on the page
    assert not BasicDataLine.objects.filter(evaluation=blank).exists()


def test_a_claim_against_the_formula_needs_its_reason(client, blank):
    login(client, "taoyuan_tianbao")
    seed = demo_seed()
    response = client.post(
        reverse("evaluation_edit", args=[blank.pk]),
        demo_post(blank, seed, **{"lines-0-score_reason": ""}),
        follow=True,
    )
    # Saved (a draft always is), and listed until the reason is given.
    assert "投入/预算配置 · 第1行 财政供养人员控制率：自评得分5分与建议得分0分不同，" in (
        response.content.decode()
    )
    assert BasicDataLine.objects.filter(evaluation=blank).exists()


def test_a_line_scored_by_the_unit_needs_no_reason_but_a_deduction_needs_its_explanation(
    client, blank
):
    login(client, "taoyuan_tianbao")
    seed = demo_seed()
    # 支付进度 (line 5) has no published rule: the unit's 2 of 3 stands without a claim reason …
    post = demo_post(blank, seed, **{"lines-4-score": "2", "lines-4-deviation": ""})
    assert client.post(reverse("evaluation_edit", args=[blank.pk]), post).status_code == 302
    ev = with_lines(Evaluation.objects.filter(pk=blank.pk)).get()
    # … but a line scored below its weight must say why before the form can be submitted.
    assert any(
        p.startswith("过程/预算执行 · 第2行 支付进度：") and "扣分原因" in p
        for p in scoring.submission_problems(ev)
    )


def test_outsiders_get_404_and_a_reviewer_may_not_edit(client, demo):
    for username in ("shule_shenhe", "kashi_chakan", "bazhou_tianbao"):
        client.logout()
        login(client, username)
        for name in ("evaluation_detail", "evaluation_edit", "evaluation_pdf", "evaluation_xlsx"):
            assert client.get(reverse(name, args=[demo.pk])).status_code == 404, (username, name)
    client.logout()
    login(client, "taoyuan_shenhe")
    assert client.get(reverse("evaluation_edit", args=[demo.pk])).status_code == 403
    assert client.get(reverse("evaluation_detail", args=[demo.pk])).status_code == 200


def test_the_detail_page_shows_both_tables_and_both_scores(client, demo):
    login(client, "taoyuan_shenhe")
    page = client.get(reverse("evaluation_detail", args=[demo.pk])).content.decode()
    assert "部门整体支出绩效评价指标表" in page
    assert "部门整体支出绩效评价基础数据表" in page
    assert "138.46%" in page and "13.94" in page
    assert "建议总分 <strong>91</strong>" in page
    assert "打印的总分 <strong>96</strong>（优）" in page


# -- printing ----------------------------------------------------------------------------------


def test_pdf_holds_both_tables_with_their_values_and_embedded_fonts(demo):
    data = pdf_bytes(form_data(demo))
    reader = PdfReader(BytesIO(data))
    texts = [norm(page.extract_text()) for page in reader.pages]
    whole = "".join(texts)
    for value in (
        "部门整体支出绩效评价指标表",
        "财政供养人员控制率",
        "每超过1个百分点扣0.5分",
        "全年门诊人次为8.28万人次",
        "96",
        "部门整体支出绩效评价基础数据表",
        "公务用车购置和维护经费",
        "13.94",
        "20",  # typed "20": printed as typed
        "9.87",
        "138.46%",
        "2344.31",
    ):
        assert norm(value) in whole, value
    # The 基础数据表 starts on a page of its own, after the 指标表.
    first_basic = next(i for i, t in enumerate(texts) if "部门整体支出绩效评价基础数据表" in t)
    assert first_basic > 0 and "财政供养人员控制率" not in texts[first_basic]
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor)


def test_pdf_numbers_the_pages_of_both_tables_as_one_file(demo):
    reader = PdfReader(BytesIO(pdf_bytes(form_data(demo))))
    total = len(reader.pages)
    assert total >= 3
    for number, page in enumerate(reader.pages, start=1):
        assert f"第{number}页共{total}页" in norm(page.extract_text()), number


def test_a_table_taking_another_page_than_predicted_is_numbered_by_its_real_pages(
    demo, monkeypatch
):
    """The basic-data table predicted on one page more than it takes: the numbering follows the
    pages laid out, not the prediction."""
    real_predict = pdf._predict_pages
    monkeypatch.setattr(
        pdf,
        "_predict_pages",
        lambda form: (
            {**real_predict(form), -1: 5} if "基础数据" in form.grid.title else real_predict(form)
        ),
    )
    reader = PdfReader(BytesIO(pdf_bytes(form_data(demo))))
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert f"第{number}页共{total}页" in norm(page.extract_text()), number


def test_excel_has_a_sheet_per_table_with_merges_and_real_numbers(demo):
    buffer = BytesIO()
    write_xlsx(form_data(demo), buffer)
    wb = openpyxl.load_workbook(BytesIO(buffer.getvalue()))
    assert wb.sheetnames == ["部门整体支出绩效评价指标表", "部门整体支出绩效评价基础数据表"]

    indicators, basic = wb.worksheets
    values = [c.value for row in indicators.iter_rows() for c in row if c.value is not None]
    assert "财政供养人员控制率" in values and 96 in values
    # 投入 spans its three lines in the 一级指标 column.
    merged = {str(r) for r in indicators.merged_cells.ranges}
    top = next(c for row in indicators.iter_rows() for c in row if c.value == "投入（15分）")
    assert f"{top.coordinate}:{top.column_letter}{top.row + 2}" in merged

    cells = {c.value: c for row in basic.iter_rows() for c in row if isinstance(c.value, str)}
    sangong = cells["三公经费"].row
    row_values = [c.value for c in basic[sangong] if c.value is not None]
    assert row_values == ["三公经费", 13.94, 20, 9.87]  # numbers, not text
    staff = cells["财政供养人员"].row
    rate = [c for c in basic[staff] if c.number_format == "0.00%"][0]
    assert abs(rate.value - 36 / 26) < 1e-9
    caption = cells["经费控制情况"]
    assert f"{caption.coordinate}:{caption.column_letter}{caption.row + 15}" in {
        str(r) for r in basic.merged_cells.ranges
    }


def test_a_workbook_of_many_forms_keeps_both_tables_named_after_the_form(demo):
    buffer = BytesIO()
    write_xlsx_many([form_data(demo)], buffer)
    wb = openpyxl.load_workbook(BytesIO(buffer.getvalue()))
    assert wb.sheetnames == [f"{UNIT}·指标表", f"{UNIT}·基础数据表"]
    assert 2344.31 in [c.value for row in wb.worksheets[1].iter_rows() for c in row]


def test_the_grid_of_the_basic_data_keeps_empty_cells_empty(demo):
    _, basic = build_grids(form_data(demo))
    public_office = next(r for r in basic.rows if r.cells[0].text.endswith("办公经费"))
    assert [c.text for c in public_office.cells[1:]] == ["", "", ""]


def test_the_exported_form_imported_by_another_unit_shows_the_same_figures(client, demo):
    buffer = BytesIO()
    write_xlsx(form_data(demo), buffer)
    login(client, "shule_tianbao")

    response = client.post(
        reverse("evaluation_import"),
        {
            "year": demo.year.pk,
            "file": SimpleUploadedFile(f"{UNIT}.xlsx", buffer.getvalue()),
        },
    )

    copy = Evaluation.objects.exclude(pk=demo.pk).get(template=TEMPLATE)
    assert response.status_code == 302 and copy.unit.name == "疏勒县医疗保障局"
    assert copy.status == Evaluation.Status.DRAFT
    page = client.get(reverse("evaluation_detail", args=[copy.pk])).content.decode()
    assert "部门整体支出绩效评价基础数据表" in page
    assert "138.46%" in page and "13.94" in page and "2344.31" in page
    assert "建议总分 <strong>91</strong>" in page
    assert "打印的总分 <strong>96</strong>（优）" in page


# -- the selector the 自评报告 drafts from ------------------------------------------------------


def test_department_figures_quote_the_stored_tables(demo):
    figures = department_figures(demo)
    assert figures["unit"] == UNIT and figures["year"] == 2019
    assert figures["staff"] == {
        "quota": Decimal(26),
        "actual": Decimal(36),
        "control_rate": Decimal("138.46"),
    }
    sangong = figures["sangong"]
    assert (sangong["budget"], sangong["actual"], sangong["previous_actual"]) == (
        Decimal(20),
        Decimal("9.87"),
        Decimal("13.94"),
    )
    assert sangong["change"] == Decimal("-4.07")  # 比上年减少4.07万元
    assert sangong["change_rate"] == Decimal("-29.20")
    assert sangong["control_rate"] == Decimal("49.35")
    assert sangong["items"]["reception"]["actual"] == Decimal("9.87")
    assert figures["budget"]["completion_rate"] == Decimal("100.00")
    assert figures["score"] == {
        "suggested_total": Decimal("91.00"),
        "total": Decimal("96.00"),
        "grade": "优",
    }
    first = figures["indicators"][0]
    assert (first["level3"], first["suggested"], first["score"]) == ("财政供养人员控制率", 0, 5)


def test_department_figures_refuse_another_template(db):
    load_demo()
    other = with_lines(Evaluation.objects.exclude(template=TEMPLATE)).first()
    with pytest.raises(ValueError):
        department_figures(other)


def test_the_demo_unit_lives_under_hunan_changde_taoyuan(demo):
    unit = Unit.objects.get(name=UNIT)
    assert unit.region.full_name == "湖南省 / 常德市 / 桃源县"
    assert demo.status == "submitted"


# -- 部分退回 of a 部门整体 form ----------------------------------------------------------------


def _edit_post(evaluation, **changes) -> dict:
    """The edit page's POST with nothing changed (the 基础数据表 included), then `changes`."""
    from evaluations.forms import BasicDataForm
    from tests.evaluations.helpers import edit_post

    data = edit_post(evaluation)
    data.update({k: str(v) for k, v in BasicDataForm.initial_for(evaluation).items()})
    data.update(changes)
    return data


def test_a_partial_return_keeps_the_basic_data_locked_unless_the_funds_are_sent_back(client, demo):
    # The reviewer sends back only the 其他 section (填表人, 电话, 日期); the 基础数据表 goes with the
    # 资金 section, which stays locked.
    login(client, "taoyuan_shenhe")
    url = reverse("evaluation_transition", args=[demo.pk, "return"])
    data = {"reason": "请补充填表人", "version": demo.version, "part": ["other"]}
    client.post(url, {**data, "part-comment-other": "请填写填表人和电话"})
    client.logout()
    demo.refresh_from_db()
    assert demo.status == Evaluation.Status.RETURNED
    stored = {(c.row_key, c.column_key): c.value for c in demo.basic_data.all()}

    login(client, "taoyuan_tianbao")
    page = client.get(reverse("evaluation_edit", args=[demo.pk])).content.decode()
    staff = re.search(r'<input[^>]*name="staff__quota"[^>]*>', page).group(0)
    assert "readonly" in staff

    # A crafted POST changing 编制数 is refused, names the 基础数据表 and stores nothing.
    response = client.post(
        reverse("evaluation_edit", args=[demo.pk]), _edit_post(demo, staff__quota="40")
    )
    assert response.status_code == 409
    assert "基础数据表" in response.content.decode()
    demo.refresh_from_db()
    assert {(c.row_key, c.column_key): c.value for c in demo.basic_data.all()} == stored

    # What was sent back can change, and the 基础数据表 stays as stored.
    response = client.post(
        reverse("evaluation_edit", args=[demo.pk]), _edit_post(demo, preparer="李会计")
    )
    assert response.status_code == 302
    demo.refresh_from_db()
    assert demo.preparer == "李会计"
    assert {(c.row_key, c.column_key): c.value for c in demo.basic_data.all()} == stored
