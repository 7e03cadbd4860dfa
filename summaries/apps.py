from django.apps import AppConfig


class SummariesConfig(AppConfig):
    name = "summaries"
    verbose_name = "汇总与批量导出"

    def ready(self):
        from evaluations import changes

        from .services import figures_rebuild_year, unit_figures_refresh

        # The units' stored figures change in the transaction of every move that changes forms.
        changes.register(unit_figures_refresh, rebuild=figures_rebuild_year)
