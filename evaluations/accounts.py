"""Passwords: every user changes their own (Django's PasswordChangeView, config/urls.py); an
administrator, or a finance reviewer for the budget units of their region, issues a one-time
link with which a user who forgot theirs sets a new one (Django's PasswordResetConfirmView).

The link carries Django's password-reset token: it is bound to the account's current password
hash and last login, so it stops working once used (or once the password changes otherwise),
and after PASSWORD_RESET_TIMEOUT. It is shown to the issuer, who passes it on (by phone or the
office messenger); the app does not depend on the user's mail address being known.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.http import require_http_methods

from .permissions import may_issue_password_resets, password_reset_candidates

NOT_ALLOWED = "只有系统管理员和财政部门的审核人可以为用户重置密码。"


def _label(user) -> str:
    m = getattr(user, "membership", None)
    name = user.get_full_name() or user.get_username()
    where = f" · {m.unit.name} · {m.get_role_display()}" if m else ""
    return f"{name}（{user.get_username()}）{where}"


class ResetIssueForm(forms.Form):
    user = forms.ModelChoiceField(
        label="用户",
        queryset=None,
        empty_label="请选择用户",
        error_messages={
            "required": "请选择用户。",
            "invalid_choice": "不能为该用户重置密码（不在您的管辖范围内）。",
        },
    )

    def __init__(self, *args, issuer, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = (
            password_reset_candidates(issuer)
            .select_related("membership__unit")
            .order_by("membership__unit__name", "username")
        )
        field.label_from_instance = _label


def reset_link(request, user) -> str:
    """The absolute one-time link for `user` to set a new password."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return request.build_absolute_uri(path)


@login_required
@require_http_methods(["GET", "POST"])
def password_reset_issue(request):
    if not may_issue_password_resets(request.user):
        raise PermissionDenied(NOT_ALLOWED)
    form = ResetIssueForm(request.POST or None, issuer=request.user)
    link = target = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            target = form.cleaned_data["user"]
            link = reset_link(request, target)
        else:
            status = 400
    return render(
        request,
        "registration/password_reset_issue.html",
        {
            "form": form,
            "link": link,
            "target": target and _label(target),
            "timeout_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
        status=status,
    )
