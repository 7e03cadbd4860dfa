"""The admin site shows forms but cannot change them: no add, change or delete of a form, its
lines or its figures, and no bulk delete — even for a superuser. Changes go through the services
(workflow, permissions, transition log, audit log)."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from evaluations.models import BasicDataLine, Evaluation, FundLine, IndicatorLine
from tests.conftest import PASSWORD, make_evaluation

from .helpers import make_project_form

LINES = [("产出指标", "数量指标", "参保人数", "≥10万人", "80人", "20", "80")]


@pytest.fixture
def approved(cast):
    ev = make_project_form(cast, LINES)
    Evaluation.objects.filter(pk=ev.pk).update(status=Evaluation.Status.APPROVED)
    return ev


@pytest.fixture
def root(client, cast):
    user = get_user_model().objects.create_superuser("root", "", PASSWORD)
    client.force_login(user)
    return user


def test_the_admin_shows_an_approved_form_without_a_save_button(client, root, approved):
    url = reverse("admin:evaluations_evaluation_change", args=[approved.pk])
    page = client.get(url).content.decode()
    assert "参保人数" in page  # the lines are shown
    assert 'name="_save"' not in page
    assert 'name="indicator_lines-0-actual"' not in page
    assert 'name="status"' not in page


def test_a_crafted_change_post_is_refused_and_changes_nothing(client, root, approved):
    url = reverse("admin:evaluations_evaluation_change", args=[approved.pk])
    response = client.post(
        url,
        {
            "status": "draft",
            "project_name": "改过的名称",
            "indicator_lines-TOTAL_FORMS": "1",
            "indicator_lines-INITIAL_FORMS": "1",
            "indicator_lines-0-id": approved.indicator_lines.get().pk,
            "indicator_lines-0-actual": "100人",
        },
    )
    assert response.status_code == 403
    approved.refresh_from_db()
    assert approved.status == "approved" and approved.project_name == "医保经办业务培训"
    assert approved.indicator_lines.get().actual == "80人"


def test_forms_cannot_be_added_or_deleted_one_by_one_or_in_bulk(client, root, approved):
    assert client.get(reverse("admin:evaluations_evaluation_add")).status_code == 403
    delete = reverse("admin:evaluations_evaluation_delete", args=[approved.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403

    changelist = reverse("admin:evaluations_evaluation_changelist")
    assert "delete_selected" not in client.get(changelist).content.decode()
    client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [approved.pk], "post": "yes"},
    )
    assert Evaluation.objects.filter(pk=approved.pk).exists()


@pytest.mark.parametrize("model", [Evaluation, FundLine, IndicatorLine, BasicDataLine])
def test_no_admin_may_change_a_form_or_its_lines_and_figures(rf, root, model):
    request = rf.get("/")
    request.user = root
    admins = [admin.site._registry[model]] if model in admin.site._registry else []
    admins += [
        inline(parent.model, admin.site)
        for parent in admin.site._registry.values()
        for inline in parent.inlines
        if inline.model is model
    ]
    assert admins
    for model_admin in admins:
        assert not model_admin.has_add_permission(request, None)
        assert not model_admin.has_change_permission(request, None)
        assert not model_admin.has_delete_permission(request, None)


def test_the_preparer_still_edits_through_the_page(client, cast):
    ev = make_evaluation(cast.preparer, cast.year)
    client.force_login(cast.preparer)
    assert client.get(reverse("evaluation_edit", args=[ev.pk])).status_code == 200
