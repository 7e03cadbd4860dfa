"""Queueing background work once the data it reads is committed."""

from __future__ import annotations

from django.db import transaction


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue `task` when the surrounding transaction commits (at once outside one).

    A worker must not run a task before the rows it reads exist: the database backend queues in
    the same transaction anyway, but a broker (Celery) would hand the task out at once. A
    rolled-back change queues nothing.
    """
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
