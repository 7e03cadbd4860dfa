from __future__ import annotations

from io import BytesIO
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from config.downloads import attachment_response
from evaluations.attachments import ALL_TYPES, format_size
from evaluations.models import Membership
from evaluations.permissions import membership_of
from evaluations.templates_def import TEMPLATES

from . import board, services
from .exports import write_board_xlsx
from .forms import CancelForm, ExtendForm, TaskForm
from .models import Task, TaskAttachment
from .permissions import (
    get_task_for_user,
    is_reviewer,
    region_scope_q,
    units_in_scope,
    visible_task_logs,
    visible_task_units,
    visible_tasks,
)
from .selectors import (
    Progress,
    board_figures,
    board_regions,
    board_rows,
    default_board_year,
    task_progress,
    unit_tasks,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def today():
    """The date pages count days from; tests replace it."""
    return timezone.localdate()


def _is_preparer(user) -> bool:
    m = membership_of(user)
    return bool(m and m.role == Membership.Role.PREPARER)


@login_required
def task_list(request):
    if _is_preparer(request.user):
        return redirect("seasons:mine")
    if region_scope_q(request.user) is None:
        raise PermissionDenied("您没有可查看的自评任务。")
    tasks = visible_tasks(request.user).select_related("year", "issuer_unit", "issued_by")
    return render(
        request,
        "seasons/task_list.html",
        {"tasks": tasks, "can_issue": is_reviewer(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request):
    if not is_reviewer(request.user):
        raise PermissionDenied(services.NOT_REVIEWER)
    units = units_in_scope(request.user)
    form = TaskForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = services.task_issue(
                user=request.user,
                year=data["year"],
                units=None if data["all_units"] else list(data["units"]),
                templates=data["templates"],
                deadline=data["deadline"],
                title=data["title"],
                notice_number=data["notice_number"],
                notice_text=data["notice_text"],
                lock_after_deadline=data["lock_after_deadline"],
                reminder_days=data["reminder_days"],
                today=today(),
                files=request.FILES.getlist("files"),
            )
        except services.TaskError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, f"已下达自评任务，已通知{task.task_units.count()}个单位。")
            return redirect("seasons:task_detail", task_id=task.pk)
    return render(
        request,
        "seasons/task_new.html",
        {"form": form, "units_count": units.count(), **_file_limits()},
    )


def _file_limits() -> dict:
    return {
        "file_types": "、".join(t.label for t in ALL_TYPES),
        "file_limit": format_size(settings.ATTACHMENT_MAX_BYTES),
    }


def _detail_context(request, task, extend_form=None, cancel_form=None):
    task_units = list(visible_task_units(request.user, task))
    manage = is_reviewer(request.user) and task.status == Task.Status.OPEN
    d = today()
    return {
        "task": task,
        "progress": task_progress(request.user, year=task.year.year, today=d, task=task).get(
            None, Progress()
        ),
        "task_units": [
            (tu, board.countdown(tu.effective_deadline, d, "draft")) for tu in task_units
        ],
        "logs": visible_task_logs(request.user, task),
        "can_manage": manage,
        "extend_form": extend_form or ExtendForm(task_units=task_units),
        "cancel_form": cancel_form or CancelForm(),
        "files": task.files.select_related("uploaded_by"),
        **_file_limits(),
    }


@login_required
def task_detail(request, task_id):
    task = get_task_for_user(request.user, task_id)
    return render(request, "seasons/task_detail.html", _detail_context(request, task))


@login_required
@require_POST
def task_extend(request, task_id):
    task = get_task_for_user(request.user, task_id, "manage")
    form = ExtendForm(request.POST, task_units=task.task_units.select_related("unit"))
    if form.is_valid():
        unit = form.cleaned_data["unit"]
        try:
            services.task_extend(
                user=request.user,
                task_id=task.pk,
                deadline=form.cleaned_data["deadline"],
                reason=form.cleaned_data["reason"],
                unit_id=int(unit) if unit else None,
            )
        except services.TaskError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, "已延期，并已通知相关单位。")
            return redirect("seasons:task_detail", task_id=task.pk)
    messages.error(request, "延期未成功，请查看下方提示。")
    task.refresh_from_db()
    return render(
        request,
        "seasons/task_detail.html",
        _detail_context(request, task, extend_form=form),
        status=400,
    )


@login_required
@require_POST
def task_cancel(request, task_id):
    task = get_task_for_user(request.user, task_id, "manage")
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.task_cancel(
                user=request.user, task_id=task.pk, reason=form.cleaned_data["reason"]
            )
        except services.TaskError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, "任务已撤销，并已通知相关单位。")
            return redirect("seasons:task_detail", task_id=task.pk)
    messages.error(request, "撤销未成功，请查看下方提示。")
    return render(
        request,
        "seasons/task_detail.html",
        _detail_context(request, task, cancel_form=form),
        status=400,
    )


