"""Background work of the season, run by the task worker (`python manage.py db_worker`)."""

from __future__ import annotations

from datetime import date

from django.tasks import task
from django.utils import timezone

from . import services


@task
def send_reminders_task(today: str | None = None) -> int:
    """The daily reminders (see services.send_reminders); returns how many were sent."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return len(services.send_reminders(today=day))
