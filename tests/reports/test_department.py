"""The 自评报告 of a 部门整体支出 form (the demo's 桃源县 form, composed from seed 002): its own
outline, drafted from the 基础数据表 and 指标表, each figure stated once."""

import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from demo.loaders import load_demo
from evaluations.demo import DEMO_PASSWORD
from evaluations.models import BasicDataLine, Evaluation
from reports.drafting import (
    DEPARTMENT_CODE,
    ReportFigures,
    draft_department_basic,
    draft_department_conclusion,
    draft_department_problems,
    draft_department_spending,
)
from reports.exports.docx import write_docx
from reports.exports.pdf import report_pdf_bytes
from reports.selectors import report_view
from reports.services import report_save
from tests.reports.helpers import fresh

UNIT = "桃源县城镇职工医疗保险管理服务中心"


@pytest.fixture
def demo(db):
    load_demo()
    ev = Evaluation.objects.get(template="department_wide_yueyang", unit__name=UNIT)
    # Reopen the form (the demo submits it) so its report can be edited.
    Evaluation.objects.filter(pk=ev.pk).update(status=Evaluation.Status.DRAFT)
    return fresh(ev)


def text_of(view) -> str:
    return "\n".join(s.text for s in view.sections)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_outline_follows_seed_002(demo):
    view = report_view(demo)
    assert [s.definition.title for s in view.sections] == [
        "",
        "一、部门（单位）基本情况",
        "二、部门整体支出管理及使用情况",
        "三、部门整体支出绩效情况",
        "四、绩效自评结论",
        "五、存在的主要问题",
        "六、改进措施",
    ]
    assert view.missing_required() == []


def test_each_figure_is_stated_once_and_as_stored(demo):
    view = report_view(demo)
    text = text_of(view)
    basic = view.section("dept_basic").text
    # 控制率 36 ÷ 26 × 100 = 138.4615… → 138.46%
    assert "核定编制26人，2019年末实际在职36人，财政供养人员控制率138.46%。" in basic
    spending = view.section("dept_spending").text
    # 9.87 − 13.94 = −4.07 (a fall); −4.07 ÷ 13.94 × 100 = −29.196… → 下降29.2%;
    # 控制率 9.87 ÷ 20 × 100 = 49.35%
    assert (
        "“三公经费”预算（控制数）20.00万元，决算9.87万元，比上年（决算13.94万元）减少4.07万元，"
        "下降29.2%，“三公经费”控制率49.35%。"
    ) in spending
    # (41.42 + 2344.31 + 0 − 0) ÷ (41.42 + 2344.31 + 0) = 100%
    assert "上年结转41.42万元，年初预算2344.31万元" in spending
    assert "全年支出2385.73万元" in spending and "预算完成率100%" in spending
    # The 公务接待 item equals the whole 三公经费: named, its amounts not repeated.
    assert "“三公经费”全部为公务接待" in spending
    conclusion = view.section("conclusion").text
    assert "自评总分96分（满分100分），自评等级为“优”" in conclusion
    # Seed 002 quoted 基本支出 as 400.78 in one paragraph and 290.61 in another; drafted from
    # one set of figures, each appears exactly once in the whole report.
    for figure in (
        "26人",
        "36人",
        "138.46%",
        "20.00万元",
        "9.87万元",
        "13.94万元",
        "4.07万元",
        "29.2%",
        "2385.73万元",
        "96分",
        "“优”",
    ):
        assert text.count(figure) == 1, figure
    # Typed notes restating the 基础数据 are not quoted (9.87 and 20 would appear twice).
    assert "在预算20万元以内" not in text
    # What lost points, as typed in 扣分原因和其他说明.
    problems = view.section("problems").text
    assert "1．“门诊人次”：全年门诊人次为8.28万人次，未达到8.8万人次的目标，扣0.3分。" in problems
    assert "“医疗基金收支平衡”" in problems and "“特殊人员医疗保障”" in problems
    assert "“门诊人次”得分0.7分（分值1分）" in view.section("dept_performance").text


def set_cell(ev, row, column, value):
    BasicDataLine.objects.filter(evaluation=ev, row_key=row, column_key=column).update(
        value=Decimal(value)
    )


def test_a_changed_basic_data_cell_redrafts_untouched_text_and_flags_edited_text(demo):
    user = demo.unit.members.get(role="preparer").user
    view = report_view(demo)
    edited = "“三公经费”决算9.87万元，比上年减少4.07万元。本单位严格执行公务接待标准。"
    report_save(
        evaluation_id=demo.pk,
        user=user,
        expected_version=view.version,
        figures_fingerprint=view.figures_fingerprint,
        texts={"dept_spending": edited, "improvements": "下一步加强基金监管。"},
    )
    before = report_view(fresh(demo))
    assert before.section("dept_spending").text == edited
    assert before.stale_sections == []

    # 前年决算数 13.94 → 14.94: 9.87 − 14.94 = −5.07; −5.07 ÷ 14.94 × 100 = −33.935… → 33.94%
    set_cell(demo, "sangong", "prev_actual", "14.94")
    after = report_view(fresh(demo))
    assert after.figures_fingerprint != before.figures_fingerprint
    spending = after.section("dept_spending")
    assert spending.edited and spending.stale and spending.text == edited
    assert "比上年（决算14.94万元）减少5.07万元，下降33.94%" in spending.draft.text
    # The edited 改进措施 did not draw on 三公经费: kept, not stale.
    assert not after.section("improvements").stale
    assert [s.key for s in after.stale_sections] == ["dept_spending"]

    # An untouched section follows the figures: 实际在职 36 → 30, 30 ÷ 26 × 100 = 115.38%.
    set_cell(demo, "staff", "actual", "30")
    basic = report_view(fresh(demo)).section("dept_basic")
    assert not basic.edited and not basic.stale
    assert "2019年末实际在职30人，财政供养人员控制率115.38%。" in basic.text


