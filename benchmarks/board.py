"""Time the status board over 2,000 rows (1,000 units × 2 required forms, every state).

    DJANGO_DEBUG=1 .venv/bin/python benchmarks/board.py [--units 1000] [--runs 11]

Sets Django up on a scratch SQLite database in a temporary folder (your own data is never
touched), migrates, builds the rows with seasons.sample (handed-in forms carry their stored
scores, as the service writes them), then times, after one warm-up, the board's read
(selectors.board_rows, with and without working out every row's score and changes), a page of
the board (100 rows: every row is read as plain columns, totalled, filtered and sorted; scores
and changes are worked out for the page's rows) through Django's test client — also with
nothing cached, as the first view after a change — and the Excel export of every row, printing
the median and 95th percentile wall-clock time and the page's query count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(db_dir: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{db_dir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(units: int):
    from django.contrib.auth import get_user_model

    from evaluations.models import Membership, Region, Unit, Year
    from seasons import sample

    region = Region.objects.create(name="基准县", level=Region.Level.COUNTY)
    finance = Unit.objects.create(name="基准县财政局", region=region, kind=Unit.Kind.FINANCE)
    user = get_user_model().objects.create_user("bench_reviewer", password="bench-pass-42")
    Membership.objects.create(user=user, unit=finance, role=Membership.Role.REVIEWER)
    year = Year.objects.create(year=2020, deadline=date(2021, 4, 30))
    started = time.perf_counter()
    sample.populate(region=region, reviewer=user, year=year, units=units, deadline=year.deadline)
    print(f"built {units} units in {time.perf_counter() - started:.1f} s")
    return user


def timed(label: str, fn, runs: int) -> None:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"{label:<34} median {statistics.median(times):.3f} s   p95 {p95:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as db_dir:
        setup_django(db_dir)
        from django.core.cache import caches
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext, setup_test_environment

        from seasons.selectors import board_rows

        setup_test_environment()
        user = build(args.units)
        today = date(2021, 5, 2)
        rows = board_rows(user, year=2020, today=today)
        print(f"rows: {len(rows)}")
        client = Client()
        client.force_login(user)

        def page():
            response = client.get("/seasons/board/", {"year": 2020})
            assert response.status_code == 200, response.status_code

        def export():
            response = client.get("/seasons/board/xlsx/", {"year": 2020})
            assert len(b"".join(response.streaming_content)) > 0

        with CaptureQueriesContext(connection) as queries:
            page()
        print(f"board page queries: {len(queries.captured_queries)}")
        timed(
            "board_rows (read + score + diff)",
            lambda: board_rows(user, year=2020, today=today),
            args.runs,
        )
        timed(
            "board_rows, read only",
            lambda: board_rows(user, year=2020, today=today, figures=False),
            args.runs,
        )
        timed("board page 1 (HTML, 100 rows)", page, args.runs)

        def page_uncached():
            caches["figures"].clear()
            page()

        timed("board page 1, nothing cached", page_uncached, args.runs)
        timed(
            "board last page, sorted by score",
            lambda: client.get("/seasons/board/", {"year": 2020, "sort": "score", "page": 9999}),
            args.runs,
        )
        timed("Excel export", export, args.runs)


if __name__ == "__main__":
    main()
