"""A django.tasks backend that keeps the queue and the results in Redis.

Layout (every key starts with OPTIONS["PREFIX"], default "jixiao:tasks"):
  {prefix}:result:{id}          hash — one task result (status, task path, args/kwargs JSON, times,
                                return value JSON, errors JSON, worker ids JSON)
  {prefix}:queue:{queue}        list — ids ready to run (LPUSH in, the worker takes from the right)
  {prefix}:processing:{queue}   list — ids a worker has taken and not yet finished
  {prefix}:scheduled:{queue}    sorted set — deferred ids scored by their run_after timestamp

OPTIONS: URL (redis://…), PREFIX, RESULT_TTL (seconds a finished result is kept; 0 = for ever),
ENQUEUE_ON_COMMIT (default True: queue the id when the surrounding transaction commits).

`python manage.py redis_worker` runs the queue (see promote_due / take_next / run below).
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from traceback import format_exception

import redis
from django.db import transaction
from django.tasks import DEFAULT_TASK_QUEUE_NAME
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskContext, TaskError, TaskResult, TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.json import normalize_json
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_URL = "redis://127.0.0.1:6379/0"
DEFAULT_PREFIX = "jixiao:tasks"
DEFAULT_RESULT_TTL = 7 * 24 * 3600  # finished results are kept a week

# Moves every id whose due time has come from the scheduled set onto the queue, atomically.
_PROMOTE_DUE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('LPUSH', KEYS[2], id)
end
return #ids
"""


