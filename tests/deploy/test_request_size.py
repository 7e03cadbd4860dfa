"""An over-large request body is refused by its Content-Length, with a Chinese page, before
anything reads it: anonymous clients get no room for an upload at all."""

import pytest
from django.urls import reverse

from evaluations.models import Attachment
from tests.conftest import PASSWORD, make_evaluation

MB = 1024 * 1024
MULTIPART = "multipart/form-data; boundary=BoUnDaRy"


class WatchedBody:
    """A WSGI input stream that records whether anybody read from it."""

    def __init__(self):
        self.read_from = False

    def read(self, *args):
        self.read_from = True
        return b""

    def readline(self, *args):
        self.read_from = True
        return b""


def post_claiming(client, url, length):
    body = WatchedBody()
    response = client.generic(
        "POST",
        url,
        b"",
        content_type=MULTIPART,
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": body},
    )
    return response, body


@pytest.fixture
def form(cast):
    return make_evaluation(cast.preparer, cast.year)


def test_an_anonymous_upload_is_refused_unread(client, form):
    response, body = post_claiming(client, reverse("attachment_upload", args=[form.pk]), 200 * MB)
    assert response.status_code == 413
    assert "上传的内容过大，没有保存" in response.content.decode()
    assert not body.read_from


def test_an_anonymous_post_anywhere_has_little_room(client, cast):
    response, body = post_claiming(client, reverse("login"), 1 * MB)
    assert response.status_code == 413
    assert not body.read_from


def test_an_attachment_over_its_limit_is_refused_before_it_is_read(client, cast, form):
    assert client.login(username="preparer", password=PASSWORD)
    response, body = post_claiming(client, reverse("attachment_upload", args=[form.pk]), 21 * MB)
    assert response.status_code == 413
    page = response.content.decode()
    assert "这次提交共 21 MB，超过了 20.1 MB 的上限" in page
    assert not body.read_from
    assert not Attachment.objects.exists()


def test_a_return_with_files_over_the_total_is_refused_before_it_is_read(client, cast, form):
    assert client.login(username="reviewer", password=PASSWORD)
    url = reverse("evaluation_transition", args=[form.pk, "return"])
    response, body = post_claiming(client, url, 101 * MB)
    assert response.status_code == 413
    assert "超过了 100 MB 的上限" in response.content.decode()
    assert not body.read_from


def test_the_login_form_itself_still_goes_through(client, cast):
    response = client.post(reverse("login"), {"username": "preparer", "password": PASSWORD})
    assert response.status_code == 302
