"""The broker engine: Django's own tasks run by Celery workers through django-tasks-celery, on the
real Redis (and RabbitMQ) this machine runs — a task enqueued by the app runs in a worker, its
result, success or failure, is read back; deferred tasks wait for their time; a task enqueued in
a transaction reaches the broker when it commits."""

import os
import time
from datetime import timedelta

import pytest
import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.test import override_settings
from django.utils import timezone
from django.utils.crypto import get_random_string
from kombu import Connection

from config.tasks import enqueue_on_commit
from seasons.models import Reminder
from seasons.tasks import send_reminders_task
from tests.seasons.helpers import issue

REDIS_URL = os.environ.get("DJANGO_CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
# A queue of this run's own, so runs side by side on one broker never take each other's tasks.
QUEUE = f"jixiao-test-{get_random_string(8)}"

# The worker runs in a thread with its own database connection, as in production: a test cannot
# hold the data in one rolled-back transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def _answers(url: str) -> bool:
    try:
        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:  # noqa: BLE001 — any failure to connect means "not there"
        return False


def _app(broker: str) -> Celery:
    app = Celery(f"jixiao-test-{broker.split(':')[0]}")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=broker,
        result_backend=REDIS_URL,
        task_default_queue=QUEUE,
        worker_hijack_root_logger=False,
    )
    return app


REDIS_APP = _app(REDIS_URL)
RABBITMQ_APP = _app(RABBITMQ_URL)
APPS = {"redis": REDIS_APP, "rabbitmq": RABBITMQ_APP}


@task
def broken_task(reason: str) -> None:
    raise ValueError(f"账套无法读取：{reason}")


@task
def echo_task(*args, **kwargs) -> dict:
    return {"args": list(args), "kwargs": kwargs}


def _engine(name: str, url: str):
    if not _answers(url):
        if os.environ.get("CI"):
            pytest.fail(f"the broker at {url} does not answer (.ci/run starts it)")
        pytest.skip(f"no broker answers at {url} (.ci/run starts it)")
    tasks = {
        "default": {
            "BACKEND": "django_tasks_celery.CeleryBackend",
            "OPTIONS": {"CELERY_APP": f"{__name__}.{name.upper()}_APP"},
        }
    }
    return override_settings(TASKS=tasks)


@pytest.fixture
def celery_redis():
    with _engine("redis", REDIS_URL):
        yield APPS["redis"]
    APPS["redis"].control.purge()


@pytest.fixture
def worker():
    """Runs a Celery worker (one process, in a thread) while the block runs."""

    def run(app):
        return start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30)

    return run


def wait_for(*results, timeout=60):
    """Refresh the results until none is waiting or running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for result in results:
            result.refresh()
        if all(r.status in ("SUCCESSFUL", "FAILED") for r in results):
            return
        time.sleep(0.1)
    raise AssertionError(f"still waiting: {[r.status for r in results]}")


def queued(app) -> int:
    return redis.Redis.from_url(REDIS_URL).llen(QUEUE)


def test_the_reminder_task_runs_in_a_celery_worker(cast, celery_redis, worker):
    issue(cast)  # deadline 2021-04-30, reminders 3 and 1 days before
    result = send_reminders_task.enqueue("2021-04-27")
    assert result.status == "READY" and Reminder.objects.count() == 0
    with worker(celery_redis):
        wait_for(result)
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 2  # two units are behind: the bureau and the health commission
    assert Reminder.objects.count() == 2
    again = send_reminders_task.get_result(result.id)
    assert again.status == "SUCCESSFUL" and again.args == ["2021-04-27"]
    assert queued(celery_redis) == 0  # nothing left waiting


def test_a_failing_task_is_recorded_and_the_worker_goes_on(cast, celery_redis, worker):
    issue(cast)
    bad = broken_task.enqueue("第3行")
    good = send_reminders_task.enqueue("2021-04-27")
    with worker(celery_redis):
        wait_for(bad, good)
    assert bad.status == "FAILED"
    assert bad.errors[0].exception_class is ValueError
    assert "账套无法读取：第3行" in bad.errors[0].traceback
    with pytest.raises(ValueError, match="Task failed"):
        bad.return_value  # noqa: B018
    assert good.status == "SUCCESSFUL" and Reminder.objects.count() == 2


def test_a_task_enqueued_in_a_transaction_reaches_the_broker_when_it_commits(celery_redis, worker):
    with transaction.atomic():
        enqueue_on_commit(echo_task, "提交后")
        # Not yet on the broker: a worker must not see it before the rows it reads are committed.
        assert queued(celery_redis) == 0
    assert queued(celery_redis) == 1
    with transaction.atomic():
        enqueue_on_commit(echo_task, "回滚")
        transaction.set_rollback(True)
    assert queued(celery_redis) == 1  # a rolled-back change queues nothing


def test_a_result_round_trips_its_arguments(celery_redis, worker):
    sent = echo_task.enqueue("2021-04-27", 3, units=["财政局", "卫健委"], dry=True)
    with worker(celery_redis):
        wait_for(sent)
    again = echo_task.get_result(sent.id)
    assert again.task.func is echo_task.func
    assert again.args == ["2021-04-27", 3]
    assert again.kwargs == {"units": ["财政局", "卫健委"], "dry": True}
    assert again.return_value == {
        "args": ["2021-04-27", 3],
        "kwargs": {"units": ["财政局", "卫健委"], "dry": True},
    }


def test_a_deferred_task_waits_for_its_time(celery_redis, worker):
    due = timezone.now() + timedelta(seconds=3)
    later = echo_task.using(run_after=timezone.now() + timedelta(hours=1)).enqueue("明天")
    soon = echo_task.using(run_after=due).enqueue("三秒后")
    now = echo_task.enqueue("现在")
    with worker(celery_redis):
        wait_for(now)
        soon.refresh()
        assert soon.status == "READY"  # not before its time
        wait_for(soon)
        assert timezone.now() >= due
        later.refresh()
        assert later.status == "READY"
    assert soon.return_value["args"] == ["三秒后"]


def test_the_same_tasks_run_on_rabbitmq(cast, worker):
    with _engine("rabbitmq", RABBITMQ_URL):
        app = APPS["rabbitmq"]
        issue(cast)
        result = send_reminders_task.enqueue("2021-04-27")
        with worker(app):
            wait_for(result)
        app.control.purge()
    assert result.status == "SUCCESSFUL" and Reminder.objects.count() == 2


def test_the_default_engine_is_the_database():
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
