"""导入Excel: the page, who may use it, and what the user sees when a file is refused."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from evaluations.demo import load_forms
from evaluations.models import Evaluation, Year
from tests.conftest import PASSWORD, SEED_FORMS, LoginClient
from tests.workbooks.import_books import XLSX_TYPE, social_insurance_typed

URL = reverse("evaluation_import")
SEED = next(s for s in load_forms(SEED_FORMS) if s["project_name"].startswith("2020年城镇职工"))


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def upload(data: bytes, name: str = "自评表.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX_TYPE)


def post(client, year, data: bytes, **extra):
    return client.post(URL, {"year": year.pk, "file": upload(data), **extra})


def test_a_preparer_imports_a_workbook_and_lands_on_the_new_draft(client, cast):
    login(client, cast.preparer)

    response = post(client, cast.year, social_insurance_typed(SEED))

    ev = Evaluation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("evaluation_edit", args=[ev.pk])
    assert (ev.unit, ev.status, ev.created_by) == (cast.bureau, "draft", cast.preparer)
    assert ev.indicator_lines.count() == len(SEED["indicators"])
    page = client.get(response.url)
    assert (
        "已从“自评表.xlsx”导入社会保险基金支出绩效自评表“2020年城镇职工医疗保险基金支出项目”"
        in (page.content.decode())
    )


def test_a_colleague_of_the_same_unit_imports_into_that_unit(client, cast):
    login(client, cast.colleague)
    response = post(client, cast.year, social_insurance_typed(SEED))
    assert response.status_code == 302
    assert Evaluation.objects.get().unit == cast.bureau


@pytest.mark.parametrize("who", ["reviewer", "other_reviewer", "viewer"])
def test_reviewers_and_viewers_are_refused(client, cast, who):
    login(client, getattr(cast, who))
    assert client.get(URL).status_code == 403
    assert post(client, cast.year, social_insurance_typed(SEED)).status_code == 403
    assert not Evaluation.objects.exists()


def test_a_preparer_of_another_region_cannot_import_into_another_unit(client, cast):
    login(client, cast.far_preparer)

    refused = post(client, cast.year, social_insurance_typed(SEED), unit=cast.bureau.pk)
    assert refused.status_code == 403
    assert not Evaluation.objects.exists()

    # The same file without naming a unit lands in the importer's own unit, whatever it says.
    assert post(client, cast.year, social_insurance_typed(SEED)).status_code == 302
    ev = Evaluation.objects.get()
    assert ev.unit == cast.other_bureau
    assert ev.header["budget_unit"] == "疏勒县医疗保障局"  # the printed text, as typed
    assert not Evaluation.objects.filter(unit=cast.bureau).exists()


def test_anonymous_users_are_sent_to_log_in(client, cast):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_page_offers_open_years_and_an_xlsx_file_input_without_inline_script(client, cast):
    Year.objects.create(year=2018, closed=True)
    login(client, cast.preparer)
    html = client.get(URL).content.decode()

    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<label[^>]*for="id_year"', html)
    assert re.search(r'<label[^>]*for="id_file"', html)
    assert 'accept=".xlsx' in html
    assert "2020年度" in html or ">2020" in html
    assert "2018" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "js/evaluation_import.js" in html


def test_a_value_that_cannot_be_stored_is_kept_in_other_content_and_said(client, cast):
    from io import BytesIO

    import openpyxl

    wb = openpyxl.load_workbook(BytesIO(social_insurance_typed(SEED)))
    wb.active["C7"] = "十万"
    buffer = BytesIO()
    wb.save(buffer)
    login(client, cast.preparer)

    response = client.post(
        URL, {"year": cast.year.pk, "file": upload(buffer.getvalue())}, follow=True
    )

    html = response.content.decode()
    ev = Evaluation.objects.get()
    assert "项放在其他内容；0 项丢弃。" in html
    assert "C7：应为金额（数字，单位：万元），实际为「十万」。" in html
    assert "提交前需处理（" in html
    assert any(item["value"].startswith("十万") for item in ev.other_content)


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(client, cast):
    login(client, cast.preparer)
    response = client.post(
        URL, {"year": cast.year.pk, "file": upload(b"a,b\n1,2\n", name="表.csv")}
    )
    assert response.status_code == 400
    assert "不是 Excel 工作簿（.xlsx）文件" in response.content.decode()
    assert not Evaluation.objects.exists()


@override_settings(XLSX_IMPORT_MAX_BYTES=2000)
def test_a_file_over_the_size_limit_is_refused(client, cast):
    login(client, cast.preparer)
    response = post(client, cast.year, social_insurance_typed(SEED))
    assert response.status_code == 400
    assert "超过上限 1 KB" in response.content.decode()
    assert not Evaluation.objects.exists()


@override_settings(XLSX_IMPORT_MAX_BYTES=2000)
def test_an_upload_far_over_the_limit_is_refused_before_its_body_is_read(client, cast):
    login(client, cast.preparer)
    response = post(client, cast.year, bytes(200 * 1024))
    assert response.status_code == 413
    assert "文件大小为 " in response.content.decode()
    assert not Evaluation.objects.exists()


def test_the_import_needs_the_csrf_token(cast):
    client = LoginClient(enforce_csrf_checks=True)
    login(client, cast.preparer)
    response = post(client, cast.year, social_insurance_typed(SEED))
    assert response.status_code == 403
    assert not Evaluation.objects.exists()


def test_the_year_the_sheet_states_is_taken_and_said(client, cast):
    other = Year.objects.create(year=2021)
    login(client, cast.preparer)
    response = client.post(
        URL, {"year": other.pk, "file": upload(social_insurance_typed(SEED))}, follow=True
    )
    assert "表中年度为2020年度，与所选的2021年度不同，已按表中的2020年度导入" in (
        response.content.decode()
    )
    assert Evaluation.objects.get().year.year == 2020


def test_the_list_and_new_pages_link_to_the_import_for_preparers_only(client, cast):
    login(client, cast.preparer)
    assert URL in client.get(reverse("evaluation_list")).content.decode()
    assert URL in client.get(reverse("evaluation_new")).content.decode()
    client.logout()
    login(client, cast.reviewer)
    assert URL not in client.get(reverse("evaluation_list")).content.decode()
