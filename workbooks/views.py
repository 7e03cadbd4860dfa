"""导入Excel: the import page and, for a layout the import does not recognise, the mapping step;
and the form as an Excel workbook, the download beside its PDF."""

from __future__ import annotations

from io import BytesIO
from uuid import uuid4

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from audit.services import audit_record
from config.downloads import attachment_response
from evaluations import scoring
from evaluations.exports.files import file_stem
from evaluations.exports.layout import FormData
from evaluations.models import Evaluation, Year
from evaluations.permissions import units_for_new_forms
from evaluations.selectors import form_data, with_lines
from evaluations.templates_def import TEMPLATES
from evaluations.views.common import _int_or_none
from evaluations.views.downloads import download_detail, form_for_download, variant_data

from . import services, xlsx_checks, xlsx_import
from .forms import ImportForm, ImportMappingForm
from .selectors import import_parse
from .xlsx import write_xlsx
from .xlsx_import import mapped

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# -- import from Excel --------------------------------------------------------------------------

# Room for the multipart envelope and the other fields around the file itself.
IMPORT_ENVELOPE = 64 * 1024
IMPORT_DONE = "已从“{name}”导入{template}“{project}”（{lines}行绩效指标），现为草稿。请核对后保存。"
IMPORT_CLAIMS = "导入的得分中有与建议得分不同的，提交前请填写理由："
IMPORT_NOTES = "导入时注意到："
IMPORT_PENDING = "import_pending"
IMPORT_PENDING_GONE = "要对应栏目的文件已不在，请重新上传。"


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def evaluation_import(request):
    """导入Excel: a workbook becomes a draft form of the preparer's unit, or the page lists
    every problem (sheet, cell, what was expected) and nothing is created.

    The request's length is looked at before its body is parsed, so an oversized upload is
    refused without being stored; CSRF is checked right after, by `_import_page`.
    """
    unit = units_for_new_forms(request.user).first()
    if unit is None:
        raise PermissionDenied(services.IMPORT_NOT_PREPARER)
    limit = settings.XLSX_IMPORT_MAX_BYTES
    length = _int_or_none(request.META.get("CONTENT_LENGTH")) or 0
    if request.method == "POST" and length > limit + IMPORT_ENVELOPE:
        errors = [xlsx_checks.size_error(length, limit)]
        return _import_render(request, unit, ImportForm(), errors, status=413)
    return _import_page(request, unit, limit)


@csrf_protect
def _import_page(request, unit, limit):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _import_render(request, unit, form, [])
    claimed = request.POST.get("unit")
    if claimed and claimed != str(unit.pk):
        raise PermissionDenied("只能导入到本单位。")
    if not form.is_valid():
        return _import_render(request, unit, form, [], status=400)
    upload, year = form.cleaned_data["file"], form.cleaned_data["year"]
    try:
        if upload.size > limit:
            raise xlsx_checks.ImportRefused([xlsx_checks.size_error(upload.size, limit)])
        data = upload.read(limit + 1)
        limits = xlsx_checks.Limits(max_bytes=limit)
        parsed = import_parse(data=data, unit=unit, limits=limits, year=year.year)
    except xlsx_checks.ImportRefused as e:
        return _import_render(request, unit, form, e.errors, status=400)
    if not parsed.recognised:
        # A layout the import does not know: the clerk says where things are (mapping step).
        token = uuid4().hex
        stored = default_storage.save(f"import_pending/{token}.xlsx", ContentFile(data))
        request.session[IMPORT_PENDING] = {"path": stored, "name": upload.name, "year": year.pk}
        return redirect("evaluation_import_map")
    return _import_done(request, unit, form, parsed, year, upload.name)


