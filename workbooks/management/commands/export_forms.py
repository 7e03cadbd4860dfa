"""Write a year's forms as PDF and/or Excel files, one file per form.

    manage.py export_forms --year 2020 [--region 喀什地区] [--status approved] \
        --format pdf,xlsx --out exports/
"""

from __future__ import annotations

import time
from functools import reduce
from operator import or_
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_record
from evaluations.exports.files import file_stem
from evaluations.exports.layout import build_grids
from evaluations.models import Evaluation, Region
from evaluations.selectors import form_data, with_lines

FORMATS = {"pdf": "PDF", "xlsx": "Excel"}


class Command(BaseCommand):
    help = "按年度（可选区划、状态）导出自评表，每张表一个 PDF 和/或 Excel 文件。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="评价年度，如 2020")
        parser.add_argument("--region", help="区划名称：导出该区划及其下级区划各单位的自评表")
        parser.add_argument(
            "--status", choices=Evaluation.Status.values, help="只导出该状态的自评表，如 approved"
        )
        parser.add_argument(
            "--format",
            dest="formats",
            default="pdf,xlsx",
            help="导出格式，逗号分隔：pdf、xlsx（默认两种都导出）",
        )
        parser.add_argument("--out", required=True, help="输出目录（不存在时自动创建）")

    def handle(self, *args, year, region, status, formats, out, **options):
        wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
        unknown = sorted(set(wanted) - set(FORMATS))
        if unknown or not wanted:
            raise CommandError(f"不支持的格式：{', '.join(unknown) or formats}（可选 pdf、xlsx）")

        qs = Evaluation.objects.filter(year__year=year)
        if region:
            regions = list(Region.objects.filter(name=region))
            if not regions:
                raise CommandError(f"未找到区划：{region}")
            # Region names repeat across provinces (两个 "新区"): take every match and its subtree.
            qs = qs.filter(reduce(or_, (r.subtree_q("unit__region__") for r in regions)))
        if status:
            qs = qs.filter(status=status)
        evaluations = list(with_lines(qs).order_by("unit__region__path", "unit__name", "pk"))

        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        # Imported lazily: WeasyPrint loads Pango at import, which an xlsx-only run does not need.
        writers = {}
        if "pdf" in wanted:
            from evaluations.exports.pdf import render_pdf

            writers["pdf"] = render_pdf
        if "xlsx" in wanted:
            from workbooks.xlsx import write_xlsx

            writers["xlsx"] = write_xlsx

        started = time.perf_counter()
        used: set[str] = set()
        counts = dict.fromkeys(writers, 0)
        for evaluation in evaluations:
            stem = file_stem(evaluation)
            # The same unit may have two forms of one project under different templates.
            if stem.casefold() in used:
                stem = f"{stem}_{evaluation.pk}"
            used.add(stem.casefold())
            grids = build_grids(form_data(evaluation))
            for ext, write in writers.items():
                with open(out_dir / f"{stem}.{ext}", "wb") as fh:
                    write(grids, fh)
                counts[ext] += 1

        seconds = time.perf_counter() - started
        audit_record(
            user=None,
            action="export_forms",
            detail={
                "year": year,
                "region": region or "",
                "status": status or "",
                "formats": list(writers),
                "forms": [e.pk for e in evaluations],
                "out": str(out_dir.resolve()),
            },
        )
        made = "，".join(f"{FORMATS[ext]} {n} 个" for ext, n in counts.items())
        scope = f"{year}年度" + (f"{region}及下级区划" if region else "")
        if not evaluations:
            self.stdout.write(f"{scope}没有符合条件的自评表，未导出文件。")
            return
        self.stdout.write(
            f"已导出{scope}自评表 {len(evaluations)} 张（{made}）到 {out_dir}，用时 {seconds:.1f} 秒。"
        )
