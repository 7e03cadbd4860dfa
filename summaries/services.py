"""Writes: the units' stored figures the summaries read; asking for a batch export (built by the
worker: summaries.batch)."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from config.tasks import enqueue_on_commit
from evaluations.models import Evaluation, Region, Unit, Year
from evaluations.scoring import RULES

from . import batch, tasks
from .models import (
    BatchExport,
    FiguresYear,
    RegionFigures,
    RegionIndicatorFigures,
    UnitFigures,
    UnitIndicatorFigures,
)
from .selectors import approved_for_export, region_figures, unit_figures

NOTHING_TO_EXPORT = "{year}年度{region}没有您可导出的已审核自评表。"


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


CHUNK_SIZE = batch.CHUNK_SIZE


def batch_export_request(*, user, region: Region, year: Year) -> BatchExport:
    """Ask for a zip of the region's approved forms of the year (those within the user's scope).

    The forms are split into chunks of batch.CHUNK_SIZE, each a task any worker takes: a chunk puts
    its forms' PDFs in the shared storage (evaluations.printed; already there for forms approved
    since the worker started rendering at 通过). The workbook is one more task, queued first, so
    that it is built while the chunks render. The worker that finishes the last of these parts
    queues the assembly of the zip. Everything is queued once the request commits.

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
        requested_by=user,
        region=region,
        year=year,
        evaluation_ids=ids,
        total=len(ids),
        workbook_queued=True,
    )
    enqueue_on_commit(tasks.batch_export_workbook, export.pk)
    for start in range(0, len(ids), CHUNK_SIZE):
        enqueue_on_commit(tasks.batch_export_chunk, export.pk, start, start + CHUNK_SIZE)
    return export


# The worker's side (summaries.batch), here too for callers that build an export in one process.
batch_export_build = batch.export_build
