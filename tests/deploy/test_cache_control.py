"""Nothing shown to a logged-in user is kept in a browser's or proxy's cache (shared office PCs):
every page and every generated file carries Cache-Control: private, no-store."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, make_evaluation

PRIVATE = "private, no-store"


@pytest.fixture
def form(cast):
    return make_evaluation(cast.preparer, cast.year)


@pytest.mark.parametrize(
    "name",
    [
        "evaluation_detail",
        "evaluation_edit",
        "evaluation_history",
        "evaluation_pdf",
        "evaluation_xlsx",
        "report_detail",
        "report_docx",
    ],
)
def test_form_pages_and_files_are_not_stored(client, cast, form, name):
    assert client.login(username="preparer", password=PASSWORD)
    response = client.get(reverse(name, args=[form.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("name", ["home", "evaluation_list", "notification_list"])
def test_lists_are_not_stored(client, cast, form, name):
    client.force_login(cast.reviewer)
    response = client.get(reverse(name), follow=True)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_the_board_export_and_a_refused_page_are_not_stored_either(client, cast, form):
    client.force_login(cast.reviewer)
    assert client.get(reverse("seasons:board_xlsx"))["Cache-Control"] == PRIVATE
    client.force_login(cast.far_preparer)
    refused = client.get(reverse("evaluation_detail", args=[form.pk]))
    assert refused.status_code == 404 and refused["Cache-Control"] == PRIVATE
