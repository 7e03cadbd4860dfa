"""结果应用 (grade → suggested next-year action, with its basis and the decision recorded) and
公开 (a unit's approved forms and 汇总表 as one PDF and one workbook), read back."""

import shutil
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.models import AuditEvent
from evaluations.models import Membership, Unit
from followup import services
from followup.models import ResultDecision
from followup.selectors import previous_decision, result_table
from tests.conftest import make_user
from tests.evaluations.test_export_pdf import norm, pdf_text
from tests.evaluations.test_scoring_on_forms import login, text_of

D = Decimal
needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")


@pytest.fixture
def rules(cast):
    """The published examples, set by the province; the county sharpens 中."""
    xj = cast.regions.xj
    province = Unit.objects.create(
        name="自治区财政厅", region=xj, kind=Unit.Kind.FINANCE, reviews_subregions=True
    )
    finance = make_user("xj_finance", province, Membership.Role.REVIEWER)
    for grade, action, low, high in (
        ("优", "保持或优先保障", None, None),
        ("中", "压减预算", D(-10), D(-5)),
        ("差", "压减预算或取消", D(-50), D(-50)),
    ):
        services.result_rule_set(
            user=finance,
            region=xj,
            grade=grade,
            action=action,
            change_from=low,
            change_to=high,
            source="自治区绩效评价结果应用办法",
        )


def test_grades_become_suggestions_with_their_basis(cast, approved, rules):
    rows = {
        r.evaluation.project_name: r
        for r in result_table(cast.reviewer, cast.year, cast.regions.shule)
    }
    training = rows["医保经办业务培训"]
    assert (training.total, training.grade) == (D("62.00"), "中")
    assert training.suggestion == "压减预算（预算调整-10%至-5%）"
    assert training.basis == (
        "自评得分62分，等级“中”；新疆维吾尔自治区结果应用规则：中 → 压减预算（预算调整-10%至-5%）"
        "（自治区绩效评价结果应用办法）"
    )
    assert rows["医保信息系统运维"].suggestion == "保持或优先保障"


def test_a_re_scored_form_is_applied_by_its_review_total(cast, approved, rules):
    from tests.followup.test_review import draw, rescore

    sample = draw(cast, "manual", picked=[approved.training.pk])
    review = sample.reviews.get()
    rescore(cast, review, [D(0), D(10), D(10)], reasons={0: "未开展", 1: "无佐证"}, budget=D(9))
    rows = {
        r.evaluation.project_name: r
        for r in result_table(cast.reviewer, cast.year, cast.regions.shule)
    }
    assert (rows["医保经办业务培训"].total, rows["医保经办业务培训"].grade) == (D(29), "差")
    assert rows["医保经办业务培训"].scored_by == "复核"
    assert rows["医保经办业务培训"].suggestion == "压减预算或取消（预算调整-50%）"


@needs_pdftotext
def test_the_suggestion_table_as_excel_and_pdf(client, cast, approved, rules, tmp_path):
    login(client, cast.reviewer)
    query = f"?year={cast.year.pk}&region={cast.regions.shule.pk}"
    response = client.get(reverse("followup:results_export", args=["xlsx"]) + query)
    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert ws["A1"].value == "疏勒县2020年度绩效评价结果应用建议表"
    rows = {row[2]: row for row in ws.iter_rows(min_row=3, values_only=True) if row[2]}
    assert rows["医保经办业务培训"][3:7] == (100, 62, "中", "压减预算（预算调整-10%至-5%）")
    assert ws.cell(row=3, column=4).number_format == "0.00"
    assert ws.cell(row=3, column=4).data_type == "n"

    response = client.get(reverse("followup:results_export", args=["pdf"]) + query)
    text = norm(pdf_text(b"".join(response.streaming_content), tmp_path))
    assert "疏勒县2020年度绩效评价结果应用建议表" in text
    assert "压减预算（预算调整-10%至-5%）" in text
    assert (
        AuditEvent.objects.filter(action="export_forms", detail__export="result_use").count() == 2
    )


