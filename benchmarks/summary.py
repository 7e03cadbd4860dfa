"""Time the region summary page on large provinces and count its SQL queries.

    DJANGO_DEBUG=1 .venv/bin/python benchmarks/summary.py [--units 100,1000 --forms 20 --lines 20]
        [--postgres [URL]] [--read-forms] [--without-stored-figures]

Builds, in one scratch database, one province per `--units` size (units spread over five
counties, each with `--forms` forms — half 项目支出 with points, the rest 转移支付 and 社保基金; mixed
states — of `--lines` indicator lines), then requests each province's summary page as its
viewer: once with nothing cached (the first view, also in CPU time) and `--runs` times more,
printing the median and 95th percentile and the query count, and the same for one county. The
last line compares the largest province's first view with the smallest's.

The database is an SQLite file in a temporary folder, or with `--postgres` a PostgreSQL database
(default postgres://postgres@127.0.0.1:5432/jixiao_bench_summary, dropped and re-created: never
name one you keep). On PostgreSQL the forms and lines are written by COPY (a 200,000-form
province in about a minute), elsewhere by bulk_create.

The forms are written in bulk, not moved through the workflow service: their stored 总分 and
等级 are then filled as submitting and approving them would have (each distinct form scored
once by `evaluation_score`), and the units' stored figures built by `rebuild_summaries`.
`--read-forms` leaves the figures unbuilt: the summary reads every form and line, as before
they were kept; `--without-stored-figures` also leaves the scores empty (scored on first view).
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


DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/jixiao_bench_summary"
CODES = ["project_2020", "project_2020", "transfer_payment_2019", "social_insurance_fund"]
STATUSES = ["approved", "approved", "submitted", "returned", "draft"]
VARIANTS = 100  # budget k % 50, actual k % 20, rate k % 10: a form's score depends on k % 100


def setup_django(db_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client's host through ALLOWED_HOSTS
    call_command("migrate", verbosity=0)


def recreate_pg(url: str) -> None:
    """Drop and create the scratch database named by `url`, through the server's postgres db."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _form(unit, year, j: int, now):
    from evaluations.models import Evaluation

    status = STATUSES[j % len(STATUSES)]
    return Evaluation(
        unit=unit,
        year=year,
        template=CODES[j % len(CODES)],
        title="项目支出绩效自评表",
        project_name=f"项目{j:03d}",
        status=status,
        submitted_at=now if status != "draft" else None,
    )


def _rows(ev, k: int, n_lines: int):
    """The fund rows and indicator lines of form number `k` (unsaved)."""
    from evaluations.models import FundLine, IndicatorLine
    from evaluations.templates_def import TEMPLATES

    t = TEMPLATES[ev.template]
    funds = [
        FundLine(
            evaluation=ev,
            row_key=row.key,
            label=row.label,
            order=order,
            budget=Decimal(100 + k % 50) if row.is_total else None,
            actual=Decimal(90 + k % 20) if row.is_total else None,
        )
        for order, row in enumerate(t.fund_rows)
    ]
    weights = {"产出指标": Decimal(50), "效益指标": Decimal(30), "满意度指标": Decimal(10)}
    per_level = {
        name: sum(1 for i in range(n_lines) if TEXTS[i % len(TEXTS)][0] == name) for name in weights
    }
    lines = []
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
    return funds, lines


def _regions(name: str, n_units: int):
    from evaluations.models import Region, Unit

    province = Region.objects.create(name=name, level=Region.Level.PROVINCE)
    prefecture = Region.objects.create(
        name=f"{name}测试市", level=Region.Level.PREFECTURE, parent=province
    )
    counties = [
        Region.objects.create(name=f"测试县{i}", level=Region.Level.COUNTY, parent=prefecture)
        for i in range(5)
    ]
    units = Unit.objects.bulk_create(
        Unit(name=f"测试单位{i:05d}", region=counties[i % len(counties)]) for i in range(n_units)
    )
    return province, counties, units


def build(name: str, year, n_units: int, n_forms: int, n_lines: int):
    """One province → one prefecture → five counties, written by bulk_create; returns
    (province, a county, its viewer)."""
    from django.utils import timezone

    from evaluations.models import Evaluation, FundLine, IndicatorLine

    province, counties, units = _regions(name, n_units)
    now = timezone.now()
    forms = Evaluation.objects.bulk_create(
        _form(unit, year, j, now) for unit in units for j in range(n_forms)
    )
    funds, lines = [], []
    for k, ev in enumerate(forms):
        f, ls = _rows(ev, k, n_lines)
        funds += f
        lines += ls
    FundLine.objects.bulk_create(funds, batch_size=2000)
    IndicatorLine.objects.bulk_create(lines, batch_size=2000)
    return province, counties[0], _viewer(province)


