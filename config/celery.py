"""The Celery application behind the broker task backend (django_tasks_celery.CeleryBackend).

Only used when DJANGO_TASKS_BACKEND selects that backend: the app's tasks stay plain
`django.tasks` tasks, and the backend registers each of them with Celery when it is defined.
Workers: `celery -A config.celery worker` (docs/operations.md, 扩展).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("jixiao")
# Every Celery setting is read from Django's settings with the CELERY_ prefix (config/settings.py).
app.config_from_object("django.conf:settings", namespace="CELERY")
# Importing every app's tasks module defines its tasks, which registers them with this app.
app.autodiscover_tasks()
