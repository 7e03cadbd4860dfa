"""Runs the tasks queued in Redis (taskqueue.backend.RedisBackend)."""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, task_backends
from django.tasks.base import TaskResultStatus
from django.utils.crypto import get_random_string

from taskqueue.backend import RedisBackend


class Command(BaseCommand):
    help = "运行 Redis 任务队列中的后台任务（--batch 处理完当前队列后退出）。"

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default=DEFAULT_TASK_QUEUE_NAME)
        parser.add_argument("--backend", default=DEFAULT_TASK_BACKEND_ALIAS)
        parser.add_argument(
            "--batch", action="store_true", help="处理完当前可运行的任务后退出，不再等待。"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="队列为空时等待新任务的秒数。"
        )
        parser.add_argument(
            "--requeue-stale",
            action="store_true",
            help="启动时把上次中断时未完成（处理中）的任务放回队列；只在没有其他 worker 时使用。",
        )

    def handle(self, *args, queue_name, backend, batch, interval, requeue_stale, **options):
        try:
            tasks = task_backends[backend]
        except Exception as exc:
            raise CommandError(f"任务后端 {backend!r} 未配置：{exc}") from exc
        if not isinstance(tasks, RedisBackend):
            raise CommandError(
                f"任务后端 {backend!r} 不是 Redis 后端（{type(tasks).__name__}）；"
                "请设置 DJANGO_TASKS_BACKEND=taskqueue.backend.RedisBackend，或改用 db_worker。"
            )
        if interval <= 0:
            raise CommandError("--interval 必须大于 0。")
        worker_id = get_random_string(32)
        self.stopping = False
        if not batch:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        if requeue_stale:
            moved = tasks.requeue_processing(queue_name)
            self.stdout.write(f"放回队列 {moved} 个未完成任务")
        done = failed = 0
        while not self.stopping:
            tasks.promote_due(queue_name)
            result_id = tasks.take_next(queue_name, timeout=0 if batch else interval)
            if result_id is None:
                if batch:
                    break
                continue
            close_old_connections()
            try:
                result = tasks.run(result_id, queue_name=queue_name, worker_id=worker_id)
            finally:
                close_old_connections()
            if result is None:
                continue
            done += 1
            if result.status == TaskResultStatus.FAILED:
                failed += 1
                self.stderr.write(f"任务 {result.id}（{result.task.module_path}）失败")
        self.stdout.write(f"运行任务 {done} 个，其中失败 {failed} 个")

    def _stop(self, signum, frame):
        self.stopping = True
