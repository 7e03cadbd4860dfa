from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data of every app, above all of them (docs/architecture.md): installed last."""

    name = "demo"
    verbose_name = "演示数据"
