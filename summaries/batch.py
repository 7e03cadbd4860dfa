"""Batch export, the worker's side: each chunk's PDFs into the shared storage and, as one more
task beside them, the workbook; then the zip. The request (summaries.services.batch_export_request)
queues the workbook and the chunks; the tasks (summaries.tasks) run these functions, and whichever
finishes last queues the assembly, which only puts the stored parts together."""

from __future__ import annotations

import logging
import tempfile
import zipfile
from io import BytesIO

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from evaluations import printed
from evaluations.exports.files import file_stem
from evaluations.exports.layout import build_grids
from evaluations.models import Evaluation
from evaluations.scoring import evaluation_score, total_fund_amounts
from evaluations.selectors import form_data, with_lines
from workbooks.xlsx import form_sheet_names, write_xlsx_many

from .exports import Pct, Table, fill_sheet
from .models import BatchExport

logger = logging.getLogger(__name__)

SUMMARY_SHEET = "汇总"
# Forms per chunk: small enough that every worker gets a share of a county's export, large
# enough that the bookkeeping per chunk stays small beside the rendering (about 0.2–0.4 s a form).
CHUNK_SIZE = 25


def _progress(export: BatchExport, **fields) -> None:
    BatchExport.objects.filter(pk=export.pk).update(**fields)
    for name, value in fields.items():
        setattr(export, name, value)


def _fail(export: BatchExport, e: Exception) -> None:
    logger.exception("batch export %s failed", export.pk)
    _progress(
        export,
        status=BatchExport.Status.FAILED,
        error=f"导出失败：{e}"[:2000],
        finished_at=timezone.now(),
    )


def _approved(ids) -> list[Evaluation]:
    # A form reopened since the request is no longer approved and is left out.
    return list(
        with_lines(Evaluation.objects.filter(pk__in=ids, status=Evaluation.Status.APPROVED))
        .select_related("unit__region", "reviewed_by")
        .order_by("unit__region__path", "unit__name", "project_name", "pk")
    )


def _start(export_id: int) -> None:
    """The first part of an export to run marks it running."""
    BatchExport.objects.filter(pk=export_id, status=BatchExport.Status.QUEUED).update(
        status=BatchExport.Status.RUNNING, started_at=timezone.now()
    )


def _versions(evaluations: list[Evaluation]) -> list[list[int]]:
    """The forms as [id, version] pairs, as BatchExport.workbook_forms keeps them."""
    return [[e.pk, e.version] for e in evaluations]


def export_chunk(*, export_id: int, start: int, stop: int) -> tuple[int, bool]:
    """One chunk of an export (`evaluation_ids[start:stop]`): make sure each form's PDF is in the
    shared storage, counting every form on the export as it goes. Returns how many forms it
    rendered or found, and whether its count completed the export (see _count): its task then
    queues the assembly (summaries.tasks)."""
    export = BatchExport.objects.get(pk=export_id)
    if export.is_finished:
        return 0, False  # failed elsewhere, or already built
    _start(export_id)
    forms = _approved(export.evaluation_ids[start:stop])
    complete = False
    try:
        for evaluation in forms:
            printed.pdf_for(evaluation)
            complete |= _count(export_id, 1)
        # Forms no longer approved count as done too, so the total is reached.
        skipped = len(export.evaluation_ids[start:stop]) - len(forms)
        if skipped:
            complete |= _count(export_id, skipped)
    except Exception as e:
        _fail(export, e)
        raise
    return len(forms), complete


def _count(export_id: int, n: int) -> bool:
    """Add n to the export's done forms under its row lock; True for the count that reaches the
    total with the workbook already stored (or none to wait for): exactly one part of the export
    sees it complete, a chunk here or the workbook in export_workbook."""
    with transaction.atomic():
        export = BatchExport.objects.select_for_update().get(pk=export_id)
        if export.is_finished:
            return False
        export.done += n
        export.save(update_fields=["done"])
        return export.done == export.total and (bool(export.workbook) or not export.workbook_queued)


def export_workbook(*, export_id: int) -> bool:
    """The export's workbook, built from the forms approved now and stored beside the chunks'
    PDFs, so that a second worker builds it while the first renders. Returns True when it is the
    last part to finish (its task then queues the assembly)."""
    export = BatchExport.objects.select_related("region", "year").get(pk=export_id)
    if export.is_finished:
        return False
    _start(export_id)
    try:
        evaluations = _approved(export.evaluation_ids)
        content = _workbook(export, evaluations)
        export.workbook.save(_workbook_name(export), ContentFile(content), save=False)
    except Exception as e:
        _fail(export, e)
        raise
    with transaction.atomic():
        locked = BatchExport.objects.select_for_update().get(pk=export_id)
        if locked.is_finished:
            export.workbook.delete(save=False)
            return False
        locked.workbook = export.workbook.name
        locked.workbook_forms = _versions(evaluations)
        locked.save(update_fields=["workbook", "workbook_forms"])
        return locked.done >= locked.total


