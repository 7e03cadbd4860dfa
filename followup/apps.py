from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = "复核、整改与结果应用"

    def ready(self):
        from evaluations.extensions import register_form_notes, register_print_variant

        from .selectors import previous_decision_notes, review_print_variant

        register_form_notes(previous_decision_notes)
        register_print_variant("review", "复核版", review_print_variant)
