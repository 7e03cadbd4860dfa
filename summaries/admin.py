from django.contrib import admin

from .models import BatchExport


@admin.register(BatchExport)
class BatchExportAdmin(admin.ModelAdmin):
    list_display = ("region", "year", "requested_by", "status", "done", "total", "created_at")
    list_filter = ("status", "year")
    readonly_fields = ("evaluation_ids", "task_id", "started_at", "finished_at")
