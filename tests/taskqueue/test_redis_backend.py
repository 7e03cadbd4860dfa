"""The Redis task backend: a task enqueued by the app runs in `redis_worker` and its result,
success or failure, is read back from Redis; deferred tasks wait for their time."""

import os
from datetime import timedelta
from io import StringIO

import pytest
import redis
from django.core.management import CommandError, call_command
from django.db import transaction
from django.tasks import task, task_backends
from django.tasks.exceptions import TaskResultDoesNotExist
from django.test import override_settings
from django.utils import timezone
from django.utils.crypto import get_random_string

from seasons.models import Reminder
from seasons.tasks import send_reminders_task
from taskqueue.backend import DEFAULT_URL
from tests.seasons.helpers import issue

URL = os.environ.get("DJANGO_TASKS_REDIS_URL", DEFAULT_URL)


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


# The worker manages its own database connections, as in production: a test cannot hold them in
# one rolled-back transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@task
def broken_task(reason: str) -> None:
    raise ValueError(f"账套无法读取：{reason}")


@task
def echo_task(*args, **kwargs) -> dict:
    return {"args": list(args), "kwargs": kwargs}


@pytest.fixture
def redis_tasks():
    """The Redis backend as the default one, under a prefix of its own removed afterwards."""
    if not _redis_answers():
        pytest.skip(f"no Redis answers at {URL} (.ci/run starts one)")
    prefix = f"test:{get_random_string(12)}"
    settings = {
        "default": {
            "BACKEND": "taskqueue.backend.RedisBackend",
            "OPTIONS": {"URL": URL, "PREFIX": prefix},
        }
    }
    with override_settings(TASKS=settings):
        backend = task_backends["default"]
        yield backend
        keys = list(backend.client.scan_iter(f"{prefix}:*"))
        if keys:
            backend.client.delete(*keys)


def work(*extra):
    out, err = StringIO(), StringIO()
    call_command("redis_worker", "--batch", *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_reminder_task_runs_in_the_redis_worker(cast, redis_tasks):
    issue(cast)  # deadline 2021-04-30, reminders 3 and 1 days before
    result = send_reminders_task.enqueue("2021-04-27")
    assert result.status == "READY" and Reminder.objects.count() == 0
    out, _ = work()
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 2  # two units are behind: the bureau and the health commission
    assert Reminder.objects.count() == 2
    assert result.started_at <= result.finished_at and result.attempts == 1
    assert "运行任务 1 个，其中失败 0 个" in out
    # Nothing is left waiting or half-done.
    assert redis_tasks.client.llen(redis_tasks.queue_key("default")) == 0
    assert redis_tasks.client.llen(redis_tasks.processing_key("default")) == 0


def test_a_failing_task_is_recorded_and_the_worker_goes_on(cast, redis_tasks):
    issue(cast)
    bad = broken_task.enqueue("第3行")
    good = send_reminders_task.enqueue("2021-04-27")
    out, err = work()
    bad.refresh()
    good.refresh()
    assert bad.status == "FAILED"
    assert bad.errors[0].exception_class is ValueError
    assert "账套无法读取：第3行" in bad.errors[0].traceback
    with pytest.raises(ValueError, match="Task failed"):
        bad.return_value  # noqa: B018
    assert good.status == "SUCCESSFUL" and Reminder.objects.count() == 2
    assert "运行任务 2 个，其中失败 1 个" in out
    assert bad.id in err


def test_a_task_enqueued_in_a_transaction_is_queued_when_it_commits(redis_tasks):
    queue = redis_tasks.queue_key("default")
    with transaction.atomic():
        result = echo_task.enqueue("提交后")
        assert redis_tasks.get_result(result.id).status == "READY"
        # Not yet on the queue: a worker must not see it before the rows it reads are committed.
        assert redis_tasks.client.llen(queue) == 0
    assert redis_tasks.client.llen(queue) == 1
    work()
    result.refresh()
    assert result.status == "SUCCESSFUL"


def test_an_unknown_result_id_does_not_exist(redis_tasks):
    with pytest.raises(TaskResultDoesNotExist):
        redis_tasks.get_result("no-such-id")
    with pytest.raises(TaskResultDoesNotExist):
        send_reminders_task.get_result("no-such-id")


def test_a_result_round_trips_its_arguments(redis_tasks):
    sent = echo_task.enqueue("2021-04-27", 3, units=["财政局", "卫健委"], dry=True)
    again = echo_task.get_result(sent.id)
    assert again.task.func is echo_task.func
    assert again.args == ["2021-04-27", 3]
    assert again.kwargs == {"units": ["财政局", "卫健委"], "dry": True}
    assert again.status == "READY" and again.enqueued_at == sent.enqueued_at
    work()
    again.refresh()
    assert again.return_value == {
        "args": ["2021-04-27", 3],
        "kwargs": {"units": ["财政局", "卫健委"], "dry": True},
    }


def test_a_deferred_task_waits_for_its_time(redis_tasks):
    later = echo_task.using(run_after=timezone.now() + timedelta(hours=1)).enqueue("明天")
    soon = echo_task.using(run_after=timezone.now() - timedelta(seconds=1)).enqueue("现在")
    work()
    later.refresh()
    soon.refresh()
    assert later.status == "READY"
    assert soon.status == "SUCCESSFUL"
    # Its time comes: the worker moves it onto the queue and runs it.
    client, key = redis_tasks.client, redis_tasks.scheduled_key("default")
    client.zadd(key, {later.id: timezone.now().timestamp() - 1})
    work()
    later.refresh()
    assert later.status == "SUCCESSFUL" and later.return_value["args"] == ["明天"]


def test_a_task_left_half_done_is_put_back_on_request(redis_tasks):
    result = echo_task.enqueue("中断")
    assert redis_tasks.take_next("default") == result.id  # a worker took it, then died
    out, _ = work()
    assert "运行任务 0 个" in out
    out, _ = work("--requeue-stale")
    result.refresh()
    assert "放回队列 1 个未完成任务" in out and result.status == "SUCCESSFUL"


def test_the_worker_refuses_a_database_backend():
    with pytest.raises(CommandError, match="不是 Redis 后端"):
        work()
