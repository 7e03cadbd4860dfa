"""Each form keeps its own wording, weights, stated figures, 注, 审核人 and 其他内容, and the PDF
and the Excel workbook print them as the form has them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from pypdf import PdfReader

from evaluations.exports.pdf import pdf_bytes
from evaluations.models import Evaluation, IndicatorLine
from evaluations.selectors import form_data, with_lines
from tests.conftest import make_evaluation
from workbooks.xlsx import write_xlsx


@pytest.fixture
def variant(cast):
    ev = make_evaluation(
        cast.preparer,
        cast.year,
        template="project_2020_measured",
        project_name="农村饮水安全巩固提升",
    )
    total = ev.fund_lines.get(row_key="total")
    total.set_amount("budget", Decimal("4000"))  # as typed
    total.set_amount("actual", Decimal("3964.2"))
    total.save()
    IndicatorLine.objects.create(
        evaluation=ev,
        order=0,
        level1="产出指标",
        level2="数量指标（指标）",
        level3="受益人口",
        nature="≥",
        target="95",
        measure_unit="%",
        actual="97%",
        weight=Decimal(70),
    )
    IndicatorLine.objects.create(
        evaluation=ev, order=1, level1="产出指标", level2="数量指标（指标）", level3="……", target=""
    )
    Evaluation.objects.filter(pk=ev.pk).update(
        header={"project_name__label": "转移支付（项目）名称", "competent_dept": "水利局"},
        wording={"goal_planned": "年初设定目标", "goal_actual": "年度总体目标完成情况综述"},
        header_extra=[{"label": "项目负责人及电话", "value": "王工 0998-6621234"}],
        level1_weights={"产出指标": "70", "效益指标": "20", "满意度指标": "10"},
        stated_figures={"fund.total.rate": "99.1%", "total": "93"},
        footnote_text="注：本表金额单位为万元。",
        signer_reviewer="赵审核",
        other_content=[{"source": "Sheet1!H3", "label": "绩效等级", "value": "优"}],
    )
    return with_lines(Evaluation.objects.filter(pk=ev.pk)).get()


EXPECTED = [
    "转移支付（项目）名称",
    "项目负责人及电话",
    "王工0998-6621234",
    "年初设定目标",
    "年度总体目标完成情况综述",
    "指标性质",
    "度量单位",
    "数量指标（指标）",
    "……",
    "产出指标（70分）",
    "99.1%",
    "4000",
    "3964.2",
    "93",
    "注：本表金额单位为万元。",
    "赵审核",
    "其他内容",
    "绩效等级",
]


def test_the_pdf_prints_the_forms_own_wording_and_stated_figures(variant):
    data = pdf_bytes(form_data(variant))
    pages = PdfReader(BytesIO(data)).pages
    text = "".join(p.extract_text() for p in pages).replace(" ", "").replace("\n", "")
    for value in EXPECTED:
        assert value.replace(" ", "") in text, value
    assert "产出指标（50分）" not in text and "4000.00" not in text
    assert "总分10093" in text  # 满分 of the stated 70/20/10, and the 总分 the form states


def test_the_workbook_keeps_the_same_values_and_the_three_indicator_columns(variant):
    buffer = BytesIO()
    write_xlsx(form_data(variant), buffer)
    ws = openpyxl.load_workbook(BytesIO(buffer.getvalue())).active
    texts = "".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    texts = texts.replace(" ", "")
    for value in EXPECTED:
        if value not in ("4000", "3964.2", "93", "99.1%"):
            assert value in texts, value
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    assert cells["≥"] and cells["%"]  # 指标性质 and 度量单位 in their own cells, 指标值 95 apart
    numbers = {c.value: c.number_format for c in cells.values() if c.data_type == "n"}
    assert numbers[4000] == "0" and numbers[3964.2] == "0.0"
    assert numbers[93] == "0"  # 总分 as the form states it
    assert [f for v, f in numbers.items() if v == pytest.approx(0.991)] == ["0.0%"]


def test_a_blank_reviewer_date_prints_blank(variant):
    assert variant.signer_reviewer_date is None
    grid_signature = dict(
        __import__("evaluations.exports.layout", fromlist=["x"])
        .build_grid(form_data(variant))
        .signature
    )
    assert grid_signature["审核人"] == "赵审核" and grid_signature["审核日期"] == ""
    assert date  # the date field takes a date when the form has one
