"""Background work of the summaries app, run by `python manage.py db_worker`."""

from __future__ import annotations

from django.tasks import task

from . import services


@task()
def batch_export_run(export_id: int) -> str:
    """Build a batch export (progress is written on the BatchExport row as it goes)."""
    return services.batch_export_build(export_id=export_id)
