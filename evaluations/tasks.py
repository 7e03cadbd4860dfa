"""Background work of the forms, run by the task worker (db_worker or Celery)."""

from __future__ import annotations

from django.tasks import task

from . import printed


@task
def evaluation_pdf_store(evaluation_id: int, version: int) -> str:
    """Render a handed-in form's PDF into the shared storage (see evaluations.printed)."""
    return printed.store_current(evaluation_id, version)
