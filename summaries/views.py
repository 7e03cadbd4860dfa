from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from config.downloads import attachment_response
from evaluations.models import Evaluation, Year
from evaluations.permissions import visible_evaluations

from . import charts, services
from .exports import summary_tables, write_table_xlsx
from .models import BatchExport
from .permissions import check_role, get_region_for_user, home_region, summary_regions
from .selectors import (
    BASIS,
    DEFAULT_BASIS,
    GRADES,
    STATUSES,
    UNITS_PER_PAGE,
    region_breadcrumb,
    region_summary,
)
from .templatetags.summary_tags import pct

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS_COLOURS = {
    Evaluation.Status.DRAFT: "#6c757d",
    Evaluation.Status.SUBMITTED: "#0d6efd",
    Evaluation.Status.RETURNED: "#dc3545",
    Evaluation.Status.APPROVED: "#198754",
}
EXPORT_NOT_FOUND = "没有找到该批量导出，或您无权查看。"


@login_required
def summary_home(request):
    """Start at the user's own region and the latest year that has forms they can see."""
    check_role(request.user)
    year, region_id = request.GET.get("year"), request.GET.get("region")
    if year and region_id and year.isdigit() and region_id.isdigit():
        url = reverse("summary_region", args=[int(year), int(region_id)])
        basis = request.GET.get("basis")
        return redirect(f"{url}?basis={basis}" if basis in BASIS else url)
    region = home_region(request.user)
    year = (
        Year.objects.filter(pk__in=visible_evaluations(request.user).values("year_id")).first()
        or Year.objects.first()
    )
    if region is None or year is None:
        return render(request, "summaries/empty.html")
    return redirect("summary_region", year=year.year, region_id=region.pk)


def _load(request, year, region_id):
    region = get_region_for_user(request.user, region_id)
    # With the year's stored-figures mark: the summary learns whether to read them, no query.
    year = get_object_or_404(Year.objects.select_related("summary_figures"), year=year)
    basis = request.GET.get("basis")
    return region, year, basis if basis in BASIS else DEFAULT_BASIS


def _charts(summary) -> dict[str, str]:
    status_series = [
        charts.Series(label, STATUS_COLOURS[s])
        for s, label in Evaluation.Status.choices
        if s in STATUSES
    ]
    units = summary.units
    result = {
        "status": charts.stacked_chart(
            chart_id="chart-status",
            title=f"{summary.region.name}各单位自评表状态",
            desc="每个单位一行，按草稿、已提交、已退回、已审核分段显示自评表张数；数字见右侧表格。",
            series=status_series,
            stacks=[charts.Stack(r.label, tuple(r.counts[s] for s in STATUSES)) for r in units],
        ),
        "money": charts.bar_chart(
            chart_id="chart-money",
            title=f"{summary.region.name}各单位预算执行率",
            desc="每个单位一行，条长为执行率（全年执行数÷全年预算数），虚线为100%；"
            f"合计执行率{pct(summary.total.money.rate)}。",
            bars=[
                charts.Bar(r.label, r.money.rate, pct(r.money.rate))
                for r in [*units, summary.total]
            ],
            scale_max=max([1, *(r.money.rate or 0 for r in units)]),
            reference=1,
            reference_text="100%",
            colour="#0d6efd",
        ),
        "grades": charts.bar_chart(
            chart_id="chart-grades",
            title="项目支出绩效自评等级分布",
            desc="优、良、中、差各等级的自评表张数。",
            bars=[
                charts.Bar(
                    g, summary.total.scores.grades[g], f"{summary.total.scores.grades[g]} 张"
                )
                for g in GRADES
            ],
            colour="#6f42c1",
        ),
    }
    if summary.children:
        result["children"] = charts.stacked_chart(
            chart_id="chart-children",
            title=f"{summary.region.name}下级区划自评表状态",
            desc="每个下级区划（及本级）一行，按状态分段显示自评表张数。",
            series=status_series,
            stacks=[
                charts.Stack(r.label, tuple(r.counts[s] for s in STATUSES))
                for r in summary.children
            ],
        )
    return {k: mark_safe(v) for k, v in result.items()}  # noqa: S308 - escaped in charts.py