def build_copy(name: str, year, n_units: int, n_forms: int, n_lines: int):
    """As `build`, written by PostgreSQL's COPY from rows made once per distinct form."""
    from django.db import connection
    from django.utils import timezone

    from evaluations.models import Evaluation, FundLine, IndicatorLine

    province, counties, units = _regions(name, n_units)
    now = timezone.now()
    models = (Evaluation, FundLine, IndicatorLine)
    columns = {m: [f for f in m._meta.concrete_fields if not f.primary_key] for m in models}

    def values(obj):
        return [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns[type(obj)]]

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM evaluations_evaluation")
        first = cursor.fetchone()[0] + 1
        raw = cursor.cursor
        with raw.copy(_copy_sql(Evaluation, columns)) as copy:
            ev_id = first
            for unit in units:
                for j in range(n_forms):
                    copy.write_row([ev_id, *values(_form(unit, year, j, now))])
                    ev_id += 1
        templates = {}  # (template, k % VARIANTS): the rows of that form, ids left out
        for m in (FundLine, IndicatorLine):
            with raw.copy(_copy_sql(m, columns, with_id=False)) as copy:
                k = 0
                for _unit in units:
                    for j in range(n_forms):
                        key = (CODES[j % len(CODES)], k % VARIANTS, m)
                        if key not in templates:
                            ev = _form(None, year, j, now)
                            ev.pk = 0
                            funds, lines = _rows(ev, k, n_lines)
                            templates[key] = [
                                values(o) for o in (funds if m is FundLine else lines)
                            ]
                        evaluation_at = [f.attname for f in columns[m]].index("evaluation_id")
                        for row in templates[key]:
                            row[evaluation_at] = first + k
                            copy.write_row(row)
                        k += 1
        for m in models:
            table = m._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    return province, counties[0], _viewer(province)


def _copy_sql(model, columns, with_id=True) -> str:
    from django.db import connection

    names = (["id"] if with_id else []) + [
        connection.ops.quote_name(f.column) for f in columns[model]
    ]
    return f"COPY {model._meta.db_table} ({', '.join(names)}) FROM STDIN"


def _viewer(province):
    from django.contrib.auth import get_user_model

    from evaluations.models import Membership, Unit

    finance = Unit.objects.create(
        name=f"{province.name}财政厅", region=province, kind=Unit.Kind.FINANCE
    )
    viewer = get_user_model().objects.create_user(f"viewer{province.pk}", password="x")
    Membership.objects.create(user=viewer, unit=finance, role=Membership.Role.VIEWER)
    return viewer


def store_figures(first: int, last: int) -> None:
    """Store the 总分 and 等级 of the handed-in forms with ids first..last (one province) as
    submitting and approving them would have: form number k of a template is like every form
    numbered k modulo VARIANTS, so one of each is scored by `evaluation_score` and its figures
    written to all of its kind."""
    from evaluations.models import Evaluation
    from evaluations.scoring import RULES, evaluation_score
    from evaluations.selectors import with_lines
    from evaluations.templates_def import TEMPLATES

    handed = Evaluation.objects.filter(
        pk__gte=first,
        pk__lte=last,
        status__in=["submitted", "approved"],
        template__in=[t.code for t in TEMPLATES.values() if t.scored],
    )
    for code in {c for c in CODES if TEMPLATES[c].scored}:
        for v in range(VARIANTS):
            kind = handed.filter(template=code).extra(
                where=[f"(evaluations_evaluation.id - %s) %% {VARIANTS} = %s"], params=[first, v]
            )
            one = kind.first()
            if one is None:
                continue
            score = evaluation_score(with_lines(Evaluation.objects.filter(pk=one.pk)).get())
            kind.update(stored_total=score.total, stored_grade=score.grade, stored_rules=RULES)


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


def shown(summary) -> list:
    """Every figure the page shows, as text."""

    def row(r):
        m, s = r.money, r.scores
        return (
            (r.label, r.units, tuple(r.counts.items()), r.overdue_open, r.overdue_late)
            + tuple(
                map(str, (m.budget, m.actual, m.rate, m.forms, m.missing, s.count, s.average)),
            )
            + (str(s.lowest), str(s.highest), sorted(s.grades.items()))
        )

    return [
        [row(r) for r in summary.units],
        [row(r) for r in summary.children],
        row(summary.total),
        [tuple(map(str, vars(r).values())) for r in summary.indicators],
    ]


