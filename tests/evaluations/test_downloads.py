"""PDF and Excel downloads from the form page: for everyone who may see the form, nobody else."""

from io import BytesIO

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from evaluations import printed, services
from evaluations.exports import pdf as pdf_export
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


@pytest.fixture
def renders(monkeypatch):
    """Counts the PDF renders (the real renderer still runs)."""
    count = []
    real = pdf_export.pdf_bytes

    def counted(*args, **kwargs):
        count.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf_export, "pdf_bytes", counted)
    return count


def run_worker():
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
    )


def stored(form) -> list[str]:
    try:
        return sorted(storages["printed"].listdir(f"printed/forms/{form.pk}")[1])
    except FileNotFoundError:
        return []


# The worker manages its own database connections, as in production.
@pytest.mark.django_db(transaction=True)
def test_a_handed_in_pdf_is_rendered_by_the_worker_and_downloads_read_it(
    client, cast, form, renders, django_capture_on_commit_callbacks
):
    move = services.evaluation_transition
    with django_capture_on_commit_callbacks(execute=True):
        move(evaluation_id=form.pk, user=cast.preparer, action="submit")
    assert renders == [] and stored(form) == []  # queued, not rendered in the request
    run_worker()
    assert len(renders) == 1
    assert stored(form) == [f"v2-{PRINT_LAYOUT_VERSION}.pdf"]

    assert client.login(username="preparer", password=PASSWORD)
    for _ in range(3):
        text = pdf_text(client.get(reverse("evaluation_pdf", args=[form.pk])))
        assert "城镇职工医保基金支出" in text and "128267" in text
    assert len(renders) == 1  # three downloads, no render

    # 通过: the approved version is rendered by the worker, with the reviewer's name; the
    # submitted version's file goes.
    with django_capture_on_commit_callbacks(execute=True):
        form = move(evaluation_id=form.pk, user=cast.reviewer, action="approve")
    run_worker()
    assert len(renders) == 2
    assert stored(form) == [f"v3-{PRINT_LAYOUT_VERSION}.pdf"]
    text = pdf_text(client.get(reverse("evaluation_pdf", args=[form.pk])))
    assert "审核人：张审核" in text
    assert len(renders) == 2


# The worker manages its own database connections, as in production.
@pytest.mark.django_db(transaction=True)
def test_a_reopened_form_loses_its_stored_pdf_and_is_never_served_stale(
    client, cast, form, renders, django_capture_on_commit_callbacks
):
    move = services.evaluation_transition
    with django_capture_on_commit_callbacks(execute=True):
        move(evaluation_id=form.pk, user=cast.preparer, action="submit")
        move(evaluation_id=form.pk, user=cast.reviewer, action="approve")
    run_worker()
    assert len(stored(form)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        form = move(evaluation_id=form.pk, user=cast.reviewer, action="reopen", reason="执行数有误")
    assert stored(form) == []
    # Now a returned form: rendered on every download, as it changes with every save.
    assert client.login(username="preparer", password=PASSWORD)
    before = len(renders)
    text = pdf_text(client.get(reverse("evaluation_pdf", args=[form.pk])))
    assert "审核人：张审核" not in text
    client.get(reverse("evaluation_pdf", args=[form.pk]))
    assert len(renders) == before + 2 and stored(form) == []


def test_a_pdf_the_worker_has_not_stored_yet_is_rendered_once_and_stored(
    client, cast, form, renders
):
    move = services.evaluation_transition
    move(evaluation_id=form.pk, user=cast.preparer, action="submit")
    form = move(evaluation_id=form.pk, user=cast.reviewer, action="approve")  # no worker ran
    assert client.login(username="reviewer", password=PASSWORD)
    assert "审核人：张审核" in pdf_text(client.get(reverse("evaluation_pdf", args=[form.pk])))
    assert len(renders) == 1 and stored(form) == [f"v3-{PRINT_LAYOUT_VERSION}.pdf"]
    client.get(reverse("evaluation_pdf", args=[form.pk]))
    assert len(renders) == 1
    # The worker, when it gets there, finds the file and leaves it.
    assert printed.store_current(form.pk, form.version).endswith(".pdf")
    assert len(renders) == 1


def test_a_worker_behind_a_later_move_does_not_store_an_old_version(cast, form, renders):
    move = services.evaluation_transition
    move(evaluation_id=form.pk, user=cast.preparer, action="submit")
    move(evaluation_id=form.pk, user=cast.preparer, action="withdraw")
    assert printed.store_current(form.pk, 2) == "not handed in"
    move(evaluation_id=form.pk, user=cast.preparer, action="submit")
    assert printed.store_current(form.pk, 2) == "moved on"
    assert renders == [] and stored(form) == []


def test_a_half_written_file_is_not_served(client, cast, form, renders):
    move = services.evaluation_transition
    move(evaluation_id=form.pk, user=cast.preparer, action="submit")
    form = move(evaluation_id=form.pk, user=cast.reviewer, action="approve")
    storages["printed"].save(printed.stored_name(form), ContentFile(b"%PDF-1.7\n1 0 obj"))
    assert client.login(username="reviewer", password=PASSWORD)
    assert "审核人：张审核" in pdf_text(client.get(reverse("evaluation_pdf", args=[form.pk])))
    assert len(renders) == 1


def test_a_draft_pdf_is_marked_rendered_on_demand_and_not_stored(client, cast, form, renders):
    assert client.login(username="preparer", password=PASSWORD)
    assert "草稿" in pdf_text(client.get(reverse("evaluation_pdf", args=[form.pk])))
    client.get(reverse("evaluation_pdf", args=[form.pk]))
    assert Evaluation.objects.get(pk=form.pk).status == Evaluation.Status.DRAFT
    assert len(renders) == 2 and stored(form) == []
