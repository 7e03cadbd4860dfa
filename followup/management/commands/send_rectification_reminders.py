from django.core.management.base import BaseCommand
from django.utils import timezone

from followup.services import rectification_remind


class Command(BaseCommand):
    help = "提醒逾期未整改的单位（每个整改事项只提醒一次；每天运行，与 send_reminders 一起）。"

    def handle(self, *args, **options):
        count = rectification_remind(today=timezone.localdate())
        self.stdout.write(f"整改逾期提醒：{count} 项。")
