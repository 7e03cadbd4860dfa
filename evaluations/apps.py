from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = "绩效自评"

    def ready(self):
        from . import checks  # noqa: F401 - registers the font and HarfBuzz checks
