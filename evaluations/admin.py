from django.contrib import admin

from . import changes, services
from .models import Evaluation, FundLine, IndicatorLine, Membership, Region, Unit, Year


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

    def save_model(self, request, obj, form, change):
        old = None
        if change:  # a form moved to another unit or year leaves figures to redo there
            old = Evaluation.objects.filter(pk=obj.pk).values_list("unit_id", "year_id").first()
        super().save_model(request, obj, form, change)
        if old is not None:
            changes.forms_changed([old])

    def delete_model(self, request, obj):
        pair = (obj.unit_id, obj.year_id)
        super().delete_model(request, obj)
        changes.forms_changed([pair])

    def delete_queryset(self, request, queryset):
        pairs = list(queryset.values_list("unit_id", "year_id").distinct())
        super().delete_queryset(request, queryset)
        changes.forms_changed(pairs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The lines and status may have changed here, outside the service's moves: the stored
        # 总分 and 等级 must still be what the form's page shows.
        services.evaluation_figures_store(evaluation_id=form.instance.pk)