@login_required
@require_GET
def summary_region(request, year, region_id):
    region, year, basis = _load(request, year, region_id)
    page = request.GET.get("page", "1")
    page = int(page) if page.isdigit() else 1
    summary = region_summary(request.user, region, year, basis=basis, page=page)
    reachable = summary_regions(request.user)
    exports = BatchExport.objects.filter(
        requested_by=request.user, region=region, year=year
    ).select_related("region", "year")[:5]
    return render(
        request,
        "summaries/region.html",
        {
            "summary": summary,
            "region": region,
            "year": year,
            "years": Year.objects.all(),
            "basis": basis,
            "bases": [(k, v[0]) for k, v in BASIS.items()],
            "breadcrumb": region_breadcrumb(region, reachable),
            "charts": _charts(summary),
            "tables": summary_tables(summary),
            "statuses": STATUSES,
            "grades": GRADES,
            "units_per_page": UNITS_PER_PAGE,
            "exports": exports,
            "approved_count": summary.total.counts[Evaluation.Status.APPROVED],
        },
    )


@login_required
@require_GET
def summary_table_xlsx(request, year, region_id, table):
    region, year, basis = _load(request, year, region_id)
    summary = region_summary(request.user, region, year, basis=basis, page=None)  # every unit
    tables = summary_tables(summary)
    if table not in tables:
        raise Http404("没有这张表。")
    t = tables[table]
    buffer = BytesIO()
    write_table_xlsx(t, buffer, heading=f"{year.year}年度 {region.name} {t.title}")
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=f"{year.year}年度_{region.name}_{t.title}.xlsx",
        content_type=XLSX_TYPE,
    )


# -- batch export -------------------------------------------------------------------------------


@login_required
@require_POST
def batch_export_create(request, year, region_id):
    region, year, _ = _load(request, year, region_id)
    try:
        export = services.batch_export_request(user=request.user, region=region, year=year)
    except services.ExportError as e:
        messages.error(request, e.message)
        return redirect("summary_region", year=year.year, region_id=region.pk)
    return redirect("batch_export_detail", export_id=export.pk)


def _export_for_user(user, pk) -> BatchExport:
    """The requester's own export; someone else's only where the region and every form in it
    are within their own scope. Anything else answers 404."""
    check_role(user)
    try:
        export = BatchExport.objects.select_related("region", "year").get(pk=pk)
    except BatchExport.DoesNotExist:
        raise Http404(EXPORT_NOT_FOUND) from None
    if export.requested_by_id == user.pk:
        return export
    if not summary_regions(user).filter(pk=export.region_id).exists():
        raise Http404(EXPORT_NOT_FOUND)
    ids = export.evaluation_ids
    if visible_evaluations(user).filter(pk__in=ids).count() != len(set(ids)):
        raise Http404(EXPORT_NOT_FOUND)
    return export


def _status_payload(export: BatchExport) -> dict:
    return {
        "status": export.status,
        "status_label": export.get_status_display(),
        "done": export.done,
        "total": export.total,
        "percent": export.percent,
        "error": export.error,
        "download_url": reverse("batch_export_download", args=[export.pk])
        if export.status == BatchExport.Status.DONE
        else "",
    }


@login_required
@require_GET
def batch_export_detail(request, export_id):
    export = _export_for_user(request.user, export_id)
    return render(
        request,
        "summaries/batch_export.html",
        {"export": export, "payload": _status_payload(export)},
    )


@login_required
@require_GET
def batch_export_status(request, export_id):
    export = _export_for_user(request.user, export_id)
    response = JsonResponse(_status_payload(export))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def batch_export_download(request, export_id):
    export = _export_for_user(request.user, export_id)
    if export.status != BatchExport.Status.DONE or not export.file:
        raise Http404("导出文件尚未生成。")
    try:
        fh = export.file.open("rb")
    except FileNotFoundError:
        raise Http404("导出文件已不存在，请重新导出。") from None
    return attachment_response(fh, export.download_name, "application/zip")


@login_required
@require_GET
def batch_export_list(request):
    check_role(request.user)
    exports = BatchExport.objects.filter(requested_by=request.user).select_related(
        "region", "year"
    )[:50]
    return render(
        request, "summaries/batch_export_list.html", {"exports": exports, "now": timezone.now()}
    )
