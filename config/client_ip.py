"""The address of the client that sent a request: one answer for the login lockout (django-axes,
AXES_CLIENT_IP_CALLABLE) and the audit log."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    """With DJANGO_PROXY_COUNT proxies in front, the address the outermost of them saw: the
    DJANGO_PROXY_COUNT-th entry of X-Forwarded-For counted from the right. Each proxy appends the
    address it received the request from, so the entries further left were sent by the client
    and can be forged; only the ones our proxies appended are trusted. Without proxies, or when
    the header holds fewer entries than there are proxies (a request that bypassed them), the
    address of the connection itself."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.DJANGO_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
