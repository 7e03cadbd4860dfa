"""Files attached to a form: checked by content, stored under MEDIA_ROOT with a random name,
downloaded only through the form's permission check, every upload/download/deletion in the
form's history."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from evaluations import attachments, services
from evaluations.models import Attachment, AttachmentEvent, Evaluation
from tests.conftest import PASSWORD, make_evaluation

Status = Evaluation.Status
COMPLETE = [("满意度指标", "满意度指标", "参保人员满意度", "≥90%", "95%")]


# -- minimal valid files of each allowed type, built here ----------------------------------------


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    wb = Workbook()
    wb.active["A1"] = "满意度调查汇总"
    wb.save(buffer)
    return buffer.getvalue()


def docx_bytes(
    main="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" '
            f'ContentType="{main}.main+xml"/></Types>',
        )
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


ALLOWED = [
    ("调查报告.pdf", pdf_bytes, "application/pdf"),
    ("现场照片.jpg", jpeg_bytes, "image/jpeg"),
    ("截图.png", png_bytes, "image/png"),
    ("汇总表.xlsx", xlsx_bytes, attachments.XLSX.content_type),
    ("说明.docx", docx_bytes, attachments.DOCX.content_type),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def form(cast):
    return make_evaluation(cast.preparer, cast.year, lines=COMPLETE)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def upload(client, ev, name, content, kind="evidence"):
    url = reverse("attachment_upload", args=[ev.pk])
    return client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, content)}, follow=True)


def download_url(a):
    return reverse("attachment_download", args=[a.evaluation_id, a.pk])


# -- the pure check ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/调查报告.pdf", "调查报告.pdf"),
        ("C:\\Users\\王\\Desktop\\照片.PDF", "照片.pdf"),
        ("报\x00告\u202e.pdf", "报告.pdf"),
        ("...", "附件.pdf"),
        ("没有扩展名", "没有扩展名.pdf"),
        ("a" * 300 + ".pdf", "a" * 96 + ".pdf"),
    ],
)
def test_names_lose_paths_and_control_characters_and_are_capped(raw, clean):
    assert attachments.clean_name(raw, attachments.PDF) == clean


def test_the_name_takes_the_extension_of_what_the_file_really_is():
    found = attachments.inspect(
        io.BytesIO(png_bytes()), name="扫描件.pdf", size=len(png_bytes()), max_size=1000
    )
    assert (found.type, found.name) == (attachments.PNG, "扫描件.png")


def test_a_zip_that_is_not_office_and_a_macro_workbook_are_refused():
    for content in (docx_bytes(main="application/vnd.ms-excel.sheet.macroEnabled"), b"PK\x03\x04"):
        assert attachments.detect(io.BytesIO(content)) is None


def test_sizes_are_told_the_way_people_read_them():
    assert attachments.format_size(20 * 1024 * 1024) == "20 MB"
    assert attachments.format_size(1536) == "1.5 KB"  # 1536 / 1024 = 1.5


# -- uploading -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "build", "content_type"), ALLOWED)
def test_each_allowed_type_is_stored_under_a_random_name(
    client, cast, form, media, name, build, content_type
):
    content = build()
    login(client, cast.preparer)
    response = upload(client, form, name, content)
    assert f"已上传“{name}”。" in response.content.decode()
    a = Attachment.objects.get()
    assert (a.original_name, a.kind, a.content_type, a.size) == (
        name,
        "evidence",
        content_type,
        len(content),
    )
    assert a.sha256 == hashlib.sha256(content).hexdigest()
    assert a.uploaded_by == cast.preparer
    stored = media / a.file.name
    assert stored.read_bytes() == content
    assert name.rsplit(".", 1)[0] not in a.file.name  # the stored name is random
    assert a.file.name.startswith("attachments/")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("发票.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100, "类型不允许"),
        ("page.html", b"<html><script>alert(1)</script></html>", "类型不允许"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "类型不允许"),
        ("空.pdf", b"", "文件为空"),
    ],
)
def test_refused_files_say_why_and_store_nothing(client, cast, form, media, name, content, message):
    login(client, cast.preparer)
    page = upload(client, form, name, content).content.decode()
    assert message in page
    assert not Attachment.objects.exists() and not AttachmentEvent.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_file_over_the_limit_is_refused(client, cast, form, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    login(client, cast.preparer)
    page = upload(client, form, "大文件.pdf", pdf_bytes()).content.decode()
    assert "“大文件.pdf”超过 100 字节 的上限" in page
    assert not Attachment.objects.exists()


def test_the_default_limit_is_20_mb(settings):
    assert settings.ATTACHMENT_MAX_BYTES == 20 * 1024 * 1024


def test_evidence_only_while_the_preparer_may_edit(client, cast, form):
    services.evaluation_transition(evaluation_id=form.pk, user=cast.preparer, action="submit")
    login(client, cast.preparer)
    page = upload(client, form, "补充.pdf", pdf_bytes()).content.decode()
    assert "不能上传或删除证明材料" in page
    assert not Attachment.objects.exists()


def test_the_stamped_scan_once_approved(client, cast, form):
    login(client, cast.preparer)
    assert (
        "审核通过后才能上传"
        in upload(client, form, "盖章.pdf", pdf_bytes(), kind="stamped_scan").content.decode()
    )
    services.evaluation_transition(evaluation_id=form.pk, user=cast.preparer, action="submit")
    services.evaluation_transition(evaluation_id=form.pk, user=cast.reviewer, action="approve")
    page = client.get(reverse("evaluation_detail", args=[form.pk])).content.decode()
    assert '<option value="stamped_scan">盖章扫描件</option>' in page
    assert (
        "已上传“盖章.pdf”"
        in upload(client, form, "盖章.pdf", pdf_bytes(), kind="stamped_scan").content.decode()
    )
    # A scan is a PDF or an image, not a workbook.
    assert (
        "类型不允许"
        in upload(client, form, "盖章.xlsx", xlsx_bytes(), kind="stamped_scan").content.decode()
    )
    assert list(Attachment.objects.values_list("kind", flat=True)) == ["stamped_scan"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("other_reviewer", 404),
        ("far_preparer", 404),
        ("reviewer", 403),
        ("viewer", 403),
        ("other_preparer", 404),
    ],
)
def test_only_the_units_preparer_may_upload(client, cast, form, who, status):
    login(client, getattr(cast, who))
    url = reverse("attachment_upload", args=[form.pk])
    response = client.post(url, {"file": SimpleUploadedFile("a.pdf", pdf_bytes())})
    assert response.status_code == status
    assert not Attachment.objects.exists()


# -- downloading ---------------------------------------------------------------------------------


@pytest.fixture
def evidence(cast, form):
    return services.attachment_add(
        evaluation_id=form.pk,
        user=cast.preparer,
        upload=SimpleUploadedFile("调查报告.pdf", pdf_bytes()),
        kind="evidence",
    )


def test_a_viewer_in_scope_downloads_it_as_an_attachment(client, cast, evidence):
    login(client, cast.viewer)
    response = client.get(download_url(evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''%E8%B0%83%E6%9F%A5%E6%8A%A5%E5%91%8A.pdf"
        in (response["Content-Disposition"])
    )
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["other_reviewer", "far_preparer", "other_preparer"])
def test_another_regions_or_units_user_gets_404(client, cast, evidence, who):
    login(client, getattr(cast, who))
    assert client.get(download_url(evidence)).status_code == 404
    assert not AttachmentEvent.objects.filter(action="download").exists()


def test_an_attachment_id_under_another_form_is_404(client, cast, evidence):
    other = make_evaluation(cast.preparer, cast.year, project_name="另一张表")
    login(client, cast.preparer)
    url = reverse("attachment_download", args=[other.pk, evidence.pk])
    assert client.get(url).status_code == 404


def test_files_are_not_reachable_under_a_media_url(client, cast, evidence):
    login(client, cast.preparer)
    assert client.get("/media/" + evidence.file.name).status_code == 404


# -- history and deletion ------------------------------------------------------------------------


def test_upload_download_and_deletion_appear_in_the_history(client, cast, form):
    login(client, cast.preparer)
    upload(client, form, "调查报告.pdf", pdf_bytes())
    a = Attachment.objects.get()
    client.logout()
    login(client, cast.reviewer)
    client.get(download_url(a))
    client.logout()
    login(client, cast.preparer)
    response = client.post(reverse("attachment_delete", args=[form.pk, a.pk]), follow=True)
    assert "附件已删除。" in response.content.decode()
    assert not Attachment.objects.exists()

    page = client.get(reverse("evaluation_history", args=[form.pk])).content.decode()
    log = list(AttachmentEvent.objects.values_list("action", "actor__username", "file_name"))
    assert log == [
        ("upload", "preparer", "调查报告.pdf"),
        ("download", "reviewer", "调查报告.pdf"),
        ("delete", "preparer", "调查报告.pdf"),
    ]
    for words in ("上传证明材料", "下载证明材料", "删除证明材料"):
        assert words in page
    assert page.count("调查报告.pdf") >= 3


def test_the_stored_file_goes_with_the_deletion(
    client, cast, evidence, media, django_capture_on_commit_callbacks
):
    path = media / evidence.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_delete(
            evaluation_id=evidence.evaluation_id, attachment_id=evidence.pk, user=cast.preparer
        )
    assert not path.exists()


def test_a_viewer_may_not_delete(client, cast, evidence):
    login(client, cast.viewer)
    url = reverse("attachment_delete", args=[evidence.evaluation_id, evidence.pk])
    assert client.post(url).status_code == 403
    assert Attachment.objects.filter(pk=evidence.pk).exists()


def test_the_reviewer_attaches_files_to_a_return(client, cast, form):
    services.evaluation_transition(evaluation_id=form.pk, user=cast.preparer, action="submit")
    form.refresh_from_db()
    login(client, cast.reviewer)
    url = reverse("evaluation_transition", args=[form.pk, "return"])
    files = [
        SimpleUploadedFile("审核意见.docx", docx_bytes()),
        SimpleUploadedFile("标注.png", png_bytes()),
    ]
    response = client.post(
        url, {"reason": "见附件", "version": form.version, "files": files}, follow=True
    )
    assert "已退回填报单位修改。" in response.content.decode()
    review = list(Attachment.objects.values_list("kind", "original_name", "transition__action"))
    assert review == [("review", "审核意见.docx", "return"), ("review", "标注.png", "return")]
    page = client.get(reverse("evaluation_history", args=[form.pk])).content.decode()
    assert "随附文件：" in page and "审核意见.docx" in page
    # The preparer downloads it; a refused file refuses the whole return.
    client.logout()
    login(client, cast.preparer)
    assert client.get(download_url(Attachment.objects.first())).status_code == 200


def test_a_bad_file_with_a_return_refuses_the_return(client, cast, form):
    services.evaluation_transition(evaluation_id=form.pk, user=cast.preparer, action="submit")
    form.refresh_from_db()
    login(client, cast.reviewer)
    url = reverse("evaluation_transition", args=[form.pk, "return"])
    bad = SimpleUploadedFile("说明.pdf", b"MZ\x90\x00" + b"\x00" * 50)
    response = client.post(
        url, {"reason": "见附件", "version": form.version, "files": [bad]}, follow=True
    )
    assert "类型不允许" in response.content.decode()
    form.refresh_from_db()
    assert form.status == Status.SUBMITTED and not Attachment.objects.exists()
