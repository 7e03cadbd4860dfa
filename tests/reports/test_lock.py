"""The 自评报告 follows its form's lock: past a 截止后锁定 deadline neither can be changed."""

import pytest
from django.urls import reverse

from evaluations.services import EvaluationError
from reports import services
from reports.models import ReportSection
from reports.selectors import report_view
from seasons.selectors import DEADLINE_LOCKED
from tests.conftest import PASSWORD
from tests.reports.helpers import fresh, project_form
from tests.seasons.helpers import issue

LOCKED = DEADLINE_LOCKED.format(deadline="2021-04-30")


@pytest.fixture
def form(cast):
    return project_form(cast)


def page_post(ev, **changes):
    view = report_view(fresh(ev))
    data = {"version": view.version, "figures": view.figures_fingerprint}
    for s in view.sections:
        data[f"section-{s.key}"] = s.text
        data[f"draft-{s.key}"] = s.draft.text
    data.update(changes)
    return data


def test_past_the_locking_deadline_the_report_cannot_be_changed(client, cast, form):
    issue(cast, templates=["project_2020"], lock_after_deadline=True)  # 2021-04-30 is past
    assert client.login(username="preparer", password=PASSWORD)
    url = reverse("report_detail", args=[form.pk])

    page = client.get(url).content.decode()
    assert "<textarea" not in page
    assert LOCKED in page

    response = client.post(url, page_post(form, **{"section-basic": "补写的基本情况"}), follow=True)
    assert LOCKED in response.content.decode()
    assert not ReportSection.objects.exists()


def test_the_report_service_refuses_a_locked_form_too(cast, form):
    issue(cast, templates=["project_2020"], lock_after_deadline=True)
    view = report_view(fresh(form))
    with pytest.raises(EvaluationError, match=LOCKED):
        services.report_save(
            evaluation_id=form.pk,
            user=cast.preparer,
            expected_version=view.version,
            figures_fingerprint=view.figures_fingerprint,
            texts={"basic": "补写的基本情况"},
        )
    assert not ReportSection.objects.exists()


def test_without_the_lock_the_report_is_still_edited(client, cast, form):
    issue(cast, templates=["project_2020"], lock_after_deadline=False)
    assert client.login(username="preparer", password=PASSWORD)
    url = reverse("report_detail", args=[form.pk])
    assert "<textarea" in client.get(url).content.decode()
    client.post(url, page_post(form, **{"section-basic": "补写的基本情况"}))
    assert ReportSection.objects.get(key="basic").text == "补写的基本情况"
