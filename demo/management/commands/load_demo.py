from django.core.management.base import BaseCommand

from demo.loaders import load_demo
from evaluations.demo import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "载入演示数据：区划、单位、演示账号和种子自评表（可重复运行，不会重复创建）。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", help="种子自评表 JSON 文件（默认 settings.SEED_FORMS）")

    def handle(self, *args, seed=None, **options):
        for line in load_demo(seed):
            self.stdout.write(line)
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, unit, role in demo_logins():
            self.stdout.write(f"  {username:<16} {role:<10} {unit}")
