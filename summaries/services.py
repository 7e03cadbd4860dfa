"""Writes: the units' stored figures the summaries read; asking for a batch export, and building
it (run by the background task)."""

from __future__ import annotations

import logging
import tempfile
import zipfile
from io import BytesIO

from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone

from config.tasks import enqueue_on_commit
from evaluations import printed
from evaluations.exports.files import file_stem
from evaluations.exports.layout import build_grids
from evaluations.exports.xlsx import form_sheet_names, write_xlsx_many
from evaluations.models import Evaluation, Region, Unit, Year
from evaluations.scoring import RULES, evaluation_score, total_fund_amounts
from evaluations.selectors import form_data, with_lines

from .exports import Pct, Table, fill_sheet
from .models import (
    BatchExport,
    FiguresYear,
    RegionFigures,
    RegionIndicatorFigures,
    UnitFigures,
    UnitIndicatorFigures,
)
from .selectors import approved_for_export, region_figures, unit_figures

logger = logging.getLogger(__name__)

NOTHING_TO_EXPORT = "{year}年度{region}没有您可导出的已审核自评表。"
SUMMARY_SHEET = "汇总"


# -- the units' stored figures ------------------------------------------------------------------


def _write_figures(unit_ids: list[int], year: Year) -> None:
    UnitFigures.objects.filter(year=year, unit_id__in=unit_ids).delete()
    UnitIndicatorFigures.objects.filter(year=year, unit_id__in=unit_ids).delete()
    figures, indicators = unit_figures(unit_ids, year)
    UnitFigures.objects.bulk_create(figures)
    UnitIndicatorFigures.objects.bulk_create(indicators, batch_size=2000)


def _write_region_figures(region_ids: list[int], year: Year) -> None:
    RegionFigures.objects.filter(year=year, region_id__in=region_ids).delete()
    RegionIndicatorFigures.objects.filter(year=year, region_id__in=region_ids).delete()
    figures, indicators = region_figures(region_ids, year)
    RegionFigures.objects.bulk_create(figures)
    RegionIndicatorFigures.objects.bulk_create(indicators, batch_size=2000)


def unit_figures_refresh(pairs: list[tuple[int, int]]) -> None:
    """Redo the stored figures of each (unit id, year id) whose forms changed, inside the
    transaction that changed them (registered with evaluations.changes). Years whose figures are
    not kept are left alone. Each unit's row is locked first, in id order: two moves in one unit
    wait for each other, and the second then reads the first's committed change (PostgreSQL's
    read-committed takes a fresh snapshot per statement), so neither overwrites the other."""
    kept = {
        fy.year_id: fy.year
        for fy in FiguresYear.objects.filter(
            year_id__in={year_id for _, year_id in pairs}
        ).select_related("year")
    }
    by_year: dict[int, list[int]] = {}
    for unit_id, year_id in pairs:
        if year_id in kept:
            by_year.setdefault(year_id, []).append(unit_id)
    if not by_year:
        return
    units = (
        Unit.objects.filter(pk__in={u for ids in by_year.values() for u in ids})
        .order_by("pk")
        .select_for_update(**_no_key())
    )
    region_of = dict(units.values_list("pk", "region_id"))
    # Then their regions, in id order: two units of one county wait for each other there.
    regions = sorted(set(region_of.values()))
    list(
        Region.objects.filter(pk__in=regions)
        .order_by("pk")
        .select_for_update(**_no_key())
        .values_list("pk", flat=True)
    )
    for year_id, unit_ids in by_year.items():
        _write_figures(unit_ids, kept[year_id])
        _write_region_figures(sorted({region_of[u] for u in unit_ids}), kept[year_id])


def _no_key() -> dict:
    # NO KEY: rows referring to the locked one (new forms of a unit) are not held up.
    return {"no_key": True} if connection.features.has_select_for_no_key_update else {}


def figures_rebuild(*, year: Year, batch: int = 200) -> int:
    """Build the year's figures for every unit anew from its forms and keep them from now on
    (`manage.py rebuild_summaries`); the number of units with forms. Run after an upgrade that
    changed the scoring rules, after a change of the year's deadline, or after forms were written
    outside the services. Each batch of units is locked and rewritten in one transaction, so a
    move made meanwhile waits or is read. The year is marked kept but not current first: moves
    during the rebuild keep their units current while the summaries still read the forms, until
    the last batch is written."""
    year = Year.objects.get(pk=year.pk)  # its deadline as stored now
    FiguresYear.objects.update_or_create(
        year=year, defaults={"deadline": year.deadline, "rules": "", "built_at": timezone.now()}
    )
    unit_ids = list(
        Evaluation.objects.filter(year=year)
        .order_by("unit_id")
        .values_list("unit_id", flat=True)
        .distinct()
    )
    RegionFigures.objects.filter(year=year).delete()  # redone with their units below
    RegionIndicatorFigures.objects.filter(year=year).delete()
    stale = set(UnitFigures.objects.filter(year=year).values_list("unit_id", flat=True))
    stale -= set(unit_ids)
    for start in range(0, len(unit_ids), batch):
        with transaction.atomic():
            unit_figures_refresh([(u, year.pk) for u in unit_ids[start : start + batch]])
    if stale:  # units whose forms have all gone since
        with transaction.atomic():
            unit_figures_refresh([(u, year.pk) for u in sorted(stale)])
    FiguresYear.objects.filter(year=year).update(rules=RULES)
    return len(unit_ids)


