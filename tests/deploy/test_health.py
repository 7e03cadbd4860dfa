"""/healthz: 200 when the database answers and is migrated, 503 with the reason otherwise."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

ROOT = Path(__file__).resolve().parents[2]


def test_a_migrated_database_is_healthy_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_the_probe_works_whatever_the_host_and_https_settings(client, db, settings):
    settings.ALLOWED_HOSTS = ["jixiao.caizheng.example"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz", HTTP_HOST="localhost:8000").status_code == 200
    # Every other page still refuses the host.
    assert client.get("/login/", HTTP_HOST="localhost:8000").status_code == 400


def test_an_unapplied_migration_answers_503_naming_it(client, db):
    # The newest migration of an app, as after an upgrade that was not migrated.
    _, newest = MigrationLoader(None).graph.leaf_nodes("audit")[0]
    MigrationRecorder.Migration.objects.filter(app="audit", name=newest).delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and "migrate" in body["reason"]
    assert body["pending"] == [f"audit.{newest}"]


def test_an_unreachable_database_answers_503(tmp_path):
    """A real server process whose database cannot be opened (a directory that does not exist)."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3",
    }
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    status, body = out.stdout.strip().split(" ", 1)
    assert status == "503", out.stderr
    # Nothing about the server behind it reaches an anonymous caller; the log has the error.
    assert json.loads(body) == {"status": "error", "reason": "数据库无法连接"}
    assert "unable to open database file" in out.stderr
