"""Bring a folder of last year's workbooks in as drafts of one unit, the way 导入Excel does.

    manage.py import_forms FILE [FILE …] --unit "疏勒县医疗保障局" [--year 2020]

One line per file: the new form's path (/evaluations/<id>/) with the import summary, or why the
file was refused. Only a file that cannot be read at all (not a workbook, a zip bomb, too large)
is refused; nothing is created for it, and the command then exits with status 1.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from evaluations.models import Membership, Unit
from workbooks import services, xlsx_checks, xlsx_import
from workbooks.selectors import import_parse


class Command(BaseCommand):
    help = "把 Excel 自评表（一个或多个文件）导入为某单位的草稿，每个文件输出一行结果。"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="要导入的 .xlsx 文件")
        parser.add_argument("--unit", required=True, help="单位名称：导入为该单位的草稿")
        parser.add_argument(
            "--year", type=int, help="年度：表中没有写明年度时使用（表中写明的年度优先）"
        )

    def handle(self, *args, files, unit, year, **options):
        units = list(Unit.objects.filter(name=unit.strip()))
        if not units:
            raise CommandError(f"未找到单位：{unit}")
        if len(units) > 1:
            raise CommandError(f"有 {len(units)} 个单位名为“{unit}”，请在管理后台区分后再导入。")
        target = units[0]
        user = _importer(target)
        if user is None:
            raise CommandError(f"单位“{unit}”没有填报人，也没有系统管理员账号，无法记录导入人。")
        refused = 0
        for name in files:
            line, ok = self._one(Path(name), target, user, year)
            self.stdout.write(f"{name}: {line}")
            refused += not ok
        if refused:
            raise CommandError(f"{refused} 个文件未导入。", returncode=1)

    def _one(self, path: Path, unit: Unit, user, year: int | None) -> tuple[str, bool]:
        limit = settings.XLSX_IMPORT_MAX_BYTES
        try:
            with path.open("rb") as f:
                data = f.read(limit + 1)
        except OSError as e:
            return f"未导入：无法读取文件（{e.strerror or e}）。", False
        try:
            # As 导入Excel reads it: by its labels, else by a mapping the unit's clerk drew on
            # the page for a workbook of the same shape.
            parsed = import_parse(
                data=data, unit=unit, limits=xlsx_checks.Limits(max_bytes=limit), year=year
            )
        except xlsx_checks.ImportRefused as e:
            return "未导入：" + "；".join(str(error) for error in e.errors), False
        try:
            with transaction.atomic():
                chosen, year_notes = services.import_year(
                    stated=parsed.year, chosen=year, today=timezone.localdate()
                )
                evaluation, renamed = services.evaluation_import_kept(
                    user=user, unit=unit, year=chosen, parsed=parsed
                )
        except services.EvaluationError as e:
            return f"未导入：{e.message}", False
        if renamed:
            year_notes.append(services.IMPORT_RENAMED.format(name=evaluation.project_name))
        placed, other = parsed.counts()
        summary = xlsx_import.IMPORT_SUMMARY.format(placed=placed, other=other)
        notes = [*year_notes, *(str(n) for n in parsed.notes)]
        tail = ("　" + "；".join(notes)) if notes else ""
        return f"/evaluations/{evaluation.pk}/　{summary}{tail}", True


def _importer(unit: Unit):
    """Who the import is recorded as: the unit's preparer, else a system administrator."""
    from django.contrib.auth import get_user_model

    member = (
        Membership.objects.filter(unit=unit, role=Membership.Role.PREPARER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if member is not None:
        return member.user
    return get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
