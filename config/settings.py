"""Settings for 绩效自评, read from the environment.

Defaults give a working development setup (an SQLite file beside manage.py); production sets
DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL. No other module
reads the environment.
"""

import json
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """A strict boolean: only the listed spellings count, anything else is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off "
            "(for development run `make run`, or set DJANGO_DEBUG=1)."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    "axes",
    "indicators",
    "evaluations",
    "workbooks",
    "audit",
    "summaries",
    "reports",
    "seasons",
    "followup",
    "demo",  # above every app: loads each app's demo data (demo/loaders.py)
]

MIDDLEWARE = [
    # First: answers /healthz before the host check and the HTTPS redirect, so a container
    # probe on http://localhost works whatever ALLOWED_HOSTS and SECURE_SSL_REDIRECT say.
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Refuses an over-large body by its Content-Length before CSRF (or anything) reads it; it
    # needs the session to tell a logged-in user from an anonymous client.
    "config.uploads.RequestSizeMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.caching.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.sessions.LoginDeadlineMiddleware",
    "audit.middleware.AuditContextMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "evaluations.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
# Behind a transaction-pooling PgBouncer (docker-compose.scale.yml) a server-side cursor cannot
# outlive its transaction's connection: DJANGO_DB_POOLER=1 turns them off…
if os.environ.get("DJANGO_DB_POOLER") == "1":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # …and a statement psycopg prepared on one server connection is unknown on the next.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock instead of failing half-way through a transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("DJANGO_PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A form posted from an expired page (or without the CSRF cookie) gets a Chinese page saying that
# nothing was saved and what to do.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
# Argon2id at OWASP's cost, each hash in one of a few slots per host so that a login burst
# leaves cores for pages (config/hashers.py). Older PBKDF2 hashes are verified and upgraded.
PASSWORD_HASHERS = [
    "config.hashers.BoundedArgon2Hasher",
    "config.hashers.BoundedPBKDF2Hasher",
]
PASSWORD_HASH_SLOTS = int(
    os.environ.get("DJANGO_PASSWORD_HASH_SLOTS", str(max(1, (os.cpu_count() or 2) // 2)))
)
PASSWORD_HASH_SLOT_DIR = os.environ.get(
    "DJANGO_PASSWORD_HASH_SLOT_DIR", os.path.join(tempfile.gettempdir(), "jixiao-hash-slots")
)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes (and our per-address limit) checks every login first; ModelBackend then authenticates.
AUTHENTICATION_BACKENDS = [
    "config.lockout.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# N failed logins for one user name from one address lock that pair for the cool-off time. Keyed
# on the pair: a colleague mistyping a password behind the same NAT locks no one else, and nobody
# can lock a user out from another machine.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
AXES_COOLOFF_MESSAGE = "登录失败次数过多，账号已暂时锁定，请稍后再试。"
AXES_PERMALOCK_MESSAGE = "登录失败次数过多，账号已锁定，请联系系统管理员解锁。"
# Successful logins are in the audit log already; axes keeps only the failures it counts.
AXES_DISABLE_ACCESS_LOG = True
# Behind DJANGO_PROXY_COUNT reverse proxies (nginx) the client address is the entry those proxies
# appended to X-Forwarded-For (config/client_ip.py); the lockout and the audit log both use it.
DJANGO_PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
# Failed logins from one address, whatever the user names, before that address may not log in for
# the cool-off time: one machine cannot try a password on many accounts. High enough for a busy
# office behind one NAT address (config/lockout.py).
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", "30"))

# A login lasts at most DJANGO_SESSION_HOURS (8, one working day) from the moment of login, and
# ends when the browser closes (config/sessions.py enforces the absolute limit).
SESSION_COOKIE_AGE = int(float(os.environ.get("DJANGO_SESSION_HOURS", "8")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# HTTPS: on by default in production (DJANGO_HTTPS=0 for a plain-HTTP test install). Behind a
# proxy that terminates TLS, DJANGO_SECURE_PROXY_SSL_HEADER=1 trusts its X-Forwarded-Proto —
# only set it when the proxy always overwrites that header.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# The browsers' HSTS preload list is for public domains; an intranet host never goes on it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy: scripts and styles only from our own static files (no inline script,
# no event-handler attributes, no style attributes); the few computed styles a page needs (the
# printed grid's column widths) come in a <style> element carrying the request's nonce.
# data: images are Bootstrap's inline SVG icons (select arrows, close buttons) in its CSS.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# The PDFs of handed-in forms, written by the workers and read by every web node
# (evaluations/printed.py): under MEDIA_ROOT/printed/ (the media volume), or any Django storage —
# e.g. an object store — named by DJANGO_PRINTED_STORAGE, its options as JSON in
# DJANGO_PRINTED_STORAGE_OPTIONS.
STORAGES["printed"] = {
    "BACKEND": os.environ.get(
        "DJANGO_PRINTED_STORAGE", "django.core.files.storage.FileSystemStorage"
    ),
    "OPTIONS": json.loads(os.environ.get("DJANGO_PRINTED_STORAGE_OPTIONS", "{}")),
}
# Files attached to forms live under MEDIA_ROOT and are served only through the form's download
# view (no MEDIA_URL route): the largest file accepted, in MB.
ATTACHMENT_MAX_BYTES = int(os.environ.get("DJANGO_ATTACHMENT_MAX_MB", "20")) * 1024 * 1024
# The largest request body of a logged-in user (a 退回 or a 自评任务 with several files), in MB;
# single-file uploads and anonymous requests have smaller limits (config/uploads.py). The proxy's
# client_max_body_size should be the same.
UPLOAD_MAX_BYTES = int(os.environ.get("DJANGO_UPLOAD_MAX_MB", "100")) * 1024 * 1024

CACHE_DIR = os.environ.get("DJANGO_CACHE_DIR")
CACHE_URL = os.environ.get("DJANGO_CACHE_URL")  # e.g. redis://redis:6379/2, for several machines


def cache(subdir: str, **options) -> dict:
    """A cache in each process's memory; with DJANGO_CACHE_DIR, files every process of a machine
    shares; with DJANGO_CACHE_URL, a Redis every machine shares."""
    if CACHE_URL:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": subdir,
        }
    if CACHE_DIR:
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.path.join(CACHE_DIR, subdir),
            "OPTIONS": options,
        }
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": subdir,
        "OPTIONS": options,
    }


CACHES = {
    # A shared directory (or Redis, DJANGO_CACHE_URL) lets every process use the same entries.
    "default": cache(""),
    # Scores and board figures per form version: small entries, one per form, so a province's
    # summary (hundreds of forms) is not pushed out by the default cache's 300-entry limit.
    "figures": cache("figures", MAX_ENTRIES=50_000),
}

# Background work (batch exports, PDF renders, reminders) goes through django.tasks. The default
# backend keeps the queue in the database; `python manage.py db_worker` runs it, on any number of
# machines over one PostgreSQL. DJANGO_TASKS_BACKEND swaps it:
# - django_tasks_celery.CeleryBackend: Celery on a broker (Redis or RabbitMQ,
#   DJANGO_CELERY_BROKER_URL), workers `celery -A config.celery worker` — for large deployments;
# - django.tasks.backends.immediate.ImmediateBackend runs tasks inline, e.g. for a one-off script.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
if TASKS["default"]["BACKEND"] == "django_tasks_celery.CeleryBackend":
    TASKS["default"]["OPTIONS"] = {"CELERY_APP": "config.celery.app"}
CELERY_BROKER_URL = os.environ.get("DJANGO_CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
# Results (read by task.get_result and result.refresh) in Redis: with a RabbitMQ broker, point
# DJANGO_CELERY_RESULT_BACKEND at a Redis.
CELERY_RESULT_BACKEND = os.environ.get("DJANGO_CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_RESULT_EXTENDED = True  # the task's name and arguments are kept with its result
CELERY_RESULT_EXPIRES = 7 * 24 * 3600  # a finished result is kept a week
# A task is acknowledged when it finishes, so one whose worker died runs again elsewhere; a
# worker takes one task at a time, so a long export does not hold back tasks queued behind it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail goes to the console unless an SMTP server is configured.
_mail_options = {}
if os.environ.get("DJANGO_EMAIL_HOST"):
    _mail_options = {
        "host": os.environ["DJANGO_EMAIL_HOST"],
        "port": int(os.environ.get("DJANGO_EMAIL_PORT", "25")),
        "username": os.environ.get("DJANGO_EMAIL_USER", ""),
        "password": os.environ.get("DJANGO_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
    }
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend"
        if _mail_options
        else "django.core.mail.backends.console.EmailBackend",
        "OPTIONS": _mail_options,
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "绩效自评 <noreply@localhost>")
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Where the demo forms come from: the copy shipped with the app, or another file of the same shape.
SEED_FORMS = Path(
    os.environ.get("SEED_FORMS", BASE_DIR / "evaluations" / "demo" / "seed_forms.json")
)

# The edit page posts 17 fields per indicator line (IndicatorLineForm's 15 with 指标性质 and 度量单位,
# ORDER, DELETE; evaluations.forms.MAX_LINES = 500 lines) plus at most about 60 of the head, funds
# and 基础数据表, well within the 1,000 added for them: Django's default of 1,000 fields refused a
# form of some 65 lines. A form's texts are URL-encoded (a Chinese character takes 9 bytes), so its
# size limit is raised too; files are not counted here (ATTACHMENT_MAX_BYTES, XLSX_IMPORT_MAX_MB).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500 * 17 + 1000
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# 导入Excel: the largest workbook accepted, in MB (the file is refused before it is read).
XLSX_IMPORT_MAX_BYTES = int(os.environ.get("XLSX_IMPORT_MAX_MB", "5")) * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
