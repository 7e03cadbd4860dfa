"""Background work of the summaries app, run by the task worker (db_worker or Celery)."""

from __future__ import annotations

from django.tasks import task

from config.tasks import enqueue_on_commit

from . import batch


@task()
def batch_export_chunk(export_id: int, start: int, stop: int) -> int:
    """One chunk of a batch export: its forms' PDFs into the shared storage; the part (a chunk
    or the workbook) that completes the export queues its assembly."""
    done, complete = batch.export_chunk(export_id=export_id, start=start, stop=stop)
    if complete:
        enqueue_on_commit(batch_export_assemble, export_id)
    return done


@task()
def batch_export_workbook(export_id: int) -> bool:
    """The export's workbook, built beside the chunks; queues the assembly if it is the last
    part to finish."""
    complete = batch.export_workbook(export_id=export_id)
    if complete:
        enqueue_on_commit(batch_export_assemble, export_id)
    return complete


@task()
def batch_export_assemble(export_id: int) -> str:
    """The export's zip, from the stored PDFs and workbook, once every part is done."""
    return batch.export_assemble(export_id=export_id)


@task()
def batch_export_run(export_id: int) -> str:
    """A whole export in one task (kept for exports queued before the chunks came)."""
    return batch.export_build(export_id=export_id)
