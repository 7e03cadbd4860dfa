"""Who may see and do what, in one place.

Django's ModelBackend has no per-object rules; these are ours. Views load every form through
`get_evaluation_for_user`, which answers 404 for a form outside the user's scope (its existence
is not revealed) and 403 for an action the user's role may not take.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Evaluation, Membership, Unit

Role = Membership.Role


def membership_of(user) -> Membership | None:
    if not user.is_authenticated:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def role_of(user) -> str | None:
    m = membership_of(user)
    return m.role if m else None


def _scope_q(user) -> Q | None:
    """The filter for the forms a user may see; None when they may see none."""
    m = membership_of(user)
    if m is not None and m.role == Role.PREPARER and not user.is_superuser:
        return Q(unit_id=m.unit_id)
    return region_scope_q(user, "unit__region__")


def region_scope_q(user, prefix: str = "") -> Q | None:
    """A filter on a Region reached through `prefix` ("unit__region__") for the regions a reviewer
    or viewer oversees; None for everyone else. A reviewer oversees their finance unit's region,
    and the regions under it where the unit `reviews_subregions`; a viewer, their region and every
    region under it."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    m = membership_of(user)
    if m is None or m.role not in (Role.REVIEWER, Role.VIEWER):
        return None
    region = m.unit.region
    if m.role == Role.REVIEWER and not m.unit.reviews_subregions:
        return Q(**{f"{prefix}id": region.pk})
    return region.subtree_q(prefix)


def visible_evaluations(user) -> QuerySet[Evaluation]:
    q = _scope_q(user)
    if q is None:
        return Evaluation.objects.none()
    return Evaluation.objects.filter(q)


def can_view(user, evaluation: Evaluation) -> bool:
    return visible_evaluations(user).filter(pk=evaluation.pk).exists()


def can_edit(user, evaluation: Evaluation) -> bool:
    """Role and scope allow editing (the form's state is checked separately, by the service)."""
    m = membership_of(user)
    return bool(m and m.role == Role.PREPARER and m.unit_id == evaluation.unit_id)


def can_review(user, evaluation: Evaluation) -> bool:
    m = membership_of(user)
    return bool(m and m.role == Role.REVIEWER and can_view(user, evaluation))


def units_for_new_forms(user) -> QuerySet[Unit]:
    """Units a user may create forms for: a preparer's own unit only."""
    m = membership_of(user)
    if m and m.role == Role.PREPARER:
        return Unit.objects.filter(pk=m.unit_id)
    return Unit.objects.none()


ACTIONS = {"view": lambda user, ev: True, "edit": can_edit, "review": can_review}


def get_evaluation_for_user(user, pk, action: str = "view", queryset=None) -> Evaluation:
    """Load a form for `action`: 404 outside the user's scope, 403 where the role may not act."""
    qs = queryset if queryset is not None else Evaluation.objects.all()
    q = _scope_q(user)
    if q is None:
        raise Http404("没有找到该自评表。")
    try:
        evaluation = qs.filter(q).get(pk=pk)
    except (Evaluation.DoesNotExist, ValueError, TypeError):
        raise Http404("没有找到该自评表。") from None
    if not ACTIONS[action](user, evaluation):
        raise PermissionDenied("您的角色不能执行此操作。")
    return evaluation


def password_reset_candidates(user):
    """The accounts whose password `user` may have reset (by issuing a one-time link): for an
    administrator every other active account, for a finance reviewer the active accounts of the
    budget units in their region (as they oversee its forms) — never an administrator's or a
    staff account, which would hand over the admin."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True).exclude(pk=user.pk)
    if user.is_authenticated and user.is_superuser:
        return users
    m = membership_of(user)
    if m is None or m.role != Role.REVIEWER:
        return users.none()
    q = region_scope_q(user, "membership__unit__region__")
    return users.filter(q, membership__unit__kind=Unit.Kind.BUDGET).exclude(
        Q(is_staff=True) | Q(is_superuser=True)
    )


def may_issue_password_resets(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or role_of(user) == Role.REVIEWER))
