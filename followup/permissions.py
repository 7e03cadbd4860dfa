"""Who may see and do what after the self-evaluation: the scope rules of the forms.

Finance (审核人) manages samples, 复核, 整改 and 结果应用 for the forms of its region (and below
where its unit reviews subregions); a viewer reads them; a unit (填报人) sees and answers only its
own 整改. Objects outside scope answer 404, actions outside the role 403, as for forms.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from evaluations.models import Membership, Region
from evaluations.permissions import membership_of, region_scope_q, visible_evaluations

from .models import Rectification, RectificationItem, Review, Sample

Role = Membership.Role
NOT_FOUND = "没有找到该记录。"
NOT_ALLOWED = "您的角色不能执行此操作。"


def is_finance(user) -> bool:
    m = membership_of(user)
    return user.is_superuser or bool(m and m.role == Role.REVIEWER)


def visible_regions(user):
    q = region_scope_q(user)
    return Region.objects.none() if q is None else Region.objects.filter(q)


def visible_samples(user):
    q = region_scope_q(user, "region__")
    return Sample.objects.none() if q is None else Sample.objects.filter(q)


def visible_reviews(user):
    q = region_scope_q(user, "evaluation__unit__region__")
    return Review.objects.none() if q is None else Review.objects.filter(q)


def visible_rectifications(user):
    """Finance and viewers: those of their region's forms; a unit: its own."""
    m = membership_of(user)
    if m is not None and m.role == Role.PREPARER and not user.is_superuser:
        return Rectification.objects.filter(evaluation__unit_id=m.unit_id)
    q = region_scope_q(user, "evaluation__unit__region__")
    return Rectification.objects.none() if q is None else Rectification.objects.filter(q)


def _get(qs, pk):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def require_finance(user) -> None:
    if not is_finance(user):
        raise PermissionDenied(NOT_ALLOWED)


def get_sample_for_user(user, pk, *, manage: bool = False) -> Sample:
    sample = _get(visible_samples(user).select_related("year", "region"), pk)
    if manage:
        require_finance(user)
    return sample


def can_score(user, review: Review) -> bool:
    """The reviewer it is assigned to; finance of the region while it is not assigned."""
    if review.reviewer_id is not None:
        return review.reviewer_id == user.pk
    return is_finance(user)


def get_review_for_user(user, pk, *, score: bool = False) -> Review:
    review = _get(visible_reviews(user).select_related("sample", "evaluation__unit"), pk)
    if score and not can_score(user, review):
        raise PermissionDenied(NOT_ALLOWED)
    return review


def get_rectification_for_user(user, pk) -> Rectification:
    return _get(
        visible_rectifications(user).select_related("evaluation__unit", "evaluation__year"), pk
    )


def can_answer(user, item: RectificationItem) -> bool:
    m = membership_of(user)
    return bool(
        m and m.role == Role.PREPARER and m.unit_id == item.rectification.evaluation.unit_id
    )


def approved_forms(user):
    """The approved forms finance may sample, re-score and apply results to."""
    from evaluations.models import Evaluation

    return visible_evaluations(user).filter(status=Evaluation.Status.APPROVED)
