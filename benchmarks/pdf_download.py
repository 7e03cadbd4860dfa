"""Time the PDF download of a handed-in form (read from storage) against a draft's (rendered).

    DJANGO_DEBUG=1 .venv/bin/python benchmarks/pdf_download.py [--runs 20]

Sets Django up on a scratch SQLite database and media folder in a temporary folder, loads the
demo, lets the worker store the PDF of an approved form (evaluations.printed), then times
the read of the stored file alone, then `--runs` downloads of it through the whole Django stack
(test client: session, permission check, audit row, file read) and as many of a draft, and
prints median and p95 of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(client, url: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        b"".join(response.streaming_content)
        times.append(time.perf_counter() - t0)
    return times[1:]  # the first warms up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-pdf-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["DJANGO_MEDIA_ROOT"] = f"{tmp}/media"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from demo.loaders import load_demo
    from evaluations import printed
    from evaluations.models import Evaluation, Membership

    call_command("migrate", verbosity=0)
    load_demo()
    approved = Evaluation.objects.filter(status=Evaluation.Status.APPROVED).first()
    draft = Evaluation.objects.filter(status=Evaluation.Status.DRAFT).first()
    printed.store_current(approved.pk, approved.version)  # what the worker does at 通过
    reads = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        assert printed.stored_pdf(approved) is not None
        reads.append(time.perf_counter() - t0)
    print(f"{'stored file read':18} median {statistics.median(reads) * 1000:7.2f} ms")
    # Each form as its own people see it: the reviewer who approved it, the draft's preparer.
    for label, form, user in (
        ("approved, stored", approved, approved.reviewed_by),
        ("draft, rendered", draft, draft.unit.members.get(role=Membership.Role.PREPARER).user),
    ):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        times = timed(client, reverse("evaluation_pdf", args=[form.pk]), args.runs)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"{label:18} median {statistics.median(times) * 1000:7.1f} ms"
            f"  p95 {p95 * 1000:7.1f} ms  ({form.project_name})"
        )


if __name__ == "__main__":
    main()
