"""The pages after the self-evaluation: 抽评 and 复核, 整改, 结果应用 and 公开. Views parse input,
load objects through `permissions` (404 outside scope, 403 for the wrong role), call a service,
render; exports are written by `exports` and served as downloads, each in the audit log."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import audit_record
from evaluations.models import Evaluation, Membership, Unit, Year
from evaluations.permissions import membership_of, visible_evaluations
from evaluations.scoring import evaluation_score
from evaluations.selectors import form_data, with_lines

from . import exports, selectors, services
from .forms import DisclosureForm, RectificationForm, ResultRuleForm, SampleForm, ScopeForm
from .models import RectificationItem, ResultRule, Review
from .permissions import (
    approved_forms,
    can_answer,
    can_score,
    get_rectification_for_user,
    get_review_for_user,
    get_sample_for_user,
    is_finance,
    require_finance,
    visible_rectifications,
    visible_regions,
    visible_samples,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMATS = ("pdf", "xlsx")


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Http404("没有该格式。")


def _download(request, content: bytes, filename: str, kind: str, detail: dict):
    audit_record(user=request.user, action="export_forms", detail={"export": kind, **detail})
    content_type = "application/pdf" if filename.endswith(".pdf") else XLSX_TYPE
    return FileResponse(BytesIO(content), filename=filename, content_type=content_type)


def _write(writer, *args) -> bytes:
    buffer = BytesIO()
    writer(*args, buffer)
    return buffer.getvalue()


def _show_error(request, error: services.FollowupError) -> None:
    for message in error.messages:
        messages.error(request, message)


# -- home ------------------------------------------------------------------------------------


@login_required
def home(request):
    user = request.user
    m = membership_of(user)
    if m is None and not user.is_superuser:
        raise PermissionDenied("您的角色不能执行此操作。")
    today = timezone.localdate()
    context = {
        "is_finance": is_finance(user),
        "samples": visible_samples(user).select_related("year", "region")[:50],
        "items": selectors.rectification_items(user)[:200],
        "overdue": selectors.overdue_items(user, today).count(),
        "today": today,
    }
    if is_finance(user):
        context["sample_form"] = SampleForm(
            regions=visible_regions(user),
            forms_qs=approved_forms(user).select_related("unit", "year"),
            initial={"gap_points": 10},
        )
    return render(request, "followup/home.html", context)


# -- 抽评 and 复核 -------------------------------------------------------------------------------


@login_required
@require_POST
def sample_draw(request):
    require_finance(request.user)
    form = SampleForm(
        request.POST,
        regions=visible_regions(request.user),
        forms_qs=approved_forms(request.user),
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("followup:home")
    d = form.cleaned_data
    try:
        sample = services.sample_draw(
            user=request.user,
            year=d["year"],
            region=d["region"],
            method=d["method"],
            size=d["size"],
            min_amount=d["min_amount"],
            seed=d["seed"],
            picked=[ev.pk for ev in d["picked"]],
            gap_points=d["gap_points"],
        )
    except services.FollowupError as error:
        _show_error(request, error)
        return redirect("followup:home")
    messages.success(request, f"已抽取{sample.reviews.count()}张自评表。")
    return redirect("followup:sample", sample_id=sample.pk)


def _reviewers(user):
    """Reviewers a 复核 may be assigned to: the finance staff whose scope covers the form."""
    return (
        get_user_model()
        .objects.filter(membership__role=Membership.Role.REVIEWER)
        .filter(membership__unit__region__in=visible_regions(user))
        .order_by("username")
    )


@login_required
def sample_detail(request, sample_id):
    sample = get_sample_for_user(request.user, sample_id)
    return render(
        request,
        "followup/sample.html",
        {
            "sample": sample,
            "reviews": selectors.sample_reviews(sample),
            "report": selectors.difference_report(sample),
            "is_finance": is_finance(request.user),
            "reviewers": _reviewers(request.user) if is_finance(request.user) else [],
        },
    )


@login_required
@require_POST
def review_assign(request, review_id):
    review = get_review_for_user(request.user, review_id)
    require_finance(request.user)
    reviewer = None
    if request.POST.get("reviewer"):
        reviewer = get_object_or_404(_reviewers(request.user), pk=request.POST["reviewer"])
    try:
        services.review_assign(
            user=request.user,
            review_id=review.pk,
            reviewer=reviewer,
            third_party=request.POST.get("third_party") == "1",
        )
    except services.FollowupError as error:
        _show_error(request, error)
    else:
        messages.success(request, "已分配。")
    return redirect("followup:sample", sample_id=review.sample_id)


def _decimal(text: str) -> Decimal | None | str:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return "bad"
    return value if value.is_finite() else "bad"


@login_required
def review_detail(request, review_id):
    review = get_review_for_user(request.user, review_id)
    form = with_lines(Evaluation.objects.filter(pk=review.evaluation_id)).get()
    score = evaluation_score(form)
    may_score = can_score(request.user, review) and review.status == Review.Status.ASSIGNED
    saved = {line.line_id: line for line in review.lines.all()}
    typed = request.POST if request.method == "POST" else None
    errors = []
    if request.method == "POST":
        if not may_score:
            raise PermissionDenied("您的角色不能执行此操作。")
        entries, bad = [], []
        for line in form.indicator_lines.all():
            value = _decimal(request.POST.get(f"score_{line.pk}", ""))
            if value == "bad":
                bad.append(f"“{line.level3}”的复核得分不是数字。")
                value = None
            entries.append(
                services.LineReScore(line.pk, value, request.POST.get(f"reason_{line.pk}", ""))
            )
        budget = _decimal(request.POST.get("budget_score", ""))
        if budget == "bad":
            bad.append("预算执行率的复核得分不是数字。")
        if bad:
            errors = bad
        else:
            try:
                services.review_save(
                    user=request.user,
                    review_id=review.pk,
                    lines=entries,
                    budget_score=budget,
                    budget_reason=request.POST.get("budget_reason", ""),
                    conclusion=request.POST.get("conclusion", ""),
                    complete="complete" in request.POST,
                )
            except services.FollowupError as error:
                errors = error.messages
            else:
                done = "complete" in request.POST
                messages.success(request, "复核已完成。" if done else "复核已保存。")
                return redirect("followup:review", review_id=review.pk)
    rows = []
    for line, result in zip(form.indicator_lines.all(), score.lines, strict=True):
        kept = saved.get(line.pk)
        rows.append(
            {
                "line": line,
                "result": result,
                "value": typed.get(f"score_{line.pk}", "")
                if typed
                else (kept.review_score if kept and kept.review_score is not None else ""),
                "reason": typed.get(f"reason_{line.pk}", "")
                if typed
                else (kept.reason if kept else ""),
                "gap": kept.gap if kept else None,
            }
        )
    return render(
        request,
        "followup/review.html",
        {
            "review": review,
            "evaluation": form,
            "score": score,
            "rows": rows,
            "errors": errors,
            "may_score": may_score,
            "budget_value": typed.get("budget_score", "") if typed else review.budget_review,
            "budget_reason": typed.get("budget_reason", "") if typed else review.budget_reason,
            "conclusion": typed.get("conclusion", "") if typed else review.conclusion,
            "rectify_form": RectificationForm() if is_finance(request.user) else None,
        },
        status=400 if errors else 200,
    )


@login_required
def sample_export(request, sample_id, fmt):
    _check_format(fmt)
    sample = get_sample_for_user(request.user, sample_id)
    report = selectors.difference_report(sample)
    tables = difference_tables(report)
    title = f"{sample.year.year}年度{sample.region.name}复核差异报告"
    detail = {"sample": sample.pk}
    if fmt == "pdf":
        return _download(
            request, exports.tables_pdf(title, tables), f"{title}.pdf", "difference", detail
        )
    return _download(
        request, _write(exports.write_tables_xlsx, tables), f"{title}.xlsx", "difference", detail
    )


def difference_tables(report) -> list[exports.Table]:
    units = exports.Table(
        title="按单位汇总",
        columns=("单位", "复核表数", "自评总分合计", "复核总分合计", "差异"),
        rows=[(u.unit, str(u.forms), u.self_total, u.review_total, u.gap) for u in report.units]
        + [("合计", "", report.region_self, report.region_review, report.region_gap)],
        widths=(30, 10, 14, 14, 10),
    )
    lines = exports.Table(
        title="差异最大的指标",
        columns=("单位", "项目名称", "三级指标", "分值", "自评得分", "复核得分", "差异", "理由"),
        rows=[
            (
                r.evaluation.unit.name,
                r.evaluation.project_name,
                line.label,
                line.weight,
                line.self_score,
                line.review_score,
                line.gap,
                line.reason,
            )
            for r, line in report.lines
        ],
        widths=(20, 24, 24, 8, 10, 10, 8, 30),
    )
    wide = exports.Table(
        title=f"总分差异超过{report.sample.gap_points.normalize():f}分的自评表",
        columns=("单位", "项目名称", "自评总分", "复核总分", "差异", "复核结论"),
        rows=[
            (
                r.evaluation.unit.name,
                r.evaluation.project_name,
                r.self_total,
                r.review_total,
                r.gap,
                r.conclusion,
            )
            for r in report.wide_gaps
        ],
        widths=(20, 30, 10, 10, 8, 40),
    )
    return [units, lines, wide]


# -- 整改 ------------------------------------------------------------------------------------


@login_required
@require_POST
def rectification_issue(request, pk):
    """Issue 整改要求 on an approved form; `review` names the 复核 it comes from, if any."""
    evaluation = get_object_or_404(visible_evaluations(request.user), pk=pk)
    require_finance(request.user)
    review_id = request.POST.get("review") or None
    if review_id is not None:
        review_id = get_review_for_user(request.user, review_id).pk
    form = RectificationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        back = (
            reverse("followup:review", args=[review_id]) if review_id else reverse("followup:home")
        )
        return redirect(back)
    try:
        rectification = services.rectification_issue(
            user=request.user, evaluation_id=evaluation.pk, items=form.items(), review_id=review_id
        )
    except services.FollowupError as error:
        _show_error(request, error)
        return redirect("followup:home")
    messages.success(request, "整改要求已下达。")
    return redirect("followup:rectification", rectification_id=rectification.pk)


@login_required
def rectification_detail(request, rectification_id):
    rectification = get_rectification_for_user(request.user, rectification_id)
    items = list(rectification.items.prefetch_related("evidence"))
    for item in items:
        item.may_answer = can_answer(request.user, item) and item.status in (
            RectificationItem.Status.OPEN,
            RectificationItem.Status.RETURNED,
        )
    return render(
        request,
        "followup/rectification.html",
        {
            "rectification": rectification,
            "items": items,
            "is_finance": is_finance(request.user),
            "today": timezone.localdate(),
        },
    )


def _item_for_user(user, pk) -> RectificationItem:
    item = get_object_or_404(
        RectificationItem.objects.filter(
            rectification__in=visible_rectifications(user)
        ).select_related("rectification__evaluation"),
        pk=pk,
    )
    return item


@login_required
@require_POST
def item_answer(request, item_id):
    item = _item_for_user(request.user, item_id)
    if not can_answer(request.user, item):
        raise PermissionDenied("您的角色不能执行此操作。")
    try:
        services.rectification_answer(
            user=request.user,
            item_id=item.pk,
            answer=request.POST.get("answer", ""),
            files=request.FILES.getlist("files"),
        )
    except services.FollowupError as error:
        _show_error(request, error)
    else:
        messages.success(request, "整改情况已提交。")
    return redirect("followup:rectification", rectification_id=item.rectification_id)


@login_required
@require_POST
def item_decide(request, item_id):
    item = _item_for_user(request.user, item_id)
    require_finance(request.user)
    try:
        services.rectification_decide(
            user=request.user,
            item_id=item.pk,
            accept=request.POST.get("decision") == "accept",
            comment=request.POST.get("comment", ""),
        )
    except services.FollowupError as error:
        _show_error(request, error)
    else:
        messages.success(request, "已处理。")
    return redirect("followup:rectification", rectification_id=item.rectification_id)


@login_required
def evidence_download(request, item_id, file_id):
    item = _item_for_user(request.user, item_id)
    evidence = get_object_or_404(item.evidence.all(), pk=file_id)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


# -- 结果应用 ----------------------------------------------------------------------------------


def _scope(request):
    regions = visible_regions(request.user)
    form = ScopeForm(request.GET or None, regions=regions)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["year"], form.cleaned_data["region"]
    year = Year.objects.order_by("-year").first()
    region = regions.order_by("path").first()
    return ScopeForm(regions=regions, initial={"year": year, "region": region}), year, region


def _result_rows(request):
    require_finance_or_viewer(request.user)
    form, year, region = _scope(request)
    if year is None or region is None:
        raise Http404("没有可用的年度或范围。")
    return form, year, region, selectors.result_table(request.user, year, region)


def require_finance_or_viewer(user) -> None:
    m = membership_of(user)
    if not (user.is_superuser or (m and m.role != Membership.Role.PREPARER)):
        raise PermissionDenied("您的角色不能执行此操作。")


@login_required
def results(request):
    form, year, region, rows = _result_rows(request)
    rules = selectors.result_rules_for(region)
    return render(
        request,
        "followup/results.html",
        {
            "form": form,
            "year": year,
            "region": region,
            "rows": rows,
            "rules": [rules[g] for g in ResultRule.Grade.values if g in rules],
            "rule_form": ResultRuleForm(regions=visible_regions(request.user))
            if is_finance(request.user)
            else None,
            "is_finance": is_finance(request.user),
            "query": request.GET.urlencode(),
        },
    )


def result_table(rows, year, region) -> exports.Table:
    return exports.Table(
        title=f"{region.name}{year.year}年度绩效评价结果应用建议表",
        columns=(
            "序号",
            "单位",
            "项目名称",
            "金额（万元）",
            "得分",
            "等级",
            "建议",
            "依据",
            "决定",
        ),
        rows=[
            (
                str(i),
                row.evaluation.unit.name,
                row.evaluation.project_name,
                exports.Amount(row.amount),
                row.total,
                row.grade,
                row.suggestion,
                row.basis,
                row.decision,
            )
            for i, row in enumerate(rows, start=1)
        ],
        notes=(
            "得分为复核得分（已复核的）或审核通过的自评得分；建议按所属区划的结果应用规则生成。",
        ),
        widths=(6, 20, 24, 12, 8, 6, 24, 40, 20),
    )


@login_required
def results_export(request, fmt):
    _check_format(fmt)
    _, year, region, rows = _result_rows(request)
    table = result_table(rows, year, region)
    detail = {"year": year.year, "region": region.name}
    if fmt == "pdf":
        return _download(
            request,
            exports.tables_pdf(table.title, [table]),
            f"{table.title}.pdf",
            "result_use",
            detail,
        )
    return _download(
        request,
        _write(exports.write_tables_xlsx, [table]),
        f"{table.title}.xlsx",
        "result_use",
        detail,
    )


@login_required
@require_POST
def result_rule_set(request):
    require_finance(request.user)
    form = ResultRuleForm(request.POST, regions=visible_regions(request.user))
    if form.is_valid():
        try:
            services.result_rule_set(user=request.user, **form.cleaned_data)
        except services.FollowupError as error:
            _show_error(request, error)
        else:
            messages.success(request, "结果应用规则已保存。")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(f"{reverse('followup:results')}?{request.POST.get('query', '')}")


@login_required
@require_POST
def decision_record(request, pk):
    evaluation = get_object_or_404(visible_evaluations(request.user), pk=pk)
    require_finance(request.user)
    try:
        services.decision_record(
            user=request.user,
            evaluation_id=evaluation.pk,
            suggestion=request.POST.get("suggestion", ""),
            decision=request.POST.get("decision", ""),
        )
    except services.FollowupError as error:
        _show_error(request, error)
    else:
        messages.success(request, "决定已记录。")
    return redirect(f"{reverse('followup:results')}?{request.POST.get('query', '')}")


# -- 公开 --------------------------------------------------------------------------------------


def _disclosure_units(user):
    m = membership_of(user)
    if m is not None and m.role == Membership.Role.PREPARER and not user.is_superuser:
        return Unit.objects.filter(pk=m.unit_id)
    return Unit.objects.filter(region__in=visible_regions(user), kind=Unit.Kind.BUDGET).order_by(
        "name"
    )


def _disclosure(request):
    units = _disclosure_units(request.user)
    form = DisclosureForm(request.GET or None, units=units)
    if not (form.is_bound and form.is_valid()):
        year = Year.objects.order_by("-year").first()
        return form if form.is_bound else DisclosureForm(
            units=units, initial={"year": year, "unit": units.first(), "hide_phones": True}
        ), None
    d = form.cleaned_data
    forms = selectors.disclosure_forms(request.user, d["unit"], d["year"])
    rows = selectors.disclosure_rows(forms)
    table = exports.disclosure_table(d["unit"].name, d["year"].year, rows)
    datas = [exports.published(form_data(ev), hide_phones=d["hide_phones"]) for ev in forms]
    return form, (d, table, datas)


@login_required
def disclosure(request):
    form, package = _disclosure(request)
    return render(
        request,
        "followup/disclosure.html",
        {"form": form, "package": package, "query": request.GET.urlencode()},
    )


@login_required
def disclosure_export(request, fmt):
    _check_format(fmt)
    form, package = _disclosure(request)
    if package is None:
        raise Http404("请选择年度和单位。")
    d, table, datas = package
    detail = {"unit": d["unit"].name, "year": d["year"].year, "hide_phones": d["hide_phones"]}
    stem = f"{d['unit'].name}{d['year'].year}年度绩效自评公开"
    if fmt == "pdf":
        content = _write(exports.write_disclosure_pdf, table, datas)
        return _download(request, content, f"{stem}.pdf", "disclosure", detail)
    content = _write(exports.write_disclosure_xlsx, table, datas)
    return _download(request, content, f"{stem}.xlsx", "disclosure", detail)
