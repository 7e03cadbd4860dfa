"""Time the region summary page on a large region and count its SQL queries.

    DJANGO_DEBUG=1 .venv/bin/python benchmarks/summary.py [--units 100 --forms 20 --lines 20]
        [--without-stored-figures]

Sets Django up on a scratch SQLite database in a temporary folder (your own data is never
touched), builds one province with `--units` budget units spread over five counties, each with
`--forms` forms (half 项目支出 with points, the rest 转移支付 and 社保基金; mixed states) of
`--lines` indicator lines, then requests the province's summary page as its viewer: once with
no score cached (the first view, also in CPU time: SQLite runs in this process, so that counts
the database's work too and is less swayed by other load than the wall clock) and `--runs`
times more, printing the median and 95th percentile and the query count. The same page on a
region a twentieth of the size shows the count does not grow.

The forms are written in bulk, not moved through the workflow service, so their stored 总分 and
等级 are then filled by the data migration that fills a database's existing forms
(evaluations 0006) — what submitting and approving them would have stored.
`--without-stored-figures` leaves them empty: every 项目支出 form is scored on the first view,
as before scores were stored.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TEXTS = [
    ("产出指标", "数量指标", "参保人数", "≥10万人", "{n}"),
    ("产出指标", "质量指标", "社会保险待遇发放准确率", "≥99%", "{p}%"),
    ("产出指标", "时效指标", "待遇拨付时限", "90日内完成审核拨付", "按时拨付"),
    ("产出指标", "成本指标", "人均补助标准", "≥580元/人", "600元/人"),
    ("效益指标", "社会效益指标", "政策知晓率", "≥90%", "{p}%"),
    ("效益指标", "可持续影响指标", "医保基金收支平衡", "收支平衡、略有节余", "收支平衡"),
    ("满意度指标", "服务对象满意度指标", "参保人员满意度", ">90%", "{p}%"),
]


def setup_django(db_dir: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{db_dir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client's host through ALLOWED_HOSTS
    call_command("migrate", verbosity=0)


def build(n_units: int, n_forms: int, n_lines: int):
    """One province → one prefecture → five counties; returns (province, a county, viewer)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from evaluations.models import (
        Evaluation,
        FundLine,
        IndicatorLine,
        Membership,
        Region,
        Unit,
        Year,
    )
    from evaluations.templates_def import TEMPLATES

    province = Region.objects.create(name="测试省", level=Region.Level.PROVINCE)
    prefecture = Region.objects.create(
        name="测试市", level=Region.Level.PREFECTURE, parent=province
    )
    counties = [
        Region.objects.create(name=f"测试县{i}", level=Region.Level.COUNTY, parent=prefecture)
        for i in range(5)
    ]
    year = Year.objects.create(year=2020, deadline=date(2021, 4, 30))
    finance = Unit.objects.create(name="测试省财政厅", region=province, kind=Unit.Kind.FINANCE)
    viewer = get_user_model().objects.create_user("viewer", password="x")
    Membership.objects.create(user=viewer, unit=finance, role=Membership.Role.VIEWER)
    units = Unit.objects.bulk_create(
        Unit(name=f"测试单位{i:03d}", region=counties[i % len(counties)]) for i in range(n_units)
    )
    codes = ["project_2020", "project_2020", "transfer_payment_2019", "social_insurance_fund"]
    statuses = ["approved", "approved", "submitted", "returned", "draft"]
    now = timezone.now()
    forms = Evaluation.objects.bulk_create(
        Evaluation(
            unit=unit,
            year=year,
            template=codes[j % len(codes)],
            title="项目支出绩效自评表",
            project_name=f"项目{j:02d}",
            status=statuses[j % len(statuses)],
            submitted_at=now if statuses[j % len(statuses)] != "draft" else None,
        )
        for unit in units
        for j in range(n_forms)
    )
    funds, lines = [], []
    for k, ev in enumerate(forms):
        t = TEMPLATES[ev.template]
        for order, row in enumerate(t.fund_rows):
            budget = Decimal(100 + k % 50) if row.is_total else None
            actual = Decimal(90 + k % 20) if row.is_total else None
            funds.append(
                FundLine(
                    evaluation=ev,
                    row_key=row.key,
                    label=row.label,
                    order=order,
                    budget=budget,
                    actual=actual,
                )
            )
        weights = {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
        per_level = {
            name: sum(1 for i in range(n_lines) if TEXTS[i % len(TEXTS)][0] == name)
            for name in weights
        }
        for i in range(n_lines):
            l1, l2, l3, target, actual = TEXTS[i % len(TEXTS)]
            weight = None
            if t.scored and per_level[l1]:
                weight = (weights[l1] / per_level[l1]).quantize(Decimal("0.01"))
            lines.append(
                IndicatorLine(
                    evaluation=ev,
                    order=i,
                    level1=l1,
                    level2=l2,
                    level3=l3,
                    target=target,
                    actual=actual.format(n=120000 + k, p=90 + k % 10),
                    weight=weight,
                )
            )
    FundLine.objects.bulk_create(funds, batch_size=2000)
    IndicatorLine.objects.bulk_create(lines, batch_size=2000)
    return province, counties[0], viewer


def store_figures() -> None:
    """Store every handed-in form's 总分 and 等级 as the data migration does."""
    from importlib import import_module

    from django.apps import apps

    import_module("evaluations.migrations.0006_stored_figures").store_figures(apps, None)


class QueryCounter:
    """Counts every statement the connection executes (a database execute wrapper)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(client, url: str, runs: int) -> tuple[float, float, int, list[float], int]:
    """The first view (no score cached: every 项目支出 form without stored figures is scored)
    with its query count, then `runs` views with the scores cached, and their query count."""
    from django.core.cache import cache
    from django.db import connection

    cache.clear()
    cold_queries = QueryCounter()
    with connection.execute_wrapper(cold_queries):
        started, cpu = time.perf_counter(), time.process_time()
        assert client.get(url).status_code == 200
        cold, cold_cpu = time.perf_counter() - started, time.process_time() - cpu
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    queries = QueryCounter()
    with connection.execute_wrapper(queries):
        client.get(url)
    return cold, cold_cpu, cold_queries.count, times, queries.count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--forms", type=int, default=20)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--without-stored-figures",
        action="store_true",
        help="leave the forms' stored scores empty: the first view scores every form",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        setup_django(tmp)
        from django.test import Client
        from django.urls import reverse

        started = time.perf_counter()
        province, county, viewer = build(args.units, args.forms, args.lines)
        print(
            f"built {args.units} units × {args.forms} forms × {args.lines} lines "
            f"in {time.perf_counter() - started:.1f} s"
        )
        if not args.without_stored_figures:
            started = time.perf_counter()
            store_figures()
            print(f"stored the handed-in forms' scores in {time.perf_counter() - started:.1f} s")
        from django.conf import settings

        settings.DEBUG = False  # as in production: no query log kept, no debug pages
        client = Client()
        client.force_login(viewer)
        for label, region in (("province (all units)", province), ("one county", county)):
            url = reverse("summary_region", args=[2020, region.pk])
            cold, cold_cpu, cold_queries, times, queries = measure(client, url, args.runs)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(
                f"{label:22} first view {cold:.3f} s (CPU {cold_cpu:.3f} s, {cold_queries} "
                f"queries); then median "
                f"{statistics.median(times):.3f} s, p95 {p95:.3f} s ({queries} queries)"
            )


if __name__ == "__main__":
    main()
