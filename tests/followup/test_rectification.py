"""整改: finance issues items with deadlines on an approved form, the unit answers each with text
and evidence (checked like attachments), finance accepts or sends back; overdue items show."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Notification
from followup import services
from followup.models import RectificationItem
from followup.selectors import overdue_items
from tests.evaluations.test_attachments import pdf_bytes
from tests.evaluations.test_scoring_on_forms import login, text_of


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def issue(cast, form, *items):
    items = items or (
        ("补充培训签到表", date(2021, 9, 30)),
        ("修订满意度调查方案", date(2099, 1, 1)),
    )
    return services.rectification_issue(
        user=cast.reviewer, evaluation_id=form.pk, items=list(items)
    )


def test_finance_issues_items_and_the_unit_is_notified(cast, approved):
    rectification = issue(cast, approved.training)
    assert [i.text for i in rectification.items.all()] == ["补充培训签到表", "修订满意度调查方案"]
    notice = Notification.objects.filter(recipient=cast.preparer).latest("pk")
    assert "收到整改要求2项" in notice.text
    with pytest.raises(services.FollowupError) as refused:
        issue(cast, approved.training, ("", date(2021, 1, 1)))
    assert refused.value.message == services.ITEMS_NEEDED


def test_the_unit_answers_with_evidence_and_finance_accepts_or_returns(client, cast, approved):
    item = issue(cast, approved.training).items.first()
    url = reverse("followup:rectification", args=[item.rectification_id])
    login(client, cast.preparer)
    client.post(
        reverse("followup:item_answer", args=[item.pk]),
        {"answer": "已补充签到表", "files": [SimpleUploadedFile("签到表.pdf", pdf_bytes())]},
    )
    item.refresh_from_db()
    assert item.status == RectificationItem.Status.ANSWERED
    evidence = item.evidence.get()
    assert evidence.original_name == "签到表.pdf"
    download = client.get(reverse("followup:evidence", args=[item.pk, evidence.pk]))
    assert b"".join(download.streaming_content) == pdf_bytes()

    login(client, cast.reviewer)
    client.post(reverse("followup:item_decide", args=[item.pk]), {"decision": "return"})
    item.refresh_from_db()
    assert item.status == RectificationItem.Status.ANSWERED  # a return needs a comment
    client.post(
        reverse("followup:item_decide", args=[item.pk]),
        {"decision": "return", "comment": "签到表未盖章"},
    )
    item.refresh_from_db()
    assert item.status == RectificationItem.Status.RETURNED
    assert "签到表未盖章" in text_of(client.get(url))

    login(client, cast.preparer)
    client.post(reverse("followup:item_answer", args=[item.pk]), {"answer": "已补盖章"})
    login(client, cast.reviewer)
    client.post(reverse("followup:item_decide", args=[item.pk]), {"decision": "accept"})
    item.refresh_from_db()
    assert item.status == RectificationItem.Status.ACCEPTED


def test_a_file_that_is_not_allowed_refuses_the_whole_answer(cast, approved):
    item = issue(cast, approved.training).items.first()
    bad = SimpleUploadedFile("说明.pdf", b"MZ\x90\x00" + b"\x00" * 50)
    with pytest.raises(services.FollowupError):
        services.rectification_answer(
            user=cast.preparer, item_id=item.pk, answer="已整改", files=[bad]
        )
    item.refresh_from_db()
    assert item.status == RectificationItem.Status.OPEN and not item.evidence.exists()


def test_other_units_never_see_a_units_rectification(client, cast, approved):
    rectification = issue(cast, approved.training)
    item = rectification.items.first()
    url = reverse("followup:rectification", args=[rectification.pk])
    for outsider in (cast.other_preparer, cast.other_reviewer, cast.far_preparer):
        login(client, outsider)
        assert client.get(url).status_code == 404
        answer = client.post(reverse("followup:item_answer", args=[item.pk]), {"answer": "x"})
        assert answer.status_code == 404
    login(client, cast.preparer)
    assert client.get(url).status_code == 200
    assert client.post(reverse("followup:item_decide", args=[item.pk]), {}).status_code == 403


def test_overdue_items_are_listed_for_finance_and_the_unit(client, cast, approved):
    issue(cast, approved.training)
    today = timezone.localdate()
    overdue = overdue_items(cast.reviewer, today)
    assert [i.text for i in overdue] == ["补充培训签到表"]
    assert [i.text for i in overdue_items(cast.preparer, today)] == ["补充培训签到表"]
    assert not overdue_items(cast.other_preparer, today).exists()
    login(client, cast.preparer)
    assert "逾期 1 项" in text_of(client.get(reverse("followup:home")))
    assert not overdue_items(cast.reviewer, date(2021, 9, 1) - timedelta(days=1)).exists()


def test_overdue_items_are_reminded_once(
    client, cast, approved, mailoutbox, django_capture_on_commit_callbacks
):
    from django.core import mail
    from django.core.management import call_command

    cast.preparer.email = "preparer@example.cn"
    cast.preparer.save()
    issue(cast, approved.training)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.rectification_remind(today=date(2021, 10, 8)) == 1
    assert services.rectification_remind(today=date(2021, 10, 9)) == 0
    notice = Notification.objects.filter(recipient=cast.preparer).latest("pk")
    assert notice.text.startswith("整改逾期：2020年度“医保经办业务培训”的整改事项“补充培训签到表”")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["preparer@example.cn"]
    call_command("send_rectification_reminders")  # nothing more to remind
