from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "自评报告"

    def ready(self):
        from evaluations import extensions

        from .checks import report_problems

        # The 自评报告 goes with the form: its required sections must be filled before submission.
        extensions.register_submission_check(report_problems)
