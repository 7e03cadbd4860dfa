from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = "复核、整改与结果应用"

    def ready(self):
        from evaluations.extensions import register_form_notes, register_print_variant
        from seasons.extensions import register_unit_figure

        from .selectors import overdue_count_per_unit, previous_decision_notes, review_print_variant

        register_form_notes(previous_decision_notes)
        register_print_variant("review", "复核版", review_print_variant)
        # The 填报进度 board shows each unit's overdue 整改 (counted in the board's own query).
        register_unit_figure("rectifications_overdue", overdue_count_per_unit, "整改逾期 {} 项")
