"""Build the units' stored figures the summaries read, anew from the forms.

    manage.py rebuild_summaries [--year 2020]

Every year by default. Run after an upgrade that changed the scoring rules (after
`store_scores`), after a year's 提交截止日期 was changed, or after forms were written outside the
app's services (a shell, a script): until then the summary of such a year reads the forms
themselves, slower, never wrong. From then on every move keeps the figures current.
"""

from django.core.management.base import BaseCommand, CommandError

from evaluations.models import Year
from summaries.services import figures_rebuild


class Command(BaseCommand):
    help = "按各单位的自评表重新生成汇总数据（默认所有年度）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="只重建这一年度")

    def handle(self, *args, **options):
        years = Year.objects.order_by("year")
        if options["year"] is not None:
            years = years.filter(year=options["year"])
            if not years.exists():
                raise CommandError(f"没有{options['year']}年度。")
        for year in years:
            units = figures_rebuild(year=year)
            self.stdout.write(f"{year.year}年度：重建了 {units} 个单位的汇总数据。")
