"""Store anew the 总分 and 等级 of handed-in forms scored under other rules than today's.

    manage.py store_scores

Run after an upgrade that changed the scoring rules or the 表样 (docs/operations.md, 升级); it
rewrites nothing when every stored score is current. Until it has run, the summaries score those
forms themselves: slower, never wrong.
"""

from django.core.management.base import BaseCommand

from evaluations.services import evaluation_figures_refresh


class Command(BaseCommand):
    help = "按现行评分规则重新计算已提交、已审核自评表存储的总分和等级（规则未变的不重算）。"

    def handle(self, *args, **options):
        done = evaluation_figures_refresh()
        self.stdout.write(f"重新计算了 {done} 张自评表的总分和等级。")
