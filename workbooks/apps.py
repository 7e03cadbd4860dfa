from django.apps import AppConfig


class WorkbooksConfig(AppConfig):
    name = "workbooks"
    verbose_name = "Excel 导入导出"
