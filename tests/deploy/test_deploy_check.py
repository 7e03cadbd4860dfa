"""Production settings from the environment pass Django's deployment checks without a warning."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "jixiao.caizheng.example",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://jixiao.caizheng.example",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "1",
    "DJANGO_EMAIL_HOST": "mail.caizheng.example",
}


def manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    out = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "System check identified no issues" in out.stdout


def test_plain_http_is_reported_by_the_deploy_check(tmp_path):
    """The checks do look: without HTTPS the cookie and redirect warnings appear."""
    env = {**PRODUCTION, "DJANGO_HTTPS": "0", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    out = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert out.returncode != 0
    assert "security.W008" in out.stderr and "security.W012" in out.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": "", "DATABASE_URL": f"sqlite:///{tmp_path}/db"}
    out = manage("check", env=env)
    assert out.returncode != 0 and "DJANGO_SECRET_KEY is required" in out.stderr


def test_without_a_mail_server_the_deploy_check_fails(tmp_path):
    """Mail printed to the console reaches nobody: the deploy check says so (mail.E001), which is
    why the compose file and docs/operations.md require DJANGO_EMAIL_HOST."""
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_EMAIL_HOST"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/db.sqlite3"
    out = manage("check", "--deploy", env=env)
    assert out.returncode != 0
    assert "mail.E001" in out.stderr


def test_the_compose_file_requires_a_mail_server():
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "DJANGO_EMAIL_HOST: ${DJANGO_EMAIL_HOST:?" in compose
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert "mail.E001" in operations