@login_required
@require_POST
def task_file_add(request, task_id):
    task = get_task_for_user(request.user, task_id, "manage")
    try:
        item = services.task_file_add(
            user=request.user, task_id=task.pk, upload=request.FILES.get("file")
        )
    except services.TaskError as e:
        messages.error(request, f"{e.message}没有保存任何文件。")
    else:
        messages.success(request, f"已上传“{item.original_name}”。")
    return redirect("seasons:task_detail", task_id=task.pk)


@login_required
@require_POST
def task_file_delete(request, task_id, file_id):
    task = get_task_for_user(request.user, task_id, "manage")
    try:
        services.task_file_delete(user=request.user, task_id=task.pk, file_id=file_id)
    except services.TaskError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "已删除附件。")
    return redirect("seasons:task_detail", task_id=task.pk)


@login_required
def task_file(request, task_id, file_id):
    task = get_task_for_user(request.user, task_id)  # 404 for anyone the task is not visible to
    item = get_object_or_404(TaskAttachment, task=task, pk=file_id)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件已不存在。") from None
    services.task_file_downloaded(user=request.user, item=item)
    return attachment_response(handle, item.original_name, item.content_type)


# -- the unit's side -----------------------------------------------------------------------------


@login_required
def mine(request):
    m = membership_of(request.user)
    if m is None or m.role != Membership.Role.PREPARER:
        raise PermissionDenied("只有填报人有自评任务。")
    return render(
        request, "seasons/mine.html", {"entries": unit_tasks(m.unit, today()), "unit": m.unit}
    )


@login_required
@require_POST
def task_form_open(request, task_id, template):
    if not _is_preparer(request.user):
        raise PermissionDenied("只有填报人可以填报。")
    get_task_for_user(request.user, task_id)  # 404 for a task not issued to this unit
    try:
        evaluation = services.task_form_open(
            user=request.user, task_id=task_id, template=template, today=today()
        )
    except services.TaskError as e:
        messages.error(request, e.message)
        return redirect("seasons:mine")
    if evaluation.is_editable:
        return redirect("evaluation_edit", pk=evaluation.pk)
    return redirect("evaluation_detail", pk=evaluation.pk)


# -- the status board ----------------------------------------------------------------------------

# Rows a board page shows: rendering every row of a province took most of the page's time. The
# totals, the sorting and the Excel export still cover every row; scores and changes are worked
# out for the page's rows only, unless the order is by them.
BOARD_PAGE_SIZE = 100

SORT_LABELS = {
    "unit": "单位",
    "template": "表样",
    "status": "状态",
    "deadline": "截止日期",
    "submitted": "提交时间",
    "approved": "审核时间",
    "changes": "审核后变更",
    "score": "得分",
}


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _board(request):
    """The board's rows and everything its page and its export need, from the GET parameters.
    The rows' figures (score, changes) are filled in only where the order needs them: the page
    and the export fill in those they show (selectors.board_figures)."""
    if region_scope_q(request.user) is None:
        raise PermissionDenied("只有审核人和查看人可以查看填报进度。")
    regions = board_regions(request.user)
    region_id = _int_or_none(request.GET.get("region"))
    region = next((r for r in regions if r.pk == region_id), None)
    if region_id is not None and region is None:
        raise Http404("没有找到该区划。")
    year = _int_or_none(request.GET.get("year")) or default_board_year(request.user)
    status = request.GET.get("status", "")
    status = status if status in board.STATUS_LABELS else ""
    template = request.GET.get("template", "")
    template = template if template in TEMPLATES else ""
    overdue = request.GET.get("overdue") == "1"
    sort = request.GET.get("sort", "")
    sort = sort if sort in board.SORTS else ""
    descending = request.GET.get("dir") == "desc"
    all_rows = board_rows(request.user, year=year, region=region, today=today(), figures=False)
    rows = board.filter_rows(all_rows, status=status, template=template, overdue=overdue)
    if sort in board.FIGURE_SORTS:
        board_figures(rows)
    rows = board.sort_rows(rows, sort, descending)
    # 应报 / 已报 / 逾期 as the summaries and the task pages count them (selectors.task_progress).
    progress = task_progress(request.user, year=year, region=region, today=today())
    counted = progress.get(None, Progress())
    totals = board.totals(all_rows)
    totals.update(due=counted.due, handed_in=counted.handed_in, overdue=counted.overdue)
    return {
        "rows": rows,
        "totals": totals,
        "year": year,
        "region": region,
        "regions": regions,
        "status": status,
        "template": template,
        "overdue": overdue,
        "sort": sort,
        "descending": descending,
    }


