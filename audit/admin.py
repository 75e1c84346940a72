from django.contrib import admin

from audit.models import AuditEntry
from core.admin import BureauModelAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(BureauModelAdmin):
    list_display = ["at", "actor", "actor_role", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type", "actor_role"]
    search_fields = ["target_id", "actor__username", "action"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