def export_assemble(*, export_id: int) -> str:
    """Put the stored PDFs and one workbook together into the export's zip. A failure is
    recorded on the export, then re-raised. Returns the stored file's name."""
    export = BatchExport.objects.select_related("region", "year").get(pk=export_id)
    if export.status == BatchExport.Status.DONE:
        return export.file.name
    _start(export.pk)
    try:
        name = _build(export)
    except Exception as e:
        _fail(export, e)
        raise
    _progress(export, status=BatchExport.Status.DONE, finished_at=timezone.now())
    return name


def export_build(*, export_id: int) -> str:
    """Build a whole export in this process: every chunk, then the zip with its workbook (one
    worker, or a script). Returns the stored file's name."""
    export = BatchExport.objects.get(pk=export_id)
    ids = export.evaluation_ids
    for start in range(0, len(ids), CHUNK_SIZE):
        export_chunk(export_id=export_id, start=start, stop=start + CHUNK_SIZE)
    return export_assemble(export_id=export_id)


def _build(export: BatchExport) -> str:
    """The zip: PDF/<form>.pdf for each form, and the workbook (_workbook). Both are stored
    uncompressed: a PDF's streams and the workbook are compressed already, so deflating them
    again only costs time."""
    evaluations = _approved(export.evaluation_ids)
    _progress(
        export,
        total=len(evaluations),
        done=len(evaluations),
        evaluation_ids=[e.pk for e in evaluations],
    )
    if export.workbook and export.workbook_forms == _versions(evaluations):
        with export.workbook.open("rb") as f:
            workbook = f.read()
    else:  # none built beside the chunks, or a form has moved since it was
        workbook = _workbook(export, evaluations)
    used_stems: set[str] = set()
    with tempfile.TemporaryFile() as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as zf:
            for evaluation in evaluations:
                stem = file_stem(evaluation)
                if stem.casefold() in used_stems:
                    stem = f"{stem}_{evaluation.pk}"
                used_stems.add(stem.casefold())
                # Stored by the chunks (or at 通过); rendered here only if it has gone since.
                zf.writestr(f"PDF/{stem}.pdf", printed.pdf_for(evaluation))
            zf.writestr(_workbook_name(export), workbook)
        tmp.seek(0)
        export.file.save(export.download_name, File(tmp), save=False)
    BatchExport.objects.filter(pk=export.pk).update(file=export.file.name)
    if export.workbook:  # in the zip now
        export.workbook.delete(save=False)
        BatchExport.objects.filter(pk=export.pk).update(workbook="")
    return export.file.name


def _workbook_name(export: BatchExport) -> str:
    return export.download_name.removesuffix(".zip") + ".xlsx"


def _workbook(export: BatchExport, evaluations: list[Evaluation]) -> bytes:
    """One workbook with a summary sheet and a sheet per table of every form: one for most forms,
    指标表 and 基础数据表 for a 部门整体 form."""
    used_sheets = {SUMMARY_SHEET.casefold()}
    grids, sheets, rows = [], [], []
    for i, evaluation in enumerate(evaluations, start=1):
        score = evaluation_score(evaluation)
        tables = build_grids(form_data(evaluation, score))
        names = form_sheet_names(evaluation.project_name, tables, used_sheets, fallback=f"表{i}")
        grids += tables
        sheets += names
        rows.append(_summary_row(i, "\n".join(names), evaluation, score))
    table = Table(
        "batch",
        SUMMARY_SHEET,
        (
            "序号",
            "工作表",
            "区划",
            "单位",
            "项目名称",
            "表样",
            "全年预算数（万元）",
            "全年执行数（万元）",
            "执行率",
            "总分",
            "等级",
            "审核人",
            "审核日期",
        ),
        rows,
        (f"共 {len(rows)} 张已审核自评表；PDF 在压缩包的 PDF 文件夹中。",),
    )
    heading = f"{export.year.year}年度 {export.region.name} 已审核自评表汇总"
    workbook = BytesIO()
    write_xlsx_many(
        grids,
        workbook,
        sheets,
        first_sheet=(SUMMARY_SHEET, lambda ws: fill_sheet(ws, table, heading=heading)),
    )
    return workbook.getvalue()


def _summary_row(i: int, sheet: str, evaluation: Evaluation, score) -> tuple:
    budget, actual = total_fund_amounts(evaluation.template_def, evaluation.fund_lines.all())
    rate = actual / budget if budget and actual is not None else None
    reviewer = evaluation.reviewed_by
    return (
        i,
        sheet,
        evaluation.unit.region.name,
        evaluation.unit.name,
        evaluation.project_name,
        evaluation.template_def.name,
        budget,
        actual,
        Pct(rate),
        score.total,
        score.grade,
        (reviewer.get_full_name() or reviewer.get_username()) if reviewer else "",
        f"{timezone.localtime(evaluation.reviewed_at):%Y-%m-%d}" if evaluation.reviewed_at else "",
    )
