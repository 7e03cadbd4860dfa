"""`make run`'s server (scripts/serve): the task worker runs beside the development server, so
queued work (批量导出, reminders) finishes; the port is chosen (make run PORT=8001); Ctrl+C stops
both."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


RESULT = "from seasons.tasks import send_reminders_task as t; print(t.get_result('{id}').status)"


def test_serve_runs_the_worker_on_the_chosen_port_and_ctrl_c_stops_both(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "PY": sys.executable,
    }
    manage(env, "migrate", "--noinput", "-v", "0")
    task_id = manage(
        env,
        "shell",
        "-c",
        "from seasons.tasks import send_reminders_task as t; print(t.enqueue().id)",
    ).splitlines()[-1]
    port = free_port()
    server = subprocess.Popen(
        ["scripts/serve", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    try:
        deadline = time.monotonic() + 60
        served = status = None
        while time.monotonic() < deadline and (served is None or status != "SUCCESSFUL"):
            if served is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                        served = port
                except OSError:
                    pass
            status = manage(env, "shell", "-c", RESULT.format(id=task_id)).splitlines()[-1]
            time.sleep(0.5)
        assert served == port
        assert status == "SUCCESSFUL"  # the worker ran the queued task

        os.killpg(server.pid, signal.SIGINT)  # Ctrl+C
        server.wait(timeout=20)
        deadline = time.monotonic() + 20
        while group_alive(server.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not group_alive(server.pid), "the worker or the server kept running"
    finally:
        if group_alive(server.pid):
            os.killpg(server.pid, signal.SIGKILL)
