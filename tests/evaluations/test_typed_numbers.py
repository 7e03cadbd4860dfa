"""Numbers as typed: amounts keep the clerk's decimals (up to four) and points theirs (up to two)
on the page, in the PDF and in Excel, the PDF and Excel print every figure alike, head counts are
whole, and amount parsing refuses what only Python would read as a number."""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from evaluations.history import TYPED_POINTS, snapshot
from evaluations.models import Evaluation, Submission
from evaluations.selectors import with_lines
from tests.conftest import PASSWORD
from tests.evaluations.helpers import edit_post, make_project_form


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def pdf_text(client, ev) -> str:
    response = client.get(reverse("evaluation_pdf", args=[ev.pk]))
    data = b"".join(response.streaming_content)
    return "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages).replace(" ", "")


def xlsx_number_cells(client, ev) -> list[tuple[float, str]]:
    """Every number cell of the first sheet: (value, number format)."""
    response = client.get(reverse("evaluation_xlsx", args=[ev.pk]))
    ws = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content))).active
    return [(c.value, c.number_format) for row in ws.iter_rows() for c in row if c.data_type == "n"]


def xlsx_numbers(client, ev) -> dict:
    """Every number cell of the first sheet: value → number format."""
    return dict(xlsx_number_cells(client, ev))


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


def page_numbers(client, ev) -> list[str]:
    """The number cells of the form as the read-only page prints it."""
    page = client.get(reverse("evaluation_detail", args=[ev.pk])).content.decode()
    return re.findall(r'<td class="k-number"[^>]*>([^<]*)</td>', page)


def typed_points_post(project, *, score: str) -> dict:
    post = edit_post(project, budget_score="8.50", budget_score_reason="部分资金年末才拨付")
    post["lines-0-weight"] = "15.0"
    post["lines-0-score"] = score
    post["lines-0-score_reason"] = "培训质量未达预期" if score else ""
    return post


def test_points_keep_the_decimals_the_clerk_typed_on_page_pdf_and_excel(client, cast, project):
    login(client, cast.preparer)
    post = typed_points_post(project, score="9.50")
    assert client.post(reverse("evaluation_edit", args=[project.pk]), post).status_code == 302

    ev = with_lines(Evaluation.objects.filter(pk=project.pk)).get()
    line = ev.indicator_lines.get()
    assert (str(line.weight), str(line.score), str(ev.budget_score)) == ("15.0", "9.50", "8.50")
    page = client.get(reverse("evaluation_edit", args=[project.pk])).content.decode()
    assert 'value="15.0"' in page and 'value="9.50"' in page and 'value="8.50"' in page

    # 8.50 + 9.50: the 总分 is computed and prints as before.
    assert {"15.0", "9.50", "8.50", "18"} <= set(page_numbers(client, project))
    text = pdf_text(client, project)
    assert "15.0" in text and "9.50" in text and "8.50" in text

    numbers = xlsx_numbers(client, project)
    assert numbers[15] == "0.0"
    assert numbers[9.5] == "0.00"
    assert numbers[8.5] == "0.00"
    assert numbers[18] == "0"


def test_a_suggested_score_prints_as_computed_whatever_was_typed_before(client, cast, project):
    login(client, cast.preparer)
    url = reverse("evaluation_edit", args=[project.pk])
    assert client.post(url, typed_points_post(project, score="9.50")).status_code == 302
    project.refresh_from_db()
    assert client.post(url, typed_points_post(project, score="")).status_code == 302

    # 120人次 against ≥100人次: the suggested 15, printed 15 beside the typed 分值 15.0.
    numbers = page_numbers(client, project)
    assert numbers.count("15.0") == 1 and "15" in numbers and "9.50" not in numbers
    cells = xlsx_number_cells(client, project)
    assert sorted(fmt for value, fmt in cells if value == 15) == ["0", "0.0"]


def test_a_form_stored_before_typed_points_prints_and_saves_as_before(client, cast, project):
    """Its 分值 was stored as 15.00 and printed 15: the page shows 15 and a save keeps it so."""
    login(client, cast.preparer)
    page = client.get(reverse("evaluation_edit", args=[project.pk])).content.decode()
    assert 'name="lines-0-weight" value="15"' in page.replace('inputmode="decimal" ', "")
    post = edit_post(project)
    assert client.post(reverse("evaluation_edit", args=[project.pk]), post).status_code == 302

    text = pdf_text(client, project)
    assert "15.00" not in text and "15.0" not in text
    assert xlsx_numbers(client, project)[15] == "0"


def test_a_form_submitted_before_typed_points_shows_no_change_of_its_points(client, cast, project):
    """Its submission holds 分值 as stored then (15.00, printed 15); saved again as it stands,
    the history names what did change and not the points."""
    then = snapshot(with_lines(Evaluation.objects.filter(pk=project.pk)).get())
    del then[TYPED_POINTS]
    then["lines"][0]["weight"] = "15.00"
    Submission.objects.create(evaluation=project, version=1, content=then)
    login(client, cast.preparer)
    post = edit_post(project)
    post["lines-0-actual"] = "130人次"
    assert client.post(reverse("evaluation_edit", args=[project.pk]), post).status_code == 302
    now = snapshot(with_lines(Evaluation.objects.filter(pk=project.pk)).get())
    Submission.objects.create(evaluation=project, version=2, content=now)

    login(client, cast.reviewer)
    page = client.get(reverse("evaluation_history", args=[project.pk])).content.decode()
    assert "第1行（培训人次）·实际完成值" in page
    assert "·分值" not in page


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
