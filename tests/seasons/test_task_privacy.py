"""On a task shared by several units a preparer sees their own unit's row and the task-wide
record, never another unit's extension and reason or other people's downloads; the reviewer and
the viewer still see everything."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from seasons import services
from tests.conftest import PASSWORD
from tests.evaluations.test_attachments import pdf_bytes

from .helpers import issue


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("seasons.views.today", lambda: date(2021, 3, 1))


@pytest.fixture
def task(cast):
    """Issued to the bureau and the health commission; the health commission was given more
    time for a reason of its own, and its preparer and the reviewer downloaded the notice."""
    task = issue(
        cast,
        units=[cast.bureau, cast.health],
        files=[SimpleUploadedFile("自评通知.pdf", pdf_bytes())],
    )
    services.task_extend(
        user=cast.reviewer,
        task_id=task.pk,
        deadline=date(2021, 5, 20),
        reason="卫健委主任住院治疗",
        unit_id=cast.health.pk,
    )
    item = task.files.get()
    services.task_file_downloaded(user=cast.other_preparer, item=item)
    services.task_file_downloaded(user=cast.reviewer, item=item)
    return task


def page(client, user, task):
    assert client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("seasons:task_detail", args=[task.pk])).content.decode()


def test_a_preparer_sees_only_their_units_row_and_the_task_wide_record(client, cast, task):
    html = page(client, cast.preparer, task)
    assert "疏勒县医疗保障局" in html
    assert "疏勒县卫生健康委员会" not in html  # neither its row nor its extension
    assert "卫健委主任住院治疗" not in html
    assert "2021-05-20" not in html
    assert "下载附件" not in html  # nobody else's downloads
    assert "下达" in html and "自评通知.pdf" in html  # the task-wide entries and the file


def test_a_preparer_sees_their_own_units_extension_and_downloads(client, cast, task):
    services.task_extend(
        user=cast.reviewer,
        task_id=task.pk,
        deadline=date(2021, 5, 10),
        reason="医保局系统升级",
        unit_id=cast.bureau.pk,
    )
    services.task_file_downloaded(user=cast.colleague, item=task.files.get())
    html = page(client, cast.preparer, task)
    assert "医保局系统升级" in html and "2021-05-10" in html
    assert html.count("下载附件") == 1


@pytest.mark.parametrize("who", ["reviewer", "viewer"])
def test_the_reviewer_and_the_viewer_see_every_unit_and_every_entry(client, cast, task, who):
    html = page(client, getattr(cast, who), task)
    assert "疏勒县卫生健康委员会" in html and "卫健委主任住院治疗" in html
    assert html.count("下载附件") == 2
