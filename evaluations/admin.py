from django.contrib import admin

from . import changes, services
from .models import (
    BasicDataLine,
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or "deadline" in form.changed_data:  # counted late against the deadline
            changes.year_changed(obj.pk)


class ReadOnlyAdmin:
    """Shown, never changed: a form, its lines and figures change only through the services,
    which check the workflow and permissions and write the transition log and the audit log.
    No add, change or delete (and so no bulk delete action) here, even for a superuser."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FundLineInline(ReadOnlyAdmin, admin.TabularInline):
    model = FundLine
    extra = 0
    fields = ["order", "row_key", "label", "budget_initial", "budget", "actual"]


class IndicatorLineInline(ReadOnlyAdmin, admin.TabularInline):
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


class BasicDataLineInline(ReadOnlyAdmin, admin.TabularInline):
    model = BasicDataLine
    extra = 0


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["project_name", "unit", "year", "template", "status", "updated_at"]
    list_filter = ["status", "template", "year"]
    search_fields = ["project_name", "unit__name"]
    inlines = [FundLineInline, IndicatorLineInline, BasicDataLineInline]


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
