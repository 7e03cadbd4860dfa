"""/healthz: is this instance able to serve? For the container's health check and monitoring.

200 {"status": "ok"} when the database answers and every migration is applied; 503 with the
reason otherwise. Answered by a middleware placed before everything else, so neither the host
check nor the HTTPS redirect gets in the way of a probe on http://localhost:8000/healthz, and no
login is needed. It says nothing about the data.
"""

from __future__ import annotations

import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

PATH = "/healthz"
logger = logging.getLogger(__name__)


def health() -> tuple[int, dict]:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        # The probe needs no login: the driver's message (host, user, path) goes to the log only.
        logger.exception("health check: the database cannot be reached")
        return 503, {"status": "error", "reason": "数据库无法连接"}
    if plan:
        pending = [f"{m.app_label}.{m.name}" for m, _backwards in plan]
        return 503, {
            "status": "error",
            "reason": "有未执行的数据库迁移（请运行 manage.py migrate）",
            "pending": pending[:20],
        }
    return 200, {"status": "ok"}


def healthz(request):
    status, body = health()
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)