def test_pdf_and_docx_of_the_department_report(demo):
    reader = PdfReader(BytesIO(report_pdf_bytes(demo)))
    text = squash("".join(page.extract_text() for page in reader.pages))
    title = f"{UNIT}2019年度部门整体支出绩效自评报告"
    assert [item.title for item in reader.outline][0] == title and title in text
    for heading in (
        "一、部门（单位）基本情况",
        "二、部门整体支出管理及使用情况",
        "四、绩效自评结论",
    ):
        assert heading in text
    assert "核定编制26人，2019年末实际在职36人" in text
    assert "决算9.87万元，比上年（决算13.94万元）减少4.07万元" in text
    assert "自评总分96分（满分100分），自评等级为“优”" in text
    assert "附件：部门整体支出绩效评价指标表" in text

    buffer = BytesIO()
    write_docx(demo, buffer)
    doc = Document(BytesIO(buffer.getvalue()))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Title", title) in paragraphs
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings[:6] == [
        "一、部门（单位）基本情况",
        "二、部门整体支出管理及使用情况",
        "三、部门整体支出绩效情况",
        "四、绩效自评结论",
        "五、存在的主要问题",
        "六、改进措施",
    ]
    assert ("Heading 2", "（二）“三公经费”情况") in paragraphs
    body = "\n".join(text for _, text in paragraphs)
    assert body.count("9.87万元") == 1 and "比上年（决算13.94万元）减少4.07万元" in body
    # 附件: both tables of the form, as in the PDF.
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert "财政供养人员控制率" in cells and "138.46%" in cells and "三公经费" in cells


def test_the_report_page_shows_the_department_outline_to_its_unit_only(client, demo):
    assert client.login(username="taoyuan_tianbao", password=DEMO_PASSWORD)
    page = client.get(reverse("report_detail", args=[demo.pk])).content.decode()
    assert (
        "二、部门整体支出管理及使用情况" in page and "比上年（决算13.94万元）减少4.07万元" in page
    )
    client.logout()
    # A reviewer of another county does not see the form at all.
    assert client.login(username="bazhou_shenhe", password=DEMO_PASSWORD)
    for name in ("report_detail", "report_pdf", "report_docx"):
        assert client.get(reverse(name, args=[demo.pk])).status_code == 404


def department_figures_of(**extra) -> ReportFigures:
    return ReportFigures(
        template_code=DEPARTMENT_CODE,
        form_title="部门整体支出绩效评价指标表",
        year=2020,
        unit="某县某局",
        project_name="某县某局",
        extra={"unit": "某县某局", "year": 2020, **extra},
    )


def row(label, budget, actual, previous=None):
    d = Decimal
    return {
        "label": label,
        "budget": None if budget is None else d(budget),
        "actual": None if actual is None else d(actual),
        "previous_actual": None if previous is None else d(previous),
    }


def test_a_rise_in_sangong_is_stated_as_an_increase_with_each_item():
    sangong = {
        "budget": Decimal("30.00"),
        "actual": Decimal("25.50"),
        "previous_actual": Decimal("20.00"),
        # 25.50 − 20.00 = 5.50; 5.50 ÷ 20.00 × 100 = 27.5%; 25.50 ÷ 30.00 × 100 = 85%
        "change": Decimal("5.50"),
        "change_rate": Decimal("27.50"),
        "control_rate": Decimal("85.00"),
        "items": {
            "car": row("1、公务用车购置和维护经费", "20", "18"),
            "car_purchase": row("公车购置", "12", "12"),
            "car_running": row("公车运行维护", "8", "6"),
            "abroad": row("2、出国经费", "0", "0"),
            "reception": row("3、公务接待", "10", "7.5"),
        },
    }
    text = draft_department_spending(department_figures_of(sangong=sangong)).text
    assert "决算25.50万元，比上年（决算20.00万元）增加5.50万元，增长27.5%" in text
    assert (
        "其中：公务用车购置和维护经费预算20.00万元，决算18.00万元（其中：公车购置预算和决算均为"
        "12.00万元；公车运行维护预算8.00万元，决算6.00万元）；公务接待预算10.00万元，"
        "决算7.50万元；出国经费为零。"
    ) in text
    assert "基础数据表的预算执行情况尚未填写。" in text


def test_empty_basic_data_says_what_is_missing_and_the_total_waits():
    figures = department_figures_of(
        indicators=[
            {"level1": "投入", "level3": "财政供养人员控制率", "weight": Decimal(5), "score": None}
        ],
        score={"total": None, "grade": "", "suggested_total": None},
    )
    assert "编制数和实际在职人数尚未填写" in draft_department_basic(figures).text
    assert "“三公经费”尚未填写" in draft_department_spending(figures).text
    assert "尚有1个指标未确定得分" in draft_department_conclusion(figures).text
    assert "“财政供养人员控制率”：尚未确定得分。" in draft_department_problems(figures).text
