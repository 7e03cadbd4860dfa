"""Login throttling (django-axes), password rules and the absolute session limit."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from config import sessions
from tests.conftest import PASSWORD


def attempt(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_with_a_chinese_page(client, cast, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        response = attempt(client, "preparer", "not-the-password")
        assert response.status_code == 200  # the login form again, with its error
        assert "请输入一个正确的" in response.content.decode()

    response = attempt(client, "preparer", "not-the-password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多，账号已暂时锁定。" in page
    assert "请在 30 分钟后再试" in page

    # Locked: even the right password is refused now, and nobody is logged in.
    response = attempt(client, "preparer", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="locked_out", username="preparer").exists()


def test_the_lockout_of_one_user_leaves_colleagues_free(client, cast):
    for _ in range(5):
        attempt(client, "preparer", "not-the-password")
    response = attempt(client, "colleague", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")


def test_a_successful_login_resets_the_count(client, cast):
    for _ in range(4):
        attempt(client, "preparer", "not-the-password")
    assert attempt(client, "preparer", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert attempt(client, "preparer", "not-the-password").status_code == 200


def test_the_admin_unlocks_with_the_axes_command(client, cast):
    from django.core.management import call_command

    for _ in range(5):
        attempt(client, "preparer", "not-the-password")
    call_command("axes_reset_username", "preparer")
    assert attempt(client, "preparer", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab3$xyz!", "至少要包含 10 个字符"),  # 8 characters, the minimum is 10
        ("9081726354", "密码只包含数字"),
        ("password1234", "太常见"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(cast, password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=cast.preparer)
    assert any(message in m for m in refused.value.messages)


def test_a_long_unusual_password_is_accepted(cast):
    validate_password("青山绿水-2026-kashi", user=cast.preparer)


def test_a_login_ends_after_eight_hours_however_busy(client, cast, settings, monkeypatch):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    now = [1_000_000.0]
    monkeypatch.setattr(sessions.time, "time", lambda: now[0])
    assert attempt(client, "preparer", PASSWORD).status_code == 302
    assert client.session[sessions.KEY] == now[0]

    now[0] += 8 * 3600 - 60  # still inside the working day
    assert client.get(reverse("evaluation_list")).status_code == 200
    now[0] += 120  # 8 h and a minute after logging in
    response = client.get(reverse("evaluation_list"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "登录已超过8小时，请重新登录。" in response.content.decode()
    assert "_auth_user_id" not in client.session
