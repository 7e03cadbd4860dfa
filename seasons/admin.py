from django.contrib import admin

from .models import Reminder, Task, TaskLog, TaskUnit


class TaskUnitInline(admin.TabularInline):
    model = TaskUnit
    extra = 0


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "issuer_unit", "deadline", "status"]
    list_filter = ["status", "year"]
    inlines = [TaskUnitInline]


admin.site.register(TaskLog)
admin.site.register(Reminder)
