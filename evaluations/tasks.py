"""Background work of the forms, run by the task worker (db_worker or Celery)."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task

from config.tasks import enqueue_on_commit

from . import printed
from .models import Evaluation


@task
def evaluation_pdf_store(evaluation_id: int, version: int) -> str:
    """Render a handed-in form's PDF into the shared storage (see evaluations.printed)."""
    return printed.store_current(evaluation_id, version)


def after_move(evaluation: Evaluation, action: str) -> None:
    """提交 and 通过 queue the render of the new version; every other move (退回, 重新打开, 撤回)
    removes the stored PDFs — all once the move commits."""
    if evaluation.status in printed.HANDED_IN:
        enqueue_on_commit(evaluation_pdf_store, evaluation.pk, evaluation.version)
    else:
        pk = evaluation.pk
        transaction.on_commit(lambda: printed.discard(pk))
