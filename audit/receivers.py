"""Logins, logouts and failed logins into the audit log (Django's and django-axes' signals)."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .services import audit_record


@receiver(user_logged_in, dispatch_uid="audit-login")
def on_login(sender, request, user, **kwargs):
    audit_record(user=user, action="login", request=request)


@receiver(user_logged_out, dispatch_uid="audit-logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(user=user, action="logout", request=request)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; keep only the name typed.
    username = str(credentials.get("username", ""))[:150]
    audit_record(user=None, action="login_failed", detail={"username": username}, request=request)


@receiver(user_locked_out, dispatch_uid="audit-locked-out")
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit_record(
        user=None,
        action="locked_out",
        detail={"username": str(username or "")[:150]},
        request=request,
    )