def figures_rebuild_year(year_id: int) -> None:
    figures_rebuild(year=Year.objects.get(pk=year_id))


class ExportError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# Forms per chunk: small enough that every worker gets a share of a county's export, large
# enough that the bookkeeping per chunk stays small beside the rendering (about 0.2–0.4 s a form).
CHUNK_SIZE = 25


def batch_export_request(*, user, region: Region, year: Year) -> BatchExport:
    """Ask for a zip of the region's approved forms of the year (those within the user's scope).

    The forms are split into chunks of CHUNK_SIZE, each a task any worker takes: a chunk puts
    its forms' PDFs in the shared storage (evaluations.printed; already there for forms approved
    since the worker started rendering at 通过). The worker that finishes the last chunk queues
    the assembly of the zip. Everything is queued once the request commits.

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
    from .tasks import batch_export_chunk  # the task module imports this one

    for start in range(0, len(ids), CHUNK_SIZE):
        enqueue_on_commit(batch_export_chunk, export.pk, start, start + CHUNK_SIZE)
    return export


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


def batch_export_chunk(*, export_id: int, start: int, stop: int) -> int:
    """One chunk of an export (`evaluation_ids[start:stop]`): make sure each form's PDF is in the
    shared storage, counting every form on the export as it goes. The chunk that counts the
    last form queues the assembly. Returns how many forms it rendered or found."""
    export = BatchExport.objects.get(pk=export_id)
    if export.is_finished:
        return 0  # failed elsewhere, or already built
    BatchExport.objects.filter(pk=export_id, status=BatchExport.Status.QUEUED).update(
        status=BatchExport.Status.RUNNING, started_at=timezone.now()
    )
    forms = _approved(export.evaluation_ids[start:stop])
    try:
        for evaluation in forms:
            printed.pdf_for(evaluation)
            _count(export_id, 1)
        # Forms no longer approved count as done too, so the total is reached.
        skipped = len(export.evaluation_ids[start:stop]) - len(forms)
        if skipped:
            _count(export_id, skipped)
    except Exception as e:
        _fail(export, e)
        raise
    return len(forms)


def _count(export_id: int, n: int) -> None:
    """Add n to the export's done forms under its row lock; the chunk whose count reaches the
    total queues the assembly (exactly one does)."""
    from .tasks import batch_export_assemble

    with transaction.atomic():
        export = BatchExport.objects.select_for_update().get(pk=export_id)
        if export.is_finished:
            return
        export.done += n
        export.save(update_fields=["done"])
        if export.done == export.total:
            enqueue_on_commit(batch_export_assemble, export_id)


def batch_export_assemble(*, export_id: int) -> str:
    """Put the stored PDFs and one workbook together into the export's zip. A failure is
    recorded on the export, then re-raised. Returns the stored file's name."""
    export = BatchExport.objects.select_related("region", "year").get(pk=export_id)
    if export.status == BatchExport.Status.DONE:
        return export.file.name
    if export.status == BatchExport.Status.QUEUED:
        _progress(export, status=BatchExport.Status.RUNNING, started_at=timezone.now())
    try:
        name = _build(export)
    except Exception as e:
        _fail(export, e)
        raise
    _progress(export, status=BatchExport.Status.DONE, finished_at=timezone.now())
    return name


def batch_export_build(*, export_id: int) -> str:
    """Build a whole export in this process: every chunk, then the zip (one worker, or a script).
    Returns the stored file's name."""
    export = BatchExport.objects.get(pk=export_id)
    ids = export.evaluation_ids
    for start in range(0, len(ids), CHUNK_SIZE):
        batch_export_chunk(export_id=export_id, start=start, stop=start + CHUNK_SIZE)
    return batch_export_assemble(export_id=export_id)


def _build(export: BatchExport) -> str:
    """The zip (PDF/<form>.pdf, and one workbook with a summary sheet and a sheet per table of
    every form: one for most forms, 指标表 and 基础数据表 for a 部门整体 form)."""
    evaluations = _approved(export.evaluation_ids)
    _progress(
        export,
        total=len(evaluations),
        done=len(evaluations),
        evaluation_ids=[e.pk for e in evaluations],
    )
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
                # Stored by the chunks (or at 通过); rendered here only if it has gone since.
                zf.writestr(f"PDF/{stem}.pdf", printed.pdf_for(evaluation))
                # Every table of the form gets its sheet (部门整体: 指标表, then 基础数据表).
                names = form_sheet_names(
                    evaluation.project_name, tables, used_sheets, fallback=f"表{i}"
                )
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
