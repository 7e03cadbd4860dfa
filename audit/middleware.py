"""Makes the client address of the request being served known to audit_record, so the services
(which take no request) still log where a change came from."""

from __future__ import annotations

from contextvars import ContextVar

from config.client_ip import client_ip

_ip: ContextVar[str | None] = ContextVar("audit_ip", default=None)


def current_ip() -> str | None:
    return _ip.get()


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _ip.reset(token)
