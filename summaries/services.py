"""Writes: asking for a batch export, and building it (run by the background task)."""

from __future__ import annotations

import logging
import tempfile
import zipfile
from io import BytesIO

from django.core.files import File
from django.utils import timezone

from evaluations.exports.files import file_stem
from evaluations.exports.layout import build_grids
from evaluations.exports.pdf import pdf_bytes
from evaluations.exports.xlsx import form_sheet_names, write_xlsx_many
from evaluations.models import Evaluation, Region, Year
from evaluations.scoring import evaluation_score, total_fund_amounts
from evaluations.selectors import form_data, with_lines

from .exports import Pct, Table, fill_sheet
from .models import BatchExport
from .selectors import approved_for_export

logger = logging.getLogger(__name__)

NOTHING_TO_EXPORT = "{year}年度{region}没有您可导出的已审核自评表。"
SUMMARY_SHEET = "汇总"


class ExportError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def batch_export_request(*, user, region: Region, year: Year) -> BatchExport:
    """Ask for a zip of the region's approved forms of the year (those within the user's scope).

    A second request while the user's export of the same region and year is still queued or
    running returns that one instead of starting another (a double click is not two exports).
    """
    unfinished = BatchExport.objects.filter(
        requested_by=user, region=region, year=year, status__in=BatchExport.UNFINISHED
    ).first()
    if unfinished is not None:
        return unfinished
    ids = list(approved_for_export(user, region, year).values_list("pk", flat=True))
    if not ids:
        raise ExportError(NOTHING_TO_EXPORT.format(year=year.year, region=region.name))
    export = BatchExport.objects.create(
        requested_by=user, region=region, year=year, evaluation_ids=ids, total=len(ids)
    )
    from .tasks import batch_export_run  # the task module imports this one

    result = batch_export_run.enqueue(export.pk)
    export.task_id = str(result.id)
    export.save(update_fields=["task_id"])
    return export


def _progress(export: BatchExport, **fields) -> None:
    BatchExport.objects.filter(pk=export.pk).update(**fields)
    for name, value in fields.items():
        setattr(export, name, value)


def batch_export_build(*, export_id: int) -> str:
    """Render every form of the export into one zip (PDF/<form>.pdf, and one workbook with a
    summary sheet and a sheet per table of every form: one for most forms, 指标表 and 基础数据表
    for a 部门整体 form), store it, and record progress after every form.
    Returns the stored file's name. A failure is recorded on the export, then re-raised."""
    export = BatchExport.objects.select_related("region", "year").get(pk=export_id)
    if export.status == BatchExport.Status.DONE:
        return export.file.name
    _progress(
        export, status=BatchExport.Status.RUNNING, started_at=timezone.now(), done=0, error=""
    )
    try:
        name = _build(export)
    except Exception as e:
        logger.exception("batch export %s failed", export.pk)
        _progress(
            export,
            status=BatchExport.Status.FAILED,
            error=f"导出失败：{e}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    _progress(export, status=BatchExport.Status.DONE, finished_at=timezone.now())
    return name


def _build(export: BatchExport) -> str:
    # A form reopened since the request is no longer approved and is left out.
    evaluations = list(
        with_lines(
            Evaluation.objects.filter(
                pk__in=export.evaluation_ids, status=Evaluation.Status.APPROVED
            )
        ).order_by("unit__region__path", "unit__name", "project_name", "pk")
    )
    _progress(export, total=len(evaluations), evaluation_ids=[e.pk for e in evaluations])
    base = export.download_name.removesuffix(".zip")
    used_stems: set[str] = set()
    used_sheets = {SUMMARY_SHEET.casefold()}
    grids, sheets, rows = [], [], []
    with tempfile.TemporaryFile() as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for i, evaluation in enumerate(evaluations, start=1):
                score = evaluation_score(evaluation)
                tables = build_grids(form_data(evaluation, score))
                stem = file_stem(evaluation)
                if stem.casefold() in used_stems:
                    stem = f"{stem}_{evaluation.pk}"
                used_stems.add(stem.casefold())
                zf.writestr(f"PDF/{stem}.pdf", pdf_bytes(tables))
                # Every table of the form gets its sheet (部门整体: 指标表, then 基础数据表).
                names = form_sheet_names(
                    evaluation.project_name, tables, used_sheets, fallback=f"表{i}"
                )
                grids += tables
                sheets += names
                rows.append(_summary_row(i, "\n".join(names), evaluation, score))
                _progress(export, done=i)
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
            zf.writestr(f"{base}.xlsx", workbook.getvalue())
        tmp.seek(0)
        export.file.save(export.download_name, File(tmp), save=False)
    BatchExport.objects.filter(pk=export.pk).update(file=export.file.name)
    return export.file.name


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
