from django.core.management.base import BaseCommand

from followup.demo import load_followup_demo


class Command(BaseCommand):
    help = "载入复核、整改、结果应用的演示数据（在 load_demo 之后运行；可重复运行）。"

    def handle(self, *args, **options):
        if load_followup_demo():
            self.stdout.write("复核与整改：已载入演示的抽评批次、复核、整改和结果应用。")
        else:
            self.stdout.write("复核与整改：演示数据已存在（或未先运行 load_demo），未改动。")
