from django.core.management.base import BaseCommand

from evaluations import changes
from evaluations.demo import DEMO_PASSWORD, demo_logins, load_demo
from evaluations.models import Year


class Command(BaseCommand):
    help = "载入演示数据：区划、单位、演示账号和种子自评表（可重复运行，不会重复创建）。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", help="种子自评表 JSON 文件（默认 settings.SEED_FORMS）")

    def handle(self, *args, seed=None, **options):
        report = load_demo(seed)
        for year_id in Year.objects.values_list("pk", flat=True):  # forms written in bulk
            changes.year_changed(year_id)
        self.stdout.write(
            f"自评表：新建 {len(report.created)} 张，已存在 {len(report.existing)} 张。"
        )
        self.stdout.write(f"指标库：新增 {report.library_added} 个三级指标。")
        self.stdout.write(f"自评任务：新下达 {report.tasks_created} 项。")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, unit, role in demo_logins():
            self.stdout.write(f"  {username:<16} {role:<10} {unit}")
