"""The admin speaks Chinese for the third-party apps too (login lockouts, background tasks), and
every page, the admin's included, carries the app's icon."""

from django.contrib.staticfiles import finders
from django.urls import reverse


def test_admin_index_names_the_lockout_and_task_sections_in_chinese(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    for name in ("登录防护", "登录失败记录", "登录日志", "后台任务", "任务结果"):
        assert name in page
    for english in ("Axes", "Access attempts", "Access logs", "Tasks Database Backend"):
        assert english not in page


def test_every_page_links_the_favicon(admin_client, client):
    icon = "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg")
    assert icon in client.get(reverse("login")).content.decode()
    assert icon in admin_client.get(reverse("admin:index")).content.decode()
