from django.contrib import admin

from .models import Rectification, RectificationItem, ResultDecision, ResultRule, Review, Sample


@admin.register(ResultRule)
class ResultRuleAdmin(admin.ModelAdmin):
    list_display = ("region", "grade", "action", "change_from", "change_to", "source")


@admin.register(Sample)
class SampleAdmin(admin.ModelAdmin):
    list_display = ("year", "region", "method", "seed", "created_by", "created_at")
    readonly_fields = ("year", "region", "method", "seed", "size", "min_amount", "created_by")


class ItemInline(admin.TabularInline):
    model = RectificationItem
    extra = 0
    readonly_fields = ("status", "answer", "answered_by", "answered_at", "comment", "decided_at")


@admin.register(Rectification)
class RectificationAdmin(admin.ModelAdmin):
    list_display = ("evaluation", "issued_by", "issued_at")
    inlines = [ItemInline]
    raw_id_fields = ("evaluation", "review")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("evaluation", "sample", "reviewer", "status", "self_total", "review_total")
    raw_id_fields = ("evaluation",)


admin.site.register(ResultDecision)
