from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, nobody edits or deletes it from the admin."""

    list_display = ["created_at", "username", "action", "object_id", "object_label", "ip"]
    list_filter = ["action"]
    search_fields = ["username", "object_label", "=object_id", "ip"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
