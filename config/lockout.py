"""The page django-axes shows a locked-out login (AXES_LOCKOUT_CALLABLE), in Chinese."""

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render

LOCKED = "登录失败次数过多，账号已暂时锁定。"


def lockout_response(request, original_response=None, credentials=None):
    cool_off = get_cool_off(request)
    return render(
        request,
        "registration/locked_out.html",
        {
            "message": LOCKED,
            "username": get_client_username(request, credentials) or "",
            "failure_limit": get_failure_limit(request, credentials),
            "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
