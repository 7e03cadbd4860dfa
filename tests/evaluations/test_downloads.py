"""PDF and Excel downloads from the form page: for everyone who may see the form, nobody else."""

from io import BytesIO

import openpyxl
import pytest
from django.core.cache import cache
from django.urls import reverse
from pypdf import PdfReader

from evaluations import services
from evaluations.exports.pdf import PRINT_LAYOUT_VERSION
from evaluations.models import Evaluation
from tests.conftest import PASSWORD, make_evaluation

LINES = [("项目完成指标", "数量指标", "保障城镇职工基本医疗待遇享受人数", "≥10万人", "128267")]


@pytest.fixture
def form(cast):
    return make_evaluation(
        cast.preparer, cast.year, project_name="城镇职工医保基金支出", lines=LINES
    )


def pdf_text(response) -> str:
    reader = PdfReader(BytesIO(b"".join(response.streaming_content)))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


@pytest.mark.parametrize("who", ["preparer", "reviewer", "viewer"])
def test_everyone_in_scope_downloads_the_pdf_and_the_workbook(client, cast, form, who):
    assert client.login(username=getattr(cast, who).username, password=PASSWORD)
    response = client.get(reverse("evaluation_pdf", args=[form.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "保障城镇职工基本医疗待遇享受人数" in pdf_text(response)

    response = client.get(reverse("evaluation_xlsx", args=[form.pk]))
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content))).active
    values = {c.value for row in sheet.iter_rows() for c in row}
    assert {"≥10万人", "128267"} <= values


@pytest.mark.parametrize("who", ["other_preparer", "other_reviewer"])
@pytest.mark.parametrize("name", ["evaluation_pdf", "evaluation_xlsx"])
def test_downloads_answer_404_outside_scope(client, cast, form, who, name):
    assert client.login(username=getattr(cast, who).username, password=PASSWORD)
    assert client.get(reverse(name, args=[form.pk])).status_code == 404


def test_the_form_page_offers_both_downloads(client, cast, form):
    assert client.login(username="reviewer", password=PASSWORD)
    page = client.get(reverse("evaluation_detail", args=[form.pk])).content.decode()
    assert reverse("evaluation_pdf", args=[form.pk]) in page
    assert reverse("evaluation_xlsx", args=[form.pk]) in page


def test_an_approved_pdf_names_the_reviewer_and_is_cached_by_version(client, cast, form):
    cache.clear()
    move = services.evaluation_transition
    move(evaluation_id=form.pk, user=cast.preparer, action="submit")
    form = move(evaluation_id=form.pk, user=cast.reviewer, action="approve")
    assert client.login(username="preparer", password=PASSWORD)

    text = pdf_text(client.get(reverse("evaluation_pdf", args=[form.pk])))
    assert "审核人：张审核" in text and "草稿" not in text
    key = f"evaluation-pdf:{form.pk}:v{form.version}:{PRINT_LAYOUT_VERSION}"
    assert cache.get(key) is not None

    # Reopened and approved again: a new version, rendered anew.
    move(evaluation_id=form.pk, user=cast.reviewer, action="reopen", reason="执行数有误")
    move(evaluation_id=form.pk, user=cast.preparer, action="submit")
    form = move(evaluation_id=form.pk, user=cast.reviewer, action="approve")
    client.get(reverse("evaluation_pdf", args=[form.pk]))
    assert cache.get(f"evaluation-pdf:{form.pk}:v{form.version}:{PRINT_LAYOUT_VERSION}") is not None


def test_a_draft_pdf_is_marked_and_not_cached(client, cast, form):
    cache.clear()
    assert client.login(username="preparer", password=PASSWORD)
    assert "草稿" in pdf_text(client.get(reverse("evaluation_pdf", args=[form.pk])))
    assert Evaluation.objects.get(pk=form.pk).status == Evaluation.Status.DRAFT
    assert not any(
        cache.get(f"evaluation-pdf:{form.pk}:v{v}:{PRINT_LAYOUT_VERSION}") for v in (1, 2)
    )
