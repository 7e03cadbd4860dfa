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


PROXY = "10.0.0.2"  # the reverse proxy: every request reaches the app from this address


def attempt_from(client, address, username, password, forged=""):
    """A login through one proxy: the proxy appends the address it saw to whatever
    X-Forwarded-For the client sent (`forged`)."""
    forwarded = f"{forged}, {address}" if forged else address
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_the_proxy_failures_on_one_machine_do_not_lock_the_user_on_another(
    client, cast, settings
):
    settings.DJANGO_PROXY_COUNT = 1
    for _ in range(5):
        attempt_from(client, "203.0.113.66", "reviewer", "not-the-password")
    assert attempt_from(client, "203.0.113.66", "reviewer", PASSWORD).status_code == 429

    response = attempt_from(client, "198.51.100.7", "reviewer", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    login = AuditEvent.objects.filter(action="login", username="reviewer").get()
    assert login.ip == "198.51.100.7"
    assert set(AuditEvent.objects.filter(action="login_failed").values_list("ip", flat=True)) == {
        "203.0.113.66"
    }


def test_a_forged_forwarded_address_neither_hides_nor_frames_the_client(client, cast, settings):
    settings.DJANGO_PROXY_COUNT = 1
    # The attacker at 203.0.113.66 claims to be the reviewer's machine 198.51.100.7.
    for _ in range(5):
        attempt_from(client, "203.0.113.66", "reviewer", "wrong", forged="198.51.100.7")
    assert attempt_from(client, "198.51.100.7", "reviewer", PASSWORD).status_code == 302
    assert (
        attempt_from(
            client, "203.0.113.66", "reviewer", PASSWORD, forged="198.51.100.7"
        ).status_code
        == 429
    )
    assert set(AuditEvent.objects.filter(action="login_failed").values_list("ip", flat=True)) == {
        "203.0.113.66"
    }


def test_a_request_that_bypassed_the_proxy_is_judged_by_its_own_address(client, cast, settings):
    settings.DJANGO_PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": "reviewer", "password": "wrong"},
            REMOTE_ADDR="192.0.2.1",
        )
    assert AuditEvent.objects.filter(action="login_failed", ip="192.0.2.1").count() == 5
    assert attempt_from(client, "198.51.100.7", "reviewer", PASSWORD).status_code == 302


def test_one_machine_cannot_try_passwords_on_many_accounts(client, cast, settings):
    settings.DJANGO_PROXY_COUNT = 1
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    names = ["preparer", "colleague", "reviewer", "viewer", "other_reviewer", "far_preparer"]
    for name in names:  # below each name's limit of 5, but 12 failures from one machine
        for _ in range(2):
            attempt_from(client, "203.0.113.66", name, "guess-2026")
    response = attempt_from(client, "203.0.113.66", "other_preparer", PASSWORD)
    assert response.status_code == 429
    assert "本机登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Everyone else, behind the same proxy, still logs in.
    assert attempt_from(client, "198.51.100.7", "other_preparer", PASSWORD).status_code == 302
