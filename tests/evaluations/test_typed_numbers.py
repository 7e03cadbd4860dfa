"""Numbers as typed: amounts keep the clerk's decimals (up to four) on the page, in the PDF and
in Excel, the PDF and Excel print every figure alike, head counts are whole, and amount parsing
refuses what only Python would read as a number."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from evaluations.models import Evaluation
from evaluations.selectors import with_lines
from tests.conftest import PASSWORD
from tests.evaluations.helpers import edit_post, make_project_form


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def pdf_text(client, ev) -> str:
    response = client.get(reverse("evaluation_pdf", args=[ev.pk]))
    data = b"".join(response.streaming_content)
    return "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages).replace(" ", "")


def xlsx_numbers(client, ev) -> dict:
    """Every number cell of the first sheet: value → number format."""
    response = client.get(reverse("evaluation_xlsx", args=[ev.pk]))
    ws = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content))).active
    return {c.value: c.number_format for row in ws.iter_rows() for c in row if c.data_type == "n"}


@pytest.fixture
def project(cast):
    lines = [("产出指标", "数量指标", "培训人次", "≥100人次", "120人次", "15", None)]
    return make_project_form(cast, lines)


def test_amounts_keep_the_decimals_the_clerk_typed_on_page_pdf_and_excel(client, cast, project):
    login(client, cast.preparer)
    post = edit_post(project, total__budget="4000", total__actual="89.974", current__budget="12.50")
    assert client.post(reverse("evaluation_edit", args=[project.pk]), post).status_code == 302

    total = project.fund_lines.get(row_key="total")
    assert (str(total.budget), str(total.actual)) == ("4000", "89.974")
    page = client.get(reverse("evaluation_edit", args=[project.pk])).content.decode()
    assert 'value="4000"' in page and 'value="89.974"' in page and 'value="12.50"' in page

    text = pdf_text(client, project)
    assert "4000" in text and "4000.00" not in text
    assert "89.974" in text and "12.50" in text

    numbers = xlsx_numbers(client, project)
    assert numbers[4000] == "0"
    assert numbers[89.974] == "0.000"
    assert numbers[12.5] == "0.00"


def test_pdf_and_excel_print_rates_and_scores_alike(client, cast, project):
    """9 and 9, 99.1% and 99.1%, 93 and 93: never 9.00 or 99.10% on one side only."""
    login(client, cast.preparer)
    post = edit_post(project, total__budget="1000", total__actual="991", budget_score="9")
    post["budget_score_reason"] = "按执行进度酌情扣分"
    assert client.post(reverse("evaluation_edit", args=[project.pk]), post).status_code == 302

    text = pdf_text(client, project)
    numbers = xlsx_numbers(client, project)
    assert "99.1%" in text and "99.10%" not in text
    assert [f for v, f in numbers.items() if v == pytest.approx(0.991)] == ["0.0%"]
    assert numbers[9] == "0"  # 得分 9: as the PDF prints it, not 9.00
    ev = with_lines(Evaluation.objects.filter(pk=project.pk)).get()
    assert ev.budget_score == 9


@pytest.mark.parametrize("typed", ["12 34", "1_000", "1E+2", "1e2", "١٢٣", "۱۲", "1,2,3"])
def test_amounts_python_would_read_but_people_do_not_write_are_refused(
    client, cast, project, typed
):
    login(client, cast.preparer)
    post = edit_post(project, total__budget=typed, goal_actual="这段文字不会丢")
    response = client.post(reverse("evaluation_edit", args=[project.pk]), post)
    page = response.content.decode()
    assert response.status_code == 400
    assert "请输入数字（单位：万元），例如 11431.62。" in page
    assert "这段文字不会丢" in page
    assert project.fund_lines.get(row_key="total").budget == Decimal("100")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("１１，４３１．６２", "11431.62"), ("11,431.6", "11431.6"), (" 4000 ", "4000")],
)
def test_full_width_digits_and_thousands_separators_stay_accepted(
    client, cast, project, typed, stored
):
    login(client, cast.preparer)
    post = edit_post(project, total__budget=typed)
    assert client.post(reverse("evaluation_edit", args=[project.pk]), post).status_code == 302
    assert str(project.fund_lines.get(row_key="total").budget) == stored
