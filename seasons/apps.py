from django.apps import AppConfig


class SeasonsConfig(AppConfig):
    name = "seasons"
    verbose_name = "自评任务"

    def ready(self):
        from evaluations import extensions

        from .selectors import deadline_lock_for

        # 截止后锁定: a form whose task's deadline has passed can no longer be saved or submitted.
        extensions.register_lock_reason(deadline_lock_for)
