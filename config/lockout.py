"""The login limits and the page a refused login gets.

django-axes locks a user name on one address after AXES_FAILURE_LIMIT failures (nobody can lock a
colleague out from another machine); LoginThrottleBackend adds a limit per address, whatever the
user names, so one machine cannot try passwords on many accounts. lockout_response
(AXES_LOCKOUT_CALLABLE) is the Chinese page for both."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from .client_ip import client_ip

LOCKED = "登录失败次数过多，账号已暂时锁定。"
ADDRESS_LOCKED = "本机登录失败次数过多，已暂时不能登录。"


def address_failures(ip: str | None) -> int:
    """Failed logins from `ip` within the cool-off time, over every user name tried."""
    if not ip:
        return 0
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gt=since)
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check of the user name on this address, then the check of the address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        super().authenticate(request, username=username, password=password, **kwargs)
        if address_failures(client_ip(request)) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            # Handled like an axes lockout: AxesMiddleware answers with lockout_response.
            request.axes_locked_out = True
            request.address_locked_out = True
            raise AxesBackendPermissionDenied("too many failed logins from this address")


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    by_address = getattr(request, "address_locked_out", False)
    return render(
        request,
        "registration/locked_out.html",
        {
            "message": ADDRESS_LOCKED if by_address else LOCKED,
            "by_address": by_address,
            "username": get_client_username(request, credentials) or "",
            "failure_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT
            if by_address
            else get_failure_limit(request, credentials),
            "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