def check(viewer, province) -> None:
    """The summary read from the units' figures shows what the one read from the forms shows."""
    from evaluations.models import Year
    from summaries.selectors import _summary_from_forms, figures_current, region_summary

    year = Year.objects.select_related("summary_figures").get(year=2020)
    assert figures_current(year)
    for basis in ("handed_in", "approved"):
        kept = region_summary(viewer, province, year, basis=basis, page=None)
        read = _summary_from_forms(viewer, province, year, basis=basis, today=kept.today)
        assert shown(kept) == shown(read), "the figures differ from the forms"
    print(f"{province.name}: every figure read from the units' figures equals the forms' (checked)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", default="100,1000", help="province sizes, comma-separated")
    parser.add_argument("--forms", type=int, default=20)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=DEFAULT_PG,
        metavar="URL",
        help=f"a scratch PostgreSQL database, dropped and re-created (default {DEFAULT_PG})",
    )
    parser.add_argument(
        "--read-forms",
        action="store_true",
        help="build no unit figures: the summary reads every form and line, as before",
    )
    parser.add_argument(
        "--without-stored-figures",
        action="store_true",
        help="also leave the forms' stored scores empty: the first view scores every form",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --postgres: measure the provinces an earlier run built there, build nothing",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="afterwards compare every figure with the summary read from the forms (slow)",
    )
    args = parser.parse_args()
    sizes = [int(n) for n in args.units.split(",")]

    with tempfile.TemporaryDirectory() as tmp:
        reuse = args.reuse and args.postgres
        if args.postgres and not reuse:
            recreate_pg(args.postgres)
        setup_django(args.postgres or f"sqlite:///{tmp}/bench.sqlite3")
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from evaluations.models import Evaluation, Year
        from summaries.services import figures_rebuild

        print(f"database: {connection.vendor}")
        provinces = []
        if reuse:
            from django.contrib.auth import get_user_model

            from evaluations.models import Region

            for n_units in sizes:
                province = Region.objects.get(name=f"测试省{n_units}")
                county = Region.objects.filter(path__startswith=province.path, level="county")
                viewer = get_user_model().objects.get(username=f"viewer{province.pk}")
                provinces.append((n_units, province, county.order_by("path").first(), viewer))
        year = Year.objects.get_or_create(year=2020, defaults={"deadline": date(2021, 4, 30)})[0]
        for n_units in [] if reuse else sizes:
            started = time.perf_counter()
            first = (
                Evaluation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            ) + 1
            make = build_copy if connection.vendor == "postgresql" else build
            built = make(f"测试省{n_units}", year, n_units, args.forms, args.lines)
            last = Evaluation.objects.order_by("-pk").values_list("pk", flat=True).first()
            print(
                f"built {n_units} units × {args.forms} forms × {args.lines} lines "
                f"({n_units * args.forms:,} forms) in {time.perf_counter() - started:.1f} s"
            )
            if not args.without_stored_figures:
                started = time.perf_counter()
                store_figures(first, last)
                print(
                    f"stored the handed-in forms' scores in {time.perf_counter() - started:.1f} s"
                )
            provinces.append((n_units, *built))
        if not args.read_forms and not reuse:
            started = time.perf_counter()
            figures_rebuild(year=year)
            print(f"built the units' stored figures in {time.perf_counter() - started:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # the planner's statistics, as autovacuum keeps them

        settings.DEBUG = False  # as in production: no query log kept, no debug pages
        first_views = {}
        # Templates compiled and code loaded once, on a page not measured, as a running server has.
        warm = Client()
        warm.force_login(provinces[-1][3])
        warm.get(reverse("summary_region", args=[2020, provinces[-1][2].pk]))
        for n_units, province, county, viewer in provinces:
            print(f"-- {n_units} units, {n_units * args.forms:,} forms --")
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
                if region == province:
                    first_views[n_units] = cold
        if args.check and not args.read_forms:
            for _, province, _, viewer in provinces:
                check(viewer, province)
        if len(first_views) > 1:
            small, large = min(first_views), max(first_views)
            print(
                f"first view, {large} units against {small}: "
                f"{first_views[large] / first_views[small]:.2f}×"
            )


if __name__ == "__main__":
    main()
