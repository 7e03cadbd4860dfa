"""Who may open which region's summary and batch exports.

Summaries are for the people who oversee forms: reviewers (their own region, or the regions
below where their finance unit reviews them) and viewers (their region and below). Preparers
work on their own unit's forms through 我的自评表 and are refused here (403), as are people
without a role. A region outside the user's reach answers 404, its existence not revealed.

Whatever region is opened, every figure is also filtered through
`evaluations.permissions.visible_evaluations`, so a summary can never hold more than the forms
list would show the same person.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from evaluations.models import Membership, Region
from evaluations.permissions import membership_of

Role = Membership.Role

ROLE_REFUSED = "汇总页面供审核人和查看人使用；填报人请在“我的自评表”中查看本单位的自评表。"
REGION_NOT_FOUND = "没有找到该区划，或不在您的查看范围内。"


def may_use_summaries(user) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    m = membership_of(user)
    return bool(m and m.role in (Role.REVIEWER, Role.VIEWER))


def _reach(user) -> tuple[Region | None, bool]:
    """The user's home region and whether the regions below it are theirs too.
    (None, True) for a superuser: every region."""
    if user.is_superuser:
        return None, True
    m = membership_of(user)
    unit = m.unit
    below = m.role == Role.VIEWER or unit.reviews_subregions
    return unit.region, below


def summary_regions(user) -> QuerySet[Region]:
    """The regions whose summary the user may open (empty for a role that may not)."""
    if not may_use_summaries(user):
        return Region.objects.none()
    home, below = _reach(user)
    if home is None:
        return Region.objects.all()
    if below:
        return Region.objects.filter(home.subtree_q())
    return Region.objects.filter(pk=home.pk)


def summary_units_q(user, region: Region) -> Q:
    """Units of `region` the user may see: the region's subtree, or only the region itself for a
    reviewer who does not review the regions below."""
    _, below = _reach(user)
    if below:
        return region.subtree_q("region__")
    return Q(region_id=region.pk)


def home_region(user) -> Region | None:
    """Where a user's summary starts: their unit's region; a superuser's first root region."""
    home, _ = _reach(user)
    if home is not None:
        return home
    return Region.objects.filter(parent__isnull=True).order_by("path").first()


def check_role(user) -> None:
    if not may_use_summaries(user):
        raise PermissionDenied(ROLE_REFUSED)


def get_region_for_user(user, pk) -> Region:
    """The region for a summary page: 403 for a role that may not use summaries, 404 outside
    the user's reach."""
    check_role(user)
    try:
        return summary_regions(user).get(pk=pk)
    except (Region.DoesNotExist, ValueError, TypeError):
        raise Http404(REGION_NOT_FOUND) from None
