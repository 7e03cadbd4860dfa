from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "审计日志"

    def ready(self):
        from . import receivers  # noqa: F401 - logins, logouts and failed logins
        from .labels import label_third_party_apps

        label_third_party_apps()