def _time(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def _parse_time(value: str) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class RedisBackend(BaseTaskBackend):
    supports_defer = True
    supports_get_result = True
    supports_async_task = False
    supports_priority = False

    def __init__(self, alias, params):
        super().__init__(alias, params)
        self.url = self.options.get("URL", DEFAULT_URL)
        self.prefix = self.options.get("PREFIX", DEFAULT_PREFIX)
        self.result_ttl = int(self.options.get("RESULT_TTL", DEFAULT_RESULT_TTL))
        self.enqueue_on_commit = bool(self.options.get("ENQUEUE_ON_COMMIT", True))
        self.client = redis.Redis.from_url(self.url, decode_responses=True)
        self._promote = self.client.register_script(_PROMOTE_DUE)

    # -- keys ---------------------------------------------------------------------------------
    def result_key(self, result_id: str) -> str:
        return f"{self.prefix}:result:{result_id}"

    def queue_key(self, queue_name: str) -> str:
        return f"{self.prefix}:queue:{queue_name}"

    def processing_key(self, queue_name: str) -> str:
        return f"{self.prefix}:processing:{queue_name}"

    def scheduled_key(self, queue_name: str) -> str:
        return f"{self.prefix}:scheduled:{queue_name}"

    # -- django.tasks API ---------------------------------------------------------------------
    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        # The record is there at once (get_result works), but the id reaches the queue only when
        # the database transaction around the enqueue commits: a worker must not run a task
        # before the rows it reads exist. Outside a transaction it is queued at once.
        self.client.hset(self.result_key(result.id), mapping=self._to_hash(result))
        if self.enqueue_on_commit:
            transaction.on_commit(lambda: self._queue(result), robust=False)
        else:
            self._queue(result)
        return result

    def _queue(self, result: TaskResult) -> None:
        task = result.task
        if task.run_after is not None and task.run_after > timezone.now():
            self.client.zadd(
                self.scheduled_key(task.queue_name), {result.id: task.run_after.timestamp()}
            )
        else:
            self.client.lpush(self.queue_key(task.queue_name), result.id)
        task_enqueued.send(type(self), task_result=result)

    def get_result(self, result_id):
        data = self.client.hgetall(self.result_key(result_id))
        if not data:
            raise TaskResultDoesNotExist(result_id)
        return self._from_hash(result_id, data)

    # -- storage ------------------------------------------------------------------------------
    def _to_hash(self, result: TaskResult) -> dict[str, str]:
        task = result.task
        return {
            "status": str(result.status),
            "task_path": task.module_path,
            "queue_name": task.queue_name,
            "priority": str(task.priority),
            "run_after": _time(task.run_after),
            "args": json.dumps(result.args),
            "kwargs": json.dumps(result.kwargs),
            "enqueued_at": _time(result.enqueued_at),
            "started_at": _time(result.started_at),
            "last_attempted_at": _time(result.last_attempted_at),
            "finished_at": _time(result.finished_at),
            "return_value": json.dumps(result._return_value),
            "errors": json.dumps(
                [
                    {"exception_class_path": e.exception_class_path, "traceback": e.traceback}
                    for e in result.errors
                ]
            ),
            "worker_ids": json.dumps(result.worker_ids),
        }

    def _from_hash(self, result_id: str, data: dict[str, str]) -> TaskResult:
        task = import_string(data["task_path"])
        if not isinstance(task, Task):
            raise TaskResultDoesNotExist(f"{result_id}: {data['task_path']} is not a task")
        task = task.using(
            priority=int(data["priority"]),
            queue_name=data["queue_name"],
            run_after=_parse_time(data["run_after"]),
            backend=self.alias,
        )
        result = TaskResult(
            task=task,
            id=result_id,
            status=TaskResultStatus(data["status"]),
            enqueued_at=_parse_time(data["enqueued_at"]),
            started_at=_parse_time(data["started_at"]),
            last_attempted_at=_parse_time(data["last_attempted_at"]),
            finished_at=_parse_time(data["finished_at"]),
            args=json.loads(data["args"]),
            kwargs=json.loads(data["kwargs"]),
            backend=self.alias,
            errors=[TaskError(**e) for e in json.loads(data["errors"])],
            worker_ids=json.loads(data["worker_ids"]),
        )
        object.__setattr__(result, "_return_value", json.loads(data["return_value"]))
        return result

    # -- worker side --------------------------------------------------------------------------
    def promote_due(self, queue_name: str = DEFAULT_TASK_QUEUE_NAME) -> int:
        """Move deferred tasks whose run_after has passed onto the queue; returns how many."""
        return self._promote(
            keys=[self.scheduled_key(queue_name), self.queue_key(queue_name)],
            args=[time.time()],
        )

    def take_next(self, queue_name: str, *, timeout: float = 0) -> str | None:
        """Move the next ready id to the processing list (blocking up to `timeout` seconds when
        > 0) and return it, or None when the queue is empty."""
        source, target = self.queue_key(queue_name), self.processing_key(queue_name)
        if timeout > 0:
            return self.client.blmove(source, target, timeout, "RIGHT", "LEFT")
        return self.client.lmove(source, target, "RIGHT", "LEFT")

    def run(self, result_id: str, *, queue_name: str, worker_id: str) -> TaskResult | None:
        """Run one taken task, record RUNNING then SUCCESSFUL/FAILED, and drop it from the
        processing list. Returns the finished result (None if its record has gone)."""
        key = self.result_key(result_id)
        try:
            try:
                result = self.get_result(result_id)
            except TaskResultDoesNotExist:
                logger.warning("Task result %s has no record; dropped", result_id)
                return None
            except ImportError as exc:
                self._fail_unloadable(key, exc)
                return None
            started = timezone.now()
            object.__setattr__(result, "status", TaskResultStatus.RUNNING)
            object.__setattr__(result, "started_at", started)
            object.__setattr__(result, "last_attempted_at", started)
            result.worker_ids.append(worker_id)
            self.client.hset(key, mapping=self._to_hash(result))
            task_started.send(type(self), task_result=result)
            try:
                task = result.task
                if task.takes_context:
                    value = task.call(
                        TaskContext(task_result=result), *result.args, **result.kwargs
                    )
                else:
                    value = task.call(*result.args, **result.kwargs)
                object.__setattr__(result, "_return_value", normalize_json(value))
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 — a task's failure is recorded, not raised
                kind = type(exc)
                result.errors.append(
                    TaskError(
                        exception_class_path=f"{kind.__module__}.{kind.__qualname__}",
                        traceback="".join(format_exception(exc)),
                    )
                )
                object.__setattr__(result, "status", TaskResultStatus.FAILED)
            else:
                object.__setattr__(result, "status", TaskResultStatus.SUCCESSFUL)
            object.__setattr__(result, "finished_at", timezone.now())
            pipe = self.client.pipeline(transaction=True)
            pipe.hset(key, mapping=self._to_hash(result))
            if self.result_ttl > 0:
                pipe.expire(key, self.result_ttl)
            pipe.execute()
            task_finished.send(type(self), task_result=result)
            return result
        finally:
            self.client.lrem(self.processing_key(queue_name), 1, result_id)

    def _fail_unloadable(self, key: str, exc: ImportError) -> None:
        """A task whose function can no longer be imported (renamed, removed) ends FAILED."""
        kind = type(exc)
        errors = [
            {
                "exception_class_path": f"{kind.__module__}.{kind.__qualname__}",
                "traceback": "".join(format_exception(exc)),
            }
        ]
        self.client.hset(
            key,
            mapping={
                "status": str(TaskResultStatus.FAILED),
                "finished_at": _time(timezone.now()),
                "errors": json.dumps(errors),
            },
        )

    def requeue_processing(self, queue_name: str) -> int:
        """Put ids left in the processing list (a worker died mid-task) back on the queue."""
        moved = 0
        while self.client.lmove(
            self.processing_key(queue_name), self.queue_key(queue_name), "RIGHT", "RIGHT"
        ):
            moved += 1
        return moved