def test_the_decision_is_recorded_and_shown_next_year(client, cast, approved, rules):
    from evaluations.models import Evaluation, Year

    login(client, cast.reviewer)
    client.post(
        reverse("followup:decision", args=[approved.training.pk]),
        {"suggestion": "压减预算", "decision": "2021年预算压减8%"},
    )
    assert ResultDecision.objects.get().decision == "2021年预算压减8%"
    query = f"?year={cast.year.pk}&region={cast.regions.shule.pk}"
    page = client.get(reverse("followup:results") + query).content.decode()
    assert 'value="2021年预算压减8%"' in page

    next_year = Year.objects.create(year=2021)
    copy = Evaluation.objects.get(pk=approved.training.pk)
    copy.pk, copy.year, copy.status = None, next_year, Evaluation.Status.DRAFT
    copy.save()
    assert previous_decision(copy).decision == "2021年预算压减8%"
    login(client, cast.preparer)
    page = text_of(client.get(reverse("evaluation_detail", args=[copy.pk])))
    assert "上年度结果应用：2020年度自评后的决定为“2021年预算压减8%”（建议：压减预算）。" in page
    # The form it was decided on does not repeat its own decision.
    page = text_of(client.get(reverse("evaluation_detail", args=[approved.training.pk])))
    assert "上年度结果应用" not in page


def test_viewers_read_the_table_and_units_may_not(client, cast, approved, rules):
    login(client, cast.viewer)
    page = client.get(reverse("followup:results"))
    assert page.status_code == 200 and "记录" not in text_of(page)
    login(client, cast.preparer)
    assert client.get(reverse("followup:results")).status_code == 403
    assert client.get(reverse("followup:results_export", args=["xlsx"])).status_code == 403


@needs_pdftotext
def test_the_disclosure_package_as_one_pdf_and_one_workbook(client, cast, approved, tmp_path):
    login(client, cast.preparer)
    query = f"?year={cast.year.pk}&unit={cast.bureau.pk}&hide_phones=on"
    response = client.get(reverse("followup:disclosure_export", args=["pdf"]) + query)
    data = b"".join(response.streaming_content)
    reader = PdfReader(BytesIO(data))
    assert [o.title for o in reader.outline] == [
        "自评结果公开汇总表",
        "医保信息系统运维",
        "医保经办业务培训",
        "宣传资料印制",
    ]
    text = norm(pdf_text(data, tmp_path))
    assert "疏勒县医疗保障局2020年度项目支出绩效自评结果公开汇总表" in text
    assert "医保信息系统运维500.00100优" in text
    assert "13912345678" not in text

    response = client.get(reverse("followup:disclosure_export", args=["xlsx"]) + query)
    wb = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames[0] == "自评结果公开汇总表"
    summary = wb.worksheets[0]
    rows = [r for r in summary.iter_rows(min_row=3, max_row=5, values_only=True)]
    assert rows[0][1:] == ("医保信息系统运维", 500, 100, "优")
    assert len(wb.sheetnames) == 4
    cells = [c.value for ws in wb.worksheets[1:] for row in ws.iter_rows() for c in row]
    assert not any("13912345678" in str(v) for v in cells if v)


@needs_pdftotext
def test_phones_stay_when_not_asked_to_leave_them_out(client, cast, approved, tmp_path):
    login(client, cast.preparer)
    query = f"?year={cast.year.pk}&unit={cast.bureau.pk}"
    response = client.get(reverse("followup:disclosure_export", args=["pdf"]) + query)
    assert "13912345678" in norm(pdf_text(b"".join(response.streaming_content), tmp_path))


def test_a_unit_publishes_only_its_own_forms(client, cast, approved):
    login(client, cast.other_preparer)
    query = f"?year={cast.year.pk}&unit={cast.bureau.pk}"
    page = client.get(reverse("followup:disclosure") + query)
    assert "医保经办业务培训" not in text_of(page)
    assert (
        client.get(reverse("followup:disclosure_export", args=["xlsx"]) + query).status_code == 404
    )
