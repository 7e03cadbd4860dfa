"""The list pages: home, 自评表 list, 新建自评表, notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from .. import services
from ..forms import NewEvaluationForm
from ..models import Evaluation, Membership, Unit, Year
from ..permissions import membership_of, units_for_new_forms, visible_evaluations
from ..selectors import evaluations_for_list, overdue_label
from ..templates_def import TEMPLATES
from .common import _int_or_none


@login_required
def home(request):
    return redirect("evaluation_list")


@login_required
def evaluation_list(request):
    year = _int_or_none(request.GET.get("year"))
    status = request.GET.get("status") if request.GET.get("status") in Evaluation.Status else None
    template = request.GET.get("template") if request.GET.get("template") in TEMPLATES else None
    unit = _int_or_none(request.GET.get("unit"))
    evaluations = evaluations_for_list(
        request.user, year=year, status=status, template=template, unit=unit
    )
    today = timezone.localdate()
    rows = [(ev, overdue_label(ev, today)) for ev in evaluations]
    member = membership_of(request.user)
    units = Unit.objects.filter(
        pk__in=visible_evaluations(request.user).values("unit_id")
    ).order_by("name")
    return render(
        request,
        "evaluations/evaluation_list.html",
        {
            "rows": rows,
            "years": Year.objects.all(),
            "statuses": Evaluation.Status.choices,
            "templates": [(t.code, t.name) for t in TEMPLATES.values()],
            "units": units,
            "selected_year": year,
            "selected_status": status,
            "selected_template": template,
            "selected_unit": unit,
            "can_create": bool(member and member.role == Membership.Role.PREPARER),
            "member": member,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_new(request):
    units = units_for_new_forms(request.user)
    unit = units.first()
    if unit is None:
        raise PermissionDenied("只有填报人可以新建自评表。")
    copy_choices = (
        Evaluation.objects.filter(unit=unit).select_related("year").order_by("-year__year")
    )
    form = NewEvaluationForm(
        request.POST or None, copy_choices=copy_choices, today=timezone.localdate()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.evaluation_create(
                user=request.user,
                unit=unit,
                year=services.year_get_or_create(year=data["year"]),
                template_code=data["template"],
                project_name=data["project_name"],
                copy_from=data["copy_from"],
            )
        except services.EvaluationError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, "已新建自评表，请填写各栏内容。")
            return redirect("evaluation_edit", pk=evaluation.pk)
    return render(request, "evaluations/evaluation_new.html", {"form": form, "unit": unit})


@login_required
def notification_list(request):
    if request.method == "POST":
        request.user.notifications.filter(read_at=None).update(read_at=timezone.now())
        messages.success(request, "已全部标为已读。")
        return redirect("notification_list")
    return render(
        request,
        "evaluations/notification_list.html",
        {"notifications": request.user.notifications.select_related("evaluation")[:200]},
    )
