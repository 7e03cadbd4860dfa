"""The batch export end to end: asked for on the page, built by the real database worker, read
back from the zip (pypdf for the PDFs, openpyxl for the workbook)."""

from __future__ import annotations

import zipfile
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook
from pypdf import PdfReader

from demo.loaders import load_demo
from evaluations import services as evaluation_services
from evaluations.exports import pdf as pdf_export
from evaluations.models import Evaluation, Region, Year
from summaries import batch, services
from summaries.models import BatchExport
from tests.conftest import make_evaluation
from tests.summaries.conftest import project_form, set_status


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def run_worker():
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
    )


def user(name):
    return get_user_model().objects.get(username=name)


def demo_region():
    """The demo's 自治区本级 forms, with the submitted 医疗救助业务经费 approved as well: two
    approved forms (a social-insurance and a transfer-payment form) next to a returned one."""
    load_demo()
    reviewer = user("xj_shenhe")
    form = Evaluation.objects.get(project_name="医疗救助业务经费")
    evaluation_services.evaluation_transition(
        evaluation_id=form.pk, user=reviewer, action="approve"
    )
    return reviewer, Region.objects.get(name="新疆维吾尔自治区"), Year.objects.get(year=2019)


@pytest.mark.django_db(transaction=True)
def test_batch_export_runs_through_the_worker_and_downloads_as_a_zip(client, media, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_SIZE", 1)  # a chunk per form, as for a large region
    reviewer, region, year = demo_region()
    approved = list(
        Evaluation.objects.filter(
            unit__region=region, year=year, status=Evaluation.Status.APPROVED
        ).values_list("project_name", flat=True)
    )
    assert len(approved) == 2
    client.force_login(reviewer)

    response = client.post(reverse("batch_export_create", args=[year.year, region.pk]))
    export = BatchExport.objects.get()
    assert response["Location"] == reverse("batch_export_detail", args=[export.pk])
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and "js/batch_export.js" in page and "<script>" not in page
    status_url = reverse("batch_export_status", args=[export.pk])
    assert client.get(status_url).json()["status"] == "queued"

    run_worker()

    # Two chunks and the workbook, each a task any worker could take, then one assembly.
    ran = sorted(
        DBTaskResult.objects.filter(
            status="SUCCESSFUL", task_path__startswith="summaries."
        ).values_list("task_path", flat=True)
    )
    assert ran == [
        "summaries.tasks.batch_export_assemble",
        "summaries.tasks.batch_export_chunk",
        "summaries.tasks.batch_export_chunk",
        "summaries.tasks.batch_export_workbook",
    ]
    status = client.get(status_url).json()
    assert status["status"] == "done", status["error"]
    assert (status["done"], status["total"], status["percent"]) == (2, 2, 100)
    # A reload of the page shows the finished export and its download link.
    assert (
        status["download_url"]
        in client.get(reverse("batch_export_detail", args=[export.pk])).content.decode()
    )

    response = client.get(status["download_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    pdfs = [n for n in names if n.startswith("PDF/") and n.endswith(".pdf")]
    assert len(pdfs) == 2
    texts = [
        "".join(p.extract_text() for p in PdfReader(BytesIO(archive.read(n))).pages) for n in pdfs
    ]
    for project in approved:
        assert sum(project in t for t in texts) == 1
    [book] = [n for n in names if n.endswith(".xlsx")]
    wb = load_workbook(BytesIO(archive.read(book)))
    assert len(wb.sheetnames) == 3 and wb.sheetnames[0] == "汇总"
    summary = wb["汇总"]
    rows = [r for r in summary.iter_rows(min_row=3, values_only=True) if isinstance(r[0], int)]
    assert [r[0] for r in rows] == [1, 2]
    assert {r[4] for r in rows} == set(approved)
    assert all(r[1] in wb.sheetnames for r in rows)  # the summary names each form's sheet
    assert all(r[10] is None for r in rows)  # forms without points have no grade
    # The workbook built beside the chunks is the one in the zip, and is not kept twice.
    export.refresh_from_db()
    assert not export.workbook and export.workbook_forms
    assert not list((media / "batch_exports" / str(export.pk)).glob("*.xlsx"))


def summary_projects(archive: zipfile.ZipFile) -> list[str]:
    [book] = [n for n in archive.namelist() if n.endswith(".xlsx")]
    wb = load_workbook(BytesIO(archive.read(book)))
    return [r[4] for r in wb["汇总"].iter_rows(min_row=3, values_only=True) if r[4]]


@pytest.mark.parametrize("workbook_last", [False, True])
def test_the_export_completes_whichever_part_finishes_last(
    cast, region_forms, media, workbook_last
):
    """The workbook is built by a task of its own beside the chunks; the last part to finish, a
    chunk or the workbook, completes the export (and its task queues the assembly)."""
    export = services.batch_export_request(
        user=cast.reviewer, region=cast.regions.shule, year=cast.year
    )
    if workbook_last:
        assert batch.export_chunk(export_id=export.pk, start=0, stop=25) == (1, False)
        assert batch.export_workbook(export_id=export.pk) is True
    else:
        assert batch.export_workbook(export_id=export.pk) is False
        assert batch.export_chunk(export_id=export.pk, start=0, stop=25) == (1, True)
    batch.export_assemble(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == BatchExport.Status.DONE
    archive = built_zip(export)
    assert summary_projects(archive) == ["项目A"]
    assert [n for n in archive.namelist() if n.startswith("PDF/")] == [
        "PDF/2020_疏勒县医疗保障局_项目A.pdf"
    ]


def test_a_form_reopened_after_the_workbook_was_built_is_left_out_of_it_too(
    cast, region_forms, media
):
    a = region_forms.a
    c = project_form(
        cast.preparer,
        cast.year,
        "项目F",
        budget="10",
        actual="10",
        status=Evaluation.Status.APPROVED,
        lines=[("产出指标", "参保人数", "≥10人", "10", 90)],
    )
    export = services.batch_export_request(
        user=cast.reviewer, region=cast.regions.shule, year=cast.year
    )
    batch.export_workbook(export_id=export.pk)
    export.refresh_from_db()
    assert sorted(pk for pk, _version in export.workbook_forms) == sorted([a.pk, c.pk])
    evaluation_services.evaluation_transition(
        evaluation_id=c.pk, user=cast.reviewer, action="reopen", reason="数据需更正"
    )
    services.batch_export_build(export_id=export.pk)
    archive = built_zip(export)
    # The zip and its workbook agree: the reopened form is in neither.
    assert summary_projects(archive) == ["项目A"]
    assert [n for n in archive.namelist() if n.startswith("PDF/")] == [
        "PDF/2020_疏勒县医疗保障局_项目A.pdf"
    ]


DEPARTMENT = "桃源县城镇职工医疗保险管理服务中心"  # the demo's 部门整体 form (指标表 + 基础数据表)


def built_zip(export) -> zipfile.ZipFile:
    export.refresh_from_db()
    with export.file.open("rb") as f:
        return zipfile.ZipFile(BytesIO(f.read()))


def sheet_values(ws) -> list:
    return [c.value for row in ws.iter_rows() for c in row if c.value is not None]


def test_a_department_wide_form_brings_both_its_tables_and_an_ordinary_form_one_sheet(db, media):
    """桃源县: the demo's 部门整体 form approved, next to an approved 社保基金 form of the unit."""
    load_demo()
    reviewer = user("taoyuan_shenhe")
    department = Evaluation.objects.get(project_name=DEPARTMENT)
    evaluation_services.evaluation_transition(
        evaluation_id=department.pk, user=reviewer, action="approve"
    )
    ordinary = make_evaluation(
        user("taoyuan_tianbao"),
        department.year,
        project_name="职工医保基金支出",
        lines=[("产出指标", "数量指标", "参保人数", "≥6253人", "9595人")],
    )
    set_status(ordinary, Evaluation.Status.APPROVED)
    export = services.batch_export_request(
        user=reviewer, region=department.unit.region, year=department.year
    )
    services.batch_export_build(export_id=export.pk)
    archive = built_zip(export)

    [book] = [n for n in archive.namelist() if n.endswith(".xlsx")]
    wb = load_workbook(BytesIO(archive.read(book)))
    indicators, basic = f"{DEPARTMENT}·指标表", f"{DEPARTMENT}·基础数据表"
    assert wb.sheetnames[0] == "汇总"
    assert sorted(wb.sheetnames[1:]) == sorted(["职工医保基金支出", indicators, basic])
    assert wb.sheetnames.index(basic) == wb.sheetnames.index(indicators) + 1
    scored = sheet_values(wb[indicators])
    assert "财政供养人员控制率" in scored and 96 in scored
    figures = sheet_values(wb[basic])
    assert "部门整体支出绩效评价基础数据表" in figures
    assert any(str(v).endswith("公务用车购置和维护经费") for v in figures)
    assert 2344.31 in figures and 9.87 in figures  # numbers, as the form's own workbook has them
    assert "参保人数" in sheet_values(wb["职工医保基金支出"])
    # The summary names every sheet of a form.
    rows = {r[4]: r for r in wb["汇总"].iter_rows(min_row=3, values_only=True) if r[4]}
    assert rows[DEPARTMENT][1].split("\n") == [indicators, basic]
    assert rows["职工医保基金支出"][1] == "职工医保基金支出"

    # The form's PDF holds both tables too, as the form's own 打印（PDF） does.
    pdf = f"PDF/2019_{DEPARTMENT}_{DEPARTMENT}.pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(archive.read(pdf))).pages)
    assert "部门整体支出绩效评价指标表" in text and "部门整体支出绩效评价基础数据表" in text


@pytest.mark.django_db(transaction=True)
def test_others_may_not_download_someone_elses_export(client, media):
    reviewer, region, year = demo_region()
    export = services.batch_export_request(user=reviewer, region=region, year=year)
    run_worker()
    download = reverse("batch_export_download", args=[export.pk])
    client.force_login(user("kashi_chakan"))  # a viewer of 喀什地区: not their region
    assert client.get(download).status_code == 404
    assert client.get(reverse("batch_export_status", args=[export.pk])).status_code == 404
    client.force_login(user("xj_tianbao"))  # a preparer: summaries are not theirs
    assert client.get(download).status_code == 403
    client.force_login(user("bazhou_shenhe"))  # a reviewer of another province
    assert client.get(download).status_code == 404


def test_a_second_click_returns_the_export_under_way(cast, region_forms, media):
    first = services.batch_export_request(
        user=cast.reviewer, region=cast.regions.shule, year=cast.year
    )
    again = services.batch_export_request(
        user=cast.reviewer, region=cast.regions.shule, year=cast.year
    )
    assert again.pk == first.pk and BatchExport.objects.count() == 1
    # Only the approved form A in the reviewer's own county is taken.
    assert first.evaluation_ids == [region_forms.a.pk] and first.total == 1


def test_region_without_approved_forms_is_told_and_nothing_is_queued(client, cast, media):
    client.force_login(cast.reviewer)
    response = client.post(
        reverse("batch_export_create", args=[2020, cast.regions.shule.pk]), follow=True
    )
    assert "2020年度疏勒县没有您可导出的已审核自评表。" in response.content.decode()
    assert not BatchExport.objects.exists()


def test_export_of_a_region_outside_scope_is_refused(client, cast, region_forms, media):
    client.force_login(cast.other_reviewer)
    url = reverse("batch_export_create", args=[2020, cast.regions.shule.pk])
    assert client.post(url).status_code == 404
    client.force_login(cast.preparer)
    assert client.post(url).status_code == 403
    client.force_login(cast.reviewer)
    assert client.get(url).status_code == 405  # starting an export takes a POST
    assert not BatchExport.objects.exists()


def test_viewer_in_scope_may_download_a_reviewers_export(client, cast, region_forms, media):
    export = services.batch_export_request(
        user=cast.reviewer, region=cast.regions.shule, year=cast.year
    )
    services.batch_export_build(export_id=export.pk)
    client.force_login(cast.viewer)  # sees 喀什地区 and below, so every form in the zip
    assert client.get(reverse("batch_export_download", args=[export.pk])).status_code == 200
    client.force_login(cast.other_reviewer)
    assert client.get(reverse("batch_export_download", args=[export.pk])).status_code == 404


def test_failure_is_recorded_with_its_message(cast, region_forms, media, monkeypatch):
    export = services.batch_export_request(
        user=cast.reviewer, region=cast.regions.shule, year=cast.year
    )

    def broken(grid):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr(pdf_export, "pdf_bytes", broken)
    with pytest.raises(RuntimeError):
        services.batch_export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == BatchExport.Status.FAILED
    assert export.error == "导出失败：字体缺失"
    assert not export.file