def _query(ctx, **changes) -> str:
    params = {
        "year": ctx["year"],
        "region": ctx["region"].pk if ctx["region"] else "",
        "status": ctx["status"],
        "template": ctx["template"],
        "overdue": "1" if ctx["overdue"] else "",
        "sort": ctx["sort"],
        "dir": "desc" if ctx["descending"] else "",
    }
    params.update(changes)
    return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _page_links(ctx, page_obj) -> list[dict]:
    """Numbered links around the current page (1 … 4 5 [6] 7 8 … 20), each keeping the filters
    and sorting; None for a gap."""
    links = []
    for number in page_obj.paginator.get_elided_page_range(page_obj.number):
        if number == page_obj.paginator.ELLIPSIS:
            links.append(None)
        else:
            links.append({"number": number, "query": _page_query(ctx, number)})
    return links


def _page_query(ctx, number: int) -> str:
    return _query(ctx, page=number if number > 1 else "")


@login_required
def status_board(request):
    ctx = _board(request)
    page_obj = Paginator(ctx["rows"], BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    board_figures(page_obj.object_list)
    headers = []
    for key, label in SORT_LABELS.items():
        active = ctx["sort"] == key
        desc = not ctx["descending"] if active else False
        headers.append(
            {
                "label": label,
                # A new order starts again on its first page.
                "query": _query(ctx, sort=key, dir="desc" if desc else ""),
                "active": active,
                "aria": ("descending" if ctx["descending"] else "ascending") if active else "none",
            }
        )
    return render(
        request,
        "seasons/board.html",
        {
            **ctx,
            "rows": page_obj.object_list,
            "page_obj": page_obj,
            "page_links": _page_links(ctx, page_obj),
            "previous_query": (
                _page_query(ctx, page_obj.previous_page_number())
                if page_obj.has_previous()
                else None
            ),
            "next_query": (
                _page_query(ctx, page_obj.next_page_number()) if page_obj.has_next() else None
            ),
            # Where a bulk action's report leads back to: this page, these filters.
            "back_query": _page_query(ctx, page_obj.number),
            "headers": headers,
            "statuses": list(board.STATUS_LABELS.items()),
            "templates": [(t.code, t.name) for t in TEMPLATES.values()],
            "export_query": _query(ctx),
            "can_act": is_reviewer(request.user),
            "actions": services.BULK_ACTIONS,
        },
    )


@login_required
def board_xlsx(request):
    ctx = _board(request)
    board_figures(ctx["rows"])
    buffer = BytesIO()
    write_board_xlsx(ctx["rows"], ctx["totals"], buffer, title=f"{ctx['year']}年度自评填报进度")
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=f"{ctx['year']}年度自评填报进度.xlsx",
        content_type=XLSX_TYPE,
    )


@login_required
@require_POST
def board_bulk(request):
    if not is_reviewer(request.user):
        raise PermissionDenied("只有审核人可以批量操作。")
    action = request.POST.get("action", "")
    if action not in services.BULK_ACTIONS:
        raise Http404("没有这个操作。")
    keys = request.POST.getlist("rows")
    reason = request.POST.get("reason", "").strip()
    back = request.POST.get("back", "")
    if not keys:
        messages.error(request, "请先勾选要操作的行。")
        return redirect(f"{_board_url()}?{back}" if back else _board_url())
    if action == "return" and not reason:
        messages.error(request, "批量退回请填写退回理由（对所选各表相同）。没有做任何操作。")
        return redirect(f"{_board_url()}?{back}" if back else _board_url())
    results = services.bulk_action(user=request.user, action=action, keys=keys, reason=reason)
    return render(
        request,
        "seasons/bulk_result.html",
        {
            "action_label": services.BULK_ACTIONS[action],
            "done": [r for r in results if r.ok],
            "refused": [r for r in results if not r.ok],
            "back": back,
            "back_page": _int_or_none(QueryDict(back).get("page")),
        },
    )


def _board_url():
    return reverse("seasons:board")
