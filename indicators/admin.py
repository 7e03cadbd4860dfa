from django.contrib import admin

from .models import IndicatorDefinition


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(admin.ModelAdmin):
    list_display = ["name", "level1", "level2", "unit", "direction", "typical_target", "active"]
    list_filter = ["level1", "level2", "direction", "field", "active"]
    search_fields = ["name", "level2"]
