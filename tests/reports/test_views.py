"""The report page and its downloads: who sees, who edits, what a refused save keeps."""

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluations.models import Evaluation, FundLine
from reports.models import ReportSection
from reports.selectors import report_view
from tests.conftest import PASSWORD
from tests.reports.helpers import fresh, project_form

URLS = ("report_detail", "report_pdf", "report_docx")


@pytest.fixture
def form(cast):
    return project_form(cast)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def page_post(ev, **changes):
    view = report_view(fresh(ev))
    data = {"version": view.version, "figures": view.figures_fingerprint}
    for s in view.sections:
        data[f"section-{s.key}"] = s.text
        data[f"draft-{s.key}"] = s.draft.text
    data.update(changes)
    return data


@pytest.mark.parametrize("who", ["other_reviewer", "far_preparer", "other_preparer"])
@pytest.mark.parametrize("name", URLS)
def test_outsiders_get_404_on_every_report_url(client, cast, form, who, name):
    login(client, getattr(cast, who))
    assert client.get(reverse(name, args=[form.pk])).status_code == 404


def test_outsider_cannot_post_either(client, cast, form):
    login(client, cast.other_reviewer)
    url = reverse("report_detail", args=[form.pk])
    assert client.post(url, page_post(form, **{"section-basic": "x"})).status_code == 404
    assert not ReportSection.objects.exists()


def test_anonymous_is_sent_to_login(client, form):
    response = client.get(reverse("report_detail", args=[form.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["viewer", "reviewer"])
def test_reviewer_and_viewer_read_the_report_without_editing(client, cast, form, who):
    login(client, getattr(cast, who))
    url = reverse("report_detail", args=[form.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "执行率80%" in html
    assert "<textarea" not in html and "保存报告" not in html
    assert client.post(url, page_post(form, **{"section-basic": "x"})).status_code == 403
    assert not ReportSection.objects.exists()


def test_preparer_edits_a_section_and_finds_it_after_saving(client, cast, form):
    login(client, cast.preparer)
    url = reverse("report_detail", args=[form.pk])
    page = client.get(url).content.decode()
    assert 'name="section-basic"' in page and "report_edit.js" in page
    assert "<script>" not in page  # no inline scripts

    response = client.post(url, page_post(form, **{"section-improvements": "加强预算执行监控。"}))
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "自评报告已保存。" in page
    assert "加强预算执行监控。</textarea>" in page
    assert "已修改" in page


def test_stale_section_shows_the_new_draft_and_can_adopt_it(client, cast, form):
    login(client, cast.preparer)
    url = reverse("report_detail", args=[form.pk])
    typed = report_view(form).section("basic").text + "资金使用规范。"
    client.post(url, page_post(form, **{"section-basic": typed}))
    FundLine.objects.filter(evaluation=form, row_key="total").update(actual=Decimal("108.45"))

    page = client.get(url).content.decode()
    assert 'text-dark">过时：数据已变化</span>' in page
    assert 'value="adopt:basic">采用新草稿</button>' in page
    assert "执行率90%" in page  # the new draft, beside the kept text
    assert "资金使用规范。" in page
    response = client.post(url, page_post(form, resolve="adopt:basic"))
    assert response.status_code == 302
    assert "资金使用规范。" not in report_view(fresh(form)).section("basic").text
    page = client.get(url).content.decode()
    assert 'text-dark">过时：数据已变化</span>' not in page
    assert "采用新草稿</button>" not in page


def test_save_after_figures_changed_is_refused_and_keeps_what_was_typed(client, cast, form):
    login(client, cast.preparer)
    url = reverse("report_detail", args=[form.pk])
    data = page_post(form, **{"section-improvements": "我写的改进措施。"})
    FundLine.objects.filter(evaluation=form, row_key="total").update(actual=Decimal("108.45"))
    response = client.post(url, data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "自评表的数据有了变化" in html
    assert "我写的改进措施。</textarea>" in html
    # Sections left as drafted on the page show the new draft, ready to save.
    assert "执行率90%" in html
    assert not ReportSection.objects.exists()


def test_preparer_cannot_change_the_report_of_a_submitted_form(client, cast, form):
    Evaluation.objects.filter(pk=form.pk).update(status=Evaluation.Status.SUBMITTED)
    login(client, cast.preparer)
    url = reverse("report_detail", args=[form.pk])
    assert "<textarea" not in client.get(url).content.decode()
    response = client.post(url, page_post(form, **{"section-basic": "x"}), follow=True)
    assert "不能修改" in response.content.decode()
    assert not ReportSection.objects.exists()


def test_detail_page_links_to_the_report(client, cast, form):
    login(client, cast.reviewer)
    html = client.get(reverse("evaluation_detail", args=[form.pk])).content.decode()
    assert reverse("report_detail", args=[form.pk]) in html


def test_submit_button_lists_the_empty_report_section(client, cast, form):
    login(client, cast.preparer)
    client.post(reverse("report_detail", args=[form.pk]), page_post(form, **{"section-goals": ""}))
    response = client.post(reverse("evaluation_transition", args=[form.pk, "submit"]), follow=True)
    assert "自评报告“二、绩效目标及完成情况”尚未填写" in response.content.decode()
    assert Evaluation.objects.get(pk=form.pk).status == Evaluation.Status.DRAFT
