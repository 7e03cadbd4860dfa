"""Writing the audit log. Called from the services that change forms (inside their transaction,
so a refused or rolled-back change leaves no entry), from the download views and from the
authentication signals."""

from __future__ import annotations

from django.utils import timezone

from config.client_ip import client_ip

from .middleware import current_ip
from .models import AuditEvent

MAX_LABEL = 300


def evaluation_label(evaluation) -> str:
    return f"{evaluation.year.year}年度 {evaluation.unit.name} {evaluation.project_name}"[
        :MAX_LABEL
    ]


def audit_record(*, user, action: str, evaluation=None, detail=None, request=None) -> AuditEvent:
    """Add one entry. `user` may be None (a command run by the operator, an unknown login name);
    the address comes from `request`, or from the request being served when there is one."""
    if action not in AuditEvent.Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        created_at=timezone.now(),
        user=user if authenticated else None,
        username=user.get_username() if authenticated else (detail or {}).get("username", ""),
        action=action,
        object_id=evaluation.pk if evaluation is not None else None,
        object_label=evaluation_label(evaluation) if evaluation is not None else "",
        detail=detail or {},
        ip=client_ip(request) if request is not None else current_ip(),
    )