def _import_done(request, unit, form, parsed, year, name):
    """The draft from a read workbook, the summary and what was noticed said; or (a project name
    the unit already has) the import page with the problem."""
    try:
        # The year the form states wins over the one chosen (the notes say so).
        year, year_notes = services.import_year(
            stated=parsed.year, chosen=year.year, today=timezone.localdate()
        )
        evaluation = services.evaluation_import(user=request.user, year=year, parsed=parsed)
    except services.EvaluationError as e:
        cell = parsed.cells.get("project_name", "")
        error = xlsx_checks.CellError(parsed.sheet, cell, e.message)
        return _import_render(request, unit, form or ImportForm(), [error], status=409)

    placed, other = parsed.counts()
    messages.success(
        request,
        IMPORT_DONE.format(
            name=name,
            template=evaluation.template_def.name,
            project=evaluation.project_name,
            lines=len(parsed.lines),
        )
        + xlsx_import.IMPORT_SUMMARY.format(placed=placed, other=other),
    )
    notes = [*year_notes, *(str(n) for n in parsed.notes)]
    if notes:
        messages.warning(request, IMPORT_NOTES + "；".join(notes))
    stored = with_lines(Evaluation.objects.filter(pk=evaluation.pk)).get()
    problems = scoring.evaluation_score(stored).claim_problems()
    if problems:
        messages.warning(request, IMPORT_CLAIMS + "；".join(p.message for p in problems))
    return redirect("evaluation_edit", pk=evaluation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_import_map(request):
    """导入Excel, second step for a layout the import does not recognise: the workbook's rows,
    and a form where the clerk says which cell, rows and columns hold what. The mapping is
    remembered for the unit; “全部放入其他内容” imports the file with everything in 其他内容."""
    unit = units_for_new_forms(request.user).first()
    if unit is None:
        raise PermissionDenied(services.IMPORT_NOT_PREPARER)
    pending = request.session.get(IMPORT_PENDING)
    if not pending or not default_storage.exists(pending["path"]):
        messages.error(request, IMPORT_PENDING_GONE)
        return redirect("evaluation_import")
    with default_storage.open(pending["path"], "rb") as f:
        data = f.read()
    year = Year.objects.get(pk=pending["year"])
    sheets = mapped.sheets_of(data)
    form = ImportMappingForm(request.POST or None, sheet_names=[s.name for s in sheets])
    errors = []
    if request.method == "POST":
        parsed = None
        if "keep_all" in request.POST:
            parsed = xlsx_import.parse_workbook(data, year=year.year)
        elif form.is_valid():
            mapping = form.mapping()
            try:
                parsed = mapped.read_mapped(sheets, mapping, year.year)
            except mapped.MappingError as e:
                errors.append(e.args[0])
            else:
                anchors = mapped.anchors_for(sheets[mapping["sheet"]], mapping)
                services.import_mapping_remember(
                    unit=unit, user=request.user, mapping=mapping, anchors=anchors
                )
        if parsed is not None:
            response = _import_done(request, unit, None, parsed, year, pending["name"])
            if response.status_code == 302:
                default_storage.delete(pending["path"])
                request.session.pop(IMPORT_PENDING, None)
            return response
    index = form.cleaned_data.get("sheet", 0) if form.is_bound and form.is_valid() else 0
    index = _int_or_none(request.GET.get("sheet")) or index
    sheet = sheets[index] if 0 <= index < len(sheets) else sheets[0]
    return render(
        request,
        "workbooks/evaluation_import_map.html",
        {
            "form": form,
            "unit": unit,
            "name": pending["name"],
            "sheets": [(i, s.name) for i, s in enumerate(sheets)],
            "sheet_index": sheets.index(sheet),
            "letters": mapped.column_letters(sheet),
            "rows": mapped.preview(sheet),
            "errors": errors,
        },
        status=400 if errors or (form.is_bound and not form.is_valid()) else 200,
    )


def _import_render(request, unit, form, errors, status=200):
    return render(
        request,
        "workbooks/evaluation_import.html",
        {
            "form": form,
            "unit": unit,
            "errors": errors,
            "max_bytes": settings.XLSX_IMPORT_MAX_BYTES,
            "max_mb": settings.XLSX_IMPORT_MAX_BYTES // (1024 * 1024),
            "templates": [t.name for t in TEMPLATES.values()],
            "blank_templates": list(TEMPLATES.values()),
        },
        status=status,
    )


@login_required
def evaluation_import_blank(request, template):
    """A blank workbook of one 表样 to fill in and import: the form's own Excel export (written
    by xlsx.py from the template's definition, with the paper's empty rows), so the
    import reads it back as that 表样."""
    t = TEMPLATES.get(template)
    if t is None:
        raise Http404("没有这个表样。")
    year = timezone.localdate().year - 1  # forms evaluate the year just ended
    data = FormData(
        template=t,
        title=t.title,
        year=year,
        header={},
        header_labels={},
        funds={},
        goal_planned="",
        goal_actual="",
        lines=(),
        is_draft=False,
    )
    buffer = BytesIO()
    write_xlsx(data, buffer)
    return attachment_response(buffer.getvalue(), f"{t.name}（空白表）.xlsx", XLSX_TYPE)


# -- the form as a workbook ---------------------------------------------------------------------


@login_required
def evaluation_xlsx(request, pk):
    """The form's Excel workbook (or a print variant's, `?variant=`), for anyone who may see the
    form: the printed grid its PDF has, written by `xlsx.write_xlsx`."""
    evaluation = form_for_download(request, pk)
    data, suffix = variant_data(request, evaluation)
    buffer = BytesIO()
    write_xlsx(form_data(evaluation) if data is None else data, buffer)
    buffer.seek(0)
    audit_record(
        user=request.user,
        action="download_xlsx",
        evaluation=evaluation,
        detail=download_detail(evaluation, suffix),
        request=request,
    )
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=f"{file_stem(evaluation)}{suffix}.xlsx",
        content_type=XLSX_TYPE,
    )
