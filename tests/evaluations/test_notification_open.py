"""通知: each notice of a form links to that form and is read once opened."""

from django.urls import reverse

from evaluations import services
from evaluations.models import Notification
from tests.conftest import PASSWORD, make_evaluation
from tests.seasons.helpers import COMPLETE


def test_a_notice_opens_its_form_and_is_then_read(client, cast):
    ev = make_evaluation(cast.preparer, cast.year, lines=COMPLETE)
    services.evaluation_transition(evaluation_id=ev.pk, user=cast.preparer, action="submit")
    services.evaluation_transition(
        evaluation_id=ev.pk, user=cast.reviewer, action="return", reason="请补充说明"
    )
    notice = Notification.objects.get(recipient=cast.preparer)
    assert client.login(username=cast.preparer.username, password=PASSWORD)
    page = client.get(reverse("notification_list")).content.decode()
    link = reverse("notification_open", args=[notice.pk])
    assert f'href="{link}"' in page and "未读" in page

    response = client.get(link)
    assert response.status_code == 302
    assert response.url == reverse("evaluation_detail", args=[ev.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert "未读" not in client.get(reverse("notification_list")).content.decode()


def test_another_users_notice_is_not_found(client, cast):
    ev = make_evaluation(cast.preparer, cast.year, lines=COMPLETE)
    services.evaluation_transition(evaluation_id=ev.pk, user=cast.preparer, action="submit")
    notice = Notification.objects.filter(recipient=cast.reviewer).first()
    assert client.login(username=cast.preparer.username, password=PASSWORD)
    assert client.get(reverse("notification_open", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
