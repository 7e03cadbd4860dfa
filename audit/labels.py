"""Chinese names for the admin sections of the third-party apps we run (django-axes for login
lockouts, django_tasks_db for the background tasks), whose own names are English.

Set on the app configs and the models' options at start-up, not in their code: only the names
the admin shows change (the migration state reads the options each model was declared with,
so no migration follows)."""

from django.apps import apps

APP_NAMES = {"axes": "登录防护", "django_tasks_database": "后台任务"}
MODEL_NAMES = {
    ("axes", "accessattempt"): "登录失败记录",
    ("axes", "accessfailurelog"): "登录失败日志",
    ("axes", "accesslog"): "登录日志",
    ("axes", "accessattemptexpiration"): "登录锁定到期",
    ("django_tasks_database", "dbtaskresult"): "任务结果",
}


def label_third_party_apps() -> None:
    for label, name in APP_NAMES.items():
        if label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
    for (app_label, model_name), name in MODEL_NAMES.items():
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:  # a model this version of the app does not have
            continue
        model._meta.verbose_name = name
        model._meta.verbose_name_plural = name
