"""Error pages speak Chinese and say what happened to what the user sent: a server error (even
with the database down), a request that cannot be processed, and an expired page (CSRF)."""

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from tests.conftest import LoginClient, make_evaluation
from tests.evaluations.helpers import edit_post


@pytest.mark.django_db(transaction=True)
def test_with_the_database_down_a_logged_in_user_gets_a_chinese_page(cast, monkeypatch):
    client = LoginClient(raise_request_exception=False)
    client.force_login(cast.preparer)

    def refused(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    connection.close()
    monkeypatch.setattr(connection, "get_new_connection", refused)
    # An in-memory SQLite database is never closed (close() keeps it): refuse every query too.
    monkeypatch.setattr(connection, "_cursor", refused)
    response = client.get(reverse("evaluation_list"))
    monkeypatch.undo()

    assert response.status_code == 500
    page = response.content.decode()
    assert "系统出错，请稍后再试" in page
    assert "您刚才提交的内容没有保存" in page
    assert '<html lang="zh-Hans">' in page


def test_a_request_with_too_many_fields_gets_a_chinese_400(client, cast, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    ev = make_evaluation(cast.preparer, cast.year)
    client.force_login(cast.preparer)
    data = edit_post(ev)
    data.update({f"extra-{i}": "x" for i in range(20)})
    response = client.post(reverse("evaluation_edit", args=[ev.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "请求无法处理" in page and "没有保存任何内容" in page
    ev.refresh_from_db()
    assert ev.version == 1


def test_an_expired_page_says_that_nothing_was_saved(cast):
    client = LoginClient(enforce_csrf_checks=True)
    client.force_login(cast.preparer)
    ev = make_evaluation(cast.preparer, cast.year)
    url = reverse("evaluation_edit", args=[ev.pk])
    client.get(url)  # sets the CSRF cookie
    data = edit_post(ev, goal_actual="写了很久的完成情况")
    data["csrfmiddlewaretoken"] = "a-token-from-a-page-opened-before-logging-in-again"
    response = client.post(url, data)
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期，未保存" in page
    assert "刚才提交的内容没有保存" in page
    ev.refresh_from_db()
    assert ev.goal_actual == ""


def test_without_the_cookie_the_page_says_to_allow_cookies(cast):
    client = LoginClient(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "preparer", "password": "x"})
    assert response.status_code == 403
    assert "允许本网站的 Cookie" in response.content.decode()
