from django.contrib import admin

from . import services
from .models import (
    Evaluation,
    FundLine,
    IndicatorLine,
    Membership,
    Region,
    ScoringRuleSet,
    Unit,
    Year,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "kind", "reviews_subregions"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "region__name"]
    autocomplete_fields = ["region"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "phone"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(Year)
class YearAdmin(admin.ModelAdmin):
    list_display = ["year", "deadline", "closed"]


class FundLineInline(admin.TabularInline):
    model = FundLine
    extra = 0
    fields = ["order", "row_key", "label", "budget_initial", "budget", "actual"]


class IndicatorLineInline(admin.TabularInline):
    model = IndicatorLine
    extra = 0
    fields = [
        "order",
        "level1",
        "level2",
        "level3",
        "target",
        "actual",
        "weight",
        "score",
        "deviation",
    ]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["project_name", "unit", "year", "template", "status", "updated_at"]
    list_filter = ["status", "template", "year"]
    search_fields = ["project_name", "unit__name"]
    readonly_fields = ["version", "created_by", "created_at", "updated_by", "updated_at"]
    autocomplete_fields = ["unit"]
    inlines = [FundLineInline, IndicatorLineInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The lines and status may have changed here, outside the service's moves: the stored
        # 总分 and 等级 must still be what the form's page shows.
        services.evaluation_figures_store(evaluation_id=form.instance.pk)


@admin.register(ScoringRuleSet)
class ScoringRuleSetAdmin(admin.ModelAdmin):
    """A region's provincial scoring rules for a year; saved through the service, so the handed-in
    forms beneath it are re-scored and the change is in the audit log."""

    list_display = ("year", "region", "deviation_over_percent", "deviation_penalty", "source")
    list_filter = ("year",)
    exclude = ("updated_at",)

    def save_model(self, request, obj, form, change):
        figures = {
            name: form.cleaned_data[name]
            for name in (
                "deviation_over_percent",
                "deviation_penalty",
                "execution_caps",
                "warning_ahead_percent",
                "warning_unspent_percent",
            )
        }
        saved = services.scoring_rules_set(
            user=request.user,
            region=form.cleaned_data["region"],
            year=form.cleaned_data["year"],
            figures=figures,
            source=form.cleaned_data["source"],
        )
        obj.pk = saved.pk
