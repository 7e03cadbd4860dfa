"""Files sent with a 自评任务 (the 通知 and its annexes): checked by content like a form's
attachments, stored under a random name, downloaded only by those the task is visible to, every
upload, deletion and download in the task's record."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from seasons.models import Task, TaskAttachment, TaskLog
from tests.conftest import PASSWORD
from tests.evaluations.test_attachments import pdf_bytes

from .helpers import issue


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("seasons.views.today", lambda: date(2021, 3, 1))


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def stored_files(media):
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def issue_post(cast, files, **changes):
    data = {
        "year": cast.year.pk,
        "title": "2020年度绩效自评",
        "notice_number": "疏财函〔2021〕13号",
        "notice_text": "请按时填报。",
        "templates": ["social_insurance_fund"],
        "deadline": "2021-04-30",
        "reminder_days": "3,1",
        "units": [cast.bureau.pk],
        "files": files,
    }
    data.update(changes)
    return data


def download(client, task, item):
    return client.get(reverse("seasons:task_file", args=[task.pk, item.pk]))


def test_issued_with_a_pdf_the_addressed_preparer_downloads_it(client, cast, today, media):
    login(client, cast.reviewer)
    notice = SimpleUploadedFile("关于开展2020年度绩效自评的通知.pdf", pdf_bytes())
    response = client.post(reverse("seasons:task_new"), issue_post(cast, [notice]))
    assert response.status_code == 302
    task = Task.objects.get()
    item = TaskAttachment.objects.get()
    assert item.original_name == "关于开展2020年度绩效自评的通知.pdf"
    assert "通知" not in item.file.name  # stored under a random name
    assert [p.read_bytes() for p in stored_files(media)] == [pdf_bytes()]
    page = client.get(reverse("seasons:task_detail", args=[task.pk])).content.decode()
    assert "关于开展2020年度绩效自评的通知.pdf" in page and "上传附件" in page

    client.logout()
    login(client, cast.preparer)
    mine = client.get(reverse("seasons:mine")).content.decode()
    assert reverse("seasons:task_file", args=[task.pk, item.pk]) in mine
    got = download(client, task, item)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == pdf_bytes()
    assert got["Content-Disposition"].startswith("attachment")
    assert got["X-Content-Type-Options"] == "nosniff"
    assert got["Content-Type"] == "application/pdf"
    log = TaskLog.objects.get(action=TaskLog.Action.FILE_DOWNLOAD)
    assert (log.actor, log.unit, log.detail) == (cast.preparer, cast.bureau, item.original_name)


def test_units_not_addressed_and_other_regions_get_404(client, cast, today):
    task = issue(cast, units=[cast.bureau], files=[SimpleUploadedFile("通知.pdf", pdf_bytes())])
    item = task.files.get()
    for outsider in (cast.other_preparer, cast.far_preparer, cast.other_reviewer):
        client.logout()
        login(client, outsider)
        assert download(client, task, item).status_code == 404, outsider.username
    # The viewer over the prefecture sees the task, so may read its files.
    client.logout()
    login(client, cast.viewer)
    assert download(client, task, item).status_code == 200


def test_renamed_executable_is_refused_and_nothing_issued(client, cast, today, media):
    login(client, cast.reviewer)
    fake = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200)
    response = client.post(reverse("seasons:task_new"), issue_post(cast, [fake]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "“通知.pdf”的类型不允许" in page
    assert "疏财函〔2021〕13号" in page and "请按时填报。" in page  # what was typed is kept
    assert not Task.objects.exists() and not TaskAttachment.objects.exists()
    assert stored_files(media) == []


def test_oversize_file_is_refused(client, cast, today, settings, media):
    settings.ATTACHMENT_MAX_BYTES = 100
    login(client, cast.reviewer)
    big = SimpleUploadedFile("通知.pdf", pdf_bytes() + b"%" * 100)
    response = client.post(reverse("seasons:task_new"), issue_post(cast, [big]))
    assert "“通知.pdf”超过 100 字节 的上限" in response.content.decode()
    assert not Task.objects.exists()
    task = issue(cast, units=[cast.bureau])
    big = SimpleUploadedFile("填报说明.pdf", pdf_bytes() + b"%" * 100)
    response = client.post(
        reverse("seasons:task_file_add", args=[task.pk]), {"file": big}, follow=True
    )
    assert "“填报说明.pdf”超过 100 字节 的上限" in response.content.decode()
    assert not TaskAttachment.objects.exists() and stored_files(media) == []


def test_reviewer_adds_and_deletes_a_file_both_logged(
    client, cast, today, media, django_capture_on_commit_callbacks
):
    task = issue(cast, units=[cast.bureau])
    login(client, cast.reviewer)
    client.post(
        reverse("seasons:task_file_add", args=[task.pk]),
        {"file": SimpleUploadedFile("附件1 填报说明.pdf", pdf_bytes())},
    )
    item = task.files.get()
    assert len(stored_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once committed
        response = client.post(
            reverse("seasons:task_file_delete", args=[task.pk, item.pk]), follow=True
        )
    assert not TaskAttachment.objects.exists()
    assert stored_files(media) == []
    actions = list(task.logs.values_list("action", "detail"))
    assert actions[-1] == ("file_delete", "附件1 填报说明.pdf")
    assert actions[-2][0] == "file_add"
    page = response.content.decode()
    assert "删除附件" in page and "附件1 填报说明.pdf" in page  # the record shows it


def test_preparer_cannot_upload_or_delete(client, cast, today, media):
    task = issue(cast, units=[cast.bureau], files=[SimpleUploadedFile("通知.pdf", pdf_bytes())])
    item = task.files.get()
    login(client, cast.preparer)
    upload = SimpleUploadedFile("mine.pdf", pdf_bytes())
    add = client.post(reverse("seasons:task_file_add", args=[task.pk]), {"file": upload})
    assert add.status_code == 403
    delete = client.post(reverse("seasons:task_file_delete", args=[task.pk, item.pk]))
    assert delete.status_code == 403
    assert list(TaskAttachment.objects.values_list("original_name", flat=True)) == ["通知.pdf"]
    assert len(stored_files(media)) == 1
    # Another region's reviewer does not even see the task.
    client.logout()
    login(client, cast.other_reviewer)
    upload = SimpleUploadedFile("x.pdf", pdf_bytes())
    assert (
        client.post(reverse("seasons:task_file_add", args=[task.pk]), {"file": upload}).status_code
        == 404
    )
