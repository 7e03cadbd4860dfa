from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from seasons.services import send_reminders


class Command(BaseCommand):
    help = "发送自评任务的催报提醒（截止前几天及截止次日；同一提醒不会重复发送）。"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按这一天计算（YYYY-MM-DD，默认今天）")

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError("--today 请写成 YYYY-MM-DD，如 2020-04-28。") from None
        sent = send_reminders(today=day)
        for reminder in sent:
            self.stdout.write(f"  {reminder.unit.name} · {reminder.task.title} · {reminder.kind}")
        self.stdout.write(f"{day.isoformat()}：发送提醒 {len(sent)} 条。")
