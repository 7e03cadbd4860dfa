"""Time PDF and Excel rendering of the demo forms and of a generated 30-line 项目支出 form.

    DJANGO_DEBUG=1 .venv/bin/python benchmarks/render.py [--runs 15]

Sets Django up on a scratch SQLite database in a temporary folder (your own data is never
touched), migrates, loads the demo forms, then renders each form once to warm up and `--runs`
times more, printing the median and 95th percentile wall-clock time per render, and the median
CPU time of this process per PDF render (less disturbed than wall-clock time when other programs
share the CPU; on an idle machine the two agree).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import unicodedata
from datetime import date
from decimal import Decimal
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

    from demo.loaders import load_demo

    call_command("migrate", verbosity=0)
    load_demo()


def generated_form(n_lines: int = 30):
    """A 项目支出 (10号) form of `n_lines` indicator lines, in memory, with seed-like texts."""
    from evaluations.exports.layout import FormData, FundValues, LineData
    from evaluations.templates_def import PROJECT_2020 as t

    texts = [
        ("参保人数", "≥355990人", "360800人"),
        ("社会保险待遇发放准确率", "≥99%", "100%"),
        ("及时拨款，保障参加社会保险的各项社会保险待遇", "90日内完成审核拨付", "按时拨付"),
        ("医保基金收支平衡、略有节余", "收支平衡、略有节余", "年末累计结余19583.49万元"),
        ("参保人员满意度", ">90%", ">95%"),
    ]
    slots = [(level.name, level2) for level in t.levels for level2 in level.level2]
    lines = []
    for i in range(n_lines):
        level1, level2 = slots[i * len(slots) // n_lines]
        name, target, actual = texts[i % len(texts)]
        lines.append(
            LineData(level1, level2, f"{name}（{i + 1}）", target, actual, Decimal(3), Decimal(3))
        )
    amount = Decimal("11431.62")
    return FormData(
        template=t,
        title=t.title,
        year=2020,
        header={
            "project_name": "城乡居民基本医疗保险补助资金",
            "competent_dept": "疏勒县医疗保障局",
            "implementing_unit": "疏勒县医疗保障局",
        },
        header_labels={},
        funds={
            "total": FundValues("年度资金总额", amount, amount, Decimal("10405.81")),
            "current": FundValues("其中：当年财政拨款", amount, amount, Decimal("10405.81")),
        },
        goal_planned="按时足额拨付城乡居民基本医疗保险补助资金，保障参保人员待遇，基金运行平稳。"
        * 2,
        goal_actual="全年足额拨付补助资金，参保人员待遇按时支付，基金收支平衡、略有节余。" * 2,
        lines=tuple(lines),
        preparer="王建国",
        preparer_phone="0998-6521234",
        fill_date=date(2021, 3, 15),
        is_draft=True,
        budget_score=Decimal("9.10"),
        total_score=Decimal("95.5"),
    )


def pad(text: str, width: int) -> str:
    """`text` cut or padded to `width` terminal columns (CJK characters take two)."""
    out, used = "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            break
        out, used = out + ch, used + w
    return out + " " * (width - used)


def first_render(grid) -> None:
    """A PDF render of `grid` as if it were the form's first: the line-break estimates the
    renderer keeps between renders are dropped, so repeating the same form measures no more
    than rendering a new one."""
    from evaluations.exports import pdf

    pdf._line_count.cache_clear()
    pdf.render_pdf(grid, io.BytesIO())


def timed(fn, runs: int) -> tuple[float, float, float]:
    """Median and 95th percentile wall-clock time of `fn`, and its median CPU time."""
    fn()  # warm-up: fonts, templates and caches load on the first render
    samples, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as db_dir:
        setup_django(db_dir)
        from pypdf import PdfReader

        from evaluations.exports.layout import build_grid
        from evaluations.exports.pdf import render_pdf
        from evaluations.models import Evaluation
        from evaluations.selectors import form_data, with_lines
        from workbooks.xlsx import write_xlsx

        forms = [
            (f"{ev.template} · {ev.project_name}", len(ev.indicator_lines.all()), form_data(ev))
            for ev in with_lines(Evaluation.objects.order_by("template", "pk"))
        ]
        forms.append(("generated project_2020 · 30 lines", 30, generated_form(30)))

        print(
            f"{'form':<52} {'lines':>5} {'pages':>5}  {'PDF median':>10} {'p95':>7} {'CPU':>7}"
            f"  {'Excel median':>12} {'p95':>7}"
        )
        for label, n_lines, data in forms:
            grid = build_grid(data)
            sample = io.BytesIO()
            render_pdf(grid, sample)
            pages = len(PdfReader(io.BytesIO(sample.getvalue())).pages)
            pdf_med, pdf_p95, pdf_cpu = timed(lambda g=grid: first_render(g), args.runs)
            xl_med, xl_p95, _ = timed(lambda g=grid: write_xlsx(g, io.BytesIO()), args.runs)
            print(
                f"{pad(label, 52)} {n_lines:>5} {pages:>5}  {pdf_med:>9.3f}s {pdf_p95:>6.3f}s"
                f" {pdf_cpu:>6.3f}s  {xl_med:>11.3f}s {xl_p95:>6.3f}s"
            )
        print(
            f"({args.runs} timed runs after one warm-up; {os.cpu_count()} CPUs,"
            f" load average {os.getloadavg()[0]:.1f} at the end)"
        )


if __name__ == "__main__":
    main()
