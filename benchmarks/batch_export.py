"""Time a region's batch export of N approved forms with 1 and with 2 task workers.

    DJANGO_DEBUG=1 .venv/bin/python benchmarks/batch_export.py [--forms 2000] [--workers 1,2] [--warm]
        [--database postgres://postgres@127.0.0.1:5432/jixiao_bench_export]

Makes a scratch PostgreSQL database (dropped and made anew; default name above) and a temporary
media folder, migrates, loads the demo, approves the demo's 自治区本级 forms and copies them
(fund rows and indicator lines included) until the region holds `--forms` approved forms. Then,
for each worker count, with no stored PDF (cold: every form is rendered, as for forms approved
before the workers rendered at 通过), it asks for the export as the region's reviewer, starts that
many `manage.py db_worker` processes and times the request until the zip is done. The chunks
(summaries.services.CHUNK_SIZE forms each) and the workbook are taken by whichever worker is free;
the last part to finish queues the assembly. With --warm it times the export once more with every PDF already stored
(the usual case, the worker having rendered each form at 通过) on one worker.

Other programs sharing the CPU change the seconds; compare the ratio of one run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/jixiao_bench_export"


def fresh_database(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup(n_forms: int):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from demo.loaders import load_demo
    from evaluations import services
    from evaluations.models import Evaluation, Region, Year

    call_command("migrate", verbosity=0)
    load_demo()
    reviewer = get_user_model().objects.get(username="xj_shenhe")
    region = Region.objects.get(name="新疆维吾尔自治区")
    year = Year.objects.get(year=2019)
    for form in Evaluation.objects.filter(
        unit__region=region, year=year, status=Evaluation.Status.SUBMITTED
    ):
        services.evaluation_transition(evaluation_id=form.pk, user=reviewer, action="approve")
    models = list(
        Evaluation.objects.filter(
            unit__region=region, year=year, status=Evaluation.Status.APPROVED
        ).prefetch_related("fund_lines", "indicator_lines", "basic_data")
    )
    have = len(models)
    # The copies are of the shortest form (one printed page), the common case.
    model = min(models, key=lambda m: len(m.indicator_lines.all()))
    with transaction.atomic():
        for i in range(n_forms - have):
            copy = Evaluation.objects.get(pk=model.pk)
            copy.pk = None
            copy.project_name = f"{model.project_name}（第{i + 1}份）"
            copy.save()
            for related in ("fund_lines", "indicator_lines", "basic_data"):
                rows = list(getattr(model, related).all())
                for row in rows:
                    row.pk = None
                    row.evaluation = copy
                if rows:
                    type(rows[0]).objects.bulk_create(rows)
    count = Evaluation.objects.filter(
        unit__region=region, year=year, status=Evaluation.Status.APPROVED
    ).count()
    return reviewer, region, year, count


def timed_export(reviewer, region, year, workers: int, env: dict):
    """Seconds from the request to the finished zip, the forms, and each worker's CPU seconds."""
    from django.db import connection

    from summaries import services
    from summaries.models import BatchExport

    BatchExport.objects.all().delete()
    connection.close()  # the workers get the database to themselves, as on a server
    started = time.perf_counter()
    export = services.batch_export_request(user=reviewer, region=region, year=year)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        while True:
            export.refresh_from_db()
            if export.is_finished:
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    finally:
        for proc in procs:
            proc.terminate()
        cpu = []
        for proc in procs:
            _pid, _status, usage = os.wait4(proc.pid, 0)
            cpu.append(usage.ru_utime + usage.ru_stime)
    if export.status != BatchExport.Status.DONE:
        raise SystemExit(f"export failed: {export.error}")
    return elapsed, export.total, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=2000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--warm", action="store_true", help="time a run with every PDF stored")
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    args = parser.parse_args()
    media = tempfile.mkdtemp(prefix="bench-export-")
    env = dict(
        os.environ,
        DATABASE_URL=args.database,
        DJANGO_MEDIA_ROOT=media,
        DJANGO_DEBUG=os.environ.get("DJANGO_DEBUG", "1"),
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    fresh_database(args.database)
    try:
        t0 = time.perf_counter()
        reviewer, region, year, count = setup(args.forms)
        print(
            f"{count} approved forms in {region.name} {year.year}, set up in "
            f"{time.perf_counter() - t0:.0f} s; chunks of "
            f"{__import__('summaries.services').services.CHUNK_SIZE} forms"
        )
        results = {}
        for workers in [int(w) for w in args.workers.split(",")]:
            shutil.rmtree(Path(media) / "printed", ignore_errors=True)  # cold: nothing stored
            elapsed, total, cpu = timed_export(reviewer, region, year, workers, env)
            results[workers] = elapsed
            print(
                f"cold, {workers} worker(s): {total} forms in {elapsed:.1f} s "
                f"({total / elapsed:.2f} forms/s); CPU s per worker: "
                + ", ".join(f"{c:.0f}" for c in cpu),
                flush=True,
            )
        if 1 in results and 2 in results:
            print(f"2 workers / 1 worker: {results[2] / results[1]:.2f} of the time")
        if args.warm:
            elapsed, total, _cpu = timed_export(reviewer, region, year, 1, env)
            print(f"warm (every PDF stored at 通过), 1 worker: {total} forms in {elapsed:.1f} s")
    finally:
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()
