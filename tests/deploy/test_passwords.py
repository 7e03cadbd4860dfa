"""Every user changes their own password (修改密码); an administrator, or a finance reviewer for the
budget units of their region, issues a one-time link with which a user sets a new one."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.conftest import PASSWORD

NEW = "青山绿水-2026-shule"


def login_works(username, password):
    from tests.conftest import LoginClient

    return LoginClient().login(username=username, password=password)


@pytest.mark.parametrize("who", ["preparer", "reviewer", "viewer"])
def test_every_user_changes_their_own_password(client, cast, who):
    assert client.login(username=who, password=PASSWORD)
    home = client.get(reverse("home"), follow=True).content.decode()
    assert "修改密码" in home and reverse("password_change") in home
    page = client.get(reverse("password_change")).content.decode()
    assert "旧密码" in page and "新密码" in page

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert "密码已修改" in response.content.decode()
    assert client.get(reverse("evaluation_list")).status_code == 200  # still logged in
    assert login_works(who, NEW) and not login_works(who, PASSWORD)


def test_a_wrong_old_password_or_a_weak_new_one_is_refused_in_chinese(client, cast):
    assert client.login(username="preparer", password=PASSWORD)
    url = reverse("password_change")
    wrong = client.post(url, {"old_password": "x", "new_password1": NEW, "new_password2": NEW})
    assert "旧密码不正确" in wrong.content.decode()
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert "至少要包含 10 个字符" in weak.content.decode()
    assert login_works("preparer", PASSWORD)


def issue_link(client, issuer, target):
    client.force_login(issuer)
    response = client.post(reverse("password_reset_issue"), {"user": target.pk})
    assert response.status_code == 200, response.content.decode()
    return re.search(r'id="reset-link" type="text" value="([^"]+)"', response.content.decode())[1]


def test_a_reviewer_issues_a_one_time_link_for_a_preparer_of_the_region(client, cast):
    link = issue_link(client, cast.reviewer, cast.preparer)
    client.logout()

    form = client.get(link, follow=True)
    assert "设置新密码" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert "新密码已设置" in done.content.decode()
    assert login_works("preparer", NEW) and not login_works("preparer", PASSWORD)

    again = client.get(link, follow=True).content.decode()
    assert "链接无效" in again and "new_password1" not in again


def test_the_reviewer_chooses_only_among_the_budget_units_of_their_region(client, cast):
    client.force_login(cast.reviewer)
    page = client.get(reverse("password_reset_issue")).content.decode()
    assert "（preparer）" in page and "（other_preparer）" in page
    assert "（far_preparer）" not in page  # another county
    assert "（viewer）" not in page and "（other_reviewer）" not in page  # finance, not budget

    for outsider in (cast.far_preparer, cast.other_reviewer, cast.viewer):
        response = client.post(reverse("password_reset_issue"), {"user": outsider.pk})
        assert response.status_code == 400
        assert "不在您的管辖范围内" in response.content.decode()
        assert "reset-link" not in response.content.decode()


def test_nobody_but_the_administrator_resets_a_staff_account(client, cast):
    cast.colleague.is_staff = True
    cast.colleague.save()
    client.force_login(cast.reviewer)
    response = client.post(reverse("password_reset_issue"), {"user": cast.colleague.pk})
    assert response.status_code == 400

    admin = get_user_model().objects.create_superuser("admin", password=PASSWORD)
    assert issue_link(client, admin, cast.colleague)
    assert issue_link(client, admin, cast.far_preparer).startswith("http://testserver/password/")


@pytest.mark.parametrize("who", ["preparer", "viewer"])
def test_preparers_and_viewers_may_not_issue_links(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("password_reset_issue")).status_code == 403
    assert (
        client.post(reverse("password_reset_issue"), {"user": cast.preparer.pk}).status_code == 403
    )


def test_a_forged_link_sets_nothing(client, cast):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(cast.preparer.pk))
    url = reverse("password_reset_confirm", args=[uid, "abc-0123456789abcdef"])
    page = client.get(url, follow=True).content.decode()
    assert "链接无效" in page
    assert login_works("preparer", PASSWORD)
