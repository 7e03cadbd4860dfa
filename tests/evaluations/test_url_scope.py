"""Every URL of the app, walked with every role: nobody sees or changes a form outside their
scope (404), nobody acts outside their role (403), nothing answers 500."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from evaluations.models import Attachment, Evaluation
from tests.conftest import PASSWORD, make_evaluation

ROLES = ["preparer", "other_preparer", "far_preparer", "reviewer", "other_reviewer", "viewer"]
# Who may see the form of 疏勒县医疗保障局 (the cast's preparer's unit).
IN_SCOPE = {"preparer", "reviewer", "viewer"}


def app_patterns(resolver=None, prefix="", namespace=""):
    """(name, route) of every named URL outside the admin, names with their namespace."""
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if getattr(p, "app_name", None) == "admin":
                continue
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from app_patterns(p, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern) and p.name:
            yield namespace + p.name, prefix + str(p.pattern)


FORM_URLS = sorted({name for name, route in app_patterns() if "<int:pk>" in route})


def form_url(name, pk):
    if name == "evaluation_transition":
        return reverse(name, args=[pk, "approve"])
    if name in ("attachment_download", "attachment_delete"):
        # A file of the form (its bytes are not needed: scope is checked before the file is read).
        attachment = Attachment.objects.create(
            evaluation_id=pk,
            kind=Attachment.Kind.EVIDENCE,
            file="attachments/none.pdf",
            original_name="证明.pdf",
            size=1,
            content_type="application/pdf",
            sha256="0" * 64,
        )
        return reverse(name, args=[pk, attachment.pk])
    return reverse(name, args=[pk])


def test_the_walk_covers_the_form_urls():
    assert {"evaluation_detail", "evaluation_edit", "evaluation_transition"} <= set(FORM_URLS)


@pytest.mark.parametrize("name", FORM_URLS)
@pytest.mark.parametrize("role", ROLES)
def test_form_urls_answer_404_outside_scope_for_get_and_post(client, cast, name, role):
    ev = make_evaluation(cast.preparer, cast.year)
    assert client.login(username=getattr(cast, role).username, password=PASSWORD)
    url = form_url(name, ev.pk)
    for method in ("get", "post"):
        response = getattr(client, method)(url, {})
        assert response.status_code < 500
        if method == "get" and response.status_code == 405:
            continue  # an action URL: GET is refused before any form is looked up, for anyone
        if role not in IN_SCOPE:
            assert response.status_code == 404, (name, role)
    ev.refresh_from_db()
    assert ev.status == Evaluation.Status.DRAFT and ev.version == 1


@pytest.mark.parametrize("name", FORM_URLS)
def test_anonymous_users_are_sent_to_log_in(client, cast, name):
    ev = make_evaluation(cast.preparer, cast.year)
    response = client.get(form_url(name, ev.pk))
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["reviewer", "viewer"])
def test_roles_that_may_not_edit_get_403_on_edit(client, cast, role):
    ev = make_evaluation(cast.preparer, cast.year)
    assert client.login(username=getattr(cast, role).username, password=PASSWORD)
    assert client.post(reverse("evaluation_edit", args=[ev.pk]), {}).status_code == 403


def test_pages_without_a_form_answer_every_role(client, cast):
    names = sorted({name for name, route in app_patterns() if "<" not in route} - {"logout"})
    for role in ROLES:
        assert client.login(username=getattr(cast, role).username, password=PASSWORD)
        for name in names:
            response = client.get(reverse(name))
            # 405: a POST-only action (the board's bulk actions) refuses a plain GET.
            assert response.status_code in (200, 302, 403, 405), (name, role, response.status_code)
